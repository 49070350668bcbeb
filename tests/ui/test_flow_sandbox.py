"""The whole wizard flow with Pilot on the real sandbox (PostgreSQL 15 + PostgREST 12):
symptom -> read-only diagnosis -> findings -> NOTIFY -> verified healthy, every step recorded;
and the reset rung's typed confirmation on the same real target.
"""

from __future__ import annotations

import dataclasses
import io

import psycopg
import pytest
from rich.console import Console
from textual import events
from textual.widgets import Button, Input, Static

from tests.ui.pilot_helpers import until
from tui.core.model import Status, Verdict
from tui.core.transcript.export import load_session
from tui.core.transcript.journal import Journal
from tui.ui.app import make_app
from tui.ui.screens.diagnosis import DiagnosisScreen
from tui.ui.screens.findings import FindingsScreen
from tui.ui.screens.remediation import RemediationScreen
from tui.ui.screens.reset_modal import ResetModal
from tui.ui.screens.reset_screen import ResetScreen
from tui.ui.screens.symptoms import SymptomsScreen
from tui.ui.widgets.check_panel import CheckPanel

pytestmark = pytest.mark.integration
CACHE_DRIFT = ("missing-table", "missing-function", "missing-relationship")


async def test_symptom_diagnosis_notify_verified_healthy(make_sandbox, tmp_path):
    box = make_sandbox("12", drift=CACHE_DRIFT)
    journal = Journal.start("wizard", root=tmp_path / "sessions")
    app = make_app(box.target(), journal=journal, sandbox=box)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+r")  # the connectivity test: database and API, read-only
        panels = {p.probe_id: p for p in app.screen.query(CheckPanel)}
        await until(pilot, lambda: all(p.status is Status.PASS for p in panels.values()))
        await pilot.press("ctrl+n")  # connect -> symptoms
        await until(pilot, lambda: isinstance(app.screen, SymptomsScreen))
        await until(pilot, lambda: bool(app.session.catalog))  # live names for the picker
        assert "public.invoices" in app.session.catalog["--table"]
        await pilot.press("tab", "enter")  # past the error field: the first symptom
        await until(pilot, lambda: isinstance(app.screen, DiagnosisScreen))
        diagnosis = app.screen
        await until(pilot, lambda: diagnosis.report is not None)
        assert diagnosis.report.verdict is Verdict.STALE_CACHE
        await pilot.press("enter")  # the Findings button has focus once the report is in
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen))
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#stale-table", Static).content)
        assert "public.invoices" in console.export_text()
        assert "public.invoices" in {o.name for o in app.session.report.stale_objects}
        await pilot.press("ctrl+n")  # fix it
        await until(pilot, lambda: isinstance(app.screen, RemediationScreen))
        remediation = app.screen
        await until(pilot, lambda: bool(remediation.rungs))
        assert remediation.rungs[0].id == "notify"
        await pilot.press("enter")  # run the highlighted (best) rung: NOTIFY
        await until(pilot, lambda: remediation.outcome is not None, timeout=60)
        assert remediation.outcome.fixed
        assert app.session.report is not None
        assert app.session.report.verdict is Verdict.HEALTHY
        result = str(remediation.query_one("#remedy-result").content)
        assert "Verified healthy" in result
        assert not remediation.query_one("#step-timer").ticking  # no idle timer
        app.journal_flushed()
    journal.close()
    kinds = [e["kind"] for e in load_session(journal.dir).events]
    for kind in ("symptom", "check", "verdict", "decision", "step-start", "step-end", "kpi"):
        assert kind in kinds, kind
    targets = [e["payload"] for e in load_session(journal.dir).events if e["kind"] == "target"]
    assert any("fingerprint" in t for t in targets)  # the diagnosis named the database
    assert all(t["sandbox"] == ["db", "api"] for t in targets)  # each line: the sandbox's
    decision = next(e for e in load_session(journal.dir).events if e["kind"] == "decision")
    assert decision["actor"] == "user"  # the write was the user's explicit choice


