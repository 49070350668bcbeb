"""The typed yes before the wizard sends the user's request itself. Diagnosis and verification
ask PostgREST's cache only (nothing runs in the database); a write or an RPC call sent for real
writes rows and runs triggers and functions, so it takes ``yes`` typed exactly. Focus starts on
the safe choice; Escape answers False (ask the cache only).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.core.shown import clean

YES = "yes"


class ReplayModal(ModalScreen[bool]):
    """Answers True only after ``yes`` is typed and Send pressed; every other way out is False."""

    BINDINGS = [Binding("escape", "cancel", "Cache only", id="replay.cancel")]

    def __init__(self, request: str) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        with Vertical(id="replay-dialog"):
            yield Static(Text(f"! Send {clean(self.request)} for real?", style="bold"),
                         id="replay-title")  # fmt: skip
            yield Static(
                "After the fix the doctor asks PostgREST's cache whether this request resolves: "
                "nothing runs in the database. Sent for real, once, it writes rows and runs "
                "triggers and functions like any client's call.",
                id="replay-why",
                markup=False,
            )
            yield Label(f"Type {YES} to send it once. Escape or Cache only sends nothing real.")
            yield Input(placeholder=YES, id="replay-yes", select_on_focus=False)
            with Horizontal(id="replay-buttons"):
                yield Button("Cache only", id="cache-only", variant="primary")
                yield Button("Send for real", id="send", variant="error", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#cache-only", Button).focus()

    @property
    def armed(self) -> bool:
        return self.query_one("#replay-yes", Input).value == YES

    @on(Input.Changed, "#replay-yes")
    def _typed(self) -> None:
        self.query_one("#send", Button).disabled = not self.armed

    @on(Input.Submitted, "#replay-yes")
    @on(Button.Pressed, "#send")
    def _send(self) -> None:
        if self.armed:
            self.dismiss(True)

    @on(Button.Pressed, "#cache-only")
    def action_cancel(self) -> None:
        self.dismiss(False)
