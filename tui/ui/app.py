"""The wizard application and ``make_app``, the one factory the CLI and the tests use.

The app holds the session (target, chosen symptoms, the report) and the injected clock and
journal; screens hold the flow. Heavy modules (psycopg, httpx, the probes) are imported only
when a screen first needs them, so the first screen is interactive quickly: even the target's
reading through libpq (its secrets, its database's name) waits until the first screen is up
(``_read_target``), unless psycopg is loaded already.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.clock import Clock
from textual.screen import Screen

from tui.core.target import Target
from tui.ui.render import Palette
from tui.ui.widgets.banner import TargetBanner

if TYPE_CHECKING:  # the session's types: not imported before a screen needs them
    from textual.notifications import SeverityLevel

    from tui.core.diagnosis import Diagnosis
    from tui.core.model import Report
    from tui.core.pasted_error import PastedError
    from tui.core.remedies.reset import ResetOutcome
    from tui.core.request import FailingRequest
    from tui.core.specs import ObjectRef
    from tui.core.transcript.journal import Journal
    from tui.sandbox import Sandbox


LIBPQ = "psycopg"  # the module whose import the first screen does without


def _read_target(target: Target, journal: Journal | None) -> str:
    """Register the target's secrets for every output (and ``journal``); its database's name."""
    from tui.core.probes.base import secrets_of
    from tui.core.shown import register_secrets

    register_secrets(secrets_of(target), journal)
    return target.db_name


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
        self.first_target = target  # as resolved: a masked URL typed back stands for its secret
        self.clock = clock or Clock()
        self.journal = journal
        self.sandbox = sandbox
        self._sandbox_target = sandbox.target() if sandbox is not None else None
        # the parts of the target ("db", "api") that are the sandbox's: the banner's label
        self.sandbox_parts = self._sandbox_parts(target)
        self.session = Session()
        self._journal_pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="journal"
        )
        self._journal_last: concurrent.futures.Future[Any] | None = None
        self._target_read: concurrent.futures.Future[str] | None = None
        self._target_recorded = False
        # the database's name as libpq reads the target (the banner's); None until it is read
        self.db_name: str | None = None
        if LIBPQ in sys.modules:  # reading it costs nothing now: as the app starts
            self.db_name = self._read_target().result(timeout=10)
        self._ui_loop: asyncio.AbstractEventLoop | None = None  # set on mount
        self.exit_on_signals = False  # the CLI sets it: SIGTERM ends the app, SIGHUP hangs up
        self.on_hangup: list[Callable[[], object]] = []  # clean-ups when the terminal is gone

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast (screens' ``notify`` lands here) as plain text: its message quotes
        names and server text, which are shown as written (``clean``), never as markup."""
        from tui.core.shown import clean

        super().notify(clean(message), title=clean(title), severity=severity,
                       timeout=timeout, markup=False)  # fmt: skip

    # -- startup ---------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        """The connect screen is the bottom of the stack itself: pushed over Textual's blank
        default screen, that one was laid out and drawn first (8 % of the start's
        instructions, BENCHMARKS.md)."""
        from tui.ui.screens.connect import ConnectScreen

        return ConnectScreen()

    def on_mount(self) -> None:
        self._ui_loop = asyncio.get_running_loop()
        if self.exit_on_signals:
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, self.exit)
            loop.add_signal_handler(signal.SIGHUP, self._hang_up)
        if self._target_read is None:
            self.call_after_refresh(self._first_screen_up)
        else:
            self._record_target()

    def _first_screen_up(self) -> None:
        """The first screen is on the terminal: now read the target through libpq (importing
        psycopg, ~0.5 G instructions, in the journal's thread), then journal it."""
        future = self._read_target()
        future.add_done_callback(functools.partial(self._target_named, self.target))
        self._record_target()

    def _record_target(self) -> None:
        if not self._target_recorded:
            self._target_recorded = True
            self.record("target", self.target_record())

    def _sandbox_parts(self, target: Target) -> tuple[str, ...]:
        if self._sandbox_target is None:
            return ()
        from tui.core.same_target import shared_parts  # psycopg is in: the sandbox uses it

        return shared_parts(target, self._sandbox_target)

    def target_record(self) -> dict[str, Any]:
        """The target's journal line: masked, and which parts are the sandbox's (the
        banner's label) when the wizard runs on one."""
        payload: dict[str, Any] = dict(self.target.masked())
        if self.sandbox is not None:
            payload["sandbox"] = list(self.sandbox_parts)
        return payload

    def _target_named(self, target: Target, future: concurrent.futures.Future[str]) -> None:
        """The deferred reading is done (journal thread): name the database in the banners."""
        if future.cancelled() or future.exception() is not None or self._ui_loop is None:
            return  # a failure is raised where the reading is waited for (new_diagnosis)
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            self._ui_loop.call_soon_threadsafe(self._name_database, target, future.result())

    def _name_database(self, target: Target, name: str) -> None:
        if target is not self.target or self.db_name == name:
            return
        self.db_name = name
        for screen in self.screen_stack:
            for banner in screen.query(TargetBanner):
                banner.name_database(name)

    def _hang_up(self) -> None:
        """The terminal is gone (SIGHUP): Textual can neither flush nor restore it and would
        block on its writer, so run the clean-ups (journal, sandbox) and leave at once."""
        for clean_up in self.on_hangup:
            with contextlib.suppress(Exception):
                clean_up()
        os._exit(128 + signal.SIGHUP)

    def on_unmount(self) -> None:
        self._record_target()  # gone before its first screen was up: journal the target still
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
        self._read_target()  # its secrets are registered before the first line is written
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
        self.sandbox_parts = self._sandbox_parts(target)
        self.session = Session()
        self._target_read = None
        self.db_name = self._read_target().result(timeout=10)
        self.record("target", self.target_record(), actor="user")

    def _read_target(self) -> concurrent.futures.Future[str]:
        """The target read through libpq, once per target: its password (every piece of it)
        and keys masked in every panel and in the journal, and its database's name. Through
        the journal's writer, so the secrets are in place before its next record."""
        if self._target_read is None:
            self._target_read = self._journal_pool.submit(_read_target, self.target, self.journal)
        return self._target_read

    def new_diagnosis(self) -> Diagnosis:
        """A core Diagnosis for the session's choices (imports the probes on first use)."""
        from tui.core.diagnosis import Diagnosis, DiagnosisRequest
        from tui.core.knowledge.symptoms import ALL_SYMPTOMS

        self._read_target().result(timeout=10)  # no probe output before its secrets are masked

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
            return not self._showing("tui.ui.screens.transcript", "TranscriptScreen")
        return True

    def _showing(self, module: str, screen: str) -> bool:
        """Whether ``module``'s ``screen`` is on top. Asked for every footer, from the first
        screen on: a screen whose module is not imported yet cannot be on top, so this imports
        nothing."""
        loaded = sys.modules.get(module)
        return loaded is not None and isinstance(self.screen, getattr(loaded, screen))

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
