"""The path a reload takes to one PostgREST instance: does its LISTEN session reach the
primary directly, or through a transaction pooler (which shares the LISTEN backend between
clients and drops notifications), or is PostgREST connected to a hot standby (where LISTEN
cannot run and the primary's NOTIFY never arrives)?

Local evidence comes from the kernel's socket table (``sockets.py``): which process serves the
API port, where that process's database connections go, and which process is the client of
each LISTEN session. Remote evidence comes from the primary: how many standbys stream from it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import psycopg

from tui.core.probes import sockets
from tui.core.probes.listener import ListenerInfo

POOLER_PROCESSES = frozenset({"pgbouncer", "pgcat", "odyssey", "pgpool", "supavisor", "beam.smp"})
BALANCER_PROCESSES = frozenset({"nginx", "haproxy", "envoy", "traefik", "caddy", "kong"})


@dataclass
class InstancePath:
    """What this machine can tell about how one instance reaches the database."""

    api_url: str
    local: bool  # the API port is on this machine and its owner could be read
    served_by: str | None = None  # process name on the API port ("postgrest", "nginx", ...)
    pids: list[int] = field(default_factory=list)  # PostgREST processes behind the port
    db_ports: list[int] = field(default_factory=list)  # where their DB connections go
    via_pooler: str | None = None  # the pooler's process name, when one is in the path
    on_other_server: int | None = None  # a port of another PostgreSQL server they use
    other_server_in_recovery: bool | None = None
    listens: bool | None = None  # one of its connections is a LISTEN session on the channel
    listens_on_other: str | None = None  # it LISTENs, on another channel than the target's


@dataclass
class PathInfo:
    """How a reload reaches each instance: standbys, serving processes, listeners."""

    replicas: int | None  # standbys streaming from the primary (None: not readable)
    instances: list[InstancePath] = field(default_factory=list)
    listener_clients: dict[int, str] = field(default_factory=dict)  # LISTEN pid -> client name

    @property
    def pooled_listeners(self) -> list[int]:
        return [pid for pid, name in self.listener_clients.items() if name in POOLER_PROCESSES]


def _port(url: str) -> int | None:
    parts = urlsplit(url)
    try:
        return parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None


def trace(
    table: sockets.SocketTable,
    api_urls: tuple[str, ...],
    listener: ListenerInfo,
    db_port: int,
) -> tuple[list[InstancePath], dict[int, str]]:
    """Pure over one socket-table reading: each instance's path, and each LISTEN session's
    client process."""
    clients: dict[int, str] = {}
    listen_ports: dict[int, str | None] = {}
    for session in listener.sessions:
        if session.client_port and session.client_port > 0:
            owner = table.client(session.client_port)
            if owner:
                clients[session.pid] = owner.name
            if session.listens_on is not None:
                listen_ports[session.client_port] = session.listens_on
    paths = []
    for url in api_urls:
        port = _port(url)
        owner = table.listener(port) if port else None
        path = InstancePath(url, owner is not None, owner.name if owner else None)
        if owner and owner.name.startswith("postgrest"):
            path.pids = [owner.pid]
            _follow(table, path, db_port, listen_ports, listener.channel)
        paths.append(path)
        if owner and owner.name in BALANCER_PROCESSES:  # every local PostgREST behind it
            for proc in table.processes("postgrest"):
                behind = InstancePath(f"{url} (behind {owner.name}: PostgREST pid {proc.pid})",
                                      True, proc.name, [proc.pid])  # fmt: skip
                _follow(table, behind, db_port, listen_ports, listener.channel)
                if db_port in behind.db_ports or behind.via_pooler:  # serves this database
                    paths.append(behind)
    return paths, clients


def _follow(
    table: sockets.SocketTable,
    path: InstancePath,
    db_port: int,
    listen_ports: dict[int, str | None],
    channel: str,
) -> None:
    conns = [c for pid in path.pids for c in table.connections(pid)]
    path.db_ports = sorted({c.remote_port for c in conns})
    for remote in path.db_ports:
        server = table.listener(remote)
        if server is None:
            continue
        if server.name in POOLER_PROCESSES:
            path.via_pooler = server.name
        elif server.name.startswith("postgres") and remote != db_port:
            path.on_other_server = remote
    channels = [listen_ports[c.local_port] for c in conns if c.local_port in listen_ports]
    if path.via_pooler or path.on_other_server:
        path.listens = None  # its LISTEN (if any) is not a session on the primary of its own
    else:
        path.listens = channel in channels
        others = [ch for ch in channels if ch and ch != channel]
        path.listens_on_other = others[0] if others else None


async def in_recovery(db_url: str, port: int, timeout: float) -> bool | None:
    """Whether the PostgreSQL server on local ``port`` is a standby, asked with the target's
    own credentials (a built-in, read-only function)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(db_url)
        params.update(host="127.0.0.1", port=str(port), connect_timeout=str(max(1, int(timeout))))
        conn = await asyncio.wait_for(
            psycopg.AsyncConnection.connect(make_conninfo("", **params), autocommit=True), timeout
        )
    except (psycopg.Error, TimeoutError, OSError):
        return None
    try:
        cur = await conn.execute("SELECT pg_is_in_recovery()")
        row = await cur.fetchone()
        return bool(row[0]) if row else None
    except psycopg.Error:
        return None
    finally:
        await conn.close()


def socket_table() -> sockets.SocketTable:
    """One reading of this machine's sockets, of the processes a path can go through."""
    return sockets.SocketTable(POOLER_PROCESSES | BALANCER_PROCESSES)


async def path_info(
    db_url: str,
    api_urls: tuple[str, ...],
    listener: ListenerInfo,
    db_port: int,
    standbys: int | None,
    table: sockets.SocketTable | None,
    timeout: float,
) -> PathInfo:
    """Each instance's path over one socket-table reading (None: not on this machine) and
    the primary's count of streaming standbys."""
    info = PathInfo(standbys)
    if table is None:
        info.instances = [InstancePath(u, False) for u in api_urls]
        return info
    info.instances, info.listener_clients = trace(table, api_urls, listener, db_port)
    for path in info.instances:
        if path.on_other_server:
            path.other_server_in_recovery = await in_recovery(db_url, path.on_other_server, timeout)
    return info
