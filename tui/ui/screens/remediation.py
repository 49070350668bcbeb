"""Remediation: the ladder's rungs, best first. Running one is an explicit, recorded action:
a live timer coloured against its KPI, its output streamed, then the verification result and
the KPI figures. The core runs the rung and verifies (``remedies.runner.reload``); this screen
only shows its events. The full reset has a screen of its own (the app's ``show_reset``),
which answers here with its outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist
from textual.worker import Worker, WorkerState

from tui.core.knowledge.kpis import KPIS
from tui.core.model import Report
from tui.core.probes.cache_only import runs_something
from tui.core.remedies.events import StepStatus
from tui.core.remedies.ladder import PlanOptions, Rung, explain, plan
from tui.core.shown import clean
from tui.ui import render
from tui.ui.screens.base import DoctorScreen
from tui.ui.widgets.step_run import StepRun, StepUpdate

if TYPE_CHECKING:
    from tui.core.remedies.reset import ResetOutcome
    from tui.core.remedies.runner import ReloadOutcome


def rung_prompt(index: int, rung: Rung, blocker: str | None) -> Text:
    """What the rung is, then expected time, KPI and blast radius (or why it is left out)."""
    if blocker is not None:
        return Text(f"-  {rung.title}", style="bold") + Text(
            f"\n   not here: {blocker}", style="dim"
        )
    kpi = KPIS.get(rung.kpi_id)
    detail = f"\n   expect ≤ {render.seconds(rung.expected_s)}"
    if kpi is not None:
        detail += f" (KPI {render.seconds(kpi.target_s)}, alert {render.seconds(kpi.alert_s)})"
    detail += f"\n   affects: {rung.blast_radius}"
    return Text(f"{index}. {rung.title}", style="bold") + Text(detail, style="dim")


class RemediationScreen(DoctorScreen[None]):
    """Step 5: pick a rung, watch it run and verify. ``options`` skips the local look-up."""

    BINDINGS = [
        Binding("ctrl+r", "rediagnose", "Diagnose again", id="remediation.rediagnose"),
    ]

    def __init__(self, report: Report, *, options: PlanOptions | None = None) -> None:
        super().__init__()
        self.report = report
        self.options = options
        self.rungs: list[Rung] = []
        self.running: Rung | None = None
        self.outcome: ReloadOutcome | ResetOutcome | None = None  # the last rung's
        self.replay_for_real = False  # the user typed yes: verification sends the request

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            yield Static(
                render.render_verdict(self.report, self.doctor.palette), id="remedy-verdict"
            )
            yield Label(
                "Proposed steps, best first. Enter runs one; every write is recorded.",
                classes="lead",
            )
            with Horizontal(id="remedy-main"):
                yield OptionList(id="rung-list")
                yield StepRun(self.doctor.clock, id="remedy-run")
            yield Static("", id="remedy-result")

    def on_mount(self) -> None:
        self.query_one("#rung-list", OptionList).focus()
        self.query_one(StepRun).write(
            "Choose a step and press Enter: its output streams here, then the verification."
        )
        if self.options is not None:
            self.show_plan(self.options)
        else:
            self.run_worker(
                self._plan_options, thread=True, name="plan", group="plan", exit_on_error=False
            )

    def _plan_options(self) -> PlanOptions:
        """Look for a local PostgREST and the Supabase CLI (reads /proc and files only)."""
        from tui.core.remedies.runner import ReloadOptions, plan_options

        return plan_options(self.doctor.target, ReloadOptions())

    def show_plan(self, options: PlanOptions) -> None:
        usable = plan(self.report, self.doctor.target, options)
        blocked = [(r, why) for r, why in explain(self.report, self.doctor.target, options) if why]
        self.rungs = usable
        rung_list = self.query_one("#rung-list", OptionList)
        rung_list.clear_options()
        for index, rung in enumerate(usable, 1):
            rung_list.add_option(Option(rung_prompt(index, rung, None), id=rung.id))
        for rung, why in blocked:
            rung_list.add_option(Option(rung_prompt(0, rung, why), id=rung.id, disabled=True))
        rung_list.highlighted = 0 if usable else None

    # -- running a rung ------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#rung-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        rung = next((r for r in self.rungs if r.id == event.option.id), None)
        if rung is not None:
            self.run_rung(rung)

    def run_rung(self, rung: Rung) -> None:
        if self.running is not None:
            self.notify(f"{self.running.title} is still running.", severity="warning")
            return
        if rung.id == "reset":
            self.doctor.show_reset(self.report, self._reset_done)
            return
        request = self.doctor.session.request
        if request is not None and runs_something(request):
            from tui.ui.screens.replay_modal import ReplayModal

            self.app.push_screen(
                ReplayModal(request.display), lambda yes: self._start_rung(rung, bool(yes))
            )
            return
        self._start_rung(rung, False)

    def _start_rung(self, rung: Rung, replay_for_real: bool) -> None:
        """Run the rung; its verification sends the user's request itself only when the user
        typed yes (recorded either way), else asks the cache only."""
        request = self.doctor.session.request
        if request is not None and runs_something(request):
            self.doctor.record(
                "confirmation",
                {"action": "replay", "confirmed": replay_for_real, "request": request.display},
                actor="user",
            )
        self.replay_for_real = replay_for_real
        self.running = rung
        self.outcome = None
        self.doctor.record(
            "decision",
            {
                "decision": f"run {rung.title}",
                "rung": rung.id,
                "evidence": {
                    "verdict": str(self.report.verdict),
                    "stale_objects": len(self.report.stale_objects),
                },
            },
            actor="user",
        )
        self.query_one(StepRun).clear()
        self.query_one("#remedy-result", Static).update("")
        self.run_worker(self._reload(rung), name=rung.id, group="remedy", exit_on_error=False)

    async def _reload(self, rung: Rung) -> ReloadOutcome:
        from tui.core.remedies.runner import ReloadOptions, reload

        return await reload(
            self.doctor.target,
            objects=list(self.report.stale_objects),
            request=self.doctor.session.request,
            report=self.report,
            options=ReloadOptions(method=rung.id, replay_for_real=self.replay_for_real),
            emit=lambda event: self.post_message(StepUpdate(event)),
            rediagnose=self._rediagnose,
        )

    async def _rediagnose(self) -> Report:
        return await self.doctor.new_diagnosis().run()

    def on_step_update(self, message: StepUpdate) -> None:
        self.query_one(StepRun).show(message.event, self.doctor.palette)
        self.record_step(message.event)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "plan" and event.state is WorkerState.SUCCESS and worker.result:
            self.show_plan(worker.result)
        elif worker.group == "plan" and event.state is WorkerState.ERROR:
            self.show_plan(PlanOptions())
        elif worker.group == "remedy" and event.state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self.query_one(StepRun).stop()
            self.running = None
            if event.state is WorkerState.SUCCESS and worker.result is not None:
                self.show_outcome(worker.result)
            elif event.state is WorkerState.ERROR:
                self.query_one("#remedy-result", Static).update(
                    render.render_crash(worker.error or RuntimeError("?"), self.doctor.palette)
                )

    def _reset_done(self, outcome: ResetOutcome | None) -> None:
        """The reset screen's answer: its outcome, or None when it was cancelled before any
        step ran (nothing was dropped)."""
        if outcome is None:
            self.query_one(StepRun).write("reset cancelled: nothing was dropped")
            return
        self.outcome = outcome
        self.query_one("#remedy-result", Static).update(
            render.render_reset(outcome, self.doctor.palette)
        )

    def show_outcome(self, outcome: ReloadOutcome) -> None:
        """Verified or not, in words, with every KPI figure the steps measured."""
        palette = self.doctor.palette
        self.outcome = outcome
        if outcome.report is not None:
            self.report = outcome.report
            self.doctor.session.report = outcome.report
            self.doctor.record("verdict", outcome.report.to_json())
        parts = []
        if outcome.fixed:
            parts.append(
                Text("✓ Verified healthy: every stale object is served.", style=palette.good)
            )
        elif outcome.refused:
            parts.append(Text("! Refused by its guard: nothing was changed.", style=palette.warn))
        else:
            parts.append(Text("✗ Not fixed by this step.", style=palette.bad))
        for step in outcome.steps:
            for figure in step.kpis:
                parts.append(render.render_kpi(KPIS[figure.kpi], figure.seconds, palette))
            if step.status is StepStatus.REFUSED:
                parts.append(Text(f"  {clean(step.summary)}"))
        if outcome.proposal is not None and not outcome.fixed:
            parts.append(Text(f"Next proposed: {outcome.proposal.title}"))
            self._highlight(outcome.proposal.id)
        self.query_one("#remedy-result", Static).update(Text("\n").join(parts))
        self.query_one("#remedy-verdict", Static).update(
            render.render_verdict(self.report, palette)
        )

    def _highlight(self, rung_id: str) -> None:
        rung_list = self.query_one("#rung-list", OptionList)
        try:
            rung_list.highlighted = rung_list.get_option_index(rung_id)
        except OptionDoesNotExist:  # not in the list: nothing to highlight
            return

    def action_rediagnose(self) -> None:
        self.doctor.diagnose()
