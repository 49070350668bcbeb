"""The Diagnosis contract the CLI and the wizard rely on: probes one by one or all at once,
events for each, never an exception out of run_probe, the same report either way."""

from __future__ import annotations

import pytest
from diagnosis_helpers import target_for

from tui.core.diagnosis import (
    Diagnosis,
    DiagnosisRequest,
    ProbeFinished,
    ProbeOutcome,
    ProbeStarted,
)
from tui.core.model import ObjectKind, Status, Verdict
from tui.core.request import FailingRequest
from tui.core.specs import ObjectRef
from tui.sandbox import Sandbox

pytestmark = pytest.mark.integration


async def test_probes_one_by_one_then_conclude_like_run(sandbox12: Sandbox):
    sandbox12.apply_drift(["missing-column"])
    target = target_for(sandbox12)
    request = DiagnosisRequest(request=FailingRequest("POST", "/customers", b'{"loyalty_tier": 1}'))
    wizard = Diagnosis(target, request)
    ids = [p.id for p in wizard.probes]
    assert ids[:5] == ["database", "api", "catalog", "openapi", "listener"]
    assert {"admin", "request", "targeted"} <= set(ids)
    for probe_id in reversed(ids):  # any order: dependencies are awaited, not assumed
        outcome = await wizard.run_probe(probe_id)
        assert isinstance(outcome, ProbeOutcome) and outcome.probe == probe_id
        # a panel holding evidence of the failure says so: the replayed write fails and the
        # cache misses the column; every other probe ran and found nothing wrong
        failing = {"request", "targeted"}
        expected = Status.FAIL if probe_id in failing else Status.PASS
        assert outcome.status is expected, (probe_id, outcome.summary)
    by_hand = wizard.conclude()

    events: list = []
    cli = Diagnosis(target, request)
    report = await cli.run(on_event=events.append)
    started = [e.probe for e in events if isinstance(e, ProbeStarted)]
    finished = [e.outcome.probe for e in events if isinstance(e, ProbeFinished)]
    assert sorted(started) == sorted(finished) == sorted(ids)
    assert report.verdict is by_hand.verdict is Verdict.STALE_CACHE
    assert report.stale_objects == by_hand.stale_objects
    assert set(report.to_json()) == {"schema_version", "verdict", "postgrest_version",
                                     "listening", "stale_objects", "findings", "remedies",
                                     "elapsed_ms"}  # fmt: skip
    assert all(f.elapsed_ms > 0 for f in report.findings if f.check in ("drift", "listener"))


async def test_unknown_probe_and_missing_request_are_outcomes_not_exceptions(sandbox12):
    diagnosis = Diagnosis(target_for(sandbox12))
    outcome = await diagnosis.run_probe("no-such-probe")
    assert outcome.status is Status.ERROR
    assert (await diagnosis.run_probe("request")).status is Status.ERROR


async def test_named_objects_skip_openapi_and_sweeps(sandbox12: Sandbox):
    sandbox12.apply_drift(["missing-table"])
    ref = ObjectRef(ObjectKind.TABLE, "public", "invoices")
    diagnosis = Diagnosis(target_for(sandbox12), DiagnosisRequest(objects=(ref,)))
    report = await diagnosis.run()
    assert diagnosis.outcomes["openapi"].status is Status.SKIPPED
    assert [s.name for s in report.stale_objects] == ["public.invoices"]
    catalog = diagnosis.outcomes["catalog"].evidence.catalog
    assert catalog.scoped and set(catalog.relations) == {"public.invoices"}


