"""Snapshots of every wizard screen at 100x32 and 80x24 (SVGs in /snapshots/test_snapshots/).

Deterministic: a frozen clock, fixed loopback URLs that are never contacted, reports built
here, no wall-clock text. Update with ``just snap-update`` and review the SVG diffs.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.pilot_helpers import until
from tui.core.diagnosis import Diagnosis
from tui.core.model import Status
from tui.core.remedies.events import EventKind, KpiFigure, StepEvent
from tui.core.remedies.ladder import PlanOptions
from tui.core.transcript.journal import Journal
from tui.ui.app import make_app
from tui.ui.screens.diagnosis import DiagnosisScreen
from tui.ui.screens.findings import FindingsScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.remediation import RemediationScreen
from tui.ui.screens.reset_modal import ResetModal
from tui.ui.screens.reset_screen import ResetScreen
from tui.ui.screens.routes import RoutesScreen
from tui.ui.screens.symptoms import SymptomsScreen
from tui.ui.screens.transcript import TranscriptScreen
from tui.ui.widgets.check_panel import CheckPanel
from tui.ui.widgets.step_run import StepUpdate


def fixed_now() -> datetime:
    """The journal's clock, frozen: no wall-clock text in snapshots."""
    return datetime(2026, 1, 1, 9, 30, 0, tzinfo=UTC)


CATALOG = ["public.customers", "public.invoices", "public.order_total", "public.orders"]


def test_connect_snapshot(snap_compare, fake_target, clock, size):
    """The first screen: the masked target, editable, with the connectivity panels idle."""
    assert snap_compare(make_app(fake_target, clock=clock), terminal_size=size)


def test_connect_remote_banner_snapshot(snap_compare, remote_target, clock, size):
    """A target that is not this machine: the banner says so loudly, in words."""
    assert snap_compare(make_app(remote_target, clock=clock), terminal_size=size)


def test_symptoms_snapshot(snap_compare, fake_target, clock, size):
    app = make_app(fake_target, clock=clock)
    app.session.catalog = {"--table": list(CATALOG)}  # known names: no catalog read

    async def open_symptoms(pilot: Pilot) -> None:
        await app.push_screen(SymptomsScreen())
        await pilot.press("tab", "down", "down")  # past the error field, to the third symptom

    assert snap_compare(app, terminal_size=size, run_before=open_symptoms)


def test_routes_snapshot(snap_compare, fake_target, clock, size):
    app = make_app(fake_target, clock=clock)

    async def open_routes(pilot: Pilot) -> None:
        await app.push_screen(RoutesScreen())
        await pilot.press("down")

    assert snap_compare(app, terminal_size=size, run_before=open_routes)


def test_findings_snapshot(snap_compare, fake_target, clock, stale_report, size):
    app = make_app(fake_target, clock=clock)

    async def open_findings(pilot: Pilot) -> None:
        await app.push_screen(FindingsScreen(stale_report, ("rls-not-enforced",)))

    assert snap_compare(app, terminal_size=size, run_before=open_findings)


def test_findings_healthy_snapshot(snap_compare, fake_target, clock, healthy_report, size):
    app = make_app(fake_target, clock=clock)

    async def open_findings(pilot: Pilot) -> None:
        await app.push_screen(FindingsScreen(healthy_report))

    assert snap_compare(app, terminal_size=size, run_before=open_findings)


def test_help_snapshot(snap_compare, fake_target, clock, size):
    app = make_app(fake_target, clock=clock)

    async def open_help(pilot: Pilot) -> None:
        await app.push_screen(HelpScreen(app.help_sections()))

    assert snap_compare(app, terminal_size=size, run_before=open_help)


def test_remediation_snapshot(snap_compare, fake_target, clock, stale_report, size):
    """Rungs best first, the ones that cannot help here shown with the reason."""
    app = make_app(fake_target, clock=clock)
    options = PlanOptions(local_postgrest=True)

    async def open_remediation(pilot: Pilot) -> None:
        await app.push_screen(RemediationScreen(stale_report, options=options))

    assert snap_compare(app, terminal_size=size, run_before=open_remediation)


def test_reset_modal_snapshot(snap_compare, fake_target, clock, size):
    """What will be dropped, the verdict, what no migration has (keep or drop), the dump path
    and progress; a name half typed, Reset still disabled."""
    app = make_app(fake_target, clock=clock)

    async def open_modal(pilot: Pilot) -> None:
        modal = ResetModal(
            "shop",
            drops=["schema public: 7 tables, 1 function"],
            dump_path="dumps/shop.pgdump",
            verdict="stale-cache",
            unmigrated_pending=True,
        )
        await app.push_screen(modal)
        modal.show_dump(StepEvent("dump", EventKind.OUTPUT, "dump running: 3 of 7 tables"))
        modal.show_unmigrated(["column public.customers.phone"])
        modal.query_one("#confirm-name").focus()  # focus starts on Cancel
        await pilot.press("s", "h", "o")

    assert snap_compare(app, terminal_size=size, run_before=open_modal)


