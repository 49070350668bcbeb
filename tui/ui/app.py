"""The wizard application and ``make_app``, the one factory the CLI and the tests use.

The app holds the session (target, chosen symptoms, the report) and the injected clock and
journal; screens hold the flow. Heavy modules (psycopg, httpx, the probes) are imported only
when a screen first needs them, so the first screen is interactive quickly.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import os
import signal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.clock import Clock
from textual.screen import Screen

from tui.core.model import Report
from tui.core.pasted_error import PastedError
from tui.core.request import FailingRequest
from tui.core.specs import ObjectRef
from tui.core.target import Target
from tui.ui.render import Palette

if TYPE_CHECKING:
    from tui.core.diagnosis import Diagnosis
    from tui.core.remedies.reset import ResetOutcome
    from tui.core.transcript.journal import Journal
    from tui.sandbox import Sandbox


@dataclass
class Session:
    """What the user chose and what the doctor found, shared by the screens."""

    symptoms: tuple[str, ...] = ()
    objects: tuple[ObjectRef, ...] = ()
    request: FailingRequest | None = None
    error: PastedError | None = None  # the pasted error the user started from
    report: Report | None = None
    catalog: dict[str, list[str]] = field(default_factory=dict)  # object flag -> names


class DoctorApp(App[None]):
    """pgrst-doctor's wizard: connect -> symptom -> diagnosis -> findings -> remediation."""

    CSS_PATH = "app.tcss"
    TITLE = "pgrst-doctor"
    SUB_TITLE = "stale schema cache troubleshooter"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", id="help", key_display="?"),
        Binding("ctrl+t", "transcript", "Transcript", id="transcript"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(
        self,
        target: Target,
        *,
        clock: Clock | None = None,
        journal: Journal | None = None,
        sandbox: Sandbox | None = None,
    ) -> None:
        super().__init__()
        self.target = target
        self.clock = clock or Clock()
        self.journal = journal
        self.sandbox = sandbox
        self.session = Session()
        self._journal_pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="journal"
        )
        self._journal_last: concurrent.futures.Future[Any] | None = None
        self._register_secrets(target)
        self._ui_loop: asyncio.AbstractEventLoop | None = None  # set on mount
        self.exit_on_signals = False  # the CLI sets it: SIGTERM ends the app, SIGHUP hangs up
        self.on_hangup: list[Callable[[], object]] = []  # clean-ups when the terminal is gone

    # -- startup ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        from tui.ui.screens.connect import ConnectScreen

        self._ui_loop = asyncio.get_running_loop()
        self.record("target", dict(self.target.masked()))
        if self.exit_on_signals:
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, self.exit)
            loop.add_signal_handler(signal.SIGHUP, self._hang_up)
        self.push_screen(ConnectScreen())

    def _hang_up(self) -> None:
        """The terminal is gone (SIGHUP): Textual can neither flush nor restore it and would
        block on its writer, so run the clean-ups (journal, sandbox) and leave at once."""
        for clean_up in self.on_hangup:
            with contextlib.suppress(Exception):
                clean_up()
        os._exit(128 + signal.SIGHUP)

    def on_unmount(self) -> None:
        self._journal_pool.shutdown(wait=True)

    @property
    def palette(self) -> Palette:
        """Rich styles from the current theme (colourless with NO_COLOR)."""
        if self.no_color:
            return Palette()
        return Palette.from_variables(self.get_css_variables())

    # -- the journal: ordered, off the UI thread ------------------------------------------
    def record(self, kind: str, payload: Mapping[str, Any], actor: str = "tool") -> None:
        """Append one event to the session journal (a no-op without a journal)."""
        if self.journal is None:
            return
        future = self._journal_pool.submit(self.journal.record, kind, dict(payload), actor)
        future.add_done_callback(self._journal_written)
        self._journal_last = future

    def _journal_written(self, future: concurrent.futures.Future[Any]) -> None:
        """A journal write failed (disk full, permissions): say so, keep the wizard going."""
        error = future.exception()
        if error is None:
            return
        message = f"The transcript could not be written: {error}"
        say = functools.partial(self.notify, message, severity="error", timeout=10)
        if self._ui_loop is None:
            return
        # Never wait for the UI here (call_from_thread would): on_unmount joins this thread,
        # and a blocking hand-over then deadlocks the shutdown.
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            self._ui_loop.call_soon_threadsafe(say)

    def journal_flushed(self) -> None:
        """Block until every recorded event is on disk (call from a thread worker)."""
        if self._journal_last is not None:
            self._journal_last.result(timeout=10)

    # -- the terminal's clipboard -----------------------------------------------------------
    def copy_to_clipboard(self, text: str) -> None:
        """OSC 52 as Textual writes it, but inside tmux wrapped for its passthrough, so the
        copy reaches the outer terminal (``tui.core.transcript.clipboard``)."""
        from tui.core.transcript.clipboard import in_tmux, osc52_payload

        if not in_tmux():
            super().copy_to_clipboard(text)
            return
        self._clipboard = text
        if self._driver is not None:
            self._driver.write(osc52_payload(text, tmux=True).decode("ascii"))

    # -- target ----------------------------------------------------------------------------
    def set_target(self, target: Target) -> None:
        """The user edited the target: remember it, record it, forget the old findings."""
        self.target = target
        self.session = Session()
        self._register_secrets(target)
        self.record("target", dict(target.masked()), actor="user")

    def _register_secrets(self, target: Target) -> None:
        """Mask the target's password (every piece of it) and keys in every panel and in the
        journal; through the journal's writer, so it is in place before the next record."""
        from tui.core.probes.base import secrets_of
        from tui.core.shown import register_secrets

        secrets = secrets_of(target)
        register_secrets(secrets)
        if self.journal is not None:
            self._journal_pool.submit(register_secrets, secrets, self.journal).result(timeout=10)

    def new_diagnosis(self) -> Diagnosis:
        """A core Diagnosis for the session's choices (imports the probes on first use)."""
        from tui.core.diagnosis import Diagnosis, DiagnosisRequest
        from tui.core.knowledge.symptoms import ALL_SYMPTOMS

        request = DiagnosisRequest(
            symptoms=self.session.symptoms or ALL_SYMPTOMS,
            objects=self.session.objects,
            request=self.session.request,
            error=self.session.error,
        )
        return Diagnosis(self.target, request)

    # -- global actions --------------------------------------------------------------------
    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[tuple[str, list[BindingType]]]:
        """Every screen's bindings, named where they work: what the help screen lists."""
        from tui.ui.screens import (
            base,
            connect,
            diagnosis,
            findings,
            remediation,
            replay_modal,
            reset_modal,
            reset_screen,
            routes,
            symptoms,
            transcript,
        )

        palette = Binding(
            self.COMMAND_PALETTE_BINDING, "command_palette", "Command palette", id="palette"
        )
        return [
            ("everywhere", [*self.BINDINGS, palette, *base.DoctorScreen.BINDINGS]),
            ("connect", connect.ConnectScreen.BINDINGS),
            ("symptoms", symptoms.SymptomsScreen.BINDINGS),
            ("schema change", routes.RoutesScreen.BINDINGS),
            ("diagnosis", diagnosis.DiagnosisScreen.BINDINGS),
            ("findings", findings.FindingsScreen.BINDINGS),
            ("remediation", remediation.RemediationScreen.BINDINGS),
            ("replay", replay_modal.ReplayModal.BINDINGS),
            ("reset", reset_screen.ResetScreen.BINDINGS),
            ("reset (confirm)", reset_modal.ResetModal.BINDINGS),
            ("transcript", transcript.TranscriptScreen.BINDINGS),
        ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+t is not offered on the transcript itself: it would do nothing there, and
        without it the transcript's footer fits 80 columns."""
        if action == "transcript":
            from tui.ui.screens.transcript import TranscriptScreen

            return not isinstance(self.screen, TranscriptScreen)
        return True

    def action_transcript(self) -> None:
        from tui.ui.screens.transcript import TranscriptScreen

        if not isinstance(self.screen, TranscriptScreen):
            self.push_screen(TranscriptScreen())

    def action_diagnose_all(self) -> None:
        self.session.symptoms = ()
        self.record("symptom", {"symptoms": ["all"]}, actor="user")
        self.diagnose()

    def action_findings(self) -> None:
        if self.session.report is None:
            self.notify("No findings yet: run a diagnosis first.", severity="warning")
            return
        self.show_findings(self.session.report)

    def action_remediate(self) -> None:
        if self.session.report is None:
            self.notify("No findings yet: run a diagnosis first.", severity="warning")
            return
        self.show_remediation(self.session.report)

    # -- navigation: only the app knows the screens (a screen asks for the next one here) --
    def show_symptoms(self) -> None:
        from tui.ui.screens.symptoms import SymptomsScreen

        self.push_screen(SymptomsScreen())

    def show_routes(self) -> None:
        from tui.ui.screens.routes import RoutesScreen

        self.push_screen(RoutesScreen())

    def diagnose(self) -> None:
        """A fresh diagnosis of the session's choices, on its own screen."""
        from tui.ui.screens.diagnosis import DiagnosisScreen

        self.push_screen(DiagnosisScreen(self.new_diagnosis()))

    def show_findings(self, report: Report) -> None:
        from tui.ui.screens.findings import FindingsScreen

        self.push_screen(FindingsScreen(report, self.session.symptoms))

    def show_remediation(self, report: Report) -> None:
        from tui.ui.screens.remediation import RemediationScreen

        self.push_screen(RemediationScreen(report))

    def show_reset(self, report: Report, done: Callable[[ResetOutcome | None], None]) -> None:
        """The full reset on its own screen; ``done`` gets its outcome (None: nothing ran)."""
        from tui.ui.screens.reset_screen import ResetScreen

        self.push_screen(ResetScreen(report), done)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Diagnose everything", "Run every check (read-only)", self.action_diagnose_all
        )
        yield SystemCommand("Findings", "Show the last diagnosis' findings", self.action_findings)
        yield SystemCommand("Remediation", "Proposed fixes, best first", self.action_remediate)
        yield SystemCommand(
            "Transcript", "The session's timeline and export", self.action_transcript
        )
        yield SystemCommand("Help", "Keys and how the doctor decides", self.action_help)
        yield from super().get_system_commands(screen)


def make_app(
    target: Target,
    *,
    clock: Clock | None = None,
    journal: Journal | None = None,
    sandbox: Sandbox | None = None,
) -> DoctorApp:
    """The wizard on ``target``. Tests inject a ``MockClock`` and a journal in tmp_path."""
    return DoctorApp(target, clock=clock, journal=journal, sandbox=sandbox)
