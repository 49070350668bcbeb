"""The live widgets on their own: the step timer (KPI colours, no idle ticking) and the check
panel (spinner while running, evidence after, a crash as a red panel)."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App, ComposeResult
from textual.clock import MockClock

from tui.core.knowledge.kpis import KPIS
from tui.core.model import Status
from tui.ui.render import Palette
from tui.ui.widgets.check_panel import CheckPanel
from tui.ui.widgets.step_timer import StepTimer


class TimerHarness(App[None]):
    def __init__(self, clock: MockClock) -> None:
        super().__init__()
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield StepTimer(self.clock, id="timer")
        yield CheckPanel("catalog", "Catalog", palette=Palette(), clock=self.clock)


def shown(widget) -> str:
    """The widget's content as plain text."""
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def test_step_timer_is_coloured_against_its_kpi_and_stops_ticking_at_the_end():
    clock = MockClock(100.0)
    app = TimerHarness(clock)
    async with app.run_test() as pilot:
        timer = app.query_one(StepTimer)
        assert not timer.ticking  # mounted paused: no CPU while idle
        timer.start(KPIS["schema_reload"])  # target 2 s, alert 5 s
        assert timer.ticking
        clock.set_time(101.0)
        await pilot.pause(0.25)
        assert timer.has_class("-ok") and "within target" in shown(timer)
        clock.set_time(103.5)
        await pilot.pause(0.25)
        assert timer.has_class("-slow") and "over target" in shown(timer)
        clock.set_time(106.0)
        await pilot.pause(0.25)
        assert timer.has_class("-alert") and "✗" in shown(timer)
        assert timer.stop() == 6.0
        assert not timer.ticking
        clock.set_time(200.0)
        await pilot.pause(0.25)
        assert "6.0 s" in shown(timer)  # frozen at the end of the step


async def test_check_panel_spins_while_running_then_shows_evidence():
    clock = MockClock(0.0)
    app = TimerHarness(clock)
    async with app.run_test() as pilot:
        panel = app.query_one(CheckPanel)
        panel.start()
        clock.set_time(1.5)
        await pilot.pause(0.25)
        assert panel.running and "running 1.5 s" in shown(panel)
        panel.finish(Status.FAIL, "3 objects differ", {"added": ["public.invoices"]}, 42.0)
        text = shown(panel)
        assert not panel.running and panel.has_class("-fail")
        assert "✗ problem" in text and "public.invoices" in text


async def test_a_crashed_check_becomes_a_red_panel_with_the_error():
    app = TimerHarness(MockClock(0.0))
    async with app.run_test():
        panel = app.query_one(CheckPanel)
        panel.start()
        panel.crash(RuntimeError("probe blew up"))
        assert panel.status is Status.ERROR and panel.has_class("-fail")
        assert "crashed" in shown(panel) and "probe blew up" in shown(panel)
