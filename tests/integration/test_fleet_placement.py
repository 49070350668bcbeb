"""A fleet of three real PostgREST 12 instances on one database: the first URL is compared in
full, every other is placed against it by a few cache-only questions (probes/alike) and still
judged on its own: the same cache, a newer one (not stale on what it reloaded), an older one
(its own full comparison)."""

from __future__ import annotations

import dataclasses
import os
import signal

import pytest

from tests.integration.remedy_helpers import serves_column
from tui.core import fleet
from tui.core.diagnosis import DiagnosisRequest
from tui.core.fleet import InstanceReport
from tui.sandbox.shape import Topology

pytestmark = pytest.mark.integration

NEW_COLUMN = "public.customers.loyalty_tier"  # the missing-column drift


def basis(instance: InstanceReport) -> str:
    drift = next(f for f in instance.report.findings if f.check == "drift")
    return str(drift.evidence.get("basis") or drift.summary)


def judged(instances: list[InstanceReport]) -> list[tuple[str, list[str]]]:
    return [(str(i.report.verdict), [o.name for o in i.report.stale_objects]) for i in instances]


async def test_each_instance_is_judged_on_its_own_against_the_first(make_sandbox):
    box = make_sandbox("12", topology=Topology(3), drift=["missing-column"])
    urls = tuple(s.api_url for s in box.instances)
    target = dataclasses.replace(box.target(), timeout=20)  # three at once on 2 busy cores
    assert target.instances == urls

    # no reload yet: every instance holds the same stale cache, the others judged alike
    _report, instances = await fleet.diagnose(target, DiagnosisRequest())
    assert judged(instances) == [("stale-cache", [NEW_COLUMN])] * 3
    assert "catalog vs OpenAPI" in basis(instances[0])
    assert all(basis(i).startswith(f"same cache as {urls[0]}") for i in instances[1:])

    # the second instance alone reloads: newer than the first, no longer stale
    os.kill(box.instances[1].pid, signal.SIGUSR1)
    assert serves_column(urls[1], box.connection().anon_key, timeout=15)
    report, instances = await fleet.diagnose(target, DiagnosisRequest())
    assert judged(instances) == [
        ("stale-cache", [NEW_COLUMN]), ("healthy", []), ("stale-cache", [NEW_COLUMN])
    ]  # fmt: skip
    assert basis(instances[1]).startswith(f"loaded after {urls[0]}")
    assert str(report.verdict) == "stale-cache"  # the worst instance's

    # the fresh one first: the stale ones are older than it, each compared in full
    fresh_first = dataclasses.replace(target, api_url=urls[1], api_urls=(urls[1], urls[0], urls[2]))
    _report, instances = await fleet.diagnose(fresh_first, DiagnosisRequest())
    assert judged(instances) == [
        ("healthy", []), ("stale-cache", [NEW_COLUMN]), ("stale-cache", [NEW_COLUMN])
    ]  # fmt: skip
    assert all("catalog vs OpenAPI" in basis(i) for i in instances)
