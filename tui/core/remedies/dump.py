"""The pre-reset data dump: taken before anything is dropped, verified, hashed, 0600.

``supabase db dump --data-only`` where it works (it needs Docker), else ``pg_dump -Fc
--data-only``. Verified means: ``pg_restore --list`` parses it, and every table that held rows
has rows in the dump (counted by decoding the COPY blocks). No verified dump, no reset.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from tui.core.remedies.events import Emit, KpiFigure, StepResult, StepStatus, running
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
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
  AND n.nspname <> ALL(%s)
ORDER BY 1, 2
"""
ESTIMATE_SQL = """
SELECT greatest(c.reltuples, 0)::bigint FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s
"""
DOCKER_MISSING = "Cannot connect to the Docker daemon"


def new_session_dir() -> Path:
    """A session folder of our own when no journal gave one (same place the journal uses)."""
    from tui.core.transcript.journal import sessions_root

    root = sessions_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = root / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    path.mkdir(mode=0o700)
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_data_entries(listing: str) -> list[tuple[str, str]]:
    """(schema, table) of each ``TABLE DATA`` line of ``pg_restore --list``."""
    found = []
    for line in listing.splitlines():
        if line.startswith(";") or " TABLE DATA " not in line:
            continue
        parts = line.split(" TABLE DATA ", 1)[1].split()
        if len(parts) >= 2:
            found.append((parts[0], parts[1]))
    return found


class CopyCounter:
    """Rows per table in SQL text, fed line by line: ``COPY schema.table (...) FROM stdin;``
    blocks ending in ``\\.`` (so a large dump is counted without holding it in memory)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self._current: str | None = None

    def __call__(self, line: str) -> None:
        if self._current is None:
            if line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
                self._current = line.split()[1].replace('"', "")
                self.counts[self._current] = 0
        elif line == "\\.":
            self._current = None
        else:
            self.counts[self._current] += 1


def copy_row_counts(lines: list[str]) -> dict[str, int]:
    counter = CopyCounter()
    for line in lines:
        counter(line)
    return counter.counts


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
            counts[f"{schema}.{table}"] = int(row[0]) if row else 0
        return counts


@dataclass
class Dump:
    path: Path
    tool: str  # "supabase db dump" or "pg_dump"
    format: str  # "custom" or "plain"
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


class DumpStep:
    id = "dump"
    kpi_id: str | None = "data_dump"
    title = "data dump before the reset (verified, sha256)"

    def __init__(
        self, target: Target, *, out_dir: Path, pg_bindir: Path, cli: str | None = None
    ) -> None:
        self.target = target
        self.out_dir = out_dir
        self.bindir = pg_bindir
        self.cli = cli
        self.dump: Dump | None = None

    async def run(self, emit: Emit) -> StepResult:
        async with running(self.id, self.title, emit, self.kpi_id) as clock:
            stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
            base = self.out_dir / f"dump-{self.target.db_name}-{stamp}"
            try:
                before = await count_rows(self.target)
            except (psycopg.Error, TimeoutError) as exc:
                return clock.result(
                    StepStatus.FAILED, f"cannot count rows before the dump: {type(exc).__name__}"
                )
            dump: Dump | None = None
            if self.cli:
                dump = await self._supabase(base.with_suffix(".sql"), clock)
            if dump is None:
                dump = await self._pg_dump(base.with_suffix(".pgdump"), clock)
            if isinstance(dump, str):
                return clock.result(StepStatus.FAILED, dump)
            problem = await self._verify(dump, before, clock)
            if problem:
                return clock.result(StepStatus.FAILED, f"the dump did not verify: {problem}")
            dump.sha256 = sha256_of(dump.path)
            dump.bytes = dump.path.stat().st_size
            dump.manifest = self._write_manifest(dump, before)
            self.dump = dump
            figure = clock.kpi(KpiFigure.measure("data_dump", clock.elapsed))
            clock.output(f"{dump.path} ({dump.bytes} bytes) sha256 {dump.sha256}")
            return clock.result(
                StepStatus.OK,
                f"verified dump of {len(dump.rows)} tables, {sum(dump.rows.values())} rows",
                kpis=[figure],
                details=dump.to_json(),
            )

    def _prepare(self, path: Path) -> None:
        self.out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)

    async def _supabase(self, path: Path, clock: Any) -> Dump | None:
        self._prepare(path)
        argv = [
            self.cli,
            "db",
            "dump",
            "--data-only",
            "--db-url",
            without_password(self.target.db_url),  # argv is visible to every local user (ps)
            "-f",
            str(path),
        ]
        try:
            done = await run_program(
                argv,
                timeout=DUMP_TIMEOUT_S,
                secrets=secrets_of(self.target),
                env=libpq_env(self.target.db_url),
            )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        if done.returncode == 0 and path.stat().st_size > 0:
            os.chmod(path, 0o600)
            return Dump(path, "supabase db dump", "plain")
        path.unlink(missing_ok=True)
        if any(DOCKER_MISSING in line for line in done.lines):
            clock.output(
                "supabase db dump needs Docker (not running here): falling back to pg_dump"
            )
        else:
            clock.output(f"supabase db dump failed ({done.tail}): falling back to pg_dump")
        return None

    async def _pg_dump(self, path: Path, clock: Any) -> Dump | str:
        self._prepare(path)
        argv = [str(self.bindir / "pg_dump"), "--data-only", "-Fc", "-f", str(path)]
        for schema in MANAGED_SCHEMAS:
            argv += ["--exclude-schema", schema]
        argv += ["-d", without_password(self.target.db_url)]
        clock.output("$ pg_dump --data-only -Fc (managed schemas excluded)")
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
        return Dump(path, "pg_dump", "custom")

    async def _verify(self, dump: Dump, before: dict[str, int], clock: Any) -> str | None:
        if dump.path.stat().st_size == 0:
            return "the file is empty"
        if dump.format == "custom":
            listing = await run_program(
                [str(self.bindir / "pg_restore"), "--list", str(dump.path)], timeout=120
            )
            if listing.returncode != 0:
                return f"pg_restore --list cannot read it: {listing.tail}"
            clock.output(
                f"pg_restore --list: {len(table_data_entries(chr(10).join(listing.lines)))} tables"
            )
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
        else:
            lines = dump.path.read_text(errors="replace").splitlines()
            dump.rows = copy_row_counts(lines)
        missing = [t for t, n in before.items() if n > 0 and dump.rows.get(t, 0) == 0]
        if missing and dump.format == "plain":
            text = "\n".join(lines)
            missing = [t for t in missing if t.split(".", 1)[1] not in text]
        if missing:
            return f"tables with rows but none in the dump: {', '.join(missing[:5])}"
        return None

    def _write_manifest(self, dump: Dump, before: dict[str, int]) -> Path:
        path = dump.path.with_suffix(dump.path.suffix + ".manifest.json")
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
