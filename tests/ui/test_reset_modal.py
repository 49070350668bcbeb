"""The reset confirmation on its own (a tiny harness app that plays the screen which opens it
and runs the dump): the guard, the Confirmed message and the answers."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Button, Input, Static

from tui.core.remedies.events import EventKind, StepEvent
from tui.ui.screens.reset_modal import ResetModal

DB = "shop_3f2a"


def dump(kind: EventKind, message: str = "") -> StepEvent:
    return StepEvent("dump", kind, message)


class Harness(App[None]):
    """Pushes the modal at start, keeps every answer and Confirmed message it gets, and
    answers a confirmation with a dump that ends as ``dump_ok`` says (None: never ends)."""

    def __init__(self, modal: ResetModal, *, dump_ok: bool | None = True) -> None:
        super().__init__()
        self.modal = modal
        self.dump_ok = dump_ok
        self.answers: list[bool | None] = []
        self.confirmed: list[tuple[str, str | None]] = []

    def compose(self) -> ComposeResult:
        yield Static("behind the modal")

    def on_mount(self) -> None:
        self.push_screen(self.modal, self.answers.append)

    def on_reset_modal_confirmed(self, message: ResetModal.Confirmed) -> None:
        """Reached through the screen that opened the modal (here the harness's own)."""
        self.confirmed.append((message.typed, message.unmigrated))
        self.modal.show_dump(dump(EventKind.STARTED, "dump"))
        if self.dump_ok is not None:
            kind = EventKind.FINISHED if self.dump_ok else EventKind.FAILED
            self.modal.show_dump(dump(kind, "verified" if self.dump_ok else "pg_dump failed"))


async def type_name(pilot, text: str) -> None:
    field = pilot.app.screen.query_one("#confirm-name", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


async def confirm(pilot) -> None:
    """The exact name and Enter: the modal posts Confirmed and waits for the dump."""
    await type_name(pilot, DB)
    await pilot.press("enter")
    await pilot.pause()


async def test_focus_starts_on_cancel_and_reset_is_disabled():
    app = Harness(ResetModal(DB, dump_path="dump.sql"))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.focused is app.screen.query_one("#cancel", Button)
        assert app.screen.query_one("#reset", Button).disabled


async def test_reset_stays_disabled_until_the_exact_name():
    app = Harness(ResetModal(DB, dump_path="dump.sql"))
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
    app = Harness(ResetModal(DB, dump_path="dump.sql"))
    async with app.run_test() as pilot:
        await type_name(pilot, DB)
        await pilot.press("escape")
        await pilot.pause()
        assert app.answers == [False]


async def test_exact_name_and_reset_post_confirmed_and_answer_true_after_the_dump():
    app = Harness(ResetModal(DB, dump_path="dump.sql"))
    async with app.run_test() as pilot:
        await type_name(pilot, DB)
        await pilot.click("#reset")
        await pilot.pause()
        assert app.confirmed == [(DB, None)]  # every object is in a migration: no choice
        assert app.answers == [True]


async def test_the_answer_waits_for_the_dump_and_a_failed_dump_never_answers_true():
    modal = ResetModal(DB, dump_path="dump.sql")
    app = Harness(modal, dump_ok=None)
    async with app.run_test() as pilot:
        await confirm(pilot)
        assert app.confirmed == [(DB, None)] and app.answers == []  # the dump is running
        assert "dump running" in str(modal.query_one("#dump-status", Static).content)
        assert modal.query_one("#reset", Button).disabled
        assert modal.query_one("#confirm-name", Input).disabled  # confirmed once, for good
        modal.show_dump(dump(EventKind.OUTPUT, "3 of 7 tables"))
        await pilot.pause()
        assert "3 of 7 tables" in str(modal.query_one("#dump-status", Static).content)
        modal.show_dump(dump(EventKind.FAILED, "pg_dump failed"))
        await pilot.pause()
        assert app.answers == []  # no drop without a verified dump
        assert modal.query_one("#reset", Button).disabled
        assert "✗ pg_dump failed" in str(modal.query_one("#dump-status", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert app.answers == [False]


async def test_a_reset_refused_before_its_dump_says_why_and_keeps_reset_disabled():
    modal = ResetModal(DB, dump_path="dump.sql")
    app = Harness(modal, dump_ok=None)
    async with app.run_test() as pilot:
        await confirm(pilot)
        modal.stopped("reset refused: the schema changed since the diagnosis")
        await pilot.pause()
        assert "schema changed" in str(modal.query_one("#dump-status", Static).content)
        assert modal.query_one("#reset", Button).disabled and app.answers == []


async def test_objects_in_no_migration_wait_for_keep_or_drop():
    modal = ResetModal(DB, dump_path="dump.sql", verdict="stale-cache", unmigrated_pending=True)
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
        assert app.confirmed == [(DB, "keep")]  # the choice goes to the core
        assert app.answers == [True]


async def test_a_failed_comparison_keeps_reset_disabled():
    modal = ResetModal(DB, dump_path="dump.sql", unmigrated_pending=True)
    app = Harness(modal)
    async with app.run_test() as pilot:
        await type_name(pilot, DB)
        modal.show_unmigrated(None, problem="no Supabase project here")
        await pilot.pause()
        assert app.screen.query_one("#reset", Button).disabled
        assert "no Supabase project" in str(modal.query_one("#reset-unmigrated", Static).content)


async def test_a_reset_chosen_while_healthy_asks_a_second_time():
    modal = ResetModal(
        DB, dump_path="dump.sql", verdict="healthy", healthy=True, unmigrated_pending=True
    )
    app = Harness(modal)
    async with app.run_test() as pilot:
        modal.show_unmigrated([])
        await type_name(pilot, DB)
        reset = app.screen.query_one("#reset", Button)
        assert "healthy" in str(modal.query_one("#reset-verdict", Static).content)
        reset.press()
        await pilot.pause()
        assert app.answers == [] and app.confirmed == []  # the first press only asks again
        assert "Press Reset again" in str(modal.query_one("#reset-verdict", Static).content)
        reset.press()
        await pilot.pause()
        assert app.answers == [True]
