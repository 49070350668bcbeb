"""Focus order on every screen, with the keyboard alone and nothing lost: what Tab visits
(never a pane that cannot take input), where each screen starts, PageDown in the transcript
with the focus on the note, and the reset modal's wrong-name message."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Input

from tests.ui.pilot_helpers import until
from tui.core.transcript.journal import Journal
from tui.ui.app import make_app
from tui.ui.screens.findings import FindingsScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.reset_modal import ResetModal
from tui.ui.screens.symptoms import SymptomsScreen
from tui.ui.screens.transcript import TranscriptScreen


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


@pytest.mark.parametrize("size", [(100, 32), (80, 24)], ids=["100x32", "80x24"])
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
        order = await tab_order(pilot, app, 6)
    # starts on Next (Enter goes on); Tab then walks the fields in reading order
    assert order[:3] == ["next", "db-url", "api-url"]
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


async def test_transcript_opens_on_the_note_and_pagedown_scrolls(fake_target, tmp_path):
    journal = Journal.start("wizard", root=tmp_path / "sessions")
    for i in range(80):
        journal.record("note", {"text": f"note {i}"}, actor="user")
    app = make_app(fake_target, journal=journal)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = TranscriptScreen(export_dir=tmp_path)
        await app.push_screen(screen)
        await pilot.pause(0.5)
        assert focused_id(app) == "note"
        box = screen.query_one("#timeline-box", VerticalScroll)
        await until(pilot, lambda: box.max_scroll_y > 0)  # 80 notes overflow at 80x24
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
