"""A scratch database holding exactly what ``supabase/migrations`` creates: what the target will
look like right after a reset, to compare with what it looks like now.

On the target's own server when its role may create databases (same version, same roles, same
extensions available), otherwise on a throwaway local PostgreSQL server that the caller
provides (the sandbox's cluster), with the target's roles re-created as names. Dropped again on the way out, also on
failure or cancellation. Each migration file is applied as the CLI applies it: in order, one
transaction per file, stopping at the first error.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from tui.core.probes.catalog import Catalog, snapshot
from tui.core.remedies.io import connect, libpq_env, run_program, secrets_of, without_password
from tui.core.target import Target

MIGRATION_TIMEOUT_S = 300.0
SCRATCH_PREFIX = "pgrst_doctor_scratch_"
# default privileges a reset keeps: those of schema public and those of no schema
DEFAULT_ACL_SQL = """
SELECT pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype::text, a.privilege_type,
       CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END
FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace,
     aclexplode(d.defaclacl) a
WHERE (n.nspname = 'public' OR d.defaclnamespace = 0) AND a.grantee <> d.defaclrole
"""
DEFAULT_ACL_OBJECTS = {
    "r": "TABLES",
    "S": "SEQUENCES",
    "f": "FUNCTIONS",
    "T": "TYPES",
    "n": "SCHEMAS",
}
ROLES_SQL = "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' AND NOT rolsuper"


def migration_files(project: Path | None) -> list[Path]:
    """``supabase/migrations/*.sql`` in the order the CLI applies them (by name)."""
    if project is None:
        return []
    folder = project / "supabase" / "migrations"
    return sorted(p for p in folder.glob("*.sql") if p.is_file()) if folder.is_dir() else []


async def read_inventory(target: Target) -> Catalog:
    """The catalog snapshot with its inventory (triggers, grants, types), as the login role."""
    async with await connect(target, timeout=max(target.timeout, 30.0)) as conn:
        cur = await conn.execute("SELECT current_user")
        role = (await cur.fetchone())[0]  # type: ignore[index]
        return await snapshot(conn, role, inventory=True)


class ScratchFailed(Exception):
    """The scratch database could not be made like the target will be after the reset."""


class MigrationFailed(ScratchFailed):
    """A migration file does not apply to a fresh database: the reset itself would fail."""


@dataclasses.dataclass
class Scratch:
    target: Target  # the scratch database, reachable like the real target
    where: str  # "the target's server" or "a local throwaway cluster"
    bindir: Path

    async def apply(self, path: Path, on_line: object = None) -> None:
        argv = [
            str(self.bindir / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "-f",
            str(path),
            "-d",
            without_password(self.target.db_url),
        ]
        done = await run_program(
            argv,
            timeout=MIGRATION_TIMEOUT_S,
            secrets=secrets_of(self.target),
            env=libpq_env(self.target.db_url),
        )
        if done.returncode != 0:
            error = next((ln for ln in done.lines if "ERROR" in ln), done.tail)
            raise MigrationFailed(f"{path.name}: {error}")

    async def carry_default_privileges(self, source: Target) -> int:
        """The source's default privileges in ``public`` and for no schema, which a reset keeps
        (it empties ``public``, it does not drop it): tables the migrations create here get
        the grants they will get on the target. Returns how many were carried; one the
        scratch login may not set is left out (the comparison then shows its grants)."""
        async with await connect(source) as conn:
            rows = await (await conn.execute(DEFAULT_ACL_SQL)).fetchall()
        carried = 0
        async with await connect(self.target) as conn:
            for owner, schema, objtype, privilege, grantee in rows:
                statement = sql.SQL(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE {}{} GRANT {} ON {} TO {}"
                ).format(
                    sql.Identifier(owner),
                    sql.SQL(" IN SCHEMA {}").format(sql.Identifier(schema))
                    if schema
                    else sql.SQL(""),
                    sql.SQL(privilege),  # a privilege keyword from aclexplode, not user text
                    sql.SQL(DEFAULT_ACL_OBJECTS[objtype]),
                    sql.SQL("PUBLIC") if grantee is None else sql.Identifier(grantee),
                )
                try:
                    await conn.execute(statement)
                    carried += 1
                except (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedObject):
                    continue
        return carried

    async def inventory(self) -> Catalog:
        return await read_inventory(self.target)


def _on_database(target: Target, dbname: str) -> Target:
    """The target's URL naming another database on the same server (still a URL: the
    Supabase CLI and the reset step read its port)."""
    parts = urlsplit(target.db_url)
    if parts.scheme not in ("postgresql", "postgres"):
        return dataclasses.replace(target, db_url=make_conninfo(target.db_url, dbname=dbname))
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "dbname"])
    url = urlunsplit(parts._replace(path="/" + quote(dbname), query=query))
    return dataclasses.replace(target, db_url=url)


class LocalServer(Protocol):
    """A throwaway local PostgreSQL server (the sandbox's ``Cluster`` is one): started on
    enter, gone on exit; ``dsn`` reaches one of its databases as its superuser."""

    def __enter__(self) -> LocalServer: ...
    def __exit__(self, *exc: object) -> None: ...
    def dsn(self, dbname: str) -> str: ...


@contextlib.asynccontextmanager
async def scratch_database(
    target: Target, bindir: Path, local_server: Callable[[], LocalServer] | None = None
) -> AsyncIterator[Scratch]:
    """A fresh, empty database: on the target's server if allowed, else on ``local_server``."""
    name = SCRATCH_PREFIX + secrets.token_hex(4)
    created = False
    try:
        async with await connect(target) as conn:
            await conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            created = True
    except psycopg.errors.InsufficientPrivilege:
        if local_server is None:
            raise
    if created:
        try:
            yield Scratch(_on_database(target, name), "the target's server", bindir)
        finally:
            await asyncio.shield(_drop(target, name))
        return
    assert local_server is not None
    async with _on_local_server(target, bindir, local_server()) as scratch:
        yield scratch


async def _drop(target: Target, name: str) -> None:
    with contextlib.suppress(psycopg.Error, TimeoutError):
        async with await connect(target) as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            await conn.execute(drop)


@contextlib.asynccontextmanager
async def _on_local_server(
    target: Target, bindir: Path, server: LocalServer
) -> AsyncIterator[Scratch]:
    """The throwaway server, with the target's roles (names only, no login)."""
    async with await connect(target) as conn:
        roles = [r for (r,) in await (await conn.execute(ROLES_SQL)).fetchall()]
    await asyncio.to_thread(server.__enter__)
    try:
        async with await psycopg.AsyncConnection.connect(
            server.dsn("postgres"), autocommit=True, connect_timeout=10
        ) as conn:
            for role in roles:
                with contextlib.suppress(psycopg.errors.DuplicateObject):
                    await conn.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(role)))
            await conn.execute("CREATE DATABASE scratch")
        local = dataclasses.replace(target, db_url=server.dsn("scratch"))
        yield Scratch(local, "a local throwaway server", bindir)
    finally:
        await asyncio.shield(asyncio.to_thread(server.__exit__, None, None, None))
