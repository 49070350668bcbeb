"""The full reset, on a screen of its own: it opens the typed confirmation (``ResetModal``),
compares what the reset would lose while the name is typed, and on the modal's
``Confirmed`` message runs the core's guarded reset in its own worker (guards, verified dump,
write fence, fingerprint re-check, reset, proof, rows). The dump's events go to the still open
modal, every step's to this screen's log. Nothing is dropped unless the exact name was typed
and the dump verified; Escape in the modal cancels the dump and closes this screen too.

When it is dismissed it answers the remediation screen with the ``ResetOutcome`` (None when
nothing ran). Once a reset finished with a verified dump, ctrl+b puts the dumped rows back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static
from textual.worker import Worker, WorkerState

from tui.core.errors import DoctorError
from tui.core.model import Report, Verdict
from tui.core.remedies.events import StepResult
from tui.ui import render
from tui.ui.screens.base import DoctorScreen
from tui.ui.screens.reset_modal import ResetModal
from tui.ui.widgets.step_run import StepRun, StepUpdate

if TYPE_CHECKING:
    from tui.core.remedies.dump import Dump
    from tui.core.remedies.reset import ResetOutcome


def _tools() -> tuple[Path, str | None]:
    """PostgreSQL's binaries and the Supabase CLI (or None), from the one tool locator."""
    from tui.core.tools import find_supabase_cli, pg_binaries

    return pg_binaries().bindir, find_supabase_cli()


