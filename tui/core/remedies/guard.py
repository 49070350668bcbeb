"""The destructive steps' hold on their database: the confirmed name checked on the very
connection libpq makes, and one reset or restore per database at a time.

``TargetGuard`` opens one session to the target and keeps it from the dump to the end of the
restore. Through it:

- the typed name is compared with ``current_database()`` (not with the URL's path: ``?dbname=``
  and ``PGDATABASE`` decide where libpq goes), and the identity with the diagnosis' one;
- a session-level advisory lock keyed by the database's OID, plus a local lock file keyed by
  the cluster's system identifier and that OID, refuse a second reset/restore of the same
  database (exit 4) for as long as this one runs; both vanish with the process if it dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import psycopg

from tui.core.conninfo import remote_hosts
from tui.core.errors import GuardRefused, UsageError
from tui.core.remedies.fingerprint import Fingerprint, differences, read_from
from tui.core.remedies.io import connect
from tui.core.target import Target

# advisory lock key: a constant class (bytes "pgrd") in the high 32 bits, the database OID low
LOCK_CLASS = 0x70677264
TRY_LOCK_SQL = "SELECT pg_try_advisory_lock(%s::bigint * 4294967296 + %s::bigint)"
UNLOCK_SQL = "SELECT pg_advisory_unlock(%s::bigint * 4294967296 + %s::bigint)"
HOLDER_SQL = """
SELECT a.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)
WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s::bigint::oid
  AND l.objid = %s::bigint::oid AND l.objsubid = 1 AND l.database = %s::oid
LIMIT 1
"""
APP_PREFIX = "pgrst-doctor-guard"


def check_remote(target: Target, what: str, allow_remote: bool, confirm_host: str | None) -> None:
    """Refuse unless every host libpq may dial is this machine, or the remote hosts were
    allowed and typed (``--confirm-host``, comma-separated when there are several)."""
    try:
        remote = remote_hosts(target.db_url)
    except UsageError as exc:
        raise GuardRefused(f"{what} refused: cannot read the database URL: {exc}") from None
    if not remote:
        return
    shown = ",".join(h[:80] for h in remote)
    if not allow_remote:
        raise GuardRefused(
            f"{what} refused: {shown} is not this machine; add --allow-remote --confirm-host {shown}"
        )
    if (confirm_host or "") != ",".join(remote):
        raise GuardRefused(f"{what} refused: --confirm-host must be the database host {shown}")


def _lock_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"pgrst-doctor-{os.geteuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


class TargetGuard:
    """``async with TargetGuard(target, typed, what) as guard``: the confirmed database, held.

    Re-entrant in one process (``reset --restore`` holds it around both steps).
    """

    _held: dict[tuple[str, int], int] = {}

    def __init__(
        self,
        target: Target,
        typed: str,
        what: str = "reset",
        *,
        seen: Fingerprint | dict[str, Any] | None = None,
    ) -> None:
        self.target = target
        self.typed = typed
        self.what = what
        self.seen = seen
        self.app_name = f"{APP_PREFIX}-{secrets.token_hex(4)}"
        self.conn: psycopg.AsyncConnection | None = None
        self.fingerprint: Fingerprint | None = None
        self.key: tuple[str, int] | None = None
        self._file: Any = None
        self._stack = contextlib.AsyncExitStack()

    async def __aenter__(self) -> TargetGuard:
        try:
            await self._enter()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    async def _enter(self) -> None:
        try:
            conn = await connect(self.target, timeout=max(self.target.timeout, 5.0))
        except (psycopg.Error, OSError, TimeoutError) as exc:
            raise GuardRefused(
                f"{self.what} refused: cannot connect to the database ({type(exc).__name__})"
            ) from None
        self._stack.push_async_callback(conn.close)
        self.conn = conn
        await conn.execute("SELECT set_config('application_name', %s, false)", (self.app_name,))
        now = self.fingerprint = await read_from(conn)
        if now.database != self.typed:
            raise GuardRefused(
                f"{self.what} refused: the connection reaches database {now.database!r}, not the "
                f"confirmed {self.typed[:80]!r} (check ?dbname=, PGDATABASE, the service file)"
            )
        if self.seen is not None and (changed := differences(self.seen, now)):
            raise GuardRefused(
                f"{self.what} refused: the target changed since the diagnosis ("
                + "; ".join(changed)
                + ")"
            )
        key = (now.system_identifier or f"port{now.port}", int(now.database_oid or 0))
        self.key = key
        if key in self._held:
            self._held[key] += 1
            self._stack.callback(self._release_nested, key)
            return
        self._lock_file(key)
        await self._server_lock(conn, key)
        self._held[key] = 1
        self._stack.callback(self._held.pop, key, None)

    def _release_nested(self, key: tuple[str, int]) -> None:
        self._held[key] -= 1

    def _lock_file(self, key: tuple[str, int]) -> None:
        path = _lock_dir() / f"db-{key[0]}-{key[1]}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise GuardRefused(
                f"{self.what} refused: another reset or restore of database {key_name(self)} "
                f"runs on this machine (pid {holder}); wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._stack.callback(os.close, fd)  # closing drops the flock

    async def _server_lock(self, conn: psycopg.AsyncConnection, key: tuple[str, int]) -> None:
        oid = key[1]
        row = await (await conn.execute(TRY_LOCK_SQL, (LOCK_CLASS, oid))).fetchone()
        if not (row and row[0]):
            cur = await conn.execute(HOLDER_SQL, (LOCK_CLASS, oid, oid))
            holder = await cur.fetchone()
            who = f"backend pid {holder[0]}" if holder else "another session"
            raise GuardRefused(
                f"{self.what} refused: another reset or restore of database {key_name(self)} "
                f"holds its lock on the server ({who}); wait for it to finish"
            )

        async def unlock() -> None:
            with contextlib.suppress(psycopg.Error, OSError):
                await conn.execute(UNLOCK_SQL, (LOCK_CLASS, oid))

        self._stack.push_async_callback(unlock)


def key_name(guard: TargetGuard) -> str:
    return repr(guard.fingerprint.database if guard.fingerprint else guard.typed)
