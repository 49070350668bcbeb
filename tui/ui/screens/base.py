"""The frame every wizard screen shares: header, target banner, body, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widgets import Header

from tui.ui.widgets.banner import TargetBanner
from tui.ui.widgets.footer import DoctorFooter

if TYPE_CHECKING:
    from tui.core.diagnosis import ProbeOutcome
    from tui.core.remedies.events import StepEvent
    from tui.ui.app import DoctorApp
    from tui.ui.widgets.check_panel import CheckPanel

ResultT = TypeVar("ResultT")  # what the screen answers when dismissed (most answer nothing)


def paging(screen: str) -> list[Binding]:
    """PageDown / PageUp scroll the screen's ``PAGED`` pane wherever the focus is, so the
    focus stays where typing goes (a note, an object name) and no Tab is needed first."""
    return [
        Binding("pagedown", "scroll_pane(1)", "Page down", show=False, priority=True,
                id=f"{screen}.pagedown"),
        Binding("pageup", "scroll_pane(-1)", "Page up", show=False, priority=True,
                id=f"{screen}.pageup"),
    ]  # fmt: skip


class DoctorScreen(Screen[ResultT]):
    """Subclasses implement ``compose_body``; the banner names the target on every screen."""

    BINDINGS = [Binding("escape", "back", "Back", id="back")]
    PAGED = ""  # the selector of the pane ``paging`` scrolls (screens that use it set it)

    @property
    def doctor(self) -> DoctorApp:
        return cast("DoctorApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header(icon="✚")
        yield self.banner()
        yield from self.compose_body()
        yield DoctorFooter(compact=True)  # every key fits at 80 columns

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def banner(self) -> TargetBanner:
        """The session's target as it is now: sandbox labels only on the sandbox's parts."""
        doctor = self.doctor
        return TargetBanner(doctor.target, db_name=doctor.db_name, sandbox=doctor.sandbox_parts)

    def settle(self, panel: CheckPanel, outcome: ProbeOutcome, check: str, title: str) -> None:
        """A probe's outcome on its panel and, as a ``check`` event, in the journal."""
        panel.finish(outcome.status, outcome.summary, outcome.evidence.shown(), outcome.elapsed_ms)
        self.doctor.record(
            "check",
            {
                "check": check,
                "title": title,
                "status": str(outcome.status),
                "summary": outcome.summary,
                "elapsed_ms": round(outcome.elapsed_ms, 1),
            },
        )

    def action_scroll_pane(self, pages: int) -> None:
        pane = self.query_one(self.PAGED, ScrollableContainer)
        pane.scroll_page_down() if pages > 0 else pane.scroll_page_up()

    def record_step(self, event: StepEvent) -> None:
        """A remedy's step event in the journal as the CLI records it (``JOURNAL_KIND``; its
        ticks are not recorded: the end has the time). The remedies' modules load with the
        first step, not with the first screen."""
        from tui.core.remedies.record import JOURNAL_KIND

        kind = JOURNAL_KIND.get(event.kind)
        if kind is not None:
            self.doctor.record(kind, event.to_json())

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:  # the connect screen stays (the stack's bottom)
            self.app.pop_screen()
