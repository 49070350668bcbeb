"""The engine on the real sandbox: a fresh cache is healthy, every drift in the sandbox's
drift table is found with its expected cause and stale objects, and NOTIFY clears it.
Runs on PostgREST 12.0.2 and 11.2.2.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from diagnosis_helpers import diagnose, failing_causes, stale_triples, target_for

from tui.core.model import Status, Verdict
from tui.sandbox import DRIFTS, Sandbox

pytestmark = pytest.mark.integration

EXPECTED_VERSION = {"12": "12.0.2", "11": "11.2.2"}


async def test_fresh_cache_is_healthy(sandbox: Sandbox, postgrest_version: str):
    report = await diagnose(target_for(sandbox))
    assert report.verdict is Verdict.HEALTHY, [f.to_json() for f in report.findings]
    assert report.stale_objects == []
    assert report.postgrest_version == EXPECTED_VERSION[postgrest_version]
    assert report.listening is True
    assert report.server_version and report.server_version.startswith("15")
    assert report.fingerprint and report.fingerprint["database"] == sandbox.dbname
    assert report.remedies == []
    assert report.exit_code == 0
    # the sandbox has no event triggers: advice, never a failure
    auto = next(f for f in report.findings if f.check == "auto-reload")
    assert auto.status is Status.WARN and str(auto.cause) == "auto-reload-off"


async def test_every_drift_is_found_then_cleared_by_notify(sandbox: Sandbox):
    sandbox.apply_drift(["all"])
    target = target_for(sandbox)
    reports = await asyncio.gather(*(diagnose(target, request=d.request) for d in DRIFTS.values()))
    for drift, report in zip(DRIFTS.values(), reports, strict=True):
        causes = failing_causes(report)
        assert drift.expect_cause in causes, (drift.symptom, [f.to_json() for f in report.findings])
        assert set(drift.expect_stale) <= stale_triples(report), (
            drift.symptom,
            report.stale_objects,
        )
        assert report.verdict is Verdict.STALE_CACHE
        assert report.remedies[0] == "notify" and report.remedies[-1] == "reset"
        drift_finding = next(f for f in report.findings if f.check == "drift")
        assert drift_finding.fix == "NOTIFY pgrst, 'reload schema';"

    sandbox.execute("NOTIFY pgrst, 'reload schema'")
    deadline = time.monotonic() + 20
    report = await diagnose(target)
    while report.stale_objects and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        report = await diagnose(target)
    assert report.stale_objects == []
    # what is left is PostgreSQL's, not the cache's: the policy on customers is ignored
    assert report.verdict is Verdict.HEALTHY  # RLS advice is a warning when nothing was asked
    rls = await diagnose(target, request=DRIFTS["rls-not-enforced"].request)
    assert "rls-disabled" in failing_causes(rls) and rls.verdict is Verdict.NOT_CACHE
    fix = next(f.fix for f in rls.findings if str(f.cause) == "rls-disabled")
    assert fix == "ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;"


async def test_dropped_table_still_advertised_is_reported(sandbox: Sandbox):
    """OpenAPI hides a dropped table at once (it filters by a live privilege query), but
    the cache still resolves it: PostgreSQL answers 42P01 where a cache miss would be 404 {}."""
    sandbox.execute("DROP TABLE public.notes; ALTER TABLE public.products DROP COLUMN name")
    report = await diagnose(target_for(sandbox), request="GET /notes")
    triples = stale_triples(report)
    assert ("table", "public.notes", "removed") in triples
    assert ("column", "public.products.name", "removed") in triples
    assert report.verdict is Verdict.STALE_CACHE
    table = next(f for f in report.findings if f.check == "object" and "public.notes" in f.objects)
    assert str(table.cause) == "stale-cache" and "gone from the database" in table.summary


async def test_columns_keys_and_functions_drift_both_ways(sandbox12: Sandbox):
    sandbox12.execute(
        "ALTER TABLE public.orders ADD COLUMN note text;"
        "ALTER TABLE public.order_items DROP CONSTRAINT order_items_order_id_fkey;"
        "DROP FUNCTION public.customer_order_count(bigint);"
    )
    report = await diagnose(
        target_for(sandbox12), request="GET /rpc/customer_order_count?customer_id=1"
    )
    triples = stale_triples(report)
    assert ("column", "public.orders.note", "added") in triples
    # OpenAPI's note names the column, not the key: the column is PostgREST's hint too
    assert ("relationship", "public.order_items:public.orders!order_id", "removed") in triples
    assert ("function", "public.customer_order_count", "removed") in triples


async def test_drift_outside_the_symptoms_asked_is_only_a_warning(sandbox12: Sandbox):
    sandbox12.apply_drift(["missing-function"])
    report = await diagnose(target_for(sandbox12), symptoms=("missing-column",))
    drift = next(f for f in report.findings if f.check == "drift")
    assert drift.status is Status.WARN and "public.order_total" in drift.objects
    assert report.stale_objects == [] and report.verdict is Verdict.HEALTHY
    asked = await diagnose(target_for(sandbox12), symptoms=("missing-function",))
    assert asked.verdict is Verdict.STALE_CACHE
