"""The frame every wizard screen shares: header, target banner, body, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header

from tui.ui.widgets.banner import TargetBanner

if TYPE_CHECKING:
    from tui.core.diagnosis import ProbeOutcome
    from tui.ui.app import DoctorApp
    from tui.ui.widgets.check_panel import CheckPanel


class DoctorScreen(Screen[None]):
    """Subclasses implement ``compose_body``; the banner names the target on every screen."""

    BINDINGS = [Binding("escape", "back", "Back", id="back")]

    @property
    def doctor(self) -> DoctorApp:
        return cast("DoctorApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header(icon="✚")
        yield TargetBanner(self.doctor.target, sandbox=self.doctor.sandbox is not None)
        yield from self.compose_body()
        yield Footer(compact=True)  # every key fits at 80 columns

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

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

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
