"""What the wizard redraws, counted: the footer builds its keys once per screen (and again only
when a key comes or goes), and running panels redraw their spinner without laying the screen
out again (a layout per spinner frame cost more CPU than the checks themselves).
"""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.binding import Binding
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from tests.ui.pilot_helpers import until
from tui.core.model import Status
from tui.ui.app import make_app
from tui.ui.screens.base import DoctorScreen
from tui.ui.screens.diagnosis import DiagnosisScreen
from tui.ui.widgets.check_panel import CheckPanel


@pytest.fixture
def footer_builds(monkeypatch: pytest.MonkeyPatch) -> list[Footer]:
    """Every footer build with keys in it (Textual's Footer.compose, our footer's included)."""
    builds: list[Footer] = []
    compose = Footer.compose

    def counted(self: Footer):
        if self._bindings_ready:
            builds.append(self)
        return compose(self)

    monkeypatch.setattr(Footer, "compose", counted)
    return builds


def footer_keys(screen) -> set[str]:
    return {key.key for key in screen.query(FooterKey)}


async def test_the_footer_builds_once_at_start(fake_target, clock, footer_builds):
    app = make_app(fake_target, clock=clock)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: "ctrl+n" in footer_keys(app.screen))
        await pilot.pause(0.3)
        assert len(footer_builds) == 1
        assert {"ctrl+r", "ctrl+n", "ctrl+t", "ctrl+q"} <= footer_keys(app.screen)


async def test_a_diagnosis_keeps_its_footer(fake_target, clock, healthy_report, footer_builds):
    """Panels starting and settling, the Findings button enabled and focused: the same keys,
    no rebuild after the screen's first."""
    app = make_app(fake_target, clock=clock)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.push_screen(DiagnosisScreen(app.new_diagnosis(), autostart=False))
        screen = app.screen
        await until(pilot, lambda: "ctrl+r" in footer_keys(screen))
        await pilot.pause(0.2)
        builds = len(footer_builds)
        for panel in screen.query(CheckPanel):
            panel.start()
            await pilot.pause(0.05)
            panel.focus()
            panel.finish(Status.PASS, "fine", {"rows": 3}, 12.0)
        screen.show_report(healthy_report)
        await pilot.pause(0.3)
        assert len(footer_builds) == builds
        assert {"ctrl+r", "ctrl+n"} <= footer_keys(screen)


class ToggledKeyScreen(DoctorScreen[None]):
    """A screen whose one key is offered only once ``ready``."""

    BINDINGS: ClassVar = [Binding("ctrl+o", "go", "Go", id="test.go")]
    ready = False

    def compose_body(self):
        yield Static("body")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.ready if action == "go" else True

    def action_go(self) -> None:
        """Nothing: the key only has to be shown or not."""


async def test_the_footer_follows_a_key_that_comes_and_goes(fake_target, clock):
    app = make_app(fake_target, clock=clock)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = ToggledKeyScreen()
        await app.push_screen(screen)
        await until(pilot, lambda: "ctrl+t" in footer_keys(screen))
        assert "ctrl+o" not in footer_keys(screen)
        screen.ready = True
        screen.refresh_bindings()
        await until(pilot, lambda: "ctrl+o" in footer_keys(screen))
        screen.ready = False
        screen.refresh_bindings()
        await until(pilot, lambda: "ctrl+o" not in footer_keys(screen))


async def test_spinning_panels_lay_nothing_out_until_they_settle(fake_target, clock):
    app = make_app(fake_target, clock=clock)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.push_screen(DiagnosisScreen(app.new_diagnosis(), autostart=False))
        screen = app.screen
        layouts: list[object] = []
        screen.screen_layout_refresh_signal.subscribe(screen, layouts.append)
        panels = list(screen.query(CheckPanel))
        for panel in panels:
            panel.start()
        await pilot.pause(0.3)  # the first frame of each (from "waiting") may lay out
        layouts.clear()
        first = str(panels[0].content)
        for _ in range(10):  # a second of spinner frames, elapsed time going up
            clock.set_time(clock.time + 0.1)
            await pilot.pause(0.1)
        assert str(panels[0].content) != first  # the spinner did move
        assert layouts == []
        height = panels[0].size.height
        panels[0].finish(Status.PASS, "fine", {f"line {i}": i for i in range(4)}, 12.0)
        await until(pilot, lambda: bool(layouts))  # the evidence makes the panel taller
        await until(pilot, lambda: panels[0].size.height > height)
