"""The exact fix for each cause, as templates (knowledge as data, not scattered strings).

Keys are (cause, variant); ``fix(cause, variant, **names)`` fills one in. In SQL templates the
names are quoted by placeholder (``QUOTING``): object names come from the catalog, where anyone
allowed to CREATE may name a table ``x"; DROP TABLE customers; --``, and the fix is run by an
administrator who copies it.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.core.model import Cause
from tui.core.names import quote_ident

RELOAD = "NOTIFY {channel}, 'reload schema';"

FIXES: dict[tuple[Cause, str], str] = {
    (Cause.STALE_CACHE, "notify"): RELOAD,
    (Cause.STALE_CACHE, "signal"): "kill -USR1 {pid}",
    (Cause.STALE_CACHE, "restart"): "supabase stop && supabase start",
    (Cause.MISSING_PRIVILEGE, "table"): "GRANT {privilege} ON {name} TO {role};",
    (Cause.MISSING_PRIVILEGE, "column"): "GRANT {privilege} ({column}) ON {table} TO {role};",
    (Cause.MISSING_PRIVILEGE, "columns"): "GRANT {privilege} ({columns}) ON {table} TO {role};",
    (Cause.MISSING_PRIVILEGE, "function"): "GRANT EXECUTE ON FUNCTION {name} TO {role};",
    # one overload: its identity arguments, as pg_get_function_identity_arguments prints them
    (Cause.MISSING_PRIVILEGE, "overload"): ("GRANT EXECUTE ON FUNCTION {name}({args}) TO {role};"),
    (Cause.MISSING_PRIVILEGE, "schema"): "GRANT USAGE ON SCHEMA {schema} TO {role};",
    (Cause.SCHEMA_NOT_EXPOSED, "in-db"): (
        "ALTER ROLE {authenticator} SET pgrst.db_schemas = {schemas}; " + RELOAD
    ),
    (Cause.SCHEMA_NOT_EXPOSED, "reset"): "ALTER ROLE {authenticator} RESET pgrst.db_schemas; "
    + RELOAD,
    (Cause.OBJECT_MISSING, "table"): "supabase migration up  -- {name} does not exist here",
    (Cause.OBJECT_MISSING, "column"): "ALTER TABLE {table} ADD COLUMN {column} <type>;",
    (Cause.OBJECT_MISSING, "function"): "supabase migration up  -- {name} does not exist here",
    (Cause.OBJECT_MISSING, "arguments"): "GET /rpc/{name}?{args}",
    (Cause.OBJECT_MISSING, "relationship"): (
        "ALTER TABLE {child} ADD FOREIGN KEY (<column>) REFERENCES {parent};"
    ),
    (Cause.ENUM_VALUE_MISSING, "enum"): "ALTER TYPE {type} ADD VALUE {label};",
    (Cause.RLS_DISABLED, "table"): "ALTER TABLE {name} ENABLE ROW LEVEL SECURITY;",
    (Cause.RLS_BYPASSED, "owner"): "ALTER TABLE {name} FORCE ROW LEVEL SECURITY;",
    (Cause.RLS_BYPASSED, "bypassrls"): (
        "-- {role} has BYPASSRLS (superuser) by design: send the anon key or a user's JWT"
    ),
    (Cause.RLS_BYPASSED, "permissive"): "DROP POLICY {policy} ON {name};",
    (Cause.RLS_BYPASSED, "view"): "ALTER VIEW {name} SET (security_invoker = true);",
    (Cause.RLS_BYPASSED, "matview"): "REVOKE SELECT ON {name} FROM {role};",
    (Cause.NO_LISTENER, "signal"): "kill -USR1 {pid}",
    (Cause.NO_LISTENER, "config"): (
        "set db-channel-enabled = true (PGRST_DB_CHANNEL_ENABLED=true) and restart PostgREST"
    ),
    # the doctor's own installer (idempotent, guarded): shorter to paste than the SQL and
    # names what it creates (remedies/prevention.py TRIGGERS)
    (Cause.AUTO_RELOAD_OFF, "create"): (
        "pgrst-doctor install-trigger --channel {channel}"
        "  # creates event triggers pgrst_ddl_watch and pgrst_drop_watch"
    ),
    (Cause.AUTO_RELOAD_OFF, "enable"): "ALTER EVENT TRIGGER {name} ENABLE;",
    (Cause.AUTO_RELOAD_OFF, "replica"): "ALTER EVENT TRIGGER {name} ENABLE ALWAYS;",
    (Cause.API_UNREACHABLE, "local"): "supabase start",
    (Cause.API_UNREACHABLE, "remote"): "curl -i {api_url}/",
    (Cause.DB_UNREACHABLE, "local"): "supabase start",
    (Cause.DB_UNREACHABLE, "remote"): "pg_isready -h {host} -p {port}",
    # a rejected login: try the credentials by hand (psql asks for the password)
    (
        Cause.DB_LOGIN_REJECTED,
        "login",
    ): "psql -h {host} -p {port} -U {user} -d {database} -c 'select 1'",
    (Cause.AUTH_REJECTED, "role"): "CREATE ROLE {role} NOLOGIN; GRANT {role} TO {authenticator};",
    (Cause.AUTH_REJECTED, "key"): 'pgrst-doctor check --api-key "$SUPABASE_ANON_KEY"',
    (Cause.CACHE_LOAD_FAILED, "timeout"): (
        "ALTER ROLE {authenticator} RESET statement_timeout; " + RELOAD
    ),
    (Cause.CACHE_LOAD_FAILED, "schemas"): (
        "ALTER ROLE {authenticator} RESET pgrst.db_schemas; " + RELOAD
    ),
    (Cause.CACHE_LOAD_FAILED, "generic"): "SELECT pg_notification_queue_usage(); " + RELOAD,
    (Cause.INSTANCES_DISAGREE, "each"): (
        "pgrst-doctor reload --api-url URL1 --api-url URL2 ...  # every instance behind {api_url}"
    ),
    (Cause.LISTENER_BEHIND_POOLER, "direct"): (
        "point PostgREST's db-uri at PostgreSQL directly or at a session-mode pool (Supabase: "
        "port 5432, not 6543), keep db-prepared-statements = false behind the pooler; "
        "meanwhile reload with: kill -USR1 {pid}"
    ),
    (Cause.POSTGREST_ON_STANDBY, "primary"): (
        "point PostgREST's db-uri at the primary (LISTEN cannot run in recovery); meanwhile "
        "reload it after the standby replayed the change: kill -USR1 {pid}"
    ),
    (Cause.CHANNEL_MISMATCH, "disabled"): (
        "set db-channel-enabled = true and db-channel = {channel} on {api_url} and restart it"
    ),
    (Cause.CHANNEL_MISMATCH, "other"): (
        "pgrst-doctor reload --channel {other}  # or set db-channel = {channel} on {api_url}"
    ),
}


# Templates that are shell commands, URLs or comments: their values are shown as they are.
NOT_SQL = frozenset({
    (Cause.STALE_CACHE, "signal"), (Cause.STALE_CACHE, "restart"),
    (Cause.OBJECT_MISSING, "table"), (Cause.OBJECT_MISSING, "function"),
    (Cause.OBJECT_MISSING, "arguments"), (Cause.RLS_BYPASSED, "bypassrls"),
    (Cause.NO_LISTENER, "signal"), (Cause.NO_LISTENER, "config"),
    (Cause.API_UNREACHABLE, "local"), (Cause.API_UNREACHABLE, "remote"),
    (Cause.DB_UNREACHABLE, "local"), (Cause.DB_UNREACHABLE, "remote"),
    (Cause.DB_LOGIN_REJECTED, "login"), (Cause.AUTO_RELOAD_OFF, "create"),
    (Cause.AUTH_REJECTED, "key"), (Cause.INSTANCES_DISAGREE, "each"),
    (Cause.LISTENER_BEHIND_POOLER, "direct"), (Cause.POSTGREST_ON_STANDBY, "primary"),
    (Cause.CHANNEL_MISMATCH, "disabled"), (Cause.CHANNEL_MISMATCH, "other"),
})  # fmt: skip


def ident(name: object) -> str:
    """One SQL identifier, quoted as PostgreSQL's quote_ident does (``orders``, ``"Orders"``)."""
    return quote_ident(str(name))


def qualified(name: object) -> str:
    """``(schema, name)`` each part quoted; a string is split at its first dot (catalog key)."""
    parts = name if isinstance(name, tuple) else str(name).split(".", 1)
    return ".".join(ident(p) for p in parts)


def literal(text: object) -> str:
    return "'" + str(text).replace("'", "''") + "'"


QUOTING: dict[str, Callable[[object], str]] = {
    "name": qualified, "table": qualified, "type": qualified, "child": qualified,
    "parent": qualified, "role": ident, "authenticator": ident, "column": ident,
    "columns": lambda names: ", ".join(map(ident, names)),  # type: ignore[call-overload]
    "schema": ident, "policy": ident, "channel": ident, "label": literal, "schemas": literal,
}  # fmt: skip


def fix(cause: Cause, variant: str, **names: object) -> str:
    if (cause, variant) not in NOT_SQL:
        names = {k: QUOTING[k](v) if k in QUOTING else v for k, v in names.items()}
    else:  # shown as they are; a (schema, name) pair as psql prints it
        names = {k: qualified(v) if isinstance(v, tuple) else v for k, v in names.items()}
    return FIXES[(cause, variant)].format(**names)