async def test_a_scoped_snapshot_has_the_named_tables_keys_both_ways(sandbox12: Sandbox):
    """The scoped foreign-key query (through pg_depend) finds exactly the keys the full one
    lists on or to the named tables, and none of an index that shares a name."""
    from tui.core.probes import base, catalog

    sandbox12.apply_drift(["missing-relationship"])  # order_items.product_id -> products
    sandbox12.execute(  # a key that depends on a unique index named like a named table
        "CREATE SCHEMA other; CREATE TABLE other.parent (id int);"
        "CREATE UNIQUE INDEX products ON other.parent (id);"
        "CREATE TABLE other.child (pid int REFERENCES other.parent (id));"
        # one-to-one (the key column is the primary key) and composite keys to a named table
        "CREATE TABLE other.product_detail (product_id bigint PRIMARY KEY"
        "  REFERENCES public.products (id));"
        "CREATE TABLE other.pair (a bigint, b bigint, UNIQUE (a, b));"
        "CREATE TABLE other.pair_ref (a bigint, b bigint, FOREIGN KEY (a, b)"
        "  REFERENCES other.pair (a, b));"
        "CREATE TABLE other.product_alias (product_id bigint UNIQUE REFERENCES public.products);"
    )
    conn = await base.connect(target_for(sandbox12))
    try:
        full = await catalog.snapshot(conn, "anon")
        names = frozenset({"orders", "products", "pair"})
        scoped = await catalog.snapshot(conn, "anon", names=names)
    finally:
        await conn.close()
    expected = {fk for fk in full.foreign_keys if {fk.table, fk.ref_table} & names}
    assert {(fk.table, fk.ref_table) for fk in expected} >= {
        ("order_items", "orders"), ("order_items", "products")
    }  # fmt: skip
    assert set(scoped.foreign_keys) == expected
    # the scoped query asks each key's own table whether it is one-to-one: same answers
    one_to_one = {fk.table for fk in scoped.foreign_keys if fk.one_to_one}
    assert one_to_one == {"product_detail", "product_alias"}
    assert ("pair_ref", ("a", "b")) in {(fk.table, fk.columns) for fk in scoped.foreign_keys}


async def test_a_scoped_snapshot_reads_view_rls_only_for_a_named_view(sandbox12: Sandbox):
    """The tables with RLS behind a view (VIEW_RLS_QUERY, read only by the RLS check of a
    view) are read in a scoped snapshot only when a named relation is a view: the same rows
    as the full snapshot has for it; a snapshot of named tables does not send the query."""
    from tui.core.probes import base, catalog

    sandbox12.execute(
        "CREATE VIEW public.scoped_notes AS SELECT * FROM public.notes;"
        "CREATE VIEW public.scoped_notes_2 AS SELECT * FROM public.scoped_notes;"
    )
    conn = await base.connect(target_for(sandbox12))
    try:
        full = await catalog.snapshot(conn, "anon")
        view = await catalog.snapshot(conn, "anon", names=frozenset({"scoped_notes_2"}))
        tables = await catalog.snapshot(conn, "anon", names=frozenset({"notes", "orders"}))
    finally:
        await conn.close()
    key = "public.scoped_notes_2"
    assert view.view_rls == {key: full.view_rls[key]} == {key: ("public.notes",)}
    assert view.view_rls_bypassed == {key: full.view_rls_bypassed[key]}
    assert "views" in view.timings_ms
    assert "views" not in tables.timings_ms and tables.view_rls == {}
    assert set(tables.relations) == {"public.notes", "public.orders"}


async def test_a_scoped_snapshot_reads_near_names_only_for_what_it_did_not_find(
    sandbox12: Sandbox,
):
    """The names that start or end alike (for "did you mean", NEAR_NAMES_QUERY, which scans
    every name in the database) are read only when a name was not found as what it was asked
    about: a table named orders is found, an enum type named orders is not, and a function
    always reads them (an aggregate is a near name but not a catalog function)."""
    from tui.core.probes import base, catalog

    conn = await base.connect(target_for(sandbox12))
    try:
        names = frozenset({"orders"})
        found = await catalog.snapshot(conn, "anon", names=names, asked_as={"orders": {"relation"}})
        as_enum = await catalog.snapshot(conn, "anon", names=names, asked_as={"orders": {"enum"}})
        unsaid = await catalog.snapshot(conn, "anon", names=names)
    finally:
        await conn.close()
    assert "near_names" not in found.timings_ms and found.near == ()
    assert ("public.orders", "table") in as_enum.near
    assert unsaid.near == as_enum.near


async def test_a_scoped_diagnosis_leaves_the_schema_cache_dump_alone(
    sandbox12: Sandbox, monkeypatch: pytest.MonkeyPatch
):
    """The admin server's /schema_cache (v12.2+: the whole cache, tens of MB at 10,000 tables)
    is asked for by a full check, which compares it, and not by a check of named objects,
    which never reads it: every request the diagnosis sends is recorded."""
    import httpx

    sent: list[str] = []
    send = httpx.AsyncClient.send

    async def recording(self: httpx.AsyncClient, request: httpx.Request, **kw: object):
        sent.append(request.url.path)
        return await send(self, request, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx.AsyncClient, "send", recording)
    target = target_for(sandbox12)
    named = DiagnosisRequest(objects=(ObjectRef(ObjectKind.TABLE, "public", "orders"),))
    await Diagnosis(target, named).run()
    assert {"/live", "/ready", "/metrics"} <= set(sent) and "/schema_cache" not in sent
    sent.clear()
    await Diagnosis(target).run()
    assert "/schema_cache" in sent
