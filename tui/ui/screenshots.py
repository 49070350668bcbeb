"""Real screenshots for the README: the wizard driven through the incident on a fresh sandbox
(every drift applied), each screen saved as the SVG Textual exports. As on call, it starts
from the error in hand (the README's walk-through pastes the same one).

    python -m tui.ui.screenshots docs/screenshots
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from tui.core.transcript.journal import Journal
from tui.sandbox import Sandbox
from tui.ui.app import DoctorApp, make_app
from tui.ui.screens.diagnosis import DiagnosisScreen
from tui.ui.screens.findings import FindingsScreen
from tui.ui.screens.remediation import RemediationScreen
from tui.ui.screens.symptoms import SymptomsScreen

SIZE = (100, 32)
# what the app logged when a write failed (supabase-js's error object, as console.log prints it)
PASTED_ERROR = (
    "{ code: 'PGRST204', details: null, hint: null, "
    "message: \"Column 'loyalty_tier' of relation 'customers' does not exist\" }"
)


async def _until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the wizard did not get there in time")
        await pilot.pause(0.05)


def _save(app: DoctorApp, out: Path, name: str) -> None:
    app.save_screenshot(filename=f"{name}.svg", path=str(out))
    print(f"{out / name}.svg")


async def shoot(app: DoctorApp, out: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        _save(app, out, "1-connect")
        await pilot.press("ctrl+n")
        await _until(pilot, lambda: isinstance(app.screen, SymptomsScreen))
        await _until(pilot, lambda: bool(app.session.catalog))
        app.screen.query_one("#error", Input).insert_text_at_cursor(PASTED_ERROR)
        await pilot.pause()
        _save(app, out, "2-symptoms")
        await pilot.press("enter")  # the error is the question: diagnosed at once
        await _until(pilot, lambda: isinstance(app.screen, DiagnosisScreen))
        screen = app.screen
        await _until(pilot, lambda: getattr(screen, "report", None) is not None)
        await pilot.pause(0.2)
        _save(app, out, "3-diagnosis")
        await pilot.press("enter")
        await _until(pilot, lambda: isinstance(app.screen, FindingsScreen))
        _save(app, out, "4-findings")
        await pilot.press("ctrl+n")
        await _until(pilot, lambda: isinstance(app.screen, RemediationScreen))
        remediation = app.screen
        assert isinstance(remediation, RemediationScreen)
        await _until(pilot, lambda: bool(remediation.rungs))
        await pilot.press("enter")
        await _until(pilot, lambda: remediation.outcome is not None, timeout=120)
        await pilot.pause(0.2)
        _save(app, out, "5-remediation")
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        _save(app, out, "6-transcript")


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    with Sandbox() as box, tempfile.TemporaryDirectory() as tmp:
        box.apply_drift(["all"])
        journal = Journal.start("demo", root=Path(tmp))
        app = make_app(box.target(), journal=journal, sandbox=box)
        try:
            asyncio.run(shoot(app, out))
        finally:
            journal.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
