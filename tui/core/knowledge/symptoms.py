"""The runbook's six symptoms: what the user sees, what RUN-002 claims, what is actually true."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Symptom:
    """One of the runbook's symptoms: its claim, the truth, the objects behind it."""

    id: str
    title: str  # as the on-call engineer would say it
    runbook_says: str
    truth: str  # what pgrst-doctor knows better
    object_flag: str | None  # the CLI flag naming the object it is about
    object_kinds: tuple[str, ...]  # StaleObject kinds that explain it


SYMPTOMS: dict[str, Symptom] = {
    s.id: s
    for s in (
        Symptom(
            id="missing-table",
            title="API returns 404 for a new table or view",
            runbook_says="A stale cache makes new tables answer 404.",
            truth=(
                "On PostgREST 11-12 reads of a new table succeed (they go straight to SQL); "
                "embeds fail with PGRST200 and writes answer 404 {}. From v13 every request "
                "answers 404 PGRST205, the same answer as for a table that never existed: only "
                "the catalog tells them apart."
            ),
            object_flag="--table",
            object_kinds=("table", "view"),
        ),
        Symptom(
            id="missing-column",
            title="A new column is not visible",
            runbook_says="A stale cache hides new columns.",
            truth=(
                "select= reads are not checked against the cache; 42703 means the column really "
                "is missing from the relation queried. Only writes (PGRST204) and the OpenAPI "
                "document depend on the cache."
            ),
            object_flag="--column",
            object_kinds=("column",),
        ),
        Symptom(
            id="rls-not-enforced",
            title="RLS policies are not enforced",
            runbook_says="Reload the schema; enable RLS because PostgREST requires it for exposure.",
            truth=(
                "RLS is enforced by PostgreSQL for every query and is not cached: no reload "
                "changes it. Causes: RLS not enabled on the table, the request role owns the "
                "table or has BYPASSRLS (e.g. the service_role key), a permissive policy, or a "
                "view without security_invoker. Exposure depends on db-schemas and grants, not RLS."
            ),
            object_flag="--table",
            object_kinds=(),
        ),
        Symptom(
            id="missing-relationship",
            title="Embedding a related table fails",
            runbook_says="Reload to expose foreign-key relationships.",
            truth=(
                "PGRST200 comes from the cache when the foreign key is new; it is also the answer "
                "when the foreign key does not exist or the target is in a schema that is not exposed."
            ),
            object_flag="--relationship",
            object_kinds=("relationship",),
        ),
        Symptom(
            id="enum-rejected",
            title="Enum values are rejected",
            runbook_says="Reload so the API accepts new enum values.",
            truth=(
                "Enum input is validated by PostgreSQL (22P02), never by the cache; a new label "
                "is accepted at once. The cache only affects the labels OpenAPI (and types "
                "generated from it) lists."
            ),
            object_flag="--enum-value",
            object_kinds=("enum",),
        ),
        Symptom(
            id="missing-function",
            title='RPC says "function does not exist"',
            runbook_says="Reload after creating functions.",
            truth=(
                "PGRST202 is the cache's answer for a new function, and also for wrong argument "
                "names or a function that does not exist; the catalog tells which."
            ),
            object_flag="--function",
            object_kinds=("function",),
        ),
    )
}

ALL_SYMPTOMS: tuple[str, ...] = tuple(SYMPTOMS)
