"""Put a pre-reset dump back. The file is checked against its manifest's sha256 first: a swapped
or altered dump is refused before anything is touched.

Two ways, one per situation:

- ``RestoreStep``: the exact pre-reset database. ``pg_restore --clean --if-exists`` of the full
  dump, schema and rows, run by ``psql`` in one transaction: every object of the dump is
  dropped (if the reset re-created it) and re-created as it was, so a column the migrations
  never had comes back with its values; any error rolls everything back.
- ``RowsRestoreStep``: after a ``--keep-unmigrated`` reset the schema already matches the dump,
  so only the rows go back, into the tables the migrations re-created (seed rows replaced).
  A table whose rows will not load as a whole is loaded row by row, and every row that still
  cannot be restored is named, one by one; all other rows are kept.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from tui.core.errors import GuardRefused
from tui.core.remedies.copytext import CopyBlock, key, read_data_section
from tui.core.remedies.dump import check_manifest, listing_of
from tui.core.remedies.events import Emit, StepClock, StepResult, StepStatus, running
from tui.core.remedies.io import connect, libpq_env, run_program, secrets_of, without_password
from tui.core.target import Target

RESTORE_TIMEOUT_S = 600.0
SHOWN_ROW_CHARS = 120  # a failed row is named by its first characters (its key comes first)


def verified_dump(dump: Path) -> None:
    """Raise GuardRefused (exit 4) unless the dump is the file its manifest describes."""
    problem = check_manifest(dump)
    if problem:
        raise GuardRefused(f"restore refused: {problem}; nothing was touched")


class _FromDump:
    """A step that reads a verified dump: nothing is touched unless the manifest agrees."""

    id = "restore"
    kpi_id: str | None = None
    title = ""

    def __init__(self, target: Target, dump_path: Path, *, pg_bindir: Path) -> None:
        self.target = target
        self.dump_path = dump_path
        self.bindir = pg_bindir

    async def run(self, emit: Emit) -> StepResult:
        async with running(self.id, self.title, emit, self.kpi_id) as clock:
            problem = check_manifest(self.dump_path)
            if problem:
                return clock.result(StepStatus.REFUSED, f"{problem}; nothing was touched")
            return await self._run(clock)

    async def _run(self, clock: StepClock) -> StepResult:
        raise NotImplementedError

    async def _script(self, out: Path, *flags: str) -> str | None:
        """The dump as SQL (``pg_restore FLAGS -f out``) in a private folder; the error or None."""
        argv = [str(self.bindir / "pg_restore"), *flags, "-f", str(out), str(self.dump_path)]
        made = await run_program(argv, timeout=RESTORE_TIMEOUT_S)
        return None if made.returncode == 0 else f"pg_restore failed: {made.tail}"


class RestoreStep(_FromDump):
    """The exact pre-reset database: schema and rows, one transaction."""

    title = "restore the pre-reset database from the dump (schema and rows)"

    async def _run(self, clock: StepClock) -> StepResult:
        if await listing_of(self.dump_path, self.bindir) is None:
            return clock.result(StepStatus.FAILED, "pg_restore cannot read the dump")
        with tempfile.TemporaryDirectory(prefix="pgrst-doctor-restore-") as tmp:
            os.chmod(tmp, 0o700)
            script = Path(tmp) / "restore.sql"
            failed = await self._script(script, "--clean", "--if-exists")
            if failed:
                return clock.result(StepStatus.FAILED, failed)
            done = await run_program(
                [
                    str(self.bindir / "psql"),
                    "-X",
                    "-q",
                    "-o",
                    os.devnull,
                    "--single-transaction",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-f",
                    str(script),
                    "-d",
                    without_password(self.target.db_url),
                ],
                timeout=RESTORE_TIMEOUT_S,
                on_line=clock.output,
                secrets=secrets_of(self.target),
                env=libpq_env(self.target.db_url),
            )
        if done.returncode != 0:
            error = next((ln for ln in done.lines if "ERROR" in ln), done.tail)
            return clock.result(StepStatus.FAILED, f"restore failed, rolled back: {error}")
        return clock.result(
            StepStatus.OK,
            "restored the pre-reset database (schema and rows) in one transaction",
            details={"dump": str(self.dump_path), "mode": "exact"},
        )


@dataclass
class RowsRestored:
    tables: dict[str, int] = field(default_factory=dict)  # rows restored per table
    skipped_tables: list[str] = field(default_factory=list)  # no longer in the schema
    failed_rows: list[dict[str, str]] = field(default_factory=list)  # table, row, error

    def to_json(self) -> dict[str, Any]:
        return {
            "restored": self.tables,
            "skipped": self.skipped_tables,
            "failed_rows": self.failed_rows,
        }


class RowsRestoreStep(_FromDump):
    """The dumped rows into the re-created schema; what cannot go back is named row by row."""

    title = "restore the dumped rows"

    async def _run(self, clock: StepClock) -> StepResult:
        with tempfile.TemporaryDirectory(prefix="pgrst-doctor-rows-") as tmp:
            os.chmod(tmp, 0o700)
            data = Path(tmp) / "data.sql"
            failed = await self._script(data, "--data-only")
            if failed:
                return clock.result(StepStatus.FAILED, failed)
            with data.open(encoding="utf-8", newline="\n") as fh:
                section = read_data_section(iter(fh))
        try:
            result = await self._load(section)
        except (psycopg.Error, TimeoutError) as exc:
            return clock.result(
                StepStatus.FAILED, f"restore failed, rolled back: {type(exc).__name__}: {exc}"
            )
        if result.skipped_tables:
            clock.output(
                "no longer in the schema, rows not restored: " + ", ".join(result.skipped_tables)
            )
        for lost_row in result.failed_rows:
            clock.output(
                f"row not restored: {lost_row['table']}: {lost_row['row']} ({lost_row['error']})"
            )
        rows = sum(result.tables.values())
        summary = f"restored {rows} rows in {len(result.tables)} tables"
        if result.failed_rows:
            summary += f"; {len(result.failed_rows)} rows could not be restored (named above)"
        if result.skipped_tables:
            summary += f"; skipped {len(result.skipped_tables)} tables"
        lost = result.failed_rows or result.skipped_tables
        return clock.result(
            StepStatus.FAILED if lost else StepStatus.OK, summary, details=result.to_json()
        )

    async def _load(self, section: Any) -> RowsRestored:
        result = RowsRestored()
        async with await connect(self.target, timeout=max(self.target.timeout, 30.0)) as conn:
            await conn.execute("SET statement_timeout = 0")
            async with conn.transaction():
                await _quiet_triggers(conn)
                present = await _existing(conn, [b.table for b in section.blocks])
                blocks = [b for b in section.blocks if b.table in present]
                result.skipped_tables = [
                    key(*b.table) for b in section.blocks if b.table not in present
                ]
                if blocks:
                    names = sql.SQL(", ").join(sql.Identifier(*b.table) for b in blocks)
                    await conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY").format(names))
                for block in blocks:
                    result.tables[key(*block.table)] = await _load_block(conn, block, result)
                for statement in section.statements:
                    await conn.execute(statement)
        return result


async def _quiet_triggers(conn: psycopg.AsyncConnection) -> None:
    """Restored rows are not new events: user triggers (audit, ...) stay quiet where the role
    may say so (replica mode needs a superuser); foreign keys are deferred to the end."""
    try:
        async with conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
    except psycopg.errors.InsufficientPrivilege:
        pass
    await conn.execute("SET CONSTRAINTS ALL DEFERRED")


async def _existing(
    conn: psycopg.AsyncConnection, tables: list[tuple[str, str]]
) -> set[tuple[str, str]]:
    cur = await conn.execute(
        """SELECT q.s, q.n FROM unnest(%s::text[], %s::text[]) AS q(s, n)
           JOIN pg_namespace ns ON ns.nspname = q.s
           JOIN pg_class c ON c.relnamespace = ns.oid AND c.relname = q.n""",
        ([t[0] for t in tables], [t[1] for t in tables]),
    )
    return {(s, n) for s, n in await cur.fetchall()}


async def _copy(conn: psycopg.AsyncConnection, header: str, rows: list[str]) -> None:
    async with conn.cursor() as cur, cur.copy(header) as copy:
        for row in rows:
            await copy.write(row + "\n")


async def _load_block(conn: psycopg.AsyncConnection, block: CopyBlock, out: RowsRestored) -> int:
    """All rows at once; if that fails, one by one, each failure named."""
    try:
        async with conn.transaction():
            await _copy(conn, block.header, block.rows)
        return len(block.rows)
    except psycopg.Error:
        pass
    loaded = 0
    for row in block.rows:
        try:
            async with conn.transaction():
                await _copy(conn, block.header, [row])
            loaded += 1
        except psycopg.Error as exc:
            error = (exc.diag.message_primary or type(exc).__name__)[:200]
            out.failed_rows.append(
                {"table": key(*block.table), "row": row[:SHOWN_ROW_CHARS], "error": error}
            )
    return loaded
