"""The typed confirmation before a full reset: what will be dropped, where the dump goes and
how far it is. Reset stays disabled until the typed text equals the database name exactly.
Focus starts on Cancel; Escape answers False.

With ``on_confirm`` the modal stays up after the exact name and Reset: the caller starts the
core's guarded reset (dump first) and reports the dump here; the modal answers True once the
dump is verified (the drop comes after it), and False on Escape/Cancel, which the caller
turns into cancelling the dump, so nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Static


class ResetModal(ModalScreen[bool]):
    """Answers True only after an exact, typed confirmation; every other way out is False."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="reset.cancel")]

    def __init__(
        self,
        db_name: str,
        *,
        drops: Sequence[str] = (),
        dump_path: str | None = None,
        dump_pending: bool = False,
        on_confirm: Callable[[ResetModal], None] | None = None,
    ) -> None:
        super().__init__()
        self.db_name = db_name
        self.drops = list(drops)
        self.dump_path = dump_path
        self.dump_pending = dump_pending
        self.on_confirm = on_confirm
        self.confirmed_text: str | None = None  # what was typed, handed to the core's guard

    def compose(self) -> ComposeResult:
        with Vertical(id="reset-dialog"):
            yield Static(
                Text(f"✗ Full reset of database “{self.db_name}”", style="bold"), id="reset-title"
            )
            what = "Every schema, table and row in it is dropped; the migrations are re-applied."
            lines = [what, *(f"  • {d}" for d in self.drops)]
            yield Static("\n".join(lines), id="reset-drops", markup=False)
            if self.dump_path is not None:
                yield Static(f"Dump first: {self.dump_path}", id="reset-dump", markup=False)
                yield ProgressBar(total=100, show_eta=False, id="dump-progress")
                yield Static(
                    "dump running…" if self.dump_pending else "the dump starts after you confirm",
                    id="dump-status",
                    markup=False,
                )
            yield Label(
                f"Type the database name ({self.db_name}) to enable Reset. "
                "Escape or Cancel changes nothing."
            )
            yield Input(placeholder=self.db_name, id="confirm-name", select_on_focus=False)
            with Horizontal(id="reset-buttons"):
                yield Button("Cancel", id="cancel", variant="primary")
                yield Button("Reset", id="reset", variant="error", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @property
    def armed(self) -> bool:
        """Exact name (no trimming, no case folding) and no dump still running."""
        return (
            self.query_one("#confirm-name", Input).value == self.db_name and not self.dump_pending
        )

    @on(Input.Changed, "#confirm-name")
    def _typed(self) -> None:
        self.query_one("#reset", Button).disabled = not self.armed

    # -- dump progress, pushed by the screen that runs the dump -------------------------------
    def set_dump_progress(self, percent: float, status: str) -> None:
        self.query_one("#dump-progress", ProgressBar).update(progress=percent)
        self.query_one("#dump-status", Static).update(status)

    def dump_started(self) -> None:
        self.query_one("#dump-progress", ProgressBar).update(total=None)  # indeterminate
        self.query_one("#dump-status", Static).update("dump running…")

    def dump_finished(self, ok: bool, status: str) -> None:
        """A verified dump answers True when the reset was confirmed; a failed one never."""
        self.dump_pending = not ok  # a failed dump keeps Reset disabled for good
        self.query_one("#dump-progress", ProgressBar).update(total=100, progress=100 if ok else 0)
        self.query_one("#dump-status", Static).update(Text(("✓ " if ok else "✗ ") + status))
        self._typed()
        if ok and self.confirmed_text is not None:
            self.dismiss(True)

    # -- answers -------------------------------------------------------------------------------
    @on(Input.Submitted, "#confirm-name")
    @on(Button.Pressed, "#reset")
    def _confirm(self) -> None:
        if not self.armed:
            return
        if self.on_confirm is None:
            self.dismiss(True)
            return
        self.confirmed_text = self.query_one("#confirm-name", Input).value
        self.query_one("#confirm-name", Input).disabled = True
        self.query_one("#reset", Button).disabled = True
        self.query_one("#cancel", Button).focus()
        self.on_confirm(self)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
