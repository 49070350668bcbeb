"""The target's identity, read from the database itself: re-read right before anything is
dropped, so a stale prompt or a swapped URL cannot point a reset at another database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import psycopg

from tui.core.remedies.io import connect
from tui.core.target import Target

IDENTITY_SQL = """
SELECT current_database(), current_setting('server_version'),
       (SELECT oid::bigint FROM pg_database WHERE datname = current_database()),
       inet_server_port()
"""
SYSTEM_ID_SQL = "SELECT system_identifier::text FROM pg_control_system()"
# what must be equal for "the same target"; system_identifier only when both sides could read it
COMPARED = ("database", "server_version", "database_oid", "system_identifier")


@dataclass(frozen=True)
class Fingerprint:
    database: str
    server_version: str
    database_oid: int | None
    port: int | None
    system_identifier: str | None  # None when the role may not call pg_control_system()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def display(self) -> str:
        sysid = self.system_identifier or "system id not readable"
        return f"{self.database} (oid {self.database_oid}) on PostgreSQL {self.server_version}, {sysid}"


async def read_from(conn: psycopg.AsyncConnection) -> Fingerprint:
    cur = await conn.execute(IDENTITY_SQL)
    database, version, oid, port = await cur.fetchone()  # type: ignore[misc]
    sysid: str | None = None
    try:
        async with conn.transaction():
            cur = await conn.execute(SYSTEM_ID_SQL)
            sysid = (await cur.fetchone())[0]  # type: ignore[index]
    except psycopg.errors.InsufficientPrivilege:
        sysid = None
    return Fingerprint(database, version, oid, port, sysid)


async def read_fingerprint(target: Target) -> Fingerprint:
    async with await connect(target) as conn:
        return await read_from(conn)


def differences(before: Fingerprint | dict[str, Any], after: Fingerprint) -> list[str]:
    """What changed between two readings ("database: shop -> other"); empty = same target."""
    old = before.to_json() if isinstance(before, Fingerprint) else dict(before)
    new = after.to_json()
    changed = []
    for key in COMPARED:
        if key not in old or old[key] is None or new[key] is None:
            continue
        if str(old[key]) != str(new[key]):
            changed.append(f"{key}: {old[key]} -> {new[key]}")
    return changed
