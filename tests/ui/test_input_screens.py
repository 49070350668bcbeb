"""The screens where the user types, without I/O: editing the target (masked text stands for
the secret, bad URLs are one clear line and change nothing) and the symptom picker's input."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from tests.ui.pilot_helpers import until
from tui.core.knowledge.symptoms import SYMPTOMS
from tui.ui.app import make_app
from tui.ui.screens.connect import ConnectScreen
from tui.ui.screens.symptoms import SymptomsScreen
from tui.ui.widgets.banner import TargetBanner


def banner_text(app) -> str:
    banner = app.screen.query_one(TargetBanner)
    return "\n".join(str(s.content) for s in banner.query("Static"))


async def test_untouched_masked_url_keeps_the_real_password(fake_target):
    app = make_app(fake_target)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        assert "not-a-secret" not in screen.query_one("#db-url", Input).value
        assert screen.apply_edits()
        assert app.target is fake_target  # nothing typed: nothing changed, secret intact


async def test_editing_the_api_url_changes_the_target_and_the_banner(fake_target):
    app = make_app(fake_target)
    async with app.run_test() as pilot:
        await pilot.pause()
        field = app.screen.query_one("#api-url", Input)
        field.value = "http://127.0.0.1:3000"
        await pilot.pause()
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.target.api_url == "http://127.0.0.1:3000"
        assert app.target.db_url == fake_target.db_url  # the masked DB URL kept its password
        assert "http://127.0.0.1:3000" in banner_text(app)


async def test_a_bad_url_is_refused_and_changes_nothing(fake_target):
    app = make_app(fake_target)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#db-url", Input).value = "mysql://nope"
        assert not app.screen.apply_edits()
        await until(pilot, lambda: bool(app._notifications))  # notify() is a message
        assert app.target is fake_target
        assert any("DB URL" in str(n.message) for n in app._notifications)


async def test_a_malformed_object_name_is_one_line_and_no_diagnosis_starts(fake_target):
    app = make_app(fake_target)
    app.session.catalog = {"--table": ["public.invoices"]}
    async with app.run_test() as pilot:
        screen = SymptomsScreen()
        await app.push_screen(screen)
        screen.query_one("#object", Input).value = "a.b.c.d"
        screen.start("missing-table")
        await until(pilot, lambda: bool(app._notifications))  # notify() is a message
        assert app.screen is screen  # still choosing
        [note] = list(app._notifications)
        assert "--table" in str(note.message) and "\n" not in str(note.message)


async def test_the_object_field_completes_from_the_catalog(fake_target):
    app = make_app(fake_target)
    app.session.catalog = {
        "--table": ["public.invoices", "public.orders"],
        "--column": ["public.customers.loyalty_tier"],
    }
    async with app.run_test() as pilot:
        screen = SymptomsScreen()
        await app.push_screen(screen)
        field = screen.query_one("#object", Input)
        field.focus()
        await pilot.press(*"public.inv")
        await pilot.pause(0.2)
        assert field._suggestion == "public.invoices"
        screen.query_one("#symptom-list", OptionList).highlighted = 1  # a new column...
        field.value = ""
        await pilot.press(*"public.cus")
        await pilot.pause(0.2)
        assert field._suggestion == "public.customers.loyalty_tier"  # ...completes columns


async def test_a_typo_is_offered_its_close_name_and_right_arrow_takes_it(fake_target):
    """The completion offers the close catalog name for a typo (a table, an enum label where
    the symptom takes one), from the core matcher the CLI's did-you-mean uses."""
    app = make_app(fake_target)
    app.session.catalog = {
        "--table": ["public.invoices", "public.orders"],
        "--enum-value": ["public.order_status:paid", "public.order_status:refunded"],
    }
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SymptomsScreen()
        await app.push_screen(screen)
        field = screen.query_one("#object", Input)
        field.focus()
        await pilot.press(*"public.invoces")
        await pilot.pause(0.2)
        assert field.correction == "public.invoices"
        assert "public.invoces → public.invoices?" in field.render_line(0).text
        await pilot.press("right")
        assert field.value == "public.invoices"
        options = screen.query_one("#symptom-list", OptionList)
        options.highlighted = list(SYMPTOMS).index("enum-rejected")
        field.value = ""
        await pilot.press(*"public.order_status:refundd")
        await pilot.pause(0.2)
        assert field.correction == "public.order_status:refunded"
        await pilot.press("right")
        assert field.value == "public.order_status:refunded"
        field.value = ""
        await pilot.press(*"public.order_status:zzz")  # nothing close: nothing offered
        await pilot.pause(0.2)
        assert field.correction is None and field._suggestion == ""


async def test_a_typo_in_the_object_field_gets_a_did_you_mean_once(fake_target):
    app = make_app(fake_target)
    app.session.catalog = {"--table": ["public.invoices", "public.orders"]}
    async with app.run_test() as pilot:
        screen = SymptomsScreen()
        await app.push_screen(screen)
        screen.query_one("#object", Input).value = "public.invoce"
        screen.start("missing-table")
        await until(pilot, lambda: bool(app._notifications))  # notify() is a message
        assert app.screen is screen  # not started on a likely typo
        [note] = list(app._notifications)
        assert "did you mean public.invoices?" in str(note.message)
        assert screen.query_one("#object", Input).value == "public.invoce"  # kept as typed
