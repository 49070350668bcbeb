"""The exact fix for each cause, as templates (knowledge as data, not scattered strings).

Keys are (cause, variant); ``fix(cause, variant, **names)`` fills one in.
"""

from __future__ import annotations

from tui.core.model import Cause

RELOAD = "NOTIFY {channel}, 'reload schema';"

FIXES: dict[tuple[Cause, str], str] = {
    (Cause.STALE_CACHE, "notify"): RELOAD,
    (Cause.STALE_CACHE, "signal"): "kill -USR1 {pid}",
    (Cause.STALE_CACHE, "restart"): "supabase stop && supabase start",
    (Cause.MISSING_PRIVILEGE, "table"): "GRANT {privilege} ON {name} TO {role};",
    (Cause.MISSING_PRIVILEGE, "column"): "GRANT {privilege} ({column}) ON {table} TO {role};",
    (Cause.MISSING_PRIVILEGE, "function"): "GRANT EXECUTE ON FUNCTION {name} TO {role};",
    (Cause.MISSING_PRIVILEGE, "schema"): "GRANT USAGE ON SCHEMA {schema} TO {role};",
    (Cause.SCHEMA_NOT_EXPOSED, "in-db"): (
        "ALTER ROLE {authenticator} SET pgrst.db_schemas = '{schemas}'; " + RELOAD
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
    (Cause.ENUM_VALUE_MISSING, "enum"): "ALTER TYPE {type} ADD VALUE '{label}';",
    (Cause.RLS_DISABLED, "table"): "ALTER TABLE {name} ENABLE ROW LEVEL SECURITY;",
    (Cause.RLS_BYPASSED, "owner"): "ALTER TABLE {name} FORCE ROW LEVEL SECURITY;",
    (Cause.RLS_BYPASSED, "bypassrls"): (
        "-- {role} has BYPASSRLS (superuser) by design: send the anon key or a user's JWT"
    ),
    (Cause.RLS_BYPASSED, "permissive"): 'DROP POLICY "{policy}" ON {name};',
    (Cause.RLS_BYPASSED, "view"): "ALTER VIEW {name} SET (security_invoker = true);",
    (Cause.NO_LISTENER, "signal"): "kill -USR1 {pid}",
    (Cause.NO_LISTENER, "config"): (
        "set db-channel-enabled = true (PGRST_DB_CHANNEL_ENABLED=true) and restart PostgREST"
    ),
    (Cause.AUTO_RELOAD_OFF, "create"): (
        "CREATE OR REPLACE FUNCTION public.pgrst_watch() RETURNS event_trigger LANGUAGE plpgsql "
        "AS $$ BEGIN NOTIFY {channel}, 'reload schema'; END; $$; "
        "CREATE EVENT TRIGGER pgrst_watch ON ddl_command_end "
        "EXECUTE PROCEDURE public.pgrst_watch();"
    ),
    (Cause.AUTO_RELOAD_OFF, "enable"): "ALTER EVENT TRIGGER {name} ENABLE;",
    (Cause.AUTO_RELOAD_OFF, "replica"): "ALTER EVENT TRIGGER {name} ENABLE ALWAYS;",
    (Cause.API_UNREACHABLE, "local"): "supabase start",
    (Cause.API_UNREACHABLE, "remote"): "curl -i {api_url}/",
    (Cause.DB_UNREACHABLE, "local"): "supabase start",
    (Cause.DB_UNREACHABLE, "remote"): "pg_isready -h {host} -p {port}",
    (Cause.AUTH_REJECTED, "key"): 'pgrst-doctor check --api-key "$SUPABASE_ANON_KEY"',
    (Cause.CACHE_LOAD_FAILED, "timeout"): (
        "ALTER ROLE {authenticator} RESET statement_timeout; " + RELOAD
    ),
    (Cause.CACHE_LOAD_FAILED, "schemas"): (
        "ALTER ROLE {authenticator} RESET pgrst.db_schemas; " + RELOAD
    ),
    (Cause.CACHE_LOAD_FAILED, "generic"): "SELECT pg_notification_queue_usage(); " + RELOAD,
}


def fix(cause: Cause, variant: str, **names: object) -> str:
    return FIXES[(cause, variant)].format(**names)
