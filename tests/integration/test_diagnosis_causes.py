"""Each look-alike of a stale cache, on the real sandbox: the engine names the real cause,
gives its exact fix, and never calls it stale.
"""

from __future__ import annotations

import asyncio
import time

import psycopg
import pytest
from diagnosis_helpers import (
    diagnose,
    failing_causes,
    stale_triples,
    target_for,
    warning_causes,
)
from fault_servers import FaultServer, dead_port, hung

from tui.core.model import ObjectKind, Status, Verdict
from tui.core.specs import ObjectRef
from tui.sandbox import Sandbox, jwt

pytestmark = pytest.mark.integration


def table(schema: str, name: str) -> ObjectRef:
    return ObjectRef(ObjectKind.TABLE, schema, name)


def finding_for(report, cause: str):
    return next(f for f in report.findings if str(f.cause) == cause and f.status is Status.FAIL)


async def test_ungranted_table_is_not_stale_but_missing_privilege(sandbox12: Sandbox):
    target = target_for(sandbox12)
    plain = await diagnose(target)
    assert not any("audit_log" in name for _, name, _ in stale_triples(plain))
    assert plain.verdict is Verdict.HEALTHY
    asked = await diagnose(target, objects=(table("public", "audit_log"),))
    assert failing_causes(asked) == {"missing-privilege"}
    assert (
        finding_for(asked, "missing-privilege").fix == "GRANT SELECT ON public.audit_log TO anon;"
    )
    assert asked.verdict is Verdict.NOT_CACHE and asked.remedies == []


async def test_the_request_finding_names_what_the_answer_names(sandbox12: Sandbox):
    for request, named in (("GET /rpc/nope", "public.nope"),
                           ("GET /orders?select=*,nothere(*)", "public.orders:public.nothere")):  # fmt: skip
        report = await diagnose(target_for(sandbox12), request=request)
        finding = next(f for f in report.findings if f.check == "request")
        assert finding.objects == [named]


async def test_table_in_schema_not_exposed(sandbox12: Sandbox):
    report = await diagnose(target_for(sandbox12), request="GET /feature_flags",
                            objects=(table("internal", "feature_flags"),))  # fmt: skip
    assert "schema-not-exposed" in failing_causes(report)
    assert "stale-cache" not in failing_causes(report)
    fix = finding_for(report, "schema-not-exposed").fix
    assert fix.startswith("ALTER ROLE authenticator SET pgrst.db_schemas = 'public, internal';")


async def test_table_never_created_is_object_missing(sandbox12: Sandbox):
    report = await diagnose(target_for(sandbox12), request='POST /shipments {"id": 1}')
    assert "object-missing" in failing_causes(report)
    assert report.verdict is Verdict.NOT_CACHE and report.stale_objects == []


async def test_enum_label_that_does_not_exist(sandbox12: Sandbox):
    ref = ObjectRef(ObjectKind.ENUM, "public", "order_status", label="returned")
    report = await diagnose(target_for(sandbox12), objects=(ref,))
    assert failing_causes(report) == {"enum-value-missing"}
    assert finding_for(report, "enum-value-missing").fix == (
        "ALTER TYPE public.order_status ADD VALUE 'returned';"
    )


@pytest.mark.parametrize("postgrest_version", ["12", "11"], ids=["pgrst12", "pgrst11"])
async def test_no_listener(make_sandbox, postgrest_version: str):
    box = make_sandbox(postgrest_version, postgrest_extra={"db-channel-enabled": False})
    target = target_for(box)
    fresh = await diagnose(target)
    assert fresh.listening is False
    assert "no-listener" in warning_causes(fresh) and fresh.verdict is Verdict.HEALTHY
    box.apply_drift(["missing-function"])
    stale = await diagnose(target, request="GET /rpc/order_total?order_id=1")
    assert {"stale-cache", "no-listener"} <= failing_causes(stale)
    assert "notify" not in stale.remedies and stale.remedies[-2:] == ["restart", "reset"]


async def test_service_role_key_bypasses_rls(sandbox12: Sandbox):
    target = target_for(sandbox12, key=sandbox12.role_key("service_role"))
    report = await diagnose(target, request="GET /notes")
    assert failing_causes(report) == {"rls-bypassed"}
    finding = finding_for(report, "rls-bypassed")
    assert "BYPASSRLS" in finding.summary and finding.runbook_note
    # with the anon key the same table's RLS is enforced
    anon = await diagnose(target_for(sandbox12), request="GET /notes")
    assert anon.verdict is Verdict.HEALTHY


