"""Help: every key, what it does and where, plus how the doctor decides, in one screen."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.core.model import STATUS_WORDING, VERDICT_WORDING
from tui.ui import render
from tui.ui.screens.base import DoctorScreen

KEYS: tuple[tuple[str, str, str], ...] = (
    ("?  F1", "this help", "everywhere"),
    ("ctrl+p", "command palette: diagnose, findings, fix, transcript", "everywhere"),
    ("ctrl+t", "transcript: timeline, notes, export, copy", "everywhere"),
    ("escape", "back one screen (cancels that screen's checks)", "everywhere"),
    ("ctrl+q", "quit (the demo tears its sandbox down)", "everywhere"),
    ("tab / shift+tab", "move between fields and buttons", "everywhere"),
    ("enter", "choose / press the focused button", "everywhere"),
    ("ctrl+r", "test the connection", "connect"),
    ("ctrl+n", "next step", "connect, diagnosis, findings"),
    ("ctrl+l", "check everything (all symptoms)", "symptoms"),
    ("ctrl+g", "how was the schema changed?", "symptoms"),
    ("ctrl+r", "re-run the focused check (or all)", "diagnosis"),
    ("ctrl+r", "diagnose again", "findings"),
    ("enter", "run the highlighted step", "remediation"),
    ("ctrl+b", "restore the pre-reset database from the dump", "remediation"),
    ("escape", "cancel: nothing is dropped (Reset needs the typed name)", "reset"),
    ("ctrl+s", "save the transcript as Markdown", "transcript"),
    ("ctrl+o", "save the transcript as JSON", "transcript"),
    ("ctrl+y", "copy the summary (OSC 52)", "transcript"),
    ("pageup pagedown", "scroll the timeline (focus stays on the note)", "transcript"),
)

HOW = (
    "Diagnosis only reads: it compares the catalog with what PostgREST serves, checks the "
    "listener, the exposure, grants and RLS, and replays your request. Steps that write "
    "(NOTIFY, signal, restart, reset) run only when you choose them, and each is recorded. "
    "Status is always a glyph and a word: "
    + ", ".join(w.label for w in STATUS_WORDING.values())
    + "; verdicts: "
    + ", ".join(w.label for w in VERDICT_WORDING.values())
    + "."
)


class HelpScreen(DoctorScreen):
    BINDINGS = [Binding("question_mark,f1", "back", "Close help", id="help.close", key_display="?")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="body", id="help-body"):
            yield Static(render.key_table(KEYS), id="help-keys")
            yield Static(Text(HOW), id="help-how")

    def action_back(self) -> None:
        self.app.pop_screen()
