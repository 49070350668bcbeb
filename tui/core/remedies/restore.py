"""Put the dumped rows back after a reset, in one transaction.

The reset re-applied the migrations, seed rows included, so each restored table is emptied first
(``TRUNCATE`` in the same transaction as the data). Tables the migrations no longer create cannot
take their rows back: they are skipped and named.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

from tui.core.remedies.events import Emit, StepResult, StepStatus, running
from tui.core.remedies.io import connect, libpq_env, run_program, secrets_of, without_password
from tui.core.target import Target

RESTORE_TIMEOUT_S = 600.0
EXISTING_SQL = "SELECT n, to_regclass(n) IS NOT NULL FROM unnest(%s::text[]) AS n"


def data_entries(listing: str) -> list[tuple[str, str, str]]:
    """(kind, schema, name) of the TABLE DATA and SEQUENCE SET lines of ``pg_restore --list``."""
    found = []
    for line in listing.splitlines():
        if line.startswith(";"):
            continue
        for kind in ("TABLE DATA", "SEQUENCE SET"):
            marker = f" {kind} "
            if marker in line:
                parts = line.split(marker, 1)[1].split()
                if len(parts) >= 2:
                    found.append((kind, parts[0], parts[1]))
    return found


def keep_entries(listing: str, existing: set[tuple[str, str]]) -> list[str]:
    """Lines of ``pg_restore --list`` to restore: data and sequence values of what still exists."""
    kept = []
    for line in listing.splitlines():
        if line.startswith(";"):
            continue
        for kind in (" TABLE DATA ", " SEQUENCE SET "):
            if kind in line:
                schema, name = line.split(kind, 1)[1].split()[:2]
                if (schema, name) in existing:
                    kept.append(line)
    return kept


class RestoreStep:
    id = "restore"
    kpi_id: str | None = None
    title = "restore the data from the dump"

    def __init__(self, target: Target, dump_path: Path, *, pg_bindir: Path) -> None:
        self.target = target
        self.dump_path = dump_path
        self.bindir = pg_bindir

    async def run(self, emit: Emit) -> StepResult:
        async with running(self.id, self.title, emit, self.kpi_id) as clock:
            listing = await run_program(
                [str(self.bindir / "pg_restore"), "--list", str(self.dump_path)], timeout=120
            )
            if listing.returncode != 0:
                return clock.result(
                    StepStatus.FAILED, f"pg_restore cannot read the dump: {listing.tail}"
                )
            text = "\n".join(listing.lines)
            entries = data_entries(text)
            tables = [(s, n) for kind, s, n in entries if kind == "TABLE DATA"]
            names = [sql.Identifier(s, n).as_string(None) for _kind, s, n in entries]
            try:
                async with await connect(self.target) as conn:
                    cur = await conn.execute(EXISTING_SQL, (names,))
                    exists = dict(await cur.fetchall())
            except (psycopg.Error, TimeoutError) as exc:
                return clock.result(
                    StepStatus.FAILED, f"cannot reach the database: {type(exc).__name__}"
                )
            present = {
                (s, n) for (_k, s, n), q in zip(entries, names, strict=True) if exists.get(q)
            }
            existing = {t for t in tables if t in present}
            skipped = [f"{s}.{t}" for s, t in tables if (s, t) not in existing]
            if skipped:
                clock.output(f"no longer in the schema, rows not restored: {', '.join(skipped)}")
            with tempfile.TemporaryDirectory(prefix="pgrst-doctor-restore-") as tmp:
                work = Path(tmp)
                (work / "list").write_text("\n".join(keep_entries(text, present)) + "\n")
                data = work / "data.sql"
                made = await run_program(
                    [
                        str(self.bindir / "pg_restore"),
                        "--data-only",
                        "-L",
                        str(work / "list"),
                        "-f",
                        str(data),
                        str(self.dump_path),
                    ],
                    timeout=RESTORE_TIMEOUT_S,
                )
                if made.returncode != 0:
                    return clock.result(StepStatus.FAILED, f"pg_restore failed: {made.tail}")
                truncate = sql.SQL("TRUNCATE {} RESTART IDENTITY;\n").format(
                    sql.SQL(", ").join(sql.Identifier(s, t) for s, t in sorted(existing))
                )
                (work / "truncate.sql").write_text(truncate.as_string(None) if existing else "")
                os.chmod(tmp, 0o700)
                argv = [
                    str(self.bindir / "psql"),
                    "-X",
                    "-q",
                    "-o",
                    os.devnull,
                    "--single-transaction",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-f",
                    str(work / "truncate.sql"),
                    "-f",
                    str(data),
                    "-d",
                    without_password(self.target.db_url),
                ]
                done = await run_program(
                    argv,
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
                f"restored {len(existing)} tables in one transaction"
                + (f"; skipped {len(skipped)}" if skipped else ""),
                details={"restored": sorted(f"{s}.{t}" for s, t in existing), "skipped": skipped},
            )
