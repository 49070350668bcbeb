"""The wizard on a fleet (three real PostgREST 12 instances behind a real nginx, the last with
``db-channel-enabled = false``): the other instances are diagnosed side by side and the
verdict is the worst instance's."""

from __future__ import annotations

import dataclasses

import pytest

from tests.ui.pilot_helpers import until
from tui.core.model import Cause, Status, Verdict
from tui.sandbox.shape import Topology
from tui.ui.app import make_app
from tui.ui.screens.diagnosis import DiagnosisScreen
from tui.ui.widgets.check_panel import CheckPanel

pytestmark = pytest.mark.integration
QUIET_LAST = Topology(3, True, per_instance=((2, (("db-channel-enabled", False),)),))


async def test_the_other_instances_are_judged_side_by_side(make_sandbox):
    box = make_sandbox("12", topology=QUIET_LAST, drift=["missing-column"])
    box.execute("NOTIFY pgrst, 'reload schema'")  # instances 1 and 2 hear it, 3 does not
    target = dataclasses.replace(box.target(), timeout=20)  # four diagnoses on 2 busy cores
    quiet = box.instances[2].api_url
    assert target.instances == (box.balancer.api_url, *(s.api_url for s in box.instances))
    app = make_app(target, sandbox=box)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.push_screen(DiagnosisScreen(app.new_diagnosis()))
        screen = app.screen
        await until(pilot, lambda: screen.report is not None, timeout=60)
        panel = screen.query_one("#check-instances", CheckPanel)
        assert panel.status is Status.FAIL
        lines = screen.diagnosis.outcomes["instances"].summary.splitlines()
        assert len(lines) == 3 and lines[-1].startswith(quiet) and "stale-cache" in lines[-1]
        assert screen.report.verdict is Verdict.STALE_CACHE
        others = [f for f in screen.report.findings if f.check == "instances" and f.objects]
        assert quiet in {o for f in others for o in f.objects}
        assert any(f.cause is Cause.CHANNEL_MISMATCH for f in screen.report.findings)
