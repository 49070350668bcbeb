"""The frame every wizard screen shares: header, target banner, body, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header

from tui.ui.widgets.banner import TargetBanner

if TYPE_CHECKING:
    from tui.ui.app import DoctorApp


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

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
