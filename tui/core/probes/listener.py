"""Is anyone listening for reloads? PostgREST's LISTEN session in pg_stat_activity, a delivery
self-test on the channel with a payload PostgREST ignores, and the event triggers that send
NOTIFY after DDL.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from psycopg import sql

PROBE_PAYLOAD = "pgrst-doctor-probe"  # any payload but '', 'reload schema', 'reload config'
HIDDEN_QUERY = "<insufficient privilege>"

SESSIONS_QUERY = """
SELECT pid, usename::text, application_name, backend_start, state, query, client_port
FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
  AND (application_name ILIKE 'postgrest%%' OR query ~* %(listen)s)
"""

HIDDEN_QUERY_COUNT = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND query = %(hidden)s
"""

EVENT_TRIGGERS_QUERY = """
SELECT e.evtname::text, e.evtevent::text, e.evtenabled::text, e.evtfoid::regprocedure::text,
       p.prosrc ~* %(notify)s
FROM pg_event_trigger e JOIN pg_proc p ON p.oid = e.evtfoid
"""


@dataclass(frozen=True)
class Session:
    """A session the listener probe saw, and whether it LISTENs on the reload channel."""

    pid: int
    user: str
    application_name: str
    backend_start: datetime | None
    listening: bool
    client_port: int | None = None  # the TCP port it connects from (-1 / None: a socket)
    listens_on: str | None = None  # the channel its last query LISTENed on, any channel


@dataclass(frozen=True)
class EventTrigger:
    """An event trigger, and whether its function sends NOTIFY on the channel."""

    name: str
    event: str
    enabled: str  # O R A D
    function: str
    notifies: bool  # its function sends NOTIFY on the channel

    def fires(self, replication_role: str) -> bool:
        if self.enabled == "D":
            return False
        if self.enabled == "A":
            return True
        return (self.enabled == "R") == (replication_role == "replica")


@dataclass
class ListenerInfo:
    """Who LISTENs on the reload channel, and what would send NOTIFY on it."""

    channel: str
    listening: bool | None  # None: other sessions' queries are hidden from us
    sessions: list[Session] = field(default_factory=list)
    hidden_sessions: int = 0
    event_triggers: list[EventTrigger] = field(default_factory=list)
    delivery_ok: bool | None = None
    delivery_ms: float | None = None
    delivery_error: str | None = None
    queue_usage: float | None = None

    @property
    def listeners(self) -> list[Session]:
        return [s for s in self.sessions if s.listening]

    @property
    def since(self) -> datetime | None:
        starts = [s.backend_start for s in self.listeners if s.backend_start]
        return min(starts) if starts else None


def listen_regex(channel: str) -> str:
    return rf'^\s*listen\s+"?{re.escape(channel)}"?\s*;?\s*$'


_ANY_LISTEN = re.compile(r'^\s*listen\s+("(?:[^"]|"")+"|\S+?)\s*;?\s*$', re.IGNORECASE)


def _listen_channel(query: str | None) -> str | None:
    """The channel of a ``LISTEN x`` query (quotes removed), whatever the channel."""
    match = _ANY_LISTEN.match(query or "")
    if not match:
        return None
    name = match.group(1)
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()


def notify_regex(channel: str) -> str:
    ch = re.escape(channel)
    return rf"(notify\s+\"?{ch}\"?\M)|(pg_notify\s*\(\s*'{ch}')"


async def sessions(conn: psycopg.AsyncConnection, channel: str) -> tuple[list[Session], int]:
    pattern = listen_regex(channel)
    cur = await conn.execute(SESSIONS_QUERY, {"listen": pattern})
    rows = await cur.fetchall()
    compiled = re.compile(pattern, re.IGNORECASE)
    found = [
        Session(
            pid,
            user or "",
            app or "",
            start,
            bool(query and compiled.match(query)),
            port,
            _listen_channel(query),
        )
        for pid, user, app, start, _state, query, port in rows
    ]
    cur = await conn.execute(HIDDEN_QUERY_COUNT, {"hidden": HIDDEN_QUERY})
    hidden = (await cur.fetchone() or (0,))[0]
    return found, int(hidden)


async def event_triggers(conn: psycopg.AsyncConnection, channel: str) -> list[EventTrigger]:
    cur = await conn.execute(EVENT_TRIGGERS_QUERY, {"notify": notify_regex(channel)})
    return [EventTrigger(*row) for row in await cur.fetchall()]


async def delivery_self_test(
    conn: psycopg.AsyncConnection, channel: str, timeout: float
) -> tuple[bool, float]:
    """LISTEN in our own session, NOTIFY a payload PostgREST ignores, wait for it to arrive."""
    start = time.perf_counter()
    await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
    try:
        await conn.execute("SELECT pg_notify(%s, %s)", (channel, PROBE_PAYLOAD))
        async for note in conn.notifies(timeout=timeout, stop_after=1):
            if note.payload == PROBE_PAYLOAD:
                return True, (time.perf_counter() - start) * 1000
        return False, (time.perf_counter() - start) * 1000
    finally:
        await conn.execute(sql.SQL("UNLISTEN {}").format(sql.Identifier(channel)))


async def queue_usage(conn: psycopg.AsyncConnection) -> float | None:
    """Also the documented workaround for PostgreSQL's notification-queue bug."""
    try:
        cur = await conn.execute("SELECT pg_notification_queue_usage()")
        row = await cur.fetchone()
        return float(row[0]) if row else None
    except psycopg.Error:
        return None


async def listener_info(
    conn: psycopg.AsyncConnection, channel: str, timeout: float, *, self_test: bool = True
) -> ListenerInfo:
    found, hidden = await sessions(conn, channel)
    listening: bool | None = any(s.listening for s in found)
    if not listening and hidden:
        listening = None
    info = ListenerInfo(channel, listening, found, hidden)
    info.event_triggers = await event_triggers(conn, channel)
    if self_test:
        try:
            ok, ms = await delivery_self_test(conn, channel, max(0.5, timeout * 0.6))
            info.delivery_ok, info.delivery_ms = ok, ms
        except (TimeoutError, psycopg.Error) as exc:
            info.delivery_ok = False
            info.delivery_error = str(exc).strip().splitlines()[0] if str(exc) else "error"
            info.queue_usage = await queue_usage(conn)
    return info