class ResetScreen(DoctorScreen["ResetOutcome | None"]):
    """Owns the reset: the confirmation it opened, the comparison, the reset and the restore."""

    BINDINGS = [
        Binding("ctrl+b", "restore", "Restore", id="reset.restore"),
        Binding("ctrl+r", "rediagnose", "Diagnose again", id="reset.rediagnose"),
    ]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report
        self.modal: ResetModal | None = None  # the open confirmation, shown the dump
        self.running: str | None = None  # "reset" or "restore" while its worker runs
        self.outcome: ResetOutcome | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Restore is offered only once a reset finished with a verified dump."""
        if action == "restore":
            return self.restorable is not None
        return True

    @property
    def restorable(self) -> Dump | None:
        """The verified dump of a finished reset, when there is one to restore from."""
        if self.outcome is not None and self.outcome.done:
            return self.outcome.dump
        return None

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            yield Static(render.render_verdict(self.report, self.doctor.palette), id="reset-why")
            yield Label(
                f"Full reset of {self.doctor.target.db_name}: dump, reset, then the proof. "
                "Every step is recorded.",
                classes="lead",
                markup=False,
            )
            yield StepRun(self.doctor.clock, id="reset-run")
            yield Static("", id="reset-result")

    # -- the confirmation ----------------------------------------------------------------------
    def on_mount(self) -> None:
        self.call_after_refresh(self._confirm)  # over this screen once it is shown

    def _confirm(self) -> None:
        target = self.doctor.target
        journal = self.doctor.journal
        schemas = ", ".join(target.schemas_hint or ("public",))
        verdict = self.report.verdict
        self.modal = ResetModal(
            target.db_name,
            drops=[
                f"database {target.db_name} on {target.db_host or 'the local socket'}",
                f"every table, view and function in {schemas} (migrations re-create the schema)",
                "rows written since: restore them from the dump afterwards",
            ],
            dump_path=str(journal.dir) if journal is not None else "a new session folder",
            verdict=verdict.value,
            healthy=verdict is Verdict.HEALTHY,
            unmigrated_pending=True,
        )
        self.app.push_screen(self.modal, self._answered)
        self.run_worker(self._preview(), name="preview", group="preview", exit_on_error=False)

    async def _preview(self) -> None:
        """What the reset would lose, compared while the name is typed (read-only)."""
        from tui.core.remedies.reset import ResetRequest, preview_unmigrated
        from tui.sandbox.cluster import Cluster  # the scratch server if the role may not create

        try:
            bindir, cli = await asyncio.to_thread(_tools)
            request = ResetRequest(confirm=None, local_server=Cluster)
            found = await preview_unmigrated(self.doctor.target, request, pg_bindir=bindir, cli=cli)
        except DoctorError as err:
            if self.modal is not None:
                self.modal.show_unmigrated(None, problem=str(err).removeprefix("reset refused: "))
            return
        self.doctor.record(
            "check", {"check": "unmigrated", "objects": [u.to_json() for u in found]}
        )
        if self.modal is not None:
            self.modal.show_unmigrated([u.display for u in found])

    @on(ResetModal.Confirmed)
    def _confirmed(self, message: ResetModal.Confirmed) -> None:
        """The exact name and Reset: dump, re-check, reset (the core's guards decide)."""
        if self.running is not None:  # the modal confirms once; never a second reset
            return
        self.doctor.record(
            "decision",
            {
                "decision": "full reset",
                "rung": "reset",
                "evidence": {
                    "verdict": str(self.report.verdict),  # the verdict in force
                    "stale_objects": len(self.report.stale_objects),
                    "typed": "database name",
                },
            },
            actor="user",
        )
        self._run("reset", self._reset(message.typed, message.unmigrated))

    def _answered(self, confirmed: bool | None) -> None:
        """The modal's answer: True once the dump is verified (the reset goes on here); False
        cancels the dump and the comparison and leaves, nothing dropped."""
        self.modal = None
        self.doctor.record(
            "confirmation",
            {
                "action": "reset",
                "confirmed": bool(confirmed),
                "database": self.doctor.target.db_name,
            },
            actor="user",
        )
        self.workers.cancel_group(self, "preview")
        if not confirmed:
            self.workers.cancel_group(self, "remedy")
            self.dismiss(self.outcome)

    # -- the workers ---------------------------------------------------------------------------
    def _run(self, name: str, work: Awaitable[ResetOutcome | StepResult]) -> None:
        self.running = name
        self.run_worker(work, name=name, group="remedy", exit_on_error=False)

    async def _reset(self, typed: str, unmigrated: str | None) -> ResetOutcome:
        from tui.core.remedies.reset import RefusedWith, ResetOutcome, ResetRequest, run_reset
        from tui.sandbox.cluster import Cluster

        try:
            bindir, cli = await asyncio.to_thread(_tools)
        except DoctorError as err:
            return ResetOutcome(refused=f"reset refused: {err}")
        journal = self.doctor.journal
        request = ResetRequest(
            confirm=typed,
            fingerprint=self.report.fingerprint,
            session_dir=journal.dir if journal is not None else None,
            unmigrated=unmigrated,
            local_server=Cluster,
        )
        try:
            return await run_reset(
                self.doctor.target,
                request,
                emit=lambda event: self.post_message(StepUpdate(event)),
                pg_bindir=bindir,
                cli=cli,
            )
        except RefusedWith as refused:
            return refused.outcome
        except DoctorError as err:  # a guard before any I/O: nothing was touched
            return ResetOutcome(refused=str(err))

    async def _restore(self, path: Path) -> StepResult:
        from tui.core.remedies.restore import RestoreStep
        from tui.core.tools import pg_binaries

        bindir = (await asyncio.to_thread(pg_binaries)).bindir
        step = RestoreStep(self.doctor.target, path, pg_bindir=bindir)
        return await step.run(lambda event: self.post_message(StepUpdate(event)))

    def on_step_update(self, message: StepUpdate) -> None:
        event = message.event
        if self.modal is not None:
            self.modal.show_dump(event)
        self.query_one(StepRun).show(event, self.doctor.palette)
        self.record_step(event)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "remedy" or not worker.is_finished:
            return
        self.running = None
        self.query_one(StepRun).stop()
        result = self.query_one("#reset-result", Static)
        palette = self.doctor.palette
        if event.state is WorkerState.ERROR:
            result.update(render.render_crash(worker.error or RuntimeError("?"), palette))
            if self.modal is not None:
                self.modal.stopped("the reset crashed: see the screen behind")
        elif event.state is not WorkerState.SUCCESS:
            return
        elif isinstance(worker.result, StepResult):  # the restore
            result.update(render.render_restore(worker.result, palette))
        elif worker.result is not None:
            self.show_outcome(worker.result)

    def show_outcome(self, outcome: ResetOutcome) -> None:
        """The reset's end, here and in the journal; a refusal before the dump is verified
        is said in the still open confirmation too."""
        self.outcome = outcome
        self.refresh_bindings()
        if self.modal is not None and not outcome.done:
            self.modal.stopped(outcome.refused or "the reset did not run")
        if outcome.dump is not None:
            self.doctor.record("dump", outcome.dump.to_json())
        self.query_one("#reset-result", Static).update(
            render.render_reset(outcome, self.doctor.palette)
        )

    # -- keys ----------------------------------------------------------------------------------
    def action_restore(self) -> None:
        """Put the dumped rows back: an explicit, recorded write."""
        dump = self.restorable
        if dump is None or self.running is not None:
            self.notify("Nothing to restore: no finished reset with a dump.", severity="warning")
            return
        self.doctor.record(
            "decision",
            {"decision": "restore the dumped rows", "evidence": {"dump": str(dump.path)}},
            actor="user",
        )
        self.query_one(StepRun).clear()
        self._run("restore", self._restore(dump.path))

    def action_rediagnose(self) -> None:
        self.doctor.diagnose()

    def action_back(self) -> None:
        """Back to the remediation screen with the outcome; not while a step runs (leaving
        would stop the reset half-way)."""
        if self.running is not None:
            self.notify(
                f"The {self.running} is running: wait for it to finish.", severity="warning"
            )
            return
        self.dismiss(self.outcome)
