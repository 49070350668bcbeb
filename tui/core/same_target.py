"""Whether two targets point at the same database and the same API, as the client reaches
them, not as the URLs are spelled: the wizard labels a banner line "sandbox" (and journals it)
only while that part of the edited target still is the sandbox's.

The database is the server libpq dials (its host list, or ``hostaddr``), the port and the
database name, after libpq's own reading (``?host=``, ``?dbname=``, ``PG*`` variables); the
user and password do not change which database it is. The API is the set of PostgREST
instances: scheme, host, port (the scheme's default when none is written) and path.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tui.core.errors import UsageError
from tui.core.target import Target

DEFAULT_DB_PORT = "5432"  # libpq's DEF_PGPORT
DEFAULT_PORTS = {"http": 80, "https": 443}
# one machine's loopback under its usual spellings (libpq tries each address of localhost)
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


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
    hosts = tuple(host_key(h) for h in dialled(params))
    ports = tuple(p.strip() or DEFAULT_DB_PORT for p in params.get("port", "").split(","))
    return hosts, ports, params["dbname"]


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