async def test_view_without_security_invoker_and_permissive_policy(sandbox12: Sandbox):
    sandbox12.execute(
        "CREATE VIEW public.all_notes AS SELECT * FROM public.notes;"
        "GRANT SELECT ON public.all_notes TO anon;"
        "CREATE POLICY notes_everyone ON public.notes FOR SELECT TO anon USING (true);"
        "NOTIFY pgrst, 'reload schema';"
    )
    target = target_for(sandbox12)
    symptoms = ("rls-not-enforced",)
    view = await diagnose(target, objects=(table("public", "all_notes"),), symptoms=symptoms)
    assert finding_for(view, "rls-bypassed").fix == (
        "ALTER VIEW public.all_notes SET (security_invoker = true);"
    )
    notes = await diagnose(target, objects=(table("public", "notes"),), symptoms=symptoms)
    fix = finding_for(notes, "rls-bypassed").fix  # the policy name may be quoted or bare
    assert fix.startswith("DROP POLICY ") and fix.endswith(" ON public.notes;")
    assert "notes_everyone" in fix


async def test_view_owned_by_a_role_the_policies_filter_bypasses_nothing(sandbox12: Sandbox):
    """A view runs with its owner's rights, and PostgreSQL checks the table's policies for
    that owner: owned by authenticated (no superuser, no BYPASSRLS, not the table's owner),
    notes' RLS still filters, as in PostgREST's starter kit (views owned by an api role)."""
    sandbox12.execute(
        "CREATE VIEW public.owned_notes AS SELECT * FROM public.notes;"
        "GRANT SELECT ON public.notes TO authenticated;"
        "ALTER VIEW public.owned_notes OWNER TO authenticated;"
        "GRANT SELECT ON public.owned_notes TO anon;"
        "NOTIFY pgrst, 'reload schema';"
    )
    report = await diagnose(target_for(sandbox12), objects=(table("public", "owned_notes"),),
                            symptoms=("rls-not-enforced",))  # fmt: skip
    rls = next(f for f in report.findings if f.check == "rls")
    assert (rls.status, rls.cause) == (Status.PASS, None), rls
    assert "authenticated" in rls.summary and "public.notes" in rls.summary


async def test_key_signed_with_another_secret_is_rejected(sandbox12: Sandbox):
    forged = jwt.role_key("anon", "not-the-sandbox-secret-" + "x" * 32)
    report = await diagnose(target_for(sandbox12, key=forged))
    assert "auth-rejected" in failing_causes(report)
    assert report.verdict is Verdict.NOT_CACHE and report.exit_code == 1


@pytest.mark.parametrize("postgrest_version", ["12", "11"], ids=["pgrst12", "pgrst11"])
async def test_cache_that_fails_to_load(make_sandbox, postgrest_version: str):
    """The schema-cache query times out (the authenticator's statement_timeout): 503 PGRST002.
    PostgREST's table query asks pg_relation_is_updatable() of every view, which opens it: a
    view held in ACCESS EXCLUSIVE mode blocks that query until the timeout, whatever the
    machine's load, while PostgREST's small config queries (no relation opened) pass at once."""
    box = make_sandbox(postgrest_version)
    box.execute("CREATE VIEW public.customer_names AS SELECT id FROM public.customers;")
    with psycopg.connect(box.connection().db_url) as holder:  # the lock, held to the end
        holder.execute("LOCK TABLE public.customer_names IN ACCESS EXCLUSIVE MODE")
        # the setting reaches new sessions only: end PostgREST's pooled ones (not its LISTEN
        # session), or the reload may run on a session from before it and succeed
        box.execute(
            f'ALTER ROLE authenticator IN DATABASE "{box.dbname}" SET statement_timeout = 500;'
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE usename = 'authenticator' AND datname = current_database()"
            " AND query !~* '^\\s*listen';"
            "NOTIFY pgrst, 'reload schema';"
        )
        target = target_for(box)
        deadline = time.monotonic() + 20
        report = await diagnose(target)
        while "cache-load-failed" not in failing_causes(report) and time.monotonic() < deadline:
            await asyncio.sleep(0.3)
            report = await diagnose(target)
        holder.rollback()
    assert "cache-load-failed" in failing_causes(report)
    assert finding_for(report, "cache-load-failed").fix.startswith(
        "ALTER ROLE authenticator RESET statement_timeout;"
    )
    assert report.verdict is Verdict.NOT_CACHE


