"""Diagnosis and verification never execute anything in the database, on PostgREST 12 and 11.

An audit trap (``audit_trap.py``) records every trigger and function call through dblink, so
even a call inside a read-only or rolled-back transaction leaves a row. Every test here ends
with the trap empty, except the one that asks for a real replay (``--replay-writes``).
The module shares one sandbox per PostgREST version: the drifted objects stay stale until
the reload test at the end.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from textual.widgets import Button, Input

from tests.integration import audit_trap
from tests.integration.remedy_helpers import run_cli
from tests.ui.pilot_helpers import until
from tui.cli import main
from tui.core.model import Verdict
from tui.core.probes import targeted
from tui.core.transcript.export import load_session
from tui.core.transcript.journal import Journal
from tui.sandbox import Sandbox
from tui.ui.app import make_app
from tui.ui.screens.diagnosis import DiagnosisScreen
from tui.ui.screens.remediation import RemediationScreen
from tui.ui.screens.replay_modal import ReplayModal
from tui.ui.screens.symptoms import SymptomsScreen

pytestmark = pytest.mark.integration

DRIFTS = ["missing-table", "missing-column", "missing-relationship", "missing-function"]
COLUMN_WRITE = 'POST /customers {"name": "Linus", "loyalty_tier": "gold"}'


def wait_until_cached(box: Sandbox, path: str, timeout: float = 10.0) -> None:
    """After NOTIFY: until PostgREST's cache holds the function behind ``path``."""
    conn = box.connection()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = httpx.options(conn.api_url + path, headers={"apikey": conn.anon_key})
        if r.status_code == 200:
            return
        time.sleep(0.1)
    raise AssertionError(f"PostgREST never loaded {path}")


@pytest.fixture(scope="module", params=["12", "11"], ids=["pgrst12", "pgrst11"])
def trapped(cluster, request) -> Iterator[Sandbox]:
    """A sandbox with the trap set and loaded, then the drift applied behind its back."""
    from tests.conftest import TEMPLATE_DB

    box = Sandbox(postgrest_version=request.param, cluster=cluster, template=TEMPLATE_DB)
    box.start()
    try:
        audit_trap.install(box)
        box.execute("NOTIFY pgrst, 'reload schema'")
        wait_until_cached(box, "/rpc/audit_ping")
        box.apply_drift(DRIFTS)
        yield box
    finally:
        box.stop()


@pytest.fixture
def trap(trapped: Sandbox) -> Iterator[Sandbox]:
    """The shared sandbox, its trap emptied before and asserted empty after the test."""
    audit_trap.clear(trapped)
    yield trapped


def check(capsys, box: Sandbox, *argv: str) -> tuple[int, dict]:
    conn = box.connection()
    target = ["--db-url", conn.db_url, "--api-url", conn.api_url, "--admin-url", conn.admin_url]
    code = main(["check", "--json", *target, "--api-key", conn.anon_key, *argv])
    out, _err = capsys.readouterr()
    return code, json.loads(out)


def request_finding(data: dict) -> dict:
    return next(f for f in data["findings"] if f["check"] == "request")


@pytest.mark.parametrize(
    ("request_text", "resolves"),
    [
        (COLUMN_WRITE, False),  # the stale column
        ('POST /invoices {"order_id": 1, "amount_cents": 5}', False),  # the stale table
        ('POST /orders {"customer_id": 1}', True),
        ('PATCH /customers?id=eq.1 {"name": "Ada"}', False),  # anon may not UPDATE
        # nor PUT: PostgREST sends INSERT ... ON CONFLICT DO UPDATE, which needs UPDATE too
        ('PUT /customers?id=eq.1 {"id": 1, "name": "Ada", "email": "ada@example.test"}', False),
        ("DELETE /customers?id=eq.2", False),  # nor DELETE: the catalog says so
        ("GET /rpc/audit_ping", True),
        ("POST /rpc/audit_ping", True),
        ('POST /rpc/audit_note {"note": "hi"}', True),
        ("GET /rpc/audit_note?note=hi", True),
        ("GET /rpc/order_total?order_id=1", False),  # the stale function
        ("GET /audited_customers", True),  # a view calling a volatile function
        ("HEAD /audited_customers?select=id", True),
        ("GET /order_items?select=*,products(*)", False),  # the stale relationship
        ("GET /orders?select=*,customers(*)&order=id.desc", True),
    ],
)
def test_check_request_runs_nothing_in_the_database(capsys, trap, request_text, resolves):
    code, data = check(capsys, trap, "--request", request_text)
    finding = request_finding(data)
    assert (finding["status"] == "pass") is resolves, finding
    if not resolves:  # stale in the cache, or refused by the catalog's privileges
        assert finding["cause"] in {"stale-cache", "missing-privilege"}, finding
    assert "nothing was sent to the database" in finding["summary"]
    assert audit_trap.hits(trap) == []
    assert code in (0, 1)


