"""The typed confirmation before a full reset: what will be dropped, where the dump goes and
how far it is. Reset stays disabled until the typed text equals the database name exactly.
Focus starts on Cancel; Escape answers False.

The exact name and Reset post ``ResetModal.Confirmed`` (what was typed, keep or drop) to the
screen that opened the modal, which starts the core's guarded reset (dump first) and shows the
dump here through ``show_dump``; the modal stays up until the dump is verified, then answers
True (the drop comes after it). Escape or Cancel answers False, which the opener turns into
cancelling the dump, so nothing is dropped.

It also says what the reset would lose (objects that no migration creates, shown by the opener
with ``show_unmigrated`` once the comparison ran): with any, Reset waits for one of the two
choices the command line offers, keep them (a new migration) or drop them. It names the
verdict the reset was chosen under; when that verdict is healthy, Reset asks a second time.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import ModalScreen
from textual.widgets import Button, Input, ProgressBar, Static

from tui.core.remedies.events import EventKind, StepEvent
from tui.core.shown import clean


def _count(n: int) -> str:
    return f"{n} object is" if n == 1 else f"{n} objects are"


def _dump_lines(path: str) -> Text:
    """The dump's folder and its file name on lines of their own, neither wrapped: a path
    broken inside the file name cannot be read back or pasted."""
    folder, _, name = path.rpartition("/")
    text = Text("Dump first, into ")
    text.append(f"{folder}/\n" if folder else "\n", style="bold")
    text.append(name, style="bold")
    text.no_wrap, text.overflow = True, "fold"
    return text


class ResetModal(ModalScreen[bool]):
    """Answers True only after an exact, typed confirmation; every other way out is False."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="reset.cancel")]
    AUTO_FOCUS = "#cancel"  # the safe choice, whenever the modal is shown (not the first button)

    class Confirmed(Message):
        """The exact name was typed and Reset pressed: the opener starts the dump, then the
        reset. ``typed`` is what the core's guard checks again; ``unmigrated`` is "keep",
        "drop", or None when every object is in a migration."""

        def __init__(self, typed: str, unmigrated: str | None) -> None:
            super().__init__()
            self.typed = typed
            self.unmigrated = unmigrated

    def __init__(
        self,
        db_name: str,
        *,
        dump_path: str,
        drops: Sequence[str] = (),
        verdict: str | None = None,
        healthy: bool = False,
        unmigrated_pending: bool = False,
    ) -> None:
        super().__init__()
        self.verdict = verdict
        self.healthy = healthy  # the cache was healthy: Reset asks twice
        self.second_asked = False
        self.unmigrated_pending = unmigrated_pending  # the comparison is still running
        self.unmigrated: list[str] = []  # what the reset would lose, as "kind name"
        self.unmigrated_choice: str | None = None  # "keep" or "drop", once chosen
        self.db_name = db_name
        self.drops = list(drops)
        self.dump_path = dump_path
        self.dump_pending = False  # started and not verified yet (or failed: for good)
        self.confirmed = False  # Confirmed was posted: the answer waits for the dump

    def compose(self) -> ComposeResult:
        with Vertical(id="reset-dialog"):
            yield Static(
                Text(
                    f"✗ Full reset of database “{clean(self.db_name, lines=False)}”", style="bold"
                ),
                id="reset-title",
            )
            what = "Every schema, table and row in it is dropped; the migrations are re-applied."
            lines = [what, *(f"  • {clean(d, lines=False)}" for d in self.drops)]
            yield Static("\n".join(lines), id="reset-drops", markup=False)
            if self.verdict is not None:
                why = f"Chosen under the verdict: {clean(str(self.verdict))}"
                if self.healthy:
                    why += " — the cache is healthy: a reset is not needed to fix it"
                yield Static(why, id="reset-verdict", markup=False)
            if self.unmigrated_pending:
                yield Static(
                    "what the reset would lose: comparing with supabase/migrations…",
                    id="reset-unmigrated",
                    markup=False,
                )
                with Horizontal(id="unmigrated-choice", classes="hidden"):
                    yield Button("Keep them (new migration)", id="keep-unmigrated")
                    yield Button("Drop them", id="drop-unmigrated", variant="warning")
            yield Static(_dump_lines(self.dump_path), id="reset-dump", markup=False)
            yield ProgressBar(total=100, show_eta=False, id="dump-progress")
            yield Static("the dump starts after you confirm", id="dump-status", markup=False)
            yield Static(  # a Static wraps; a Label would cut the instruction at 80 columns
                Text.assemble("Type the database name ", (clean(self.db_name, lines=False), "bold"),
                              " to enable Reset. Escape or Cancel changes nothing."),
                id="reset-instruction",
            )  # fmt: skip
            # the placeholder must not look like an answer already typed
            yield Input(placeholder="type the name here", id="confirm-name", select_on_focus=False)
            yield Static("", id="confirm-hint", markup=False)
            with Horizontal(id="reset-buttons"):
                yield Button("Cancel", id="cancel", variant="primary")
                yield Button("Reset", id="reset", variant="error", disabled=True)

    @property
    def armed(self) -> bool:
        """Exact name (no trimming, no case folding), no dump still running, and what would
        be lost known and, if anything, kept or dropped by choice."""
        return (
            self.query_one("#confirm-name", Input).value == self.db_name
            and not self.dump_pending
            and not self.unmigrated_pending
            and (not self.unmigrated or self.unmigrated_choice is not None)
        )

    # -- what the reset would lose, pushed by the screen that compared ---------------------
    def show_unmigrated(self, objects: Sequence[str] | None, problem: str | None = None) -> None:
        """The comparison's answer: the objects (maybe none), or why it could not run (then
        Reset stays disabled: the core would refuse too)."""
        field = self.query_one("#reset-unmigrated", Static)
        if problem is not None:
            field.update(f"✗ cannot tell what the reset would lose: {clean(problem)}")
            return
        self.unmigrated = list(objects or ())
        self.unmigrated_pending = False
        if not self.unmigrated:
            field.update("✓ nothing is lost: the migrations create every object")
        else:
            shown = [f"  • {clean(o, lines=False)}" for o in self.unmigrated[:6]]
            if len(self.unmigrated) > 6:
                shown.append(f"  … and {len(self.unmigrated) - 6} more")
            field.update(
                f"! {_count(len(self.unmigrated))} in no migration and would be lost:\n"
                + "\n".join(shown)
                + "\nKeep them (written into a new migration) or drop them:"
            )
            self.query_one("#unmigrated-choice").remove_class("hidden")
        self._typed()

    @on(Button.Pressed, "#keep-unmigrated")
    @on(Button.Pressed, "#drop-unmigrated")
    def _chosen(self, event: Button.Pressed) -> None:
        self.unmigrated_choice = "keep" if event.button.id == "keep-unmigrated" else "drop"
        for button in self.query("#unmigrated-choice Button").results(Button):
            button.variant = "primary" if button is event.button else "default"
        self._typed()

    @on(Input.Changed, "#confirm-name")
    def _typed(self) -> None:
        self.query_one("#reset", Button).disabled = not self.armed
        typed = self.query_one("#confirm-name", Input).value
        wrong = bool(typed) and typed != self.db_name and not self.db_name.startswith(typed)
        self.query_one("#confirm-hint", Static).update(
            f"✗ “{typed}” is not the database name: type {self.db_name} exactly" if wrong else ""
        )

    # -- dump progress, shown by the screen that runs the dump ---------------------------------
    def show_dump(self, event: StepEvent) -> None:
        """One of the dump step's events: started, its latest line, verified or failed."""
        if event.step != "dump":
            return
        if event.kind is EventKind.STARTED:
            self.dump_pending = True
            self.query_one("#dump-progress", ProgressBar).update(total=None)  # indeterminate
            self.query_one("#dump-status", Static).update("dump running…")
        elif event.kind is EventKind.OUTPUT:
            self.query_one("#dump-status", Static).update(Text(clean(event.message[:200])))
        elif event.kind in (EventKind.FINISHED, EventKind.FAILED):
            self._dump_ended(event.kind is EventKind.FINISHED, clean(event.message))

    def stopped(self, why: str) -> None:
        """The reset ended before its dump was verified (a guard refused): say why here;
        Reset stays disabled, Escape leaves."""
        self._dump_ended(False, clean(why))

    def _dump_ended(self, ok: bool, status: str) -> None:
        """A verified dump answers True when the reset was confirmed; a failed one never."""
        self.dump_pending = not ok  # a failed dump keeps Reset disabled for good
        self.query_one("#dump-progress", ProgressBar).update(total=100, progress=100 if ok else 0)
        self.query_one("#dump-status", Static).update(Text(("✓ " if ok else "✗ ") + status))
        self._typed()
        if ok and self.confirmed:
            self.dismiss(True)

    # -- answers -------------------------------------------------------------------------------
    @on(Input.Submitted, "#confirm-name")
    @on(Button.Pressed, "#reset")
    def _confirm(self) -> None:
        if not self.armed:
            typed = self.query_one("#confirm-name", Input).value
            if typed != self.db_name:  # Enter on a wrong or partial name: say so, in place
                self.query_one("#confirm-hint", Static).update(
                    f"✗ “{typed}” is not the database name: type {self.db_name} exactly"
                )
            return
        if self.healthy and not self.second_asked:
            self.second_asked = True
            self.query_one("#reset-verdict", Static).update(
                f"Chosen under the verdict: {self.verdict} — the cache is healthy. "
                "Press Reset again to reset anyway; Escape changes nothing."
            )
            return
        self.confirmed = True
        field = self.query_one("#confirm-name", Input)
        field.disabled = True
        self.query_one("#reset", Button).disabled = True
        self.query_one("#cancel", Button).focus()
        self._opener().post_message(self.Confirmed(field.value, self.unmigrated_choice))

    def _opener(self) -> MessagePump:
        """The screen beneath this one, which opened it and runs the dump. A screen's own
        messages bubble to the app, past the screen that asked."""
        stack = self.app.screen_stack
        return stack[stack.index(self) - 1]

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
