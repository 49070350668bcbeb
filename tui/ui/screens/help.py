"""Help: every key, what it does and where (read from the live bindings), plus how the doctor
decides, in one screen."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.core.model import STATUS_WORDING, VERDICT_WORDING
from tui.ui import render
from tui.ui.screens.base import DoctorScreen

# Keys the widgets bring (no binding of ours to list them from).
WIDGET_KEYS: tuple[tuple[str, str, str], ...] = (
    ("tab / shift+tab", "move between fields and buttons", "everywhere"),
    ("enter", "choose / press the focused button", "everywhere"),
    ("→", "take the name offered", "symptoms"),  # completion or a typo's close name
)
KEY_NAMES = {"question_mark": "?", "f1": "F1", "pagedown": "page down", "pageup": "page up"}

# (where, the bindings that work there): the app hands over its screens' live bindings
HelpSection = tuple[str, Sequence[BindingType]]


def key_text(binding: Binding) -> str:
    """``ctrl+r``, ``? F1``: every key of the binding, as typed."""
    return " ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(","))


def key_rows(sections: Sequence[HelpSection]) -> list[tuple[str, str, str]]:
    """(keys, what they do, where) per binding, in order; one row where a key does the same
    thing on several screens; a screen's copy of an everywhere key is not listed again."""
    places: dict[tuple[str, str], list[str]] = {}
    for where, bindings in sections:
        for binding in bindings:
            if not isinstance(binding, Binding):
                continue
            row = (key_text(binding), binding.tooltip or binding.description)
            seen = places.setdefault(row, [])
            if where not in seen and "everywhere" not in seen:
                seen.append(where)
    rows = [(key, does, ", ".join(where)) for (key, does), where in places.items()]
    everywhere = [r for r in rows if r[2] == "everywhere"]
    return [*everywhere, *WIDGET_KEYS, *(r for r in rows if r[2] != "everywhere")]


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
    """Generated from the live bindings (``DoctorApp.help_sections``), so it cannot drift."""

    BINDINGS = [Binding("question_mark,f1", "back", "Close help", id="help.close", key_display="?")]

    def __init__(self, sections: Sequence[HelpSection] = ()) -> None:
        super().__init__()
        self.sections = sections

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="body", id="help-body"):
            yield Static(render.key_table(key_rows(self.sections)), id="help-keys")
            yield Static(Text(HOW), id="help-how")

    def action_back(self) -> None:
        self.app.pop_screen()
