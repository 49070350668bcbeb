"""How was the schema changed? The runbook's triggering-events table, corrected, one answer
per route: does this need a reload at all?
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.knowledge.events import ROUTES
from tui.ui import render
from tui.ui.screens.base import DoctorScreen

ROUTE_BY_ID = {r.id: r for r in ROUTES}


class RoutesScreen(DoctorScreen):
    """Pick how the schema was changed; the answer shows beside the list."""

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            yield Label("How was the schema changed?", classes="lead")
            with Horizontal(id="route-pick"):
                yield OptionList(*(Option(r.title, id=r.id) for r in ROUTES), id="route-list")
                with VerticalScroll(id="route-detail-box"):
                    yield Static(id="route-detail")

    def on_mount(self) -> None:
        self.query_one("#route-list", OptionList).focus()
        self._show(ROUTES[0].id)

    @on(OptionList.OptionHighlighted, "#route-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option.id or ROUTES[0].id)

    @on(OptionList.OptionSelected, "#route-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        route = ROUTE_BY_ID[event.option.id or ROUTES[0].id]
        self.doctor.record(
            "decision",
            {
                "question": "how was the schema changed?",
                "route": route.id,
                "needs_reload": route.needs_reload,
            },
            actor="user",
        )
        self.notify(f"Needs a reload: {route.needs_reload}", title=route.title)

    def _show(self, route_id: str) -> None:
        route = ROUTE_BY_ID[route_id]
        self.query_one("#route-detail", Static).update(
            render.render_route(route, self.doctor.palette)
        )
