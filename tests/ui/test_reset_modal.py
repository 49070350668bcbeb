"""The reset confirmation on its own (a tiny harness app): the guard and the answers."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Button, Input, Static

from tui.ui.screens.reset_modal import ResetModal

DB = "shop_3f2a"


class Harness(App[None]):
    """Pushes the modal at start and keeps every answer it gets."""

    def __init__(self, modal: ResetModal) -> None:
        super().__init__()
        self.modal = modal
        self.answers: list[bool | None] = []

    def compose(self) -> ComposeResult:
        yield Static("behind the modal")

    def on_mount(self) -> None:
        self.push_screen(self.modal, self.answers.append)


async def type_name(pilot, text: str) -> None:
    field = pilot.app.screen.query_one("#confirm-name", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


async def test_focus_starts_on_cancel_and_reset_is_disabled():
    app = Harness(ResetModal(DB))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.focused is app.screen.query_one("#cancel", Button)
        assert app.screen.query_one("#reset", Button).disabled


async def test_reset_stays_disabled_until_the_exact_name():
    app = Harness(ResetModal(DB))
    async with app.run_test() as pilot:
        reset = app.screen.query_one("#reset", Button)
        for almost in ("shop", "SHOP_3F2A", f"{DB} ", f" {DB}", "shop_3f2b"):
            await type_name(pilot, almost)
            assert reset.disabled, almost
        await pilot.press("enter")  # Enter in the field with a wrong name answers nothing
        assert app.answers == []
        await type_name(pilot, DB)
        assert not reset.disabled


async def test_escape_answers_false_even_with_the_name_typed():
    app = Harness(ResetModal(DB))
    async with app.run_test() as pilot:
        await type_name(pilot, DB)
        await pilot.press("escape")
        await pilot.pause()
        assert app.answers == [False]


async def test_exact_name_and_reset_answers_true():
    app = Harness(ResetModal(DB))
    async with app.run_test() as pilot:
        await type_name(pilot, DB)
        await pilot.click("#reset")
        await pilot.pause()
        assert app.answers == [True]


async def test_a_running_dump_keeps_reset_disabled_until_it_is_verified():
    modal = ResetModal(DB, dump_path="dump.sql")
    app = Harness(modal)
    async with app.run_test() as pilot:
        modal.dump_started()
        reset = app.screen.query_one("#reset", Button)
        await type_name(pilot, DB)
        assert reset.disabled
        modal.dump_finished(False, "dump failed")
        await pilot.pause()
        assert reset.disabled
        modal.dump_finished(True, "dump verified")
        await pilot.pause()
        assert not reset.disabled


async def test_objects_in_no_migration_wait_for_keep_or_drop():
    modal = ResetModal(DB, verdict="stale-cache", unmigrated_pending=True)
    app = Harness(modal)
    async with app.run_test() as pilot:
        reset = app.screen.query_one("#reset", Button)
        await type_name(pilot, DB)
        assert reset.disabled  # the comparison has not answered yet
        modal.show_unmigrated(["column public.customers.phone", "table public.audit"])
        await pilot.pause()
        shown = str(modal.query_one("#reset-unmigrated", Static).content)
        assert "column public.customers.phone" in shown and "2 objects" in shown
        assert reset.disabled  # neither kept nor dropped
        modal.query_one("#keep-unmigrated", Button).press()
        await pilot.pause()
        assert modal.unmigrated_choice == "keep" and not reset.disabled
        assert "stale-cache" in str(modal.query_one("#reset-verdict", Static).content)
        reset.press()
        await pilot.pause()
        assert app.answers == [True]


async def test_a_failed_comparison_keeps_reset_disabled():
    modal = ResetModal(DB, unmigrated_pending=True)
    app = Harness(modal)
    async with app.run_test() as pilot:
        await type_name(pilot, DB)
        modal.show_unmigrated(None, problem="no Supabase project here")
        await pilot.pause()
        assert app.screen.query_one("#reset", Button).disabled
        assert "no Supabase project" in str(modal.query_one("#reset-unmigrated", Static).content)


async def test_a_reset_chosen_while_healthy_asks_a_second_time():
    modal = ResetModal(DB, verdict="healthy", healthy=True, unmigrated_pending=True)
    app = Harness(modal)
    async with app.run_test() as pilot:
        modal.show_unmigrated([])
        await type_name(pilot, DB)
        reset = app.screen.query_one("#reset", Button)
        assert "healthy" in str(modal.query_one("#reset-verdict", Static).content)
        reset.press()
        await pilot.pause()
        assert app.answers == []  # the first press only asks again
        assert "Press Reset again" in str(modal.query_one("#reset-verdict", Static).content)
        reset.press()
        await pilot.pause()
        assert app.answers == [True]
