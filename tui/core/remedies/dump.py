"""The pre-reset dump: the whole database, schema and rows (``pg_dump -Fc``), taken before
anything is dropped, verified, hashed, 0600, with a manifest beside it.

Full, not data-only: a restore must put back objects the migrations never had (a column added
with psql), and the rows that live in them. Verified means: ``pg_restore --list`` parses it,
and every table that held rows has rows in the dump (counted by decoding the COPY blocks, per
leaf table, so partitions and names with blanks count like any other). No verified dump, no
reset.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from tui.core.remedies.copytext import CopyCounter, key
from tui.core.remedies.events import (
    Emit,
    KpiFigure,
    StepClock,
    StepResult,
    StepStatus,
    running,
)
from tui.core.remedies.io import connect, libpq_env, run_program, secrets_of, without_password
from tui.core.target import Target

DUMP_TIMEOUT_S = 600.0
# Supabase-managed schemas: recreated by the platform, not the user's data (the CLI skips them too)
MANAGED_SCHEMAS = (
    "supabase_migrations",
    "supabase_functions",
    "extensions",
    "graphql",
    "graphql_public",
    "net",
    "pgsodium",
    "pgsodium_masks",
    "vault",
    "realtime",
    "_realtime",
    "_analytics",
    "pgbouncer",
    "cron",
)
TABLES_SQL = """
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
  AND n.nspname <> ALL(%s)
