"""RUN-002's triggering-events table, corrected: does this way of changing the schema need a reload?"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SchemaChangeRoute:
    id: str
    title: str
    runbook_says: str  # the runbook's "Requires reload?" column
    needs_reload: str  # "yes" | "no" | "only without event triggers"
    why: str


ROUTES: tuple[SchemaChangeRoute, ...] = (
    SchemaChangeRoute(
        "migration-up",
        "supabase migration up / db push",
        "No: the CLI triggers reload automatically",
        "only without event triggers",
        "The CLI sends no NOTIFY; the reload comes from the pgrst_ddl_watch / pgrst_drop_watch "
        "event triggers in the database. Without them the cache stays stale.",
    ),
    SchemaChangeRoute(
        "db-reset",
        "supabase db reset",
        "No: full reset includes reload",
        "no (local stack); yes with --db-url unless event triggers exist",
        "On the local stack PostgREST reconnects and reloads; against --db-url the CLI sends no "
        "NOTIFY and PostgREST keeps its cache.",
    ),
    SchemaChangeRoute(
        "db-execute",
        "npx supabase db execute",
        "No: the CLI triggers reload automatically",
        "n/a",
        "`db execute` is not a Supabase CLI command; `supabase db query` is, and it sends no "
        "NOTIFY either.",
    ),
    SchemaChangeRoute(
        "psql",
        "Direct psql / any SQL client",
        "Yes",
        "only without event triggers",
        "Any DDL fires the event triggers when they exist and are enabled; otherwise NOTIFY by hand.",
    ),
    SchemaChangeRoute(
        "dashboard",
        "Supabase Dashboard SQL editor",
        "Yes (may not trigger reload)",
        "only without event triggers",
        "Same as psql: it depends on the event triggers, not on the tool.",
    ),
    SchemaChangeRoute(
        "grant",
        "GRANT / REVOKE / CREATE POLICY / ENABLE RLS",
        "(not listed)",
        "no",
        "Privileges and RLS are not in the schema cache: they apply at once, no reload needed.",
    ),
    SchemaChangeRoute(
        "config",
        "db-schemas or other PostgREST config changed",
        "(not listed)",
        "yes: reload config, then reload schema",
        "NOTIFY pgrst, 'reload config' (or SIGUSR2) re-reads the config but not the cache; "
        "follow with 'reload schema'. In-database pgrst.* settings are re-read by 'reload schema'.",
    ),
)
