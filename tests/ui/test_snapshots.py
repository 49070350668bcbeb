"""Snapshots of every wizard screen at 100x32 and 80x24 (SVGs in /snapshots/test_snapshots/).

Deterministic: a frozen clock, fixed loopback URLs that are never contacted, reports built
here, no wall-clock text. Update with ``just snap-update`` and review the SVG diffs.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tui.ui.app import make_app
from tui.ui.screens.findings import FindingsScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.routes import RoutesScreen
from tui.ui.screens.symptoms import SymptomsScreen

CATALOG = ["public.customers", "public.invoices", "public.order_total", "public.orders"]


def test_connect_snapshot(snap_compare, fake_target, clock, size):
    """The first screen: the masked target, editable, with the connectivity panels idle."""
    assert snap_compare(make_app(fake_target, clock=clock), terminal_size=size)


def test_connect_remote_banner_snapshot(snap_compare, remote_target, clock, size):
    """A target that is not this machine: the banner says so loudly, in words."""
    assert snap_compare(make_app(remote_target, clock=clock), terminal_size=size)


def test_symptoms_snapshot(snap_compare, fake_target, clock, size):
    app = make_app(fake_target, clock=clock)
    app.session.catalog = list(CATALOG)  # known names: the screen reads no catalog

    async def open_symptoms(pilot: Pilot) -> None:
        await app.push_screen(SymptomsScreen())
        await pilot.press("down", "down")

    assert snap_compare(app, terminal_size=size, run_before=open_symptoms)


def test_routes_snapshot(snap_compare, fake_target, clock, size):
    app = make_app(fake_target, clock=clock)

    async def open_routes(pilot: Pilot) -> None:
        await app.push_screen(RoutesScreen())
        await pilot.press("down")

    assert snap_compare(app, terminal_size=size, run_before=open_routes)


def test_findings_snapshot(snap_compare, fake_target, clock, stale_report, size):
    app = make_app(fake_target, clock=clock)

    async def open_findings(pilot: Pilot) -> None:
        await app.push_screen(FindingsScreen(stale_report, ("rls-not-enforced",)))

    assert snap_compare(app, terminal_size=size, run_before=open_findings)


def test_findings_healthy_snapshot(snap_compare, fake_target, clock, healthy_report, size):
    app = make_app(fake_target, clock=clock)

    async def open_findings(pilot: Pilot) -> None:
        await app.push_screen(FindingsScreen(healthy_report))

    assert snap_compare(app, terminal_size=size, run_before=open_findings)


def test_help_snapshot(snap_compare, fake_target, clock, size):
    app = make_app(fake_target, clock=clock)

    async def open_help(pilot: Pilot) -> None:
        await app.push_screen(HelpScreen())

    assert snap_compare(app, terminal_size=size, run_before=open_help)
