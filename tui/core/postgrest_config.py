"""What a PostgREST deployment is configured with, as far as diagnosis needs it: the role of
requests without a key (``db-anon-role``), the exposed schemas, the extra search path, the
reload channel, and the ``db-pre-config`` function that may set any of them.

PostgREST reads its config file, then ``PGRST_*`` environment variables over it; the doctor
follows the same order below its own flags. A Supabase project (``supabase/config.toml``)
runs PostgREST with ``db-anon-role = "anon"``. PostgREST's in-database configuration (the
authenticator's ``ALTER ROLE ... SET pgrst.db_anon_role``) overrides all of these but the
doctor's own flag; diagnosis reads it from the catalog (``in_database``). With none of these
the anon role is unknown, and the checks say so instead of guessing ``anon``. A
``db-pre-config`` function ranks between the role's settings and the environment; the doctor
names it and never calls it (``pre_config_note``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.errors import UsageError
from tui.core.names import quote_ident

if TYPE_CHECKING:
    from tui.core.target import Target  # target.py resolves through this module

NAMEDATALEN = 63  # PostgreSQL identifiers: at most 63 bytes
SUPABASE_ANON_ROLE = "anon"
ANON_ROLE_ENV = "PGRST_DB_ANON_ROLE"
DEFAULT_EXTRA_SEARCH_PATH = ("public",)  # PostgREST's db-extra-search-path when unset
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class PostgrestSettings:
    """The keys of a PostgREST config file the doctor uses (None: not set there)."""

    path: Path
    anon_role: str | None = None
    schemas: tuple[str, ...] = ()  # db-schemas
    schema_alias: tuple[str, ...] = ()  # db-schema, its older name: read only without it
    channel: str | None = None
    channel_enabled: bool | None = None
    db_config: bool | None = None
    extra_search_path: tuple[str, ...] | None = None
    pre_config: str | None = None  # db-pre-config: a function's (qualified) name


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
    schemas, alias = data.get("db-schemas"), data.get("db-schema")
    channel = data.get("db-channel")
    enabled = data.get("db-channel-enabled")
    db_config = data.get("db-config")
    extra = data.get("db-extra-search-path")
    pre_config = data.get("db-pre-config")
    return PostgrestSettings(
        path=path,
        anon_role=validate_role(role, f"{path}: db-anon-role") if isinstance(role, str) else None,
        schemas=split_schemas(schemas) if isinstance(schemas, str) else (),
        schema_alias=split_schemas(alias) if isinstance(alias, str) else (),
        channel=channel.strip() or None if isinstance(channel, str) else None,
        channel_enabled=enabled if isinstance(enabled, bool) else None,
        db_config=db_config if isinstance(db_config, bool) else None,
        extra_search_path=split_schemas(extra) if isinstance(extra, str) else None,
        pre_config=pre_config.strip() or None if isinstance(pre_config, str) else None,
    )


def env_name(key: str) -> str:
    """The environment variable PostgREST reads for a config key (Config.hs:
    ``PGRST_`` + the key upper-cased, dashes as underscores): ``PGRST_DB_PRE_CONFIG``."""
    return "PGRST_" + key.upper().replace("-", "_")


def from_env(env: Mapping[str, str], key: str) -> str | None:
    """A setting's value in PostgREST's environment. Set at all, it wins over the config
    file, as in PostgREST, even when empty (an empty ``PGRST_DB_PRE_CONFIG`` means none)."""
    return env.get(env_name(key))


def resolve_extra_search_path(
    env: Mapping[str, str],
    settings: PostgrestSettings | None,
    project: tuple[str, ...] | None = None,
    project_path: Path | None = None,
) -> tuple[tuple[str, ...] | None, str]:
    """(``db-extra-search-path``, where from) outside the database: PostgREST's environment,
    then its config file, then a Supabase project's ``[api] extra_search_path`` (the CLI
    passes it to PostgREST as that environment variable); (None, "default") when unset."""
    if (value := from_env(env, "db-extra-search-path")) is not None:
        return split_schemas(value), f"env:{env_name('db-extra-search-path')}"
    if settings is not None and settings.extra_search_path is not None:
        return settings.extra_search_path, f"postgrest-config:{settings.path}"
    if project is not None:
        return project, f"project:{project_path}"
    return None, "default"


def resolve_schemas(
    env: Mapping[str, str],
    settings: PostgrestSettings | None,
    project: tuple[str, ...] = (),
    project_path: Path | None = None,
) -> tuple[tuple[str, ...], str]:
    """(``db-schemas``, where from) outside the database, in PostgREST's order (Config.hs,
    v11.2 and v12.0: each key's environment variable over its file entry, ``db-schemas``
    before its alias ``db-schema``), then a Supabase project's ``[api] schemas`` (the CLI
    passes it to PostgREST as ``PGRST_DB_SCHEMAS``); ((), "default") when unset."""
    file_path = f"postgrest-config:{settings.path}" if settings is not None else ""
    for key, in_file in (("db-schemas", settings and settings.schemas),
                         ("db-schema", settings and settings.schema_alias)):  # fmt: skip
        if found := split_schemas(from_env(env, key) or ""):
            return found, f"env:{env_name(key)}"
        if in_file:
            return in_file, file_path
    if project:
        return project, f"project:{project_path}"
    return (), "default"


def resolve_pre_config(
    env: Mapping[str, str], settings: PostgrestSettings | None
) -> tuple[str | None, str]:
    """(``db-pre-config``, where from) outside the database: environment over config file."""
    if (value := from_env(env, "db-pre-config")) is not None:
        return value.strip() or None, f"env:{env_name('db-pre-config')}"
    if settings is not None and settings.pre_config:
        return settings.pre_config, f"postgrest-config:{settings.path}"
    return None, "unset"


def db_config_enabled(env: Mapping[str, str], settings: PostgrestSettings | None) -> bool:
    """PostgREST's ``db-config`` (default true): ``PGRST_DB_CONFIG`` over the config file."""
    value = (from_env(env, "db-config") or "").strip().lower()
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