def test_transcript_snapshot(snap_compare, fake_target, clock, stale_report, tmp_path, size):
    """The timeline from a real journal (fixed clock): what was chosen, run and measured."""
    journal = Journal.start("wizard", root=tmp_path / "sessions", clock=fixed_now)
    app = make_app(fake_target, clock=clock, journal=journal)

    async def open_transcript(pilot: Pilot) -> None:
        app.record("symptom", {"symptoms": ["missing-table"]}, actor="user")
        app.record("verdict", stale_report.to_json())
        app.record("decision", {"decision": "run NOTIFY", "rung": "notify"}, actor="user")
        app.record("step-start", {"step": "notify", "message": "NOTIFY pgrst, 'reload schema'"})
        app.record("step-end", {"step": "notify", "kind": "finished", "message": "sent"})
        app.record("note", {"text": "customers were seeing 404s"}, actor="user")
        screen = TranscriptScreen(export_dir=tmp_path)
        await app.push_screen(screen)
        screen.query_one("#note", Input).cursor_blink = False  # focused on open: steady cursor
        await app.workers.wait_for_complete()
        while len(screen.events) < 8:  # the load worker hands the events to the UI thread
            await pilot.pause(0.05)
        await pilot.pause()
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=size, run_before=open_transcript)
    finally:
        journal.close()


def test_diagnosis_snapshot(snap_compare, fake_target, clock, stale_report, size):
    """Panels fed directly (no I/O): finished with evidence, one still running (frozen clock),
    one crashed, one skipped; the verdict bar once concluded."""
    app = make_app(fake_target, clock=clock)

    async def open_diagnosis(pilot: Pilot) -> None:
        screen = DiagnosisScreen(Diagnosis(fake_target), autostart=False)
        await app.push_screen(screen)
        panels = {p.probe_id: p for p in screen.query(CheckPanel)}
        for panel in panels.values():
            panel.start()
        clock.set_time(1.5)
        panels["database"].finish(Status.PASS, "PostgreSQL (primary)", {"mode": "primary"}, 12.0)
        panels["api"].finish(Status.PASS, "PostgREST, schemas public", {"schemas": ["public"]}, 9.0)
        panels["catalog"].finish(
            Status.PASS, "9 relations, 1 function, 1 enum type", {"relations": 9}, 30.0
        )
        panels["openapi"].finish(
            Status.FAIL, "3 objects missing from the cache", {"added": ["public.invoices"]}, 21.0
        )
        panels["listener"].crash(TimeoutError("listener query timed out"))
        panels["admin"].tick()  # still running at 1.5 s
        panels["targeted"].finish(Status.SKIPPED, "needs the catalog probe", {}, 0.0)
        screen.show_report(stale_report)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_diagnosis)


def test_remediation_running_snapshot(snap_compare, fake_target, clock, stale_report, size):
    """A rung mid-run, fed with the core's step events (no I/O): output streamed, the NOTIFY
    KPI judged, and the verification timer at 3 s, past its 2 s target (coloured, in words)."""
    app = make_app(fake_target, clock=clock)

    async def run_notify(pilot: Pilot) -> None:
        screen = RemediationScreen(stale_report, options=PlanOptions())
        await app.push_screen(screen)
        notify = "NOTIFY pgrst, 'reload schema'"
        for event in (
            StepEvent("notify", EventKind.STARTED, notify, kpi_id="notify_execution"),
            StepEvent("notify", EventKind.OUTPUT, "1 PostgREST session listens on the channel"),
            StepEvent("notify", EventKind.KPI, kpi=KpiFigure.measure("notify_execution", 0.004)),
            StepEvent("notify", EventKind.FINISHED, "sent 'reload schema' on channel pgrst"),
            StepEvent(
                "verify", EventKind.STARTED, "verify: objects served", kpi_id="schema_reload"
            ),
        ):
            screen.on_step_update(StepUpdate(event))
        clock.set_time(3.0)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_notify)


def test_reset_screen_snapshot(snap_compare, fake_target, clock, stale_report, size):
    """The full reset after its confirmation, fed with the core's step events (no I/O): the
    dump verified with its KPI, the reset running at 3 s against its KPI."""
    app = make_app(fake_target, clock=clock)

    async def run_reset(pilot: Pilot) -> None:
        screen = ResetScreen(stale_report)
        await app.push_screen(screen)
        await until(pilot, lambda: screen.modal is not None and screen.modal.is_attached)
        await screen.modal.dismiss(True)  # as after a verified dump (nothing runs here)
        # the screen takes the answer (and lets go of the modal) before the events come
        await until(pilot, lambda: screen.modal is None)
        reset = "reset: supabase db reset --db-url <db-url> --yes"
        for event in (
            StepEvent("dump", EventKind.STARTED, "dump: pg_dump shop", kpi_id="data_dump"),
            StepEvent("dump", EventKind.OUTPUT, "7 tables, 1 function"),
            StepEvent("dump", EventKind.KPI, kpi=KpiFigure.measure("data_dump", 1.2)),
            StepEvent("dump", EventKind.FINISHED, "verified: 7 tables"),
            StepEvent("reset", EventKind.STARTED, reset, kpi_id="database_reset"),
            StepEvent("reset", EventKind.OUTPUT, "Applying migration 20260101_init.sql..."),
        ):
            screen.on_step_update(StepUpdate(event))
        clock.set_time(3.0)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_reset)
