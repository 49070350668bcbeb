"""Diagnosis: one panel per check, all started at once, one worker (and worker group) each.

A crashed check becomes a red panel (``exit_on_error=False``); a slow one only holds its own
panel. When every check has settled the core concludes the report. Leaving the screen cancels
the workers still running. Every check only reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState

from tui.core.model import Report
from tui.ui import render
from tui.ui.screens.base import DoctorScreen, paging
from tui.ui.widgets.check_panel import CheckPanel

if TYPE_CHECKING:
    from tui.core.diagnosis import Diagnosis


class DiagnosisScreen(DoctorScreen):
    """Step 3: the checks, side by side. ``autostart=False`` lets tests feed panels directly."""

    BINDINGS = [
        Binding("ctrl+r", "rerun", "Re-run check", id="diagnosis.rerun"),
        Binding("ctrl+n", "findings", "Findings", id="diagnosis.findings"),
        *paging("diagnosis"),  # the body scrolls while a button has the focus
    ]
    PAGED = "#check-scroll"

    def __init__(self, diagnosis: Diagnosis, *, autostart: bool = True) -> None:
        super().__init__()
        self.diagnosis = diagnosis
        self.autostart = autostart
        self.pending: set[str] = set()
        self.current: dict[str, Worker[Any]] = {}  # probe id -> its live worker
        self.report: Report | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="check-scroll", classes="body"), Grid(id="check-grid"):
            for spec in self.diagnosis.probes:
                yield CheckPanel(
                    spec.id, spec.title, palette=self.doctor.palette, clock=self.doctor.clock
                )
        with Horizontal(id="diagnosis-bar"):
            yield Static("Checking… every check only reads.", id="diagnosis-verdict")
            yield Button("Findings", id="findings", variant="primary", disabled=True)

    def on_mount(self) -> None:
        if self.autostart:
            for spec in self.diagnosis.probes:
                self.start_probe(spec.id)

    # -- workers -------------------------------------------------------------------------------
    def start_probe(self, probe_id: str) -> None:
        """(Re)start one check; only its own group is cancelled."""
        self.workers.cancel_group(self, f"probe-{probe_id}")
        self.pending.add(probe_id)
        self.report = None
        self.query_one("#findings", Button).disabled = True
        self.query_one(f"#check-{probe_id}", CheckPanel).start()
        self.current[probe_id] = self.run_worker(
            self.diagnosis.run_probe(probe_id),
            name=probe_id,
            group=f"probe-{probe_id}",
            description=f"diagnosis probe {probe_id}",
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if self.current.get(worker.name) is not worker:
            return  # not a probe, or a run that was replaced by a re-run
        panel = self.query_one(f"#check-{worker.name}", CheckPanel)
        if event.state is WorkerState.SUCCESS and worker.result is not None:
            outcome = worker.result
            self.settle(panel, outcome, outcome.probe, str(panel.border_title))
        elif event.state is WorkerState.ERROR:
            panel.crash(worker.error or RuntimeError("unknown error"))
            self.doctor.record(
                "check",
                {
                    "check": worker.name,
                    "title": panel.border_title,
                    "status": "error",
                    "summary": f"crashed: {worker.error}",
                },
            )
        elif event.state is WorkerState.CANCELLED:
            panel.cancelled()
        else:
            return
        self.pending.discard(worker.name)
        if not self.pending:
            self.conclude()

    def conclude(self) -> None:
        """Every check has settled: the core's checks turn the evidence into a report."""
        report = self.diagnosis.conclude()
        self.show_report(report)
        if report.fingerprint:  # which database this was, for the transcript and the reset
            self.doctor.record(
                "target", {**self.doctor.target_record(), "fingerprint": report.fingerprint}
            )
        self.doctor.record("verdict", report.to_json())

    def show_report(self, report: Report) -> None:
        self.report = report
        self.doctor.session.report = report
        verdict = render.render_verdict(report, self.doctor.palette)
        self.query_one("#diagnosis-verdict", Static).update(verdict)
        button = self.query_one("#findings", Button)
        button.disabled = False
        button.focus()

    # -- actions -------------------------------------------------------------------------------
    def action_rerun(self) -> None:
        focused = self.focused
        if isinstance(focused, CheckPanel):
            self.start_probe(focused.probe_id)
        else:
            for spec in self.diagnosis.probes:
                self.start_probe(spec.id)

    @on(Button.Pressed, "#findings")
    def action_findings(self) -> None:
        if self.report is None:
            self.notify("Still checking.", severity="warning")
            return
        self.doctor.show_findings(self.report)