async def test_reset_rung_asks_for_the_database_name_and_escape_changes_nothing(make_sandbox):
    box = make_sandbox("12", drift=("missing-table",))
    app = make_app(box.target(), sandbox=box)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, SymptomsScreen))
        await pilot.press("ctrl+l")  # check everything
        await until(pilot, lambda: isinstance(app.screen, DiagnosisScreen))
        await until(pilot, lambda: app.screen.report is not None)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen))
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, RemediationScreen))
        remediation = app.screen
        await until(pilot, lambda: bool(remediation.rungs))
        reset = next(r for r in remediation.rungs if r.id == "reset")
        remediation.run_rung(reset)
        await until(pilot, lambda: isinstance(app.screen, ResetModal))
        modal = app.screen
        await until(pilot, lambda: bool(modal.query("#reset")))
        button = modal.query_one("#reset", Button)
        # the modal's AUTO_FOCUS lands when it resumes, a moment after its widgets mount
        await until(pilot, lambda: app.focused is not None)
        assert app.focused is modal.query_one("#cancel", Button)
        field = modal.query_one("#confirm-name", Input)
        await until(pilot, lambda: not modal.unmigrated_pending, timeout=120)
        modal.query_one("#drop-unmigrated", Button).press()  # the drift table is in no migration
        await pilot.pause()
        field.focus()
        await pilot.press(*box.dbname[:-1])
        assert button.disabled
        await pilot.press(box.dbname[-1])
        assert not button.disabled  # exactly the database name
        await pilot.press("escape")  # closes the confirmation and the reset screen with it
        await until(pilot, lambda: app.screen is remediation)
        assert remediation.running is None and remediation.outcome is None  # no reset started
        log = "\n".join(line.text for line in remediation.query_one("#step-log").lines)
        assert "reset cancelled: nothing was dropped" in log
    # nothing was dropped: the drifted table is still there
    with psycopg.connect(box.db_url, connect_timeout=5) as conn:
        count = conn.execute("SELECT count(*) FROM public.invoices").fetchone()
    assert count == (1,)


async def test_confirmed_reset_dumps_first_then_resets(make_sandbox, tmp_path):
    """Exact name + Reset: the modal shows the dump, answers True once it is verified, and the
    core resets the database from the project's migrations (the drifted table is gone)."""
    box = make_sandbox("12", drift=("missing-table",))
    journal = Journal.start("wizard", root=tmp_path / "sessions")
    app = make_app(box.target(), journal=journal, sandbox=box)
    answers: list[bool | None] = []
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, SymptomsScreen))
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, DiagnosisScreen))
        await until(pilot, lambda: app.screen.report is not None)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen))
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, RemediationScreen))
        remediation = app.screen
        await until(pilot, lambda: bool(remediation.rungs))
        remediation.run_rung(next(r for r in remediation.rungs if r.id == "reset"))
        await until(pilot, lambda: isinstance(app.screen, ResetModal))
        modal = app.screen
        await until(pilot, lambda: bool(modal.query("#reset")))
        original = modal.dismiss

        def spy(result=None):
            answers.append(result)
            return original(result)

        modal.dismiss = spy
        # what the reset would lose is shown while the name is typed; Reset waits for a choice
        await until(pilot, lambda: not modal.unmigrated_pending, timeout=120)
        assert modal.unmigrated == ["table public.invoices"]
        shown = str(modal.query_one("#reset-unmigrated", Static).content)
        assert "table public.invoices" in shown
        assert "stale-cache" in str(modal.query_one("#reset-verdict", Static).content)
        modal.query_one("#confirm-name", Input).focus()
        await pilot.press(*box.dbname)
        assert modal.query_one("#reset", Button).disabled  # neither kept nor dropped yet
        modal.query_one("#drop-unmigrated", Button).press()
        await pilot.pause()
        modal.query_one("#confirm-name", Input).focus()
        await pilot.press("enter")
        reset = app.screen_stack[-2]
        assert isinstance(reset, ResetScreen)  # the screen that owns the reset, under the modal
        await until(pilot, lambda: reset.outcome is not None, timeout=120)
        assert answers == [True]
        assert app.screen is reset  # the modal closed once the dump was verified
        assert reset.outcome.done, reset.outcome.to_json()
        assert reset.outcome.dump is not None and reset.outcome.dump.path.exists()
        log = "\n".join(line.text for line in reset.query_one("#step-log").lines)
        assert "✓ dump:" in log and "✓ reset:" in log  # every step streamed on its screen
        with psycopg.connect(box.db_url, connect_timeout=5) as conn:
            conn.execute("DELETE FROM public.order_items")  # lose rows after the reset
        await pilot.press("ctrl+b")  # restore the pre-reset database: offered now, recorded

        def result() -> str:
            return str(reset.query_one("#reset-result", Static).content)

        await until(pilot, lambda: "Restore" in result(), timeout=60)
        assert result().startswith("✓ Restore"), result()
        assert reset.running is None
        await pilot.press("escape")  # back: the remediation screen gets the outcome
        await until(pilot, lambda: app.screen is remediation)
        assert remediation.outcome is reset.outcome
        shown = str(remediation.query_one("#remedy-result", Static).content)
        assert shown.startswith("✓ Database reset"), shown
        app.journal_flushed()
    journal.close()
    with psycopg.connect(box.db_url, connect_timeout=5) as conn:
        back = conn.execute("SELECT to_regclass('public.invoices') IS NOT NULL").fetchone()
    assert back == (True,)  # the exact pre-reset database: the drift table too
    with psycopg.connect(box.db_url, connect_timeout=5) as conn:
        restored = conn.execute("SELECT count(*) FROM public.order_items").fetchone()
    assert restored[0] > 0  # the rows came back from the dump
    kinds = [e["kind"] for e in load_session(journal.dir).events]
    assert "confirmation" in kinds and "dump" in kinds