ORDER BY 1, 2
"""
ESTIMATE_SQL = """
SELECT greatest(c.reltuples, 0)::bigint FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s
"""
MANIFEST_SUFFIX = ".manifest.json"


def new_session_dir() -> Path:
    """A session folder of our own when no journal gave one (same place the journal uses)."""
    from tui.core.transcript.journal import new_session_id, sessions_root

    root = sessions_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = root / new_session_id(root, datetime.now(UTC))
    path.mkdir(mode=0o700)
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


async def count_rows(target: Target) -> dict[str, int]:
    """Exact rows per user table (the dump must hold rows wherever these are > 0)."""
    async with await connect(target, timeout=max(target.timeout, 30.0)) as conn:
        cur = await conn.execute(TABLES_SQL, (list(MANAGED_SCHEMAS),))
        counts = {}
        for schema, table in await cur.fetchall():
            query = sql.SQL("SELECT count(*) FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            try:
                row = await (await conn.execute(query)).fetchone()
            except psycopg.errors.InsufficientPrivilege:
                continue  # pg_dump will fail on it and say so
            except psycopg.errors.QueryCanceled:  # too big to count in time: the estimate
                row = await (await conn.execute(ESTIMATE_SQL, (schema, table))).fetchone()
            counts[key(schema, table)] = int(row[0]) if row else 0
        return counts


@dataclass
class Dump:
    path: Path
    tool: str = "pg_dump"
    format: str = "custom"  # pg_dump -Fc: schema and data
    sha256: str = ""
    bytes: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # rows found in the dump, per table
    manifest: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "tool": self.tool,
            "format": self.format,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "rows": self.rows,
            "manifest": str(self.manifest) if self.manifest else None,
        }


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


def check_manifest(dump: Path) -> str | None:
    """Why this file may not be restored (no manifest, or not the file it describes); None
    when its sha256 is the one recorded when the dump was verified."""
    manifest = manifest_path(dump)
    try:
        recorded = json.loads(manifest.read_text()).get("sha256")
    except (OSError, ValueError, AttributeError):
        return f"no readable manifest beside the dump ({manifest.name}): cannot verify it"
    if not isinstance(recorded, str) or not recorded:
        return f"the manifest {manifest.name} records no sha256"
    actual = sha256_of(dump)
    if actual != recorded:
        return (
            f"the dump's sha256 {actual[:16]}… is not the {recorded[:16]}… its manifest "
            "recorded: the file was changed or swapped"
        )
    return None


async def listing_of(dump: Path, bindir: Path) -> str | None:
    """``pg_restore --list`` of the dump, None when it cannot be read as a dump."""
    done = await run_program([str(bindir / "pg_restore"), "--list", str(dump)], timeout=120)
    return "\n".join(done.lines) if done.returncode == 0 else None


class DumpStep:
    id = "dump"
    kpi_id: str | None = "data_dump"
    title = "full dump before the reset: schema and rows (verified, sha256)"

    def __init__(self, target: Target, *, out_dir: Path, pg_bindir: Path) -> None:
        self.target = target
        self.out_dir = out_dir
        self.bindir = pg_bindir
        self.dump: Dump | None = None

    async def run(self, emit: Emit) -> StepResult:
        async with running(self.id, self.title, emit, self.kpi_id) as clock:
            stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
            path = self.out_dir / f"dump-{self.target.db_name}-{stamp}.pgdump"
            try:
                before = await count_rows(self.target)
            except (psycopg.Error, TimeoutError) as exc:
                return clock.result(
                    StepStatus.FAILED, f"cannot count rows before the dump: {type(exc).__name__}"
                )
            try:
                self._prepare(path)
            except OSError as exc:
                return clock.result(
                    StepStatus.FAILED, f"cannot write the dump to {self.out_dir}: {exc.strerror}"
                )
            dump = await self._pg_dump(path, clock)
            if isinstance(dump, str):
                return clock.result(StepStatus.FAILED, dump)
            problem = await self._verify(dump, before, clock)
            if problem:
                path.unlink(missing_ok=True)
                return clock.result(StepStatus.FAILED, f"the dump did not verify: {problem}")
            dump.sha256 = sha256_of(dump.path)
            dump.bytes = dump.path.stat().st_size
            try:
                dump.manifest = self._write_manifest(dump, before)
            except OSError as exc:
                path.unlink(missing_ok=True)
                return clock.result(
                    StepStatus.FAILED, f"cannot write the dump's manifest: {exc.strerror}"
                )
            self.dump = dump
            figure = clock.kpi(KpiFigure.measure("data_dump", clock.elapsed))
            clock.output(f"{dump.path} ({dump.bytes} bytes) sha256 {dump.sha256}")
            return clock.result(
                StepStatus.OK,
                f"verified full dump: schema and {len(dump.rows)} tables, "
                f"{sum(dump.rows.values())} rows",
                kpis=[figure],
                details=dump.to_json(),
            )

    def _prepare(self, path: Path) -> None:
        self.out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)

    async def _pg_dump(self, path: Path, clock: StepClock) -> Dump | str:
        argv = [str(self.bindir / "pg_dump"), "-Fc", "-f", str(path)]
        for schema in MANAGED_SCHEMAS:
            argv += ["--exclude-schema", schema]
        argv += ["-d", without_password(self.target.db_url)]
        clock.output("$ pg_dump -Fc (schema and data; managed schemas excluded)")
        try:
            done = await run_program(
                argv,
                timeout=DUMP_TIMEOUT_S,
                secrets=secrets_of(self.target),
                env=libpq_env(self.target.db_url),
                on_line=clock.output,
            )
        except BaseException:
            path.unlink(missing_ok=True)  # Ctrl+C: no half dump left behind, nothing dropped
            raise
        if done.returncode != 0:
            path.unlink(missing_ok=True)
            return f"pg_dump failed: {done.tail}"
        os.chmod(path, 0o600)
        return Dump(path)

    async def _verify(self, dump: Dump, before: dict[str, int], clock: StepClock) -> str | None:
        if dump.path.stat().st_size == 0:
            return "the file is empty"
        listing = await listing_of(dump.path, self.bindir)
        if listing is None:
            return "pg_restore --list cannot read it"
        entries = sum(1 for ln in listing.splitlines() if ln and not ln.startswith(";"))
        clock.output(f"pg_restore --list: {entries} entries")
        counter = CopyCounter()
        text = await run_program(
            [str(self.bindir / "pg_restore"), "--data-only", "-f", "-", str(dump.path)],
            timeout=DUMP_TIMEOUT_S,
            on_line=counter,
            keep=5,
        )
        if text.returncode != 0:
            return f"pg_restore cannot decode it: {text.tail}"
        dump.rows = counter.counts
        missing = [t for t, n in before.items() if n > 0 and dump.rows.get(t, 0) == 0]
        if missing:
            return f"tables with rows but none in the dump: {', '.join(missing[:5])}"
        return None

    def _write_manifest(self, dump: Dump, before: dict[str, int]) -> Path:
        path = manifest_path(dump.path)
        data = {
            **dump.to_json(),
            "rows_before": before,
            "created": time.time(),
            "database": self.target.db_name,
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, indent=2)
        return path
