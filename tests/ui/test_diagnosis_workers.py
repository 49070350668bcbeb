"""Diagnosis workers on a real, partly broken target: the real sandbox database behind an API
that accepts connections and never answers (a real loopback server). The hung checks hold only
their own panels; leaving the screen cancels them."""

from __future__ import annotations

import dataclasses

import pytest
from fault_servers import FaultServer, hung
from textual.worker import WorkerState

from tests.ui.pilot_helpers import until
from tui.core.model import Status
from tui.ui.app import make_app
from tui.ui.screens.diagnosis import DiagnosisScreen
from tui.ui.widgets.check_panel import CheckPanel

pytestmark = pytest.mark.integration


async def test_a_hung_api_blocks_only_its_panels_and_leaving_cancels_them(sandbox12):
    with FaultServer(hung) as api:
        target = dataclasses.replace(
            sandbox12.target(), api_url=api.url, admin_url=None, timeout=60.0
        )
        app = make_app(target)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            screen = DiagnosisScreen(app.new_diagnosis())
            await app.push_screen(screen)
            panels = {p.probe_id: p for p in screen.query(CheckPanel)}
            # the database-side checks finish while the API never answers
            await until(pilot, lambda: panels["database"].status is Status.PASS)
            await until(pilot, lambda: panels["catalog"].status is Status.PASS)
            assert panels["api"].running and panels["api"].status is None
            assert screen.report is None  # no verdict on half the evidence
            hanging = [screen.current["api"], screen.current["openapi"]]  # both wait on the API
            assert all(w.state is WorkerState.RUNNING for w in hanging)
            await pilot.press("escape")  # leave the screen: its workers go with it
            await until(pilot, lambda: app.screen is not screen)
            await until(pilot, lambda: all(w.state is WorkerState.CANCELLED for w in hanging))
            assert not any(w.is_running for w in screen.current.values())


@pytest.mark.parametrize("size", [(100, 32), (80, 24)], ids=["100x32", "80x24"])
async def test_rerunning_a_check_while_it_runs_keeps_the_checks_waiting_on_it(sandbox12, size):
    """ctrl+r on the API panel while the API hangs: the API step belongs to the engine, so the
    OpenAPI and targeted checks that wait on it are not cancelled with the first API worker;
    every check settles with its own evidence and the diagnosis concludes."""
    with FaultServer(hung) as api:
        target = dataclasses.replace(
            sandbox12.target(), api_url=api.url, admin_url=None, timeout=5.0
        )
        app = make_app(target)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = DiagnosisScreen(app.new_diagnosis())
            await app.push_screen(screen)
            panels = {p.probe_id: p for p in screen.query(CheckPanel)}
            waiting = [screen.current["openapi"], screen.current["targeted"]]
            await pilot.pause(0.5)  # every check started; the API hangs (5 s timeout)
            assert panels["api"].running
            panels["api"].focus()
            await pilot.press("ctrl+r")  # re-run the API check while it runs
            await pilot.pause()
            assert all(w.state is WorkerState.RUNNING for w in waiting)  # not cancelled
            await until(pilot, lambda: screen.report is not None, timeout=30)
            assert all(w.state is WorkerState.SUCCESS for w in waiting)
            assert panels["openapi"].status is not None and "cancelled" not in str(
                panels["openapi"].render()
            )
