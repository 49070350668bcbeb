"""The typed yes before the wizard sends a pasted write for real (a tiny harness app)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Button, Input, Static

from tui.ui.screens.replay_modal import ReplayModal


class Harness(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[bool | None] = []

    def compose(self) -> ComposeResult:
        yield Static("behind the modal")

    def on_mount(self) -> None:
        self.push_screen(ReplayModal('POST /customers {"name": "x"}'), self.answers.append)


async def type_text(pilot, text: str) -> None:
    field = pilot.app.screen.query_one("#replay-yes", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


async def test_focus_starts_on_cache_only_and_enter_there_sends_nothing_real():
    app = Harness()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.focused is app.screen.query_one("#cache-only", Button)
        assert app.screen.query_one("#send", Button).disabled
        await pilot.press("enter")
        assert app.answers == [False]


async def test_send_stays_disabled_until_yes_exactly_and_escape_answers_false():
    app = Harness()
    async with app.run_test() as pilot:
        send = app.screen.query_one("#send", Button)
        for almost in ("y", "Yes", "YES", "yes ", " yes", "yess"):
            await type_text(pilot, almost)
            assert send.disabled, almost
        await pilot.press("enter")  # Enter with a wrong answer answers nothing
        assert app.answers == []
        await type_text(pilot, "yes")
        assert not send.disabled
        await pilot.press("escape")
        assert app.answers == [False]


async def test_yes_and_enter_answers_true():
    app = Harness()
    async with app.run_test() as pilot:
        await type_text(pilot, "yes")
        await pilot.press("enter")
        assert app.answers == [True]