async def test_a_reset_refused_by_a_guard_says_why_in_the_modal_and_drops_nothing(make_sandbox):
    """Without a Supabase project nothing could re-create the schema: the core refuses before
    the dump, and the confirmation shows the reason instead of hanging."""
    box = make_sandbox("12", drift=("missing-table",))
    target = dataclasses.replace(box.target(), project_dir=None)
    app = make_app(target)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        report = await app.new_diagnosis().run()
        app.session.report = report
        screen = RemediationScreen(report)
        await app.push_screen(screen)
        await until(pilot, lambda: bool(screen.rungs))
        screen.run_rung(next(r for r in screen.rungs if r.id == "reset"))
        await until(pilot, lambda: isinstance(app.screen, ResetModal))
        modal = app.screen
        await until(pilot, lambda: bool(modal.query("#reset")))
        modal.query_one("#confirm-name", Input).focus()
        await pilot.press(*box.dbname, "enter")

        def status() -> str:
            return str(modal.query_one("#reset-unmigrated", Static).content)

        await until(pilot, lambda: "Supabase project" in status())
        assert status().startswith("✗ cannot tell what the reset would lose")
        assert modal.query_one("#reset", Button).disabled
        reset = app.screen_stack[-2]
        assert isinstance(reset, ResetScreen) and reset.running is None  # nothing was started
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
    with psycopg.connect(box.db_url, connect_timeout=5) as conn:
        count = conn.execute("SELECT count(*) FROM public.invoices").fetchone()
    assert count == (1,)


async def test_a_pasted_error_object_is_diagnosed_at_once(make_sandbox):
    """The first field takes the error as supabase-js logs it (several lines, bare keys,
    single quotes): its symptom and its object, schema-qualified, without another question."""
    box = make_sandbox("12", drift=("missing-column",))
    app = make_app(box.target(), sandbox=box)
    logged = (
        "{\n  code: 'PGRST204',\n  details: null,\n  hint: null,\n"
        "  message: \"Column 'loyalty_tier' of relation 'customers' does not exist\"\n}"
    )
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+n")
        await until(  # the screen is pushed before its fields are composed
            pilot,
            lambda: isinstance(app.screen, SymptomsScreen) and bool(app.screen.query("#error")),
        )
        field = app.screen.query_one("#error", Input)
        assert app.screen.focused is field  # the first field has the focus
        field.post_message(events.Paste(logged))
        await pilot.pause()
        assert "PGRST204" in field.value and "loyalty_tier" in field.value  # every line kept
        assert field.value.count("{") == 1  # Input's own paste added its first line ("{") again
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DiagnosisScreen))
        await until(pilot, lambda: app.screen.report is not None)
        assert app.session.symptoms == ("missing-column",)
        report = app.screen.report
        assert report.verdict is Verdict.STALE_CACHE
        assert "public.customers.loyalty_tier" in {o.name for o in report.stale_objects}
