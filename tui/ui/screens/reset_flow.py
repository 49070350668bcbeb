"""The full reset's flow on the remediation screen: the typed confirmation (``ResetModal``),
then the core's guarded reset (guards, verified dump, fingerprint re-check, reset), with the
dump's progress shown in the modal. Nothing is dropped unless the exact name was typed and
the dump verified; Escape cancels the dump.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.message import Message
from textual.widgets import RichLog, Static

from tui.core.knowledge.kpis import KPIS
from tui.core.model import Verdict
from tui.core.remedies.events import EventKind, StepEvent
from tui.core.remedies.ladder import RUNG_BY_ID, Rung
from tui.core.shown import clean
from tui.ui import render

if TYPE_CHECKING:
    from tui.ui.screens.remediation import RemediationScreen


def _tools() -> tuple[Any, str | None]:
    from tui.core.tools import find_supabase_cli, pg_binaries

    return pg_binaries().bindir, find_supabase_cli()


def _local_server() -> Any:
    """A throwaway local cluster for the scratch database when the target's role may not
    create one on its own server."""
    from tui.sandbox.cluster import Cluster

    return Cluster()


class StepUpdate(Message):
    """One StepEvent from the running rung, delivered to the screen in order."""

    def __init__(self, event: StepEvent) -> None:
        super().__init__()
        self.event = event


class ResetFlow:
    """Mixed into RemediationScreen (it provides doctor, report, rungs, running, outcome)."""

    def confirm_reset(self: RemediationScreen, rung: Rung) -> None:
        from tui.ui.screens.reset_modal import ResetModal

        target = self.doctor.target
        journal = self.doctor.journal
        self.reset_dir = journal.dir if journal is not None else None
        schemas = ", ".join(target.schemas_hint or ("public",))
        drops = [
            f"database {target.db_name} on {target.db_host or 'the local socket'}",
            f"every table, view and function in {schemas} (migrations re-create the schema)",
            "rows written since: restore them from the dump afterwards",
        ]
        where = str(self.reset_dir) if self.reset_dir else "a new session folder"
        verdict = self.report.verdict
        modal = ResetModal(
            target.db_name,
            drops=drops,
            dump_path=where,
            on_confirm=self._start_reset,
            verdict=verdict.value,
            healthy=verdict is Verdict.HEALTHY,
            unmigrated_pending=True,
        )
        self.reset_modal = modal
        self.app.push_screen(modal, self._reset_answered)
        self.run_worker(self._preview(modal), name="preview", group="preview", exit_on_error=False)

    async def _preview(self: RemediationScreen, modal: Any) -> None:
        """What the reset would lose, compared while the name is typed (read-only)."""
        from tui.core.errors import DoctorError
        from tui.core.remedies.reset import ResetRequest, preview_unmigrated

        try:
            bindir, cli = await asyncio.to_thread(_tools)
            request = ResetRequest(confirm=None, local_server=_local_server)
            found = await preview_unmigrated(self.doctor.target, request, pg_bindir=bindir, cli=cli)
        except DoctorError as err:
            modal.show_unmigrated(None, problem=str(err).removeprefix("reset refused: "))
            return
        self.doctor.record(
            "check",
            {"check": "unmigrated", "objects": [u.to_json() for u in found]},
        )
        modal.show_unmigrated([u.display for u in found])

    def _reset_answered(self: RemediationScreen, confirmed: bool | None) -> None:
        self.reset_modal = None
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
            cancelled = self.workers.cancel_group(self, "remedy")
            if cancelled:
                self.query_one("#step-log", RichLog).write("reset cancelled: nothing was dropped")

    def _start_reset(self: RemediationScreen, modal: Any) -> None:
        """The exact name was typed and Reset pressed: dump, re-check, reset (core guards)."""
        rung = next(r for r in self.rungs if r.id == "reset")
        self.running = rung
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
        self.query_one("#step-log", RichLog).clear()
        self.run_worker(
            self._reset(modal.confirmed_text, modal.unmigrated_choice),
            name="reset",
            group="remedy",
            exit_on_error=False,
        )

    async def _reset(self: RemediationScreen, typed: str, unmigrated: str | None) -> Any:
        from tui.core.errors import DoctorError
        from tui.core.remedies.reset import RefusedWith, ResetOutcome, ResetRequest, run_reset

        try:
            bindir, cli = await asyncio.to_thread(_tools)
        except DoctorError as err:
            return ResetOutcome(refused=f"reset refused: {err}")
        request = ResetRequest(
            confirm=typed,
            fingerprint=self.report.fingerprint,
            session_dir=self.reset_dir,
            unmigrated=unmigrated,
            local_server=_local_server,
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

    def forward_dump_event(self: RemediationScreen, event: StepEvent) -> None:
        """The dump's progress goes to the open confirmation as well as to the step log."""
        modal = self.reset_modal
        if modal is None or event.step != "dump":
            return
        if event.kind is EventKind.STARTED:
            modal.dump_started()
        elif event.kind is EventKind.OUTPUT:
            modal.dump_output(Text(clean(event.message[:200])))
        elif event.kind in (EventKind.FINISHED, EventKind.FAILED):
            modal.dump_finished(event.kind is EventKind.FINISHED, clean(event.message))

    def show_reset(self: RemediationScreen, outcome: Any) -> None:
        """Reset, or refused before anything was dropped; the dump's path and KPI figures."""
        palette = self.doctor.palette
        if self.reset_modal is not None and not outcome.done:
            # refused before the dump finished: say why in the still open confirmation
            self.reset_modal.dump_finished(False, outcome.refused or "the reset did not run")
        if outcome.done:
            parts = [
                Text(
                    "✓ Database reset: migrations re-applied (checked against them). "
                    "Diagnose again next.",
                    style=palette.good,
                )
            ]
            if outcome.kept_migration is not None:
                parts.append(Text(f"kept in a new migration: {outcome.kept_migration.name}"))
            if outcome.restore is not None:
                glyph = "✓" if outcome.restore.ok else "✗"
                parts.append(Text(f"{glyph} rows: {outcome.restore.summary}"))
        elif outcome.refused:
            parts = [Text(f"! {outcome.refused}", style=palette.warn)]
        else:
            parts = [Text("✗ The reset did not finish; see the output above.", style=palette.bad)]
        if outcome.dump is not None:
            parts.append(Text(f"dump: {outcome.dump.path} (sha256 {outcome.dump.sha256[:12]}…)"))
            self.doctor.record("dump", outcome.dump.to_json())
        for step in outcome.steps:
            for figure in step.kpis:
                if figure.kpi in KPIS:
                    parts.append(render.render_kpi(KPIS[figure.kpi], figure.seconds, palette))
        self.query_one("#remedy-result", Static).update(Text("\n").join(parts))

    # -- after the reset: put the dumped rows back (an explicit, recorded write) -------------
    @property
    def restorable(self: RemediationScreen) -> Any:
        """The verified dump of a finished reset, when there is one to restore from."""
        outcome = self.outcome
        if getattr(outcome, "done", False) and getattr(outcome, "dump", None) is not None:
            return outcome.dump
        return None

    def action_restore(self: RemediationScreen) -> None:
        dump = self.restorable
        if dump is None or self.running is not None:
            self.notify("Nothing to restore: no finished reset with a dump.", severity="warning")
            return
        self.running = RUNG_BY_ID["reset"]
        self.doctor.record(
            "decision",
            {"decision": "restore the dumped rows", "evidence": {"dump": str(dump.path)}},
            actor="user",
        )
        self.run_worker(
            self._restore(dump.path), name="restore", group="remedy", exit_on_error=False
        )

    async def _restore(self: RemediationScreen, path: Any) -> Any:
        from tui.core.remedies.restore import RestoreStep
        from tui.core.tools import pg_binaries

        bindir = (await asyncio.to_thread(pg_binaries)).bindir
        step = RestoreStep(self.doctor.target, path, pg_bindir=bindir)
        return await step.run(lambda event: self.post_message(StepUpdate(event)))

    def show_restore(self: RemediationScreen, result: Any) -> None:
        palette = self.doctor.palette
        style = palette.good if result.ok else palette.bad
        glyph = "✓" if result.ok else "✗"
        text = Text(f"{glyph} Restore: {clean(result.summary)}", style=style)
        self.query_one("#remedy-result", Static).update(
            text + Text("\nDiagnose again next (ctrl+r).")
        )