def test_full_check_and_function_check_run_nothing(capsys, trap):
    code, data = check(capsys, trap)
    assert code == 1 and data["verdict"] == "stale-cache"
    assert {("function", "public.order_total")} <= {
        (o["kind"], o["name"]) for o in data["stale_objects"]
    }
    for function in ("public.audit_ping", "public.audit_note", "public.audit_seen"):
        check(capsys, trap, "--function", function)
    assert audit_trap.hits(trap) == []


async def test_targeted_probes_with_every_column_run_nothing(trap):
    """With OpenAPI disabled the doctor asks about every table with all its columns: a
    zero-row INSERT there would fire statement triggers on every table."""
    conn = trap.connection()
    headers = {"apikey": conn.anon_key, "Authorization": f"Bearer {conn.anon_key}"}
    async with httpx.AsyncClient(base_url=conn.api_url, headers=headers) as client:
        fresh = await targeted.probe_table(
            client, None, "public", "customers", ("id", "name", "email")
        )
        stale = await targeted.probe_column(client, None, "public", "customers", "loyalty_tier")
        view = await targeted.probe_table(client, None, "public", "audited_customers", ("seen",))
        rel = await targeted.probe_relationship(client, None, "public", "orders", "customers")
        fn = await targeted.probe_function(client, None, "public", "audit_note", ("note",))
    assert (fresh.cached, fresh.missing_columns) == (True, ())
    assert (stale.cached, stale.missing_columns) == (False, ("loyalty_tier",))
    assert view.cached and rel.cached and fn.cached
    assert audit_trap.hits(trap) == []


def test_replay_writes_sends_the_write_once_and_says_so(capsys, trap):
    _code, data = check(
        capsys, trap, "--request", 'POST /orders {"customer_id": 2}', "--replay-writes",
        "--symptom", "missing-table",
    )  # fmt: skip
    finding = request_finding(data)
    assert "replayed for real, once" in finding["summary"] and finding["status"] == "pass"
    direct = [h for h in audit_trap.hits(trap) if not h.endswith("(dblink)")]
    assert sorted(direct) == sorted(
        ["BEFORE STATEMENT INSERT orders", "BEFORE ROW INSERT orders",
         "AFTER STATEMENT INSERT orders"]
    )  # fmt: skip


def test_replay_writes_needs_a_request(capsys, trap):
    conn = trap.connection()
    code = main(["check", "--api-url", conn.api_url, "--db-url", conn.db_url, "--replay-writes"])
    assert code == 2
    assert "--replay-writes needs --request" in capsys.readouterr().err


def stale_trap_objects(box: Sandbox, tag: str) -> None:
    """Behind PostgREST's back: a column, a view whose SELECT calls a volatile function, and a
    volatile function, all for verification to watch."""
    box.execute(
        f"ALTER TABLE public.customers ADD COLUMN nick_{tag} text;"
        f"CREATE VIEW public.seen_{tag} AS SELECT c.id, public.audit_seen('seen_{tag}') AS seen "
        "FROM public.customers c;"
        f"GRANT SELECT ON public.seen_{tag} TO anon;"
        f"CREATE FUNCTION public.audit_{tag}(note text) RETURNS text LANGUAGE plpgsql VOLATILE "
        f"AS $$ BEGIN PERFORM audit_trap.record('rpc audit_{tag}'); RETURN note; END $$;"
    )