def extra_search_path_in_force(
    target: Target, settings: Iterable[Setting], authenticator: str
) -> tuple[tuple[str, ...], str]:
    """(PostgREST's ``db-extra-search-path``, where from): the authenticator's in-database
    setting (with ``db-config`` on), else what the environment, file or project said
    (``resolve_extra_search_path``), else PostgREST's default ``public``."""
    if target.db_config and (found := in_database(settings, authenticator, "db_extra_search_path")):
        return split_schemas(found[0]), f"set in the database: {found[1]}"
    if target.extra_search_path is not None:
        return target.extra_search_path, target.sources.get("extra_search_path", "")
    return DEFAULT_EXTRA_SEARCH_PATH, "default"


def pre_config_in_force(
    target: Target, settings: Iterable[Setting], authenticator: str
) -> tuple[str, str] | None:
    """(the ``db-pre-config`` function, where it is set) or None. PostgREST calls it only
    while reading its in-database settings (``db-config`` on): the one named by its
    environment or file at start-up, the in-database one from the next config reload on."""
    if not target.db_config:
        return None
    if found := in_database(settings, authenticator, "db_pre_config"):
        return found[0], f"set in the database: {found[1]}"
    if target.pre_config:
        return target.pre_config, target.sources.get("pre_config", "")
    return None


def said(source: str) -> str:
    """Where a setting came from, in words: ``env:X`` -> ``set by X``, and so on."""
    kind, _, rest = source.partition(":")
    if kind == "env":
        return f"set by {rest}"
    if kind == "postgrest-config":
        return f"set in {rest}"
    return source


def pre_config_note(found: tuple[str, str] | None, read_outside: Iterable[str]) -> str:
    """What to say when a ``db-pre-config`` function is configured: the settings the doctor
    read from PostgREST's environment, file or defaults (``read_outside``: config keys) may be
    set otherwise by that function, which PostgREST ranks above them (below the role's
    in-database settings). The doctor never calls it: diagnosis runs nothing in the database."""
    keys = list(read_outside)
    if found is None or not keys:
        return ""
    function, where = found
    return (f"db-pre-config {function} ({said(where)}) may set {', '.join(keys)} at run time: "
            "not called (diagnosis runs nothing in the database), so PostgREST may use "
            "other values than the doctor read")  # fmt: skip


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
