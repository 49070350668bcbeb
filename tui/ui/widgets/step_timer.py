"""The live step timer: a paused ``set_interval`` resumed when the step starts and stopped
when it ends, reading time from the injected clock, coloured against the step's KPI.
"""

from __future__ import annotations

from textual.clock import Clock
from textual.timer import Timer

from tui.core.knowledge.kpis import Kpi
from tui.ui import render
from tui.ui.widgets.live_line import LiveLine

TICK_S = 0.1


class StepTimer(LiveLine):
    """Shows ``⏱ 1.2 s ✓ within target …``; classes -ok / -slow / -alert colour it."""

    DEFAULT_CSS = """
    StepTimer { height: auto; max-height: 2; width: 1fr; }
    StepTimer.-ok { color: $text-success; }
    StepTimer.-slow { color: $text-warning; }
    StepTimer.-alert { color: $text-error; text-style: bold; }
    """

    def __init__(self, clock: Clock, *, id: str | None = None) -> None:
        super().__init__("⏱ idle", id=id, markup=False)
        self.clock = clock
        self.kpi: Kpi | None = None
        self.started_at: float | None = None
        self.stopped_at: float | None = None
        self._interval: Timer | None = None
        self._live = False

    def on_mount(self) -> None:
        self._interval = self.set_interval(TICK_S, self._tick, pause=True)

    @property
    def ticking(self) -> bool:
        """True while the interval is live (tests check it is off when idle)."""
        return self._live

    @property
    def elapsed(self) -> float:
        if self.started_at is None:
            return 0.0
        end = self.stopped_at if self.stopped_at is not None else self.clock.time
        return end - self.started_at

    def start(self, kpi: Kpi | None) -> None:
        self.kpi = kpi
        self.started_at = self.clock.time
        self.stopped_at = None
        if self._interval is None:  # not mounted yet
            self._interval = self.set_interval(TICK_S, self._tick, pause=True)
        self._interval.reset()
        self._interval.resume()
        self._live = True
        self._tick()

    def stop(self) -> float:
        """Stop ticking (no idle CPU) and freeze the final figure; returns it in seconds."""
        if self.started_at is not None and self.stopped_at is None:
            self.stopped_at = self.clock.time
        if self._interval is not None:
            self._interval.stop()
            self._interval = None
        self._live = False
        self._tick()
        return self.elapsed

    def _tick(self) -> None:
        text, verdict = render.timer_text(self.elapsed, self.kpi)
        self.set_classes(f"-{verdict}" if verdict else "")
        self.tick_to(text)
