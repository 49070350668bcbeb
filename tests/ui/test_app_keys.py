"""Keyboard-first and safe by default: every binding has an id and a description, the main
actions are in the command palette, NO_COLOR drops colour (glyphs and words stay), and the
wizard command keeps Textual out of the rest of the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest
from textual.binding import Binding

from tui.cli import build_parser, route
from tui.ui.app import DoctorApp, make_app
from tui.ui.render import Palette
from tui.ui.screens import (
    base,
    connect,
    diagnosis,
    findings,
    help,
    remediation,
    reset_modal,
    reset_screen,
    routes,
    symptoms,
    transcript,
)

SCREENS = [
    base.DoctorScreen,
    connect.ConnectScreen,
    symptoms.SymptomsScreen,
    routes.RoutesScreen,
    diagnosis.DiagnosisScreen,
    findings.FindingsScreen,
    remediation.RemediationScreen,
    reset_modal.ResetModal,
    reset_screen.ResetScreen,
    transcript.TranscriptScreen,
    help.HelpScreen,
]


@pytest.mark.parametrize("owner", [DoctorApp, *SCREENS], ids=lambda c: c.__name__)
def test_every_binding_has_an_id_and_a_description(owner):
    bindings = [b for b in owner.BINDINGS if isinstance(b, Binding)]
    assert bindings and len(bindings) == len(owner.BINDINGS)
    for binding in bindings:
        assert binding.id and binding.description, binding


def test_help_lists_every_screen_key(fake_target):
    """The help screen is generated from the live bindings: none is left out, and a key
    that does something different on one screen is listed for that screen."""
    app = make_app(fake_target)
    rows = help.key_rows(app.help_sections())
    shown = {(key, does) for key, does, _where in rows}
    for screen in [DoctorApp, *SCREENS]:
        for binding in screen.BINDINGS:
            if screen is help.HelpScreen:
                continue  # help's own close key is the app's help key
            assert (help.key_text(binding), binding.tooltip or binding.description) in shown
    where = {(key, does): w for key, does, w in rows}
    assert "remediation" in where[("ctrl+r", "Diagnose again")]  # was missing from the help
    assert where[("ctrl+p", "Command palette")] == "everywhere"


async def test_command_palette_offers_the_main_actions(fake_target):
    app = make_app(fake_target)
    async with app.run_test():
        titles = {c.title for c in app.get_system_commands(app.screen)}
    assert {"Diagnose everything", "Findings", "Remediation", "Transcript", "Help"} <= titles


async def test_no_color_keeps_glyphs_and_drops_colour(fake_target, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(fake_target)
    async with app.run_test():
        assert app.no_color and app.palette == Palette()


async def test_findings_needs_a_report_first(fake_target):
    app = make_app(fake_target)
    async with app.run_test() as pilot:
        app.action_findings()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConnectScreen"


def test_no_subcommand_means_the_wizard():
    assert route([]) == ["wizard"]
    assert route(["--db-url", "x"]) == ["wizard", "--db-url", "x"]
    assert route(["check", "--json"]) == ["check", "--json"]
    assert route(["--version"]) == ["--version"]
    # a flag value that happens to be a command name is still the wizard's
    assert route(["--channel", "demo"]) == ["wizard", "--channel", "demo"]
    parser = build_parser(route(["--api-url", "http://h"]))
    assert parser.parse_args(route(["--api-url", "http://h"])).command == "wizard"


def test_bad_wizard_input_is_one_line_and_never_loads_textual():
    code = (
        "import sys\n"
        "from tui.cli import main\n"
        "rc = main(['--db-url', 'mysql://nope'])\n"
        "print(rc, any(m == 'textual' or m.startswith('textual.') for m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["2", "False"]
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_screen_keys_do_not_collide_with_text_field_editing():
    """A key the Input widget uses (ctrl+a/e/d/k/u/w/x/c/v) would never reach the screen."""
    from textual.widgets import Input

    taken = {k for b in Input.BINDINGS for k in b.key.split(",")}
    for owner in [DoctorApp, *SCREENS]:
        for binding in owner.BINDINGS:
            clash = set(binding.key.split(",")) & taken - {"enter"}
            assert not clash or binding.priority, (owner.__name__, binding.key)