@pytest.mark.parametrize("postgrest_version", ["12", "11"], ids=["pgrst12", "pgrst11"])
async def test_openapi_disabled_falls_back_to_targeted_probes(make_sandbox, postgrest_version):
    box = make_sandbox(postgrest_version, postgrest_extra={"openapi-mode": "disabled"},
                       drift=("missing-table", "missing-column", "missing-relationship",
                              "missing-function"))  # fmt: skip
    report = await diagnose(target_for(box))
    triples = stale_triples(report)
    assert {
        ("table", "public.invoices", "added"),
        ("column", "public.customers.loyalty_tier", "added"),
        ("relationship", "public.order_items:public.products!order_items_product_id_fkey", "added"),
        ("function", "public.order_total", "added"),
    } <= triples
    assert not any("audit_log" in name for _, name, _ in triples)
    assert report.verdict is Verdict.STALE_CACHE


async def test_api_and_database_unreachable():
    from tui.core.target import Target

    target = Target(db_url=f"postgresql://postgres@127.0.0.1:{dead_port()}/postgres",
                    api_url=f"http://127.0.0.1:{dead_port()}", timeout=2)  # fmt: skip
    report = await diagnose(target)
    assert {"api-unreachable", "db-unreachable"} <= failing_causes(report)
    assert report.verdict is Verdict.UNREACHABLE and report.exit_code == 3
    drift = next(f for f in report.findings if f.check == "drift")
    assert drift.status is Status.SKIPPED and "needs" in drift.summary


async def test_hung_api_is_given_up_at_the_timeout(sandbox12: Sandbox):
    with FaultServer(hung, lifetime=30) as server:
        conn = sandbox12.connection()
        from tui.core.target import Target

        target = Target(db_url=conn.db_url, api_url=server.url, api_key=conn.anon_key, timeout=1)
        report = await diagnose(target)
    assert report.verdict is Verdict.UNREACHABLE
    api = next(f for f in report.findings if f.check == "api")
    assert str(api.cause) == "api-unreachable" and "within 1s" in api.summary
    # the database side still answered
    assert next(f for f in report.findings if f.check == "database").status is Status.PASS


async def test_in_database_db_schemas_overrides_the_project_config(make_sandbox):
    """Supabase's PGRST106 case: the project exposes `internal`, the authenticator's
    in-database pgrst.db_schemas hides it again (it wins over the config)."""
    box = make_sandbox("12", schemas=("public", "internal"))
    box.execute(
        f"ALTER ROLE authenticator IN DATABASE \"{box.dbname}\" SET pgrst.db_schemas = 'public';"
        "NOTIFY pgrst, 'reload schema';"
    )
    target = target_for(box, schemas_hint=("public", "internal"))
    ref = table("internal", "feature_flags")
    deadline = time.monotonic() + 20
    report = await diagnose(target, objects=(ref,))
    while "schema-not-exposed" not in failing_causes(report) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        report = await diagnose(target, objects=(ref,))
    finding = finding_for(report, "schema-not-exposed")
    assert "overrides the project config" in finding.summary
    assert finding.fix == (
        "ALTER ROLE authenticator RESET pgrst.db_schemas; NOTIFY pgrst, 'reload schema';"
    )


async def test_hung_database_and_api_are_given_up_at_the_timeout():
    from tui.core.target import Target

    with FaultServer(hung, lifetime=30) as db, FaultServer(hung, lifetime=30) as api:
        target = Target(db_url=f"postgresql://postgres@127.0.0.1:{db.port}/postgres",
                        api_url=api.url, timeout=1)  # fmt: skip
        report = await diagnose(target, request="GET /orders")
    assert report.verdict is Verdict.UNREACHABLE
    assert {"api-unreachable", "db-unreachable"} <= failing_causes(report)