async def test_wizard_diagnosis_and_verification_run_nothing_until_yes_is_typed(trap, tmp_path):
    """The wizard's diagnosis of a pasted write, then NOTIFY: the verification's replay asks
    for a typed yes; Escape keeps it cache-only (zero calls), ``yes`` sends it once."""
    journal = Journal.start("wizard", root=tmp_path / "sessions")
    app = make_app(trap.target(), journal=journal)

    def modal_up() -> bool:
        return isinstance(app.screen, ReplayModal) and bool(app.screen.query("#send"))

    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+n")  # connect -> symptoms
        await until(  # the screen is pushed before its fields are composed
            pilot,
            lambda: isinstance(app.screen, SymptomsScreen) and bool(app.screen.query("#request")),
        )
        app.screen.query_one("#request", Input).value = COLUMN_WRITE
        app.screen.start("missing-column")
        await until(pilot, lambda: isinstance(app.screen, DiagnosisScreen))
        diagnosis = app.screen
        await until(pilot, lambda: diagnosis.report is not None)
        assert diagnosis.report.verdict is Verdict.STALE_CACHE, (  # which probe, if not
            [(f.check, str(f.cause), f.summary) for f in diagnosis.report.findings if f.cause],
            [(o.probe, str(o.status), round(o.elapsed_ms), o.summary)
             for o in diagnosis.diagnosis.outcomes.values()],
        )  # fmt: skip
        assert audit_trap.hits(trap) == []
        app.push_screen(RemediationScreen(diagnosis.report))
        await until(pilot, lambda: isinstance(app.screen, RemediationScreen))
        remediation = app.screen
        await until(pilot, lambda: bool(remediation.rungs))
        notify = next(r for r in remediation.rungs if r.id == "notify")
        remediation.run_rung(notify)
        await until(pilot, modal_up)
        assert app.screen.query_one("#send", Button).disabled
        await pilot.press("escape")  # cache only
        await until(pilot, lambda: remediation.outcome is not None, timeout=60)
        assert remediation.outcome.fixed
        assert audit_trap.hits(trap) == []
        remediation.outcome = None
        remediation.run_rung(notify)
        await until(pilot, modal_up)
        app.screen.query_one("#replay-yes", Input).focus()
        await pilot.press(*"yes", "enter")
        await until(pilot, lambda: remediation.outcome is not None, timeout=60)
        app.journal_flushed()
    journal.close()
    direct = [h for h in audit_trap.hits(trap) if not h.endswith("(dblink)")]
    assert direct.count("BEFORE ROW INSERT customers") == 1, direct
    consent = [e for e in load_session(journal.dir).events if e["kind"] == "confirmation"]
    assert [e["payload"]["confirmed"] for e in consent] == [False, True]


def test_reload_verification_runs_nothing_then_replays_for_real_only_when_asked(trap, tmp_path):
    """Last in the module: the reload makes the shared sandbox's cache fresh."""
    env = trap.connection().env()
    stale_trap_objects(trap, "cli")
    proc = run_cli("reload", "--json", "--request", COLUMN_WRITE, cwd=tmp_path, env=env,
                   timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    verify = data["steps"][-1]["details"]
    assert verify["request"]["ok"] and "nothing ran" in verify["request"]["note"]
    assert verify["pending"] == [] and verify["requests"] > 0
    assert audit_trap.hits(trap) == []
    trap.execute("ALTER TABLE public.customers ADD COLUMN nickname text")
    proc = run_cli("reload", "--json", "--request", 'POST /customers {"name": "Bo", '
                   '"nickname": "b"}', "--replay-writes", cwd=tmp_path, env=env,
                   timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    note = json.loads(proc.stdout)["steps"][-1]["details"]["request"]["note"]
    assert "replayed for real, once" in note
    direct = [h for h in audit_trap.hits(trap) if not h.endswith("(dblink)")]
    assert direct.count("BEFORE ROW INSERT customers") == 1
