"""Focus order on every screen, with the keyboard alone and nothing lost, at 100x32 and
80x24: what Tab visits (never a pane that cannot take input), where each screen starts,
PageDown without a Tab first (the transcript's timeline and the symptoms' explanation scroll
while the focus stays where typing goes), a footer that fits, and a reset modal that fits
(Cancel in view, the instruction whole, the dump's file name unbroken)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Button, Footer, Input, OptionList

from tests.ui.pilot_helpers import until
from tui.core.diagnosis import Diagnosis
from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.remedies.dump import Dump
from tui.core.remedies.ladder import PlanOptions
from tui.core.remedies.reset import ResetOutcome
from tui.core.transcript.journal import Journal
from tui.ui.app import make_app
from tui.ui.screens.connect import ConnectScreen
from tui.ui.screens.diagnosis import DiagnosisScreen
from tui.ui.screens.findings import FindingsScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.remediation import RemediationScreen
from tui.ui.screens.replay_modal import YES, ReplayModal
from tui.ui.screens.reset_modal import ResetModal
from tui.ui.screens.reset_screen import ResetScreen
from tui.ui.screens.routes import RoutesScreen
from tui.ui.screens.symptoms import SymptomsScreen
from tui.ui.screens.transcript import TranscriptScreen

SIZES = pytest.mark.parametrize("size", [(100, 32), (80, 24)], ids=["100x32", "80x24"])


def focused_id(app) -> str:
    widget = app.focused
    return (widget.id or type(widget).__name__) if widget is not None else "-"


async def tab_order(pilot, app, presses: int) -> list[str]:
    """The focused widget first, then after each Tab; each must be shown on the screen."""
    seen = [focused_id(app)]
    for _ in range(presses):
        await pilot.press("tab")
        await pilot.pause()
        widget = app.focused
        assert widget is not None and widget.display and widget.region.area > 0, seen
        seen.append(focused_id(app))
    return seen


async def confirmed_reset_screen(app, pilot, report) -> ResetScreen:
    """The reset screen once its confirmation closed, as after a verified dump (nothing runs)."""
    screen = ResetScreen(report)
    await app.push_screen(screen)
    await until(pilot, lambda: screen.modal is not None and screen.modal.is_attached)
    await screen.modal.dismiss(True)
    return screen


@SIZES
async def test_symptoms_start_on_the_error_and_tab_skips_the_explanation(fake_target, size):
    app = make_app(fake_target)
    app.session.catalog = {"--table": ["public.invoices"]}
    async with app.run_test(size=size) as pilot:
        await app.push_screen(SymptomsScreen())
        await pilot.pause()
        order = await tab_order(pilot, app, 4)
    assert order == ["error", "symptom-list", "object", "request", "error"]


async def test_typing_after_the_first_tab_lands_in_a_field(fake_target):
    app = make_app(fake_target)
    app.session.catalog = {"--table": ["public.invoices"]}
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SymptomsScreen()
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press("tab", "tab", *"public.invoices")
        assert screen.query_one("#object", Input).value == "public.invoices"


async def test_connect_screen_order(fake_target):
    app = make_app(fake_target)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        order = await tab_order(pilot, app, 7)
    # starts on Next (Enter goes on); Tab then walks the fields in reading order
    assert order[:4] == ["next", "db-url", "api-url", "admin-url"]
    assert order.index("test") < order.index("next", 1)


async def test_findings_screen_order(fake_target, stale_report):
    app = make_app(fake_target)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(FindingsScreen(stale_report, ("missing-table",)))
        await pilot.pause()
        order = await tab_order(pilot, app, 3)
    assert {"findings-body", "rediagnose"} <= set(order)


async def test_help_screen_scrolls_from_the_keyboard(fake_target):
    app = make_app(fake_target)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(HelpScreen(app.help_sections()))
        await pilot.pause()
        body = app.screen.query_one("#help-body", VerticalScroll)
        body.focus()
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0


@SIZES
async def test_transcript_opens_on_the_note_and_pagedown_scrolls(fake_target, tmp_path, size):
    journal = Journal.start("wizard", root=tmp_path / "sessions")
    for i in range(80):
        journal.record("note", {"text": f"note {i}"}, actor="user")
    app = make_app(fake_target, journal=journal)
    async with app.run_test(size=size) as pilot:
        screen = TranscriptScreen(export_dir=tmp_path)
        await app.push_screen(screen)
        await pilot.pause(0.5)
        assert focused_id(app) == "note"
        box = screen.query_one("#timeline-box", VerticalScroll)
        await until(pilot, lambda: box.max_scroll_y > 0)  # 80 notes overflow either size
        box.scroll_end(animate=False)  # newest last, as it opens
        await pilot.pause()
        bottom = box.scroll_y
        await pilot.press("pageup")
        await pilot.pause()
        assert box.scroll_y < bottom
        await pilot.press("pagedown")
        await pilot.pause()
        assert box.scroll_y == bottom
        assert focused_id(app) == "note"  # typing still goes to the note
        await pilot.press(*"paged")
        assert screen.query_one("#note", Input).value == "paged"


async def test_reset_modal_says_when_the_typed_name_is_wrong(fake_target):
    app = make_app(fake_target)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = ResetModal(
            "shop", dump_path="/very/long/folder/of/dumps/shop-20261207T030000Z.dump"
        )
        await app.push_screen(modal)
        await pilot.pause()
        assert focused_id(app) == "cancel"
        field = modal.query_one("#confirm-name", Input)
        assert field.placeholder != "shop"  # the placeholder does not look typed
        field.focus()
        await pilot.press(*"shp", "enter")
        await pilot.pause()
        hint = str(modal.query_one("#confirm-hint").render())
        assert "is not the database name" in hint
        dump_lines = str(modal.query_one("#reset-dump").render()).splitlines()
        assert "shop-20261207T030000Z.dump" in dump_lines  # the file name whole, on its own


def in_view(app, widget) -> bool:
    """Shown whole on the screen (not scrolled or clipped out of it)."""
    geometry = app.screen.find_widget(widget)
    region = geometry.region
    return (
        region.area > 0
        and app.screen.region.contains_region(region)
        and geometry.clip.contains_region(region)
    )


@SIZES
async def test_diagnosis_starts_on_the_panels_pagedown_scrolls_and_ends_on_findings(
    fake_target, stale_report, size
):
    """While checking, the focus is on the panels' scroll (PageDown works at once) and Tab
    walks every panel; once concluded it moves to Findings, and Tab comes back round to it."""
    app = make_app(fake_target)
    async with app.run_test(size=size) as pilot:
        screen = DiagnosisScreen(Diagnosis(fake_target), autostart=False)
        await app.push_screen(screen)
        await pilot.pause()
        assert focused_id(app) == "check-scroll"
        box = screen.query_one("#check-scroll", VerticalScroll)
        if box.max_scroll_y > 0:  # the panels overflow (always at 80x24)
            await pilot.press("pagedown")
            await pilot.pause()
            assert box.scroll_y > 0 and focused_id(app) == "check-scroll"
        else:
            assert size != (80, 24)
        panels = [f"check-{spec.id}" for spec in screen.diagnosis.probes]
        assert await tab_order(pilot, app, len(panels)) == ["check-scroll", *panels]
        screen.show_report(stale_report)
        await pilot.pause()
        assert focused_id(app) == "findings"
        if box.max_scroll_y > 0:  # PageDown still scrolls the panels from the button
            box.scroll_home(animate=False)
            await pilot.press("pagedown")
            await pilot.pause()
            assert box.scroll_y > 0 and focused_id(app) == "findings"
        order = await tab_order(pilot, app, len(panels) + 2)
    assert order == ["findings", "check-scroll", *panels, "findings"]


@SIZES
async def test_remediation_starts_on_the_rungs_and_tab_reaches_the_log(
    fake_target, stale_report, size
):
    app = make_app(fake_target)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(
            RemediationScreen(stale_report, options=PlanOptions(local_postgrest=True))
        )
        await pilot.pause()
        order = await tab_order(pilot, app, 2)
        rungs = app.screen.query_one("#rung-list", OptionList)
        assert in_view(app, rungs) and rungs.highlighted == 0  # the best rung, ready for Enter
    assert order == ["rung-list", "step-log", "rung-list"]


@SIZES
async def test_the_symptom_explanation_scrolls_with_pagedown_from_any_field(fake_target, size):
    """The explanation pane never takes the focus (a Tab there would lose typing), yet
    PageDown / PageUp scroll it from the error field or the list, the focus staying put."""
    app = make_app(fake_target)
    app.session.catalog = {"--table": ["public.invoices"]}
    async with app.run_test(size=size) as pilot:
        screen = SymptomsScreen()
        await app.push_screen(screen)
        await pilot.pause()
        pane = screen.query_one("#symptom-detail-box", VerticalScroll)
        pane.query_one("#symptom-detail").update("\n".join(f"line {i}" for i in range(60)))
        await until(pilot, lambda: pane.max_scroll_y > 0)
        for field in ("error", "symptom-list"):
            screen.query_one(f"#{field}").focus()
            await pilot.press("pagedown")
            await pilot.pause()
            assert pane.scroll_y > 0 and focused_id(app) == field
            await pilot.press("pageup")
            await pilot.pause()
            assert pane.scroll_y == 0 and focused_id(app) == field


@SIZES
async def test_every_footer_fits_the_width(fake_target, stale_report, tmp_path, size):
    """No screen's footer is cut: its keys fit beside the command palette's."""
    app = make_app(fake_target)
    screens = [
        ConnectScreen,
        SymptomsScreen,
        lambda: DiagnosisScreen(Diagnosis(fake_target), autostart=False),
        lambda: FindingsScreen(stale_report),
        lambda: RemediationScreen(stale_report, options=PlanOptions(local_postgrest=True)),
        lambda: HelpScreen(app.help_sections()),
        lambda: TranscriptScreen(export_dir=tmp_path),
    ]
    async with app.run_test(size=size) as pilot:
        for make in screens:
            await app.push_screen(make())
            footer = app.screen.query_one(Footer)
            await until(pilot, lambda footer=footer: len(footer.query("FooterKey")) > 3)
            await pilot.pause()
            assert footer.max_scroll_x == 0, type(app.screen).__name__


@SIZES
async def test_the_reset_modal_fits_with_cancel_in_view(fake_target, size):
    """At 80x24 too: Cancel and Reset in view (docked at the dialog's foot), the
    instruction whole, the dump's file name on one line."""
    app = make_app(fake_target)
    async with app.run_test(size=size) as pilot:
        modal = ResetModal(
            "shop",
            drops=["schema public: 7 tables, 1 function"],
            dump_path="/home/oncall/.local/share/pgrst-doctor/sessions/"
            "20261207T030000Z-abc123/shop-20261207T030000Z.dump",
            verdict="stale-cache",
            unmigrated_pending=True,
        )
        await app.push_screen(modal)
        await pilot.pause()
        modal.show_unmigrated(["column public.customers.phone"])
        await pilot.pause()
        for part in ("#cancel", "#reset", "#reset-instruction", "#confirm-name"):
            assert in_view(app, modal.query_one(part)), part
        assert focused_id(app) == "cancel"
        assert in_view(app, modal.query_one("#reset-dump"))
        assert "shop-20261207T030000Z.dump" in str(modal.query_one("#reset-dump").render())
        # with many objects to lose the body scrolls, the buttons stay in view
        modal.show_unmigrated([f"table public.t{i}" for i in range(12)])
        await pilot.pause()
        assert in_view(app, modal.query_one("#cancel", Button))


@SIZES
async def test_findings_and_help_scroll_with_pagedown_without_a_tab_first(
    fake_target, stale_report, size
):
    """Findings open on their Fix it button, help on its body: PageDown scrolls at once."""
    many = replace(stale_report, stale_objects=[
        StaleObject(ObjectKind.TABLE, f"public.t{i}", Change.ADDED) for i in range(40)])  # fmt: skip
    app = make_app(fake_target)
    async with app.run_test(size=size) as pilot:
        for screen, body in ((FindingsScreen(many), "#findings-body"),
                             (HelpScreen(app.help_sections()), "#help-body")):  # fmt: skip
            await app.push_screen(screen)
            await pilot.pause()
            first = focused_id(app)
            box = screen.query_one(body, VerticalScroll)
            await until(pilot, lambda box=box: box.max_scroll_y > 0)
            await pilot.press("pagedown")
            await pilot.pause()
            assert box.scroll_y > 0 and focused_id(app) == first, body


@SIZES
async def test_the_reset_screens_footer_fits_once_restore_is_offered(
    fake_target, stale_report, tmp_path, size
):
    """After a finished reset the footer gains "Restore" (the dump): every key still in view."""
    app = make_app(fake_target)
    async with app.run_test(size=size) as pilot:
        screen = await confirmed_reset_screen(app, pilot, stale_report)
        screen.outcome = ResetOutcome(dump=Dump(tmp_path / "shop.dump"), done=True)
        screen.refresh_bindings()
        footer = screen.query_one(Footer)

        def keys() -> list[str]:
            return [str(key.description) for key in footer.query("FooterKey")]

        await until(pilot, lambda: "Restore" in keys())
        await pilot.pause()
        assert footer.max_scroll_x == 0, keys()


@SIZES
async def test_the_reset_screen_focuses_its_step_log_once_confirmed(
    fake_target, stale_report, size
):
    """After the confirmation closes, the focus is on the reset's own step log (scrollable from
    the keyboard, in view), never left on a widget of the screen underneath."""
    app = make_app(fake_target)
    async with app.run_test(size=size) as pilot:
        screen = await confirmed_reset_screen(app, pilot, stale_report)
        await pilot.pause()
        order = await tab_order(pilot, app, 2)
        assert app.screen is screen and app.focused is not None and app.focused.screen is screen
        assert in_view(app, app.focused)
    assert order == ["step-log", "step-log", "step-log"]  # the one focusable part: Tab stays


@SIZES
async def test_routes_screen_starts_on_the_list_and_pagedown_keeps_it(fake_target, size):
    """The list of ways a schema changes has the focus; Tab never leaves it for a pane that
    cannot be used, and the footer fits."""
    app = make_app(fake_target)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(RoutesScreen())
        await pilot.pause()
        order = await tab_order(pilot, app, 2)
        footer = app.screen.query_one(Footer)
        await until(pilot, lambda: len(footer.query("FooterKey")) > 2)
        await pilot.pause()
        assert footer.max_scroll_x == 0
    assert order == ["route-list", "route-detail-box", "route-list"]


@SIZES
async def test_replay_modal_starts_on_cache_only_and_tab_reaches_the_field(fake_target, size):
    """The safe answer has the focus; Tab reaches the field where yes is typed, and typing
    there arms 'Send for real'."""
    app = make_app(fake_target)
    async with app.run_test(size=size) as pilot:
        modal = ReplayModal('POST /customers {"name": "x"}')
        await app.push_screen(modal)
        await pilot.pause()
        order = await tab_order(pilot, app, 3)
        assert modal.query_one("#send", Button).disabled  # nothing armed by moving around
        await pilot.press(*YES)
        await pilot.pause()
        assert not modal.query_one("#send", Button).disabled
    assert order == ["cache-only", "replay-yes", "cache-only", "replay-yes"]
