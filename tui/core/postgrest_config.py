"""What a PostgREST deployment is configured with, as far as diagnosis needs it: the role of
requests without a key (``db-anon-role``), the exposed schemas, the reload channel.

PostgREST reads its config file, then ``PGRST_*`` environment variables over it; the doctor
follows the same order below its own flags. A Supabase project (``supabase/config.toml``)
runs PostgREST with ``db-anon-role = "anon"``. PostgREST's in-database configuration (the
authenticator's ``ALTER ROLE ... SET pgrst.db_anon_role``) overrides all of these but the
doctor's own flag; diagnosis reads it from the catalog (``in_database``). With none of these
the anon role is unknown, and the checks say so instead of guessing ``anon``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import UsageError
from tui.core.names import quote_ident

NAMEDATALEN = 63  # PostgreSQL identifiers: at most 63 bytes
SUPABASE_ANON_ROLE = "anon"
ANON_ROLE_ENV = "PGRST_DB_ANON_ROLE"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class PostgrestSettings:
    """The keys of a PostgREST config file the doctor uses (None: not set there)."""

    path: Path
    anon_role: str | None = None
    schemas: tuple[str, ...] = ()
    channel: str | None = None
    channel_enabled: bool | None = None
    db_config: bool | None = None


def validate_role(role: str, what: str) -> str:
    """A role name as PostgreSQL takes it: 1 to 63 bytes, no control characters."""
    role = role.strip()
    if not role or _CONTROL.search(role) or len(role.encode()) > NAMEDATALEN:
        raise UsageError(f"{what} must be a role name of 1 to 63 bytes")
    return role


def read_postgrest_config(path: Path) -> PostgrestSettings:
    """Parse a PostgREST config file (``key = value`` lines, the TOML subset PostgREST's
    configurator reads). Secrets in it (db-uri, jwt-secret) are never kept or echoed."""
    import tomllib  # only when a config file is named

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise UsageError(f"--postgrest-config {path}: cannot read ({err.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        # the decoder's message quotes the offending line, which may hold a secret
        raise UsageError(f"--postgrest-config {path}: not a PostgREST config file") from None
    role = data.get("db-anon-role")
    schemas = data.get("db-schemas", data.get("db-schema"))
    channel = data.get("db-channel")
    enabled = data.get("db-channel-enabled")
    db_config = data.get("db-config")
    return PostgrestSettings(
        path=path,
        anon_role=validate_role(role, f"{path}: db-anon-role") if isinstance(role, str) else None,
        schemas=split_schemas(schemas) if isinstance(schemas, str) else (),
        channel=channel.strip() or None if isinstance(channel, str) else None,
        channel_enabled=enabled if isinstance(enabled, bool) else None,
        db_config=db_config if isinstance(db_config, bool) else None,
    )


def db_config_enabled(env: Mapping[str, str], settings: PostgrestSettings | None) -> bool:
    """PostgREST's ``db-config`` (default true): ``PGRST_DB_CONFIG`` over the config file."""
    value = env.get("PGRST_DB_CONFIG", "").strip().lower()
    if value in ("true", "false"):
        return value == "true"
    return settings is None or settings.db_config is not False


def split_schemas(value: str) -> tuple[str, ...]:
    """``db-schemas = "api, public"`` as PostgREST splits it: by commas, blanks trimmed."""
    return tuple(s.strip() for s in value.split(",") if s.strip())


Setting = tuple[str, str, str, str]  # (role, database or "", "pgrst.key", value)


def choose_authenticator(session_users: Iterable[str], settings: Iterable[Setting]) -> str:
    """The role PostgREST logs in as: the user of its sessions (one that holds ``pgrst.*``
    settings first), else the one role holding such settings, else the usual name."""
    configured = {role for role, _db, key, _v in settings if role and key.startswith("pgrst.")}
    users = list(dict.fromkeys(u for u in session_users if u))
    for user in users:
        if user in configured:
            return user
    if users:
        return users[0]
    return next(iter(configured)) if len(configured) == 1 else "authenticator"


def in_database(
    settings: Iterable[Setting], authenticator: str, key: str
) -> tuple[str, str] | None:
    """(value, where it is set) of PostgREST's in-database setting ``pgrst.<key>`` (``db-config``,
    on by default), as PostgREST reads it (Config/Database.hs, v11.2 and v12.0): the
    authenticator's ``ALTER ROLE ... IN DATABASE <this one> SET`` first, then its ``ALTER ROLE
    ... SET``; a setting on the database alone has no effect. It overrides PostgREST's
    environment and config file. Read from pg_db_role_setting: nothing is run."""
    found = None
    for role, db, name, value in settings:
        if not role or role != authenticator or name != f"pgrst.{key}" or not value:
            continue
        where = (f"ALTER ROLE {quote_ident(role)}"
                 + (f" IN DATABASE {quote_ident(db)}" if db else "") + f" SET pgrst.{key}")  # fmt: skip
        if db:
            return value, where
        found = found or (value, where)
    return found


def pre_config_note(settings: Iterable[Setting], authenticator: str, key: str) -> str:
    """What to say when the authenticator has a ``db-pre-config`` function in the database
    but no ``pgrst.<key>`` setting: that function may set it (PostgREST calls it, ranking it
    below the role's settings and above its environment); the doctor never calls it."""
    found = in_database(settings, authenticator, "db_pre_config")
    if found is None:
        return ""
    return (f"db-pre-config {found[0]} may set pgrst.{key} (not called: diagnosis runs "
            "nothing in the database)")  # fmt: skip


def resolve_anon_role(
    flag: str | None,
    env: Mapping[str, str],
    settings: PostgrestSettings | None,
    supabase_project: Path | None,
) -> tuple[str | None, str]:
    """(role, where it came from): the flag, then PostgREST's environment variable (it
    overrides the file, as in PostgREST), then the config file, then a Supabase project's
    fixed ``anon``; (None, "unknown") when nothing names it."""
    if flag is not None and flag != "":
        return validate_role(flag, "--anon-role"), "flag"
    if value := env.get(ANON_ROLE_ENV, "").strip():
        return validate_role(value, ANON_ROLE_ENV), f"env:{ANON_ROLE_ENV}"
    if settings is not None and settings.anon_role:
        return settings.anon_role, f"postgrest-config:{settings.path}"
    if supabase_project is not None:
        return SUPABASE_ANON_ROLE, f"project:{supabase_project}"
    return None, "unknown"
