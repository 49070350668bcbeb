"""Wizard test fixtures: snapshots stored in the top-level ``snapshots/`` folder, a frozen
clock, and a fixed loopback target that screens without I/O never contact.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_textual_snapshot
from syrupy.location import PyTestLocation
from textual.clock import MockClock

from tui.core.model import (
    Cause,
    Change,
    Finding,
    ObjectKind,
    Report,
    StaleObject,
    Status,
    Verdict,
)
from tui.core.target import Target

SNAPSHOT_DIR = Path(__file__).resolve().parents[2] / "snapshots"
SIZES = {"100x32": (100, 32), "80x24": (80, 24)}


class TopLevelSVGExtension(pytest_textual_snapshot.SVGImageExtension):
    """The plugin's SVG extension, but every snapshot lives in /snapshots/<test module>/."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(SNAPSHOT_DIR / Path(test_location.filepath).stem)


@pytest.fixture(autouse=True)
def _snapshots_in_top_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """``snap_compare`` looks the extension up at call time: swap in ours."""
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", TopLevelSVGExtension)


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return SIZES[request.param]


@pytest.fixture
def clock() -> MockClock:
    return MockClock(0.0)


@pytest.fixture
def fake_target() -> Target:
    """Fixed loopback URLs on ports nothing listens on; used only by screens without I/O."""
    return Target(
        db_url="postgresql://postgres:not-a-secret@127.0.0.1:1/shop",
        api_url="http://127.0.0.1:1",
        api_key="eyJhbGciOiJIUzI1NiJ9.e30.signature",
        admin_url="http://127.0.0.1:2",
    )


@pytest.fixture
def remote_target() -> Target:
    return Target(
        db_url="postgresql://postgres:not-a-secret@db.example.invalid:5432/prod",
        api_url="https://api.example.invalid/rest/v1",
    )


@pytest.fixture
def stale_report() -> Report:
    """A stale cache plus one look-alike (RLS off), as the checks would conclude it."""
    return Report(
        verdict=Verdict.STALE_CACHE,
        postgrest_version=None,
        listening=True,
        stale_objects=[
            StaleObject(ObjectKind.TABLE, "public.invoices", Change.ADDED),
            StaleObject(ObjectKind.COLUMN, "public.customers.loyalty_tier", Change.ADDED),
            StaleObject(ObjectKind.FUNCTION, "public.order_total", Change.ADDED),
        ],
        findings=[
            Finding(
                check="drift",
                status=Status.FAIL,
                summary="3 objects differ between the catalog and PostgREST's cache",
                cause=Cause.STALE_CACHE,
                objects=["public.invoices", "public.customers.loyalty_tier"],
                fix="NOTIFY pgrst, 'reload schema';",
                title="Catalog vs cache",
                runbook_note="The Supabase CLI sent no NOTIFY: the event triggers are missing.",
            ),
            Finding(
                check="rls",
                status=Status.WARN,
                summary="public.customers has a policy but RLS is not enabled",
                cause=Cause.RLS_DISABLED,
                objects=["public.customers"],
                fix="ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;",
                title="Row level security",
                runbook_note="RLS is enforced by PostgreSQL; a reload won't change this.",
            ),
            Finding(check="listener", status=Status.PASS, summary="PostgREST listens"),
        ],
        remedies=["notify"],
        elapsed_ms=0.0,
    )


@pytest.fixture
def healthy_report() -> Report:
    return Report(
        verdict=Verdict.HEALTHY,
        postgrest_version=None,
        listening=True,
        stale_objects=[],
        findings=[Finding(check="drift", status=Status.PASS, summary="cache matches catalog")],
        remedies=[],
        elapsed_ms=0.0,
    )
