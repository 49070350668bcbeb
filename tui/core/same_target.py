"""Whether two targets point at the same database and the same API, as the client reaches
them, not as the URLs are spelled: the wizard labels a banner line "sandbox" (and journals it)
only while that part of the edited target still is the sandbox's.

The database is the server libpq dials (its host list, or ``hostaddr``), the port and the
database name, after libpq's own reading (``?host=``, ``?dbname=``, ``PG*`` variables); the
user and password do not change which database it is. A Unix socket (``host=/dir``, an
abstract ``@name``, or no host: the default directory) is the server on this machine that
owns the port: PostgreSQL names its socket ``.s.PGSQL.<port>`` after the one port it also
listens on over TCP, so ``/dir`` and port P reach the server at loopback port P when that
socket file exists (a socket-only server sharing a port number with another's TCP listener
would be read as that one); a socket that does not exist reaches nothing, and stays apart. The API is the set of PostgREST
instances: scheme, host, port (the scheme's default when none is written) and path.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from tui.core.errors import UsageError
from tui.core.target import Target

DEFAULT_DB_PORT = "5432"  # libpq's DEF_PGPORT
DEFAULT_PORTS = {"http": 80, "https": 443}
# one machine's loopback under its usual spellings (libpq tries each address of localhost)
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
# libpq's default socket directory when no host is given: Debian's build, then upstream's
DEFAULT_SOCKET_DIRS = ("/var/run/postgresql", "/tmp")


def host_key(host: str) -> str:
    """A host as compared: case and brackets dropped, every loopback spelling one."""
    host = host.strip().strip("[]").lower()
    return "loopback" if host in LOOPBACK else host


def database_place(db_url: str) -> tuple[tuple[str, ...], tuple[str, ...], str] | None:
    """(hosts dialled, ports, database) as libpq reads ``db_url``; None when it does not parse."""
    from tui.core.conninfo import dialled, effective

    try:
        params = effective(db_url)
    except UsageError:
        return None
    dials = dialled(params)
    ports = tuple(p.strip() or DEFAULT_DB_PORT for p in params.get("port", "").split(","))
    paired = ports if len(ports) == len(dials) else ports[:1] * len(dials)  # libpq: one for all
    hosts = tuple(_server_key(h, p) for h, p in zip(dials, paired, strict=True))
    return hosts, ports, params["dbname"]


def _server_key(host: str, port: str) -> str:
    """The server an entry of libpq's host list reaches, as compared: a socket that exists
    is this machine's server on ``port`` (``loopback``), any other host its ``host_key``."""
    if host and not host.startswith(("/", "@")):
        return host_key(host)
    if host.startswith("@"):  # Linux abstract namespace: no file to look at
        return "loopback"
    dirs = (host,) if host else DEFAULT_SOCKET_DIRS
    for directory in dirs:
        if os.path.exists(os.path.join(directory, f".s.PGSQL.{port}")):
            return "loopback"
    return "socket:" + os.path.normpath(host or dirs[0])


def api_place(api_url: str) -> tuple[str, str, int | None, str]:
    """(scheme, host, port, path) of a PostgREST URL; a trailing slash is the same path."""
    parts = urlsplit(api_url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = None
    return scheme, host_key(parts.hostname or ""), port, parts.path.rstrip("/")


def shared_parts(target: Target, other: Target) -> tuple[str, ...]:
    """The parts ("db", "api", in banner order) in which ``target`` reaches what ``other``
    reaches. Reads the database URL through libpq (imports psycopg)."""
    shared = []
    place = database_place(target.db_url)
    if place is not None and place == database_place(other.db_url):
        shared.append("db")
    if {api_place(u) for u in target.instances} == {api_place(u) for u in other.instances}:
        shared.append("api")
    return tuple(shared)
