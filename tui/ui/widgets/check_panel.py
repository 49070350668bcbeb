"""One diagnosis check: a status glyph, a spinner and elapsed time while it runs, then its
evidence. The panel only draws; the diagnosis screen's workers tell it what happened.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual.clock import Clock
from textual.reactive import reactive
from textual.timer import Timer

from tui.core.model import Status
from tui.ui import render
from tui.ui.widgets.live_line import LiveLine

SPIN_S = 0.1
STATUS_CLASS: dict[Status, str] = {
    Status.PASS: "-pass",
    Status.WARN: "-warn",
    Status.FAIL: "-fail",
    Status.ERROR: "-fail",
    Status.SKIPPED: "-skipped",
}


class CheckPanel(LiveLine, can_focus=True):
    """Waiting -> running (spinner + elapsed) -> finished (evidence) or crashed (red).

    ``status`` is reactive: setting it is the one way the border's class changes
    (``watch_status``); None while waiting or running.
    """

    status: reactive[Status | None] = reactive(None, init=False)

    DEFAULT_CSS = """
    CheckPanel {
        height: auto;
        min-height: 4;
        border: round $secondary;
        border-title-style: bold;
        padding: 0 1;
    }
    CheckPanel:focus { border: round $accent; }
    CheckPanel.-pass { border: round $success; }
    CheckPanel.-warn { border: round $warning; }
    CheckPanel.-fail { border: round $error; }
    CheckPanel.-skipped { border: round $panel-lighten-2; }
    """

    def __init__(self, probe_id: str, title: str, *, palette: render.Palette, clock: Clock) -> None:
        super().__init__(Text("· waiting"), id=f"check-{probe_id}", markup=False)
        self.probe_id = probe_id
        self.border_title = title
        self.palette = palette
        self.clock = clock
        self.started_at: float | None = None
        self.running = False
        self._spinner: Timer | None = None

    def start(self) -> None:
        """Running: a spinner interval, live only until the check settles."""
        self.started_at = self.clock.time
        self.running = True
        self.status = None
        if self._spinner is None:
            self._spinner = self.set_interval(SPIN_S, self.tick, pause=True)
        self._spinner.resume()
        self.tick()

    def tick(self) -> None:
        """Advance the spinner and elapsed time."""
        if not self.running or self.started_at is None:
            return
        elapsed = self.clock.time - self.started_at
        self.tick_to(render.running_label(elapsed, int(elapsed / SPIN_S)))

    def finish(
        self, status: Status, summary: str, evidence: dict[str, Any], elapsed_ms: float
    ) -> None:
        body = render.render_outcome(status, summary, evidence, elapsed_ms, self.palette)
        self._settle(status, body)

    def crash(self, error: BaseException) -> None:
        self._settle(Status.ERROR, render.render_crash(error, self.palette))

    def cancelled(self) -> None:
        self._settle(Status.SKIPPED, Text("- cancelled"))

    def _settle(self, status: Status, body: RenderableType) -> None:
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None
        self.running = False
        self.status = status
        self.update(body)

    def watch_status(self, status: Status | None) -> None:
        self.set_classes(STATUS_CLASS[status] if status is not None else "")
