"""No write lost between the dump and the drop: other sessions cannot change a row from before
the dump is taken until the reset holds (or has dropped) every table.

1. ``freeze``: the guard's session locks every user table ``IN EXCLUSIVE MODE`` in one
   transaction, before the dump starts. Reads go on (the dump's ``ACCESS SHARE`` included);
   every ``INSERT``/``UPDATE``/``DELETE`` waits, unacknowledged. The dump's snapshot comes
   after the locks, so it holds every committed row, and no row changes after it.
2. ``hand_over``: the reset command starts and its first ``DROP`` waits on our locks. Then,
   from a maintenance session (``postgres`` / ``template1``: PostgreSQL refuses to close the
   current database), ``ALLOW_CONNECTIONS false``; every other client session of the database
   is terminated (the waiting writers get an error: nothing acknowledged is lost); our
   transaction ends, and the reset's ``DROP``, first in every lock queue, proceeds. When each
   table is dropped or held by the reset, connections are allowed again.

A writer therefore either commits before the dump (its row is in the dump) or gets an error.
Connections the reset command opens after its first drop are refused until its locks cover
every table (Supabase CLI 3.1.0 works on one connection). Every exit path (failure,
cancellation by a signal) ends our transaction and restores ``ALLOW_CONNECTIONS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from tui.core.errors import GuardRefused
from tui.core.probes.base import one_line
from tui.core.remedies.io import connect
from tui.core.target import Target

LOCK_WAIT_S = 10.0  # a long transaction holding a table: refuse rather than wait for ever
POLL_S = 0.02
MAINTENANCE_DBS = ("postgres", "template1")
TABLES_SQL = """
SELECT c.oid::bigint, n.nspname, c.relname FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp_)'
ORDER BY c.oid
"""
# backends waiting to drop/alter a table we hold: the reset's (or a DDL that drops no row)
DROPPERS_SQL = """
SELECT DISTINCT l.pid FROM pg_locks l
WHERE NOT l.granted AND l.mode = 'AccessExclusiveLock' AND l.locktype = 'relation'
  AND %s = ANY(pg_blocking_pids(l.pid))
"""
OTHERS_SQL = """
SELECT pid FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend'
  AND pid <> pg_backend_pid() AND NOT (pid = ANY(%s))
  AND coalesce(application_name, '') NOT LIKE %s
"""
UNCOVERED_SQL = """
SELECT count(*) FROM unnest(%s::bigint[]) AS t(oid)
WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.oid::oid)
  AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'relation' AND l.granted
                  AND l.relation = t.oid::oid AND l.mode = 'AccessExclusiveLock'
                  AND l.pid <> %s)
