"""A running remedy as the wizard shows it: the live timer over the streamed output. The
remediation screen and the reset screen both feed it the core's ``StepEvent``s, so a step
looks the same whichever screen runs it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.clock import Clock
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import RichLog

from tui.core.knowledge.kpis import KPIS
from tui.core.remedies.events import EventKind, StepEvent
from tui.core.shown import clean
from tui.ui import render
from tui.ui.widgets.step_timer import StepTimer


class StepUpdate(Message):
    """One StepEvent from a running step, posted by the worker, delivered in order."""

    def __init__(self, event: StepEvent) -> None:
        super().__init__()
        self.event = event


class StepRun(Vertical):
    """``#step-timer`` above ``#step-log``; ``show`` draws one event on them."""

    def __init__(self, clock: Clock, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield StepTimer(self.clock, id="step-timer")
        yield RichLog(id="step-log", wrap=True, markup=False, max_lines=500, min_width=20)

    def write(self, line: str | Text) -> None:
        self.query_one("#step-log", RichLog).write(line)

    def clear(self) -> None:
        self.query_one("#step-log", RichLog).clear()

    def stop(self) -> None:
        self.query_one("#step-timer", StepTimer).stop()

    def show(self, event: StepEvent, palette: render.Palette) -> None:
        """Started: the timer runs against the step's KPI; output and KPI figures are logged;
        finished or failed: the timer stops on its final figure."""
        timer = self.query_one("#step-timer", StepTimer)
        if event.kind is EventKind.ELAPSED:
            return  # the timer ticks by itself, from the injected clock
        if event.kind is EventKind.STARTED:
            timer.start(KPIS.get(event.kpi_id or ""))
            self.write(Text(f"▶ {clean(event.message)}", style="bold"))
        elif event.kind is EventKind.OUTPUT:
            self.write(Text(f"  {clean(event.message)}"))
        elif event.kind is EventKind.KPI and event.kpi is not None:
            self.write(render.render_kpi(KPIS[event.kpi.kpi], event.kpi.seconds, palette))
        elif event.kind in (EventKind.FINISHED, EventKind.FAILED):
            timer.stop()
            glyph = "✓" if event.kind is EventKind.FINISHED else "✗"
            self.write(Text(f"{glyph} {event.step}: {clean(event.message)}"))
