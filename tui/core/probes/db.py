"""The database itself: version, standby or primary, and a fingerprint that tells one
database from another (destructive remedies compare it before they act).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

SERVER_QUERY = """
SELECT current_setting('server_version') AS server_version,
       current_setting('server_version_num')::int AS server_version_num,
       pg_is_in_recovery() AS in_recovery,
       current_database() AS database,
       current_user AS db_user,
       current_setting('port')::int AS server_port,
       current_setting('session_replication_role') AS session_replication_role,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS db_user_superuser,
       version() AS version
"""

# Restricted to superusers by default: tried in its own savepoint-free statement.
SYSTEM_ID_QUERY = "SELECT system_identifier::text FROM pg_control_system()"
# Standbys streaming from this server (the reload path's "remote evidence", probes/path.py);
# read here, on the connection the database probe has open anyway, not on one of its own.
REPLICAS_QUERY = "SELECT count(*) FROM pg_stat_replication"


@dataclass(frozen=True)
class ServerInfo:
    """The database server and session the target's URL reaches."""

    server_version: str
    server_version_num: int
    in_recovery: bool
    database: str
    db_user: str
    server_port: int
    session_replication_role: str
    db_user_superuser: bool
    version: str
    system_identifier: str | None
    replicas: int | None = None  # standbys streaming from it (None: not readable)

    @property
    def fingerprint(self) -> dict[str, Any]:
        return {
            "system_identifier": self.system_identifier,
            "database": self.database,
            "server_version": self.server_version,
        }


async def server_info(conn: psycopg.AsyncConnection[Any]) -> ServerInfo:
    by_name = conn.cursor(row_factory=dict_row)  # columns named as ServerInfo's fields
    await by_name.execute(SERVER_QUERY)
    row = await by_name.fetchone()
    assert row is not None
    system_id = None
    with contextlib.suppress(psycopg.Error):
        cur = await conn.execute(SYSTEM_ID_QUERY)
        got = await cur.fetchone()
        system_id = got[0] if got else None
    replicas = None
    with contextlib.suppress(psycopg.Error):
        cur = await conn.execute(REPLICAS_QUERY)
        got = await cur.fetchone()
        replicas = int(got[0]) if got else None
    return ServerInfo(**row, system_identifier=system_id, replicas=replicas)