"""


class WriteFence:
    """Held by the reset from before its dump to its drop (see the module docstring)."""

    def __init__(self, target: Target, conn: psycopg.AsyncConnection, keep_prefix: str) -> None:
        self.target = target
        self.conn = conn  # the guard's session in the target database
        self.keep_prefix = keep_prefix  # application_name prefix of our own sessions
        self.tables: list[int] = []
        self.database = ""
        self.maintenance: psycopg.AsyncConnection | None = None
        self.closed = False  # ALLOW_CONNECTIONS false is in force
        self.frozen = False

    async def freeze(self) -> str:
        """Lock every user table against writes; returns a line for the step output."""
        conn = self.conn
        self.database = (await (await conn.execute("SELECT current_database()")).fetchone())[0]  # type: ignore[index]
        self.maintenance = await self._maintenance()
        await conn.execute("BEGIN")
        self.frozen = True
        for setting, seconds in (("lock_timeout", LOCK_WAIT_S), ("statement_timeout", 60.0)):
            await conn.execute(
                sql.SQL("SET LOCAL {} = {}").format(
                    sql.Identifier(setting), sql.Literal(f"{seconds:g}s")
                )
            )
        rows = await (await conn.execute(TABLES_SQL)).fetchall()
        self.tables = [int(r[0]) for r in rows]
        if rows:
            names = sql.SQL(", ").join(sql.Identifier(r[1], r[2]) for r in rows)
            try:
                await conn.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(names))
            except psycopg.errors.LockNotAvailable:
                raise GuardRefused(
                    "reset refused: another session holds a table for more than "
                    f"{LOCK_WAIT_S:g}s (a long transaction?); nothing was dropped"
                ) from None
            except psycopg.Error as exc:  # e.g. a login that may not lock (or dump) a table
                raise GuardRefused(
                    f"reset refused: cannot hold writers off ({one_line(exc, self.target)}); "
                    "nothing was dropped"
                ) from None
        return f"writes held: {len(rows)} tables locked against writes until the reset drops them"

    async def _maintenance(self) -> psycopg.AsyncConnection:
        """A session in another database of the server: only from there can the target's
        connections be closed. No such session, no fence, no reset."""
        for dbname in MAINTENANCE_DBS:
            if dbname == self.database:
                continue
            other = _with_db(self.target, dbname)
            with contextlib.suppress(psycopg.Error, OSError, TimeoutError):
                return await connect(other)
        raise GuardRefused(
            "reset refused: cannot open a session in the postgres or template1 database to keep "
            "writers out during the reset; nothing was dropped"
        )

    async def hand_over(self, reset: asyncio.Task[Any], emit_line: Any) -> None:
        """Wait until the reset waits on our locks (or ends), close the door, end our hold."""
        conn = self.conn
        pid = conn.info.backend_pid
        droppers: list[int] = []
        while not reset.done():
            cur = await conn.execute(DROPPERS_SQL, (pid,))
            droppers = [int(r[0]) for r in await cur.fetchall()]
            if droppers:
                break
            await asyncio.sleep(POLL_S)
        if droppers:
            await self._close_door()
            others = await self._terminate(droppers)
            emit_line(
                f"the reset waits on our locks: connections closed, {others} other sessions "
                "ended (their writes were never acknowledged)"
            )
        await self._end_hold()
        if self.closed:
            deadline = time.monotonic() + 600
            while not reset.done() and time.monotonic() < deadline:
                if not await self._uncovered(pid):
                    break
                await asyncio.sleep(POLL_S)
            await self._open_door()
            emit_line("every table is dropped or held by the reset: connections allowed again")

    async def _close_door(self) -> None:
        assert self.maintenance is not None
        await self.maintenance.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(
                sql.Identifier(self.database)
            )
        )
        self.closed = True

    async def _open_door(self) -> None:
        if not self.closed or self.maintenance is None:
            return
        await self.maintenance.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(
                sql.Identifier(self.database)
            )
        )
        self.closed = False

    async def _terminate(self, keep: list[int]) -> int:
        """End every other client session of the database (ours and the reset's stay)."""
        ended: set[int] = set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cur = await self.conn.execute(OTHERS_SQL, (keep, self.keep_prefix + "%"))
            pids = [int(r[0]) for r in await cur.fetchall()]
            if not pids:
                break
            for other in pids:
                await self.conn.execute("SELECT pg_terminate_backend(%s)", (other,))
                ended.add(other)
            await asyncio.sleep(POLL_S)
        return len(ended)

    async def _uncovered(self, pid: int) -> int:
        cur = await self.conn.execute(UNCOVERED_SQL, (self.tables, pid))
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _end_hold(self) -> None:
        if self.frozen:
            self.frozen = False
            await self.conn.execute("COMMIT")

    async def release(self) -> None:
        """Every exit path: end our transaction, allow connections again, close."""
        with contextlib.suppress(psycopg.Error, OSError, TimeoutError):
            if self.frozen:
                self.frozen = False
                await self.conn.execute("ROLLBACK")
        with contextlib.suppress(psycopg.Error, OSError, TimeoutError):
            await self._open_door()
        if self.maintenance is not None:
            with contextlib.suppress(psycopg.Error, OSError):
                await self.maintenance.close()


def _with_db(target: Target, dbname: str) -> Target:
    from dataclasses import replace

    return replace(target, db_url=make_conninfo(target.db_url, dbname=dbname))