@pytest.mark.parametrize("postgrest_version", ["12", "11"], ids=["pgrst12", "pgrst11"])
async def test_42703_and_wrong_argument_names_are_not_the_cache(make_sandbox, postgrest_version):
    box = make_sandbox(postgrest_version)
    target = target_for(box)
    column, call = await asyncio.gather(
        diagnose(target, request="GET /customers?select=id,username"),
        diagnose(target, request="GET /rpc/customer_order_count?customer=1"),
    )
    assert failing_causes(column) == {"object-missing"} and column.stale_objects == []
    assert finding_for(column, "object-missing").fix.startswith(
        "ALTER TABLE public.customers ADD COLUMN username"
    )
    assert failing_causes(call) == {"object-missing"} and call.stale_objects == []
    assert finding_for(call, "object-missing").fix == (
        "GET /rpc/customer_order_count?customer_id=<value>"
    )


async def test_event_trigger_that_notifies_turns_auto_reload_on_and_off(sandbox12: Sandbox):
    assert sandbox12.postgrest is not None
    loads = sandbox12.postgrest.log_text().count("Schema cache loaded")
    sandbox12.execute(
        "CREATE FUNCTION public.pgrst_watch() RETURNS event_trigger LANGUAGE plpgsql AS "
        "$$ BEGIN NOTIFY pgrst, 'reload schema'; END; $$;"
        "CREATE EVENT TRIGGER pgrst_watch ON ddl_command_end EXECUTE PROCEDURE public.pgrst_watch();"
        # PostgREST caches a function returning event_trigger too: reloaded, the cache is fresh
        "NOTIFY pgrst, 'reload schema';"
    )
    deadline = time.monotonic() + 15
    while sandbox12.postgrest.log_text().count("Schema cache loaded") <= loads:
        assert time.monotonic() < deadline, "PostgREST did not reload after NOTIFY"
        await asyncio.sleep(0.05)
    target = target_for(sandbox12)
    on = await diagnose(target)
    auto = next(f for f in on.findings if f.check == "auto-reload")
    assert auto.status is Status.PASS and "pgrst_watch" in auto.summary
    sandbox12.execute("ALTER EVENT TRIGGER pgrst_watch DISABLE")
    off = await diagnose(target)
    auto = next(f for f in off.findings if f.check == "auto-reload")
    assert (auto.status, str(auto.cause)) == (Status.WARN, "auto-reload-off")
    assert auto.fix == "ALTER EVENT TRIGGER pgrst_watch ENABLE;"
    assert off.verdict is Verdict.HEALTHY  # advice never changes the verdict


async def test_listener_unknown_when_other_sessions_queries_are_hidden(sandbox12: Sandbox):
    """A database user without pg_read_all_stats sees '<insufficient privilege>' instead of
    PostgREST's LISTEN: the state is unknown (null), never "nobody listens"."""
    sandbox12.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'doctor_plain') THEN "
        "CREATE ROLE doctor_plain LOGIN; END IF; END $$;"
    )
    conn = sandbox12.connection()
    plain_url = conn.db_url.replace("postgres:postgres@", "doctor_plain@")
    from tui.core.target import Target

    target = Target(db_url=plain_url, api_url=conn.api_url, api_key=conn.anon_key)
    report = await diagnose(target)
    assert report.listening is None
    listener = next(f for f in report.findings if f.check == "listener")
    assert listener.status is Status.WARN and "pg_read_all_stats" in listener.summary
    assert report.verdict is Verdict.HEALTHY


async def test_key_for_a_role_that_does_not_exist(sandbox12: Sandbox):
    ghost = sandbox12.role_key("ghost_role")  # signed with the right secret
    report = await diagnose(target_for(sandbox12, key=ghost), request="GET /orders")
    assert "auth-rejected" in failing_causes(report)
    assert finding_for(report, "auth-rejected").fix == (
        "CREATE ROLE ghost_role NOLOGIN; GRANT ghost_role TO authenticator;"
    )
    assert "stale-cache" not in failing_causes(report)


async def test_write_without_the_privilege_its_method_needs(sandbox12: Sandbox):
    """anon may read and insert orders but not delete them: DELETE is missing-privilege with
    the exact GRANT, and nothing is deleted by the replay."""
    target = target_for(sandbox12)
    report = await diagnose(target, request="DELETE /orders?id=eq.1")
    assert failing_causes(report) == {"missing-privilege"}
    assert finding_for(report, "missing-privilege").fix == "GRANT DELETE ON public.orders TO anon;"
    insert = await diagnose(target, request='POST /orders {"customer_id": 1}')
    assert insert.verdict is Verdict.HEALTHY
    import psycopg

    with psycopg.connect(sandbox12.db_url) as conn:
        assert conn.execute("SELECT count(*) FROM public.orders").fetchone() == (2,)
