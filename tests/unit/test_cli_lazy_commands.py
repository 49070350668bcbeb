"""A command line naming a subcommand imports only that command's module (start-up time)."""

from __future__ import annotations

import argparse
import subprocess
import sys

from tui.cli import COMMAND_MODULE, build_parser


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def test_every_registered_subcommand_is_mapped_to_its_module() -> None:
    assert _subcommands(build_parser()) == set(COMMAND_MODULE)


def test_each_subcommand_alone_parses_with_only_its_module() -> None:
    for command in COMMAND_MODULE:
        assert command in _subcommands(build_parser([command, "--help"]))


def test_check_imports_no_other_command_module() -> None:
    code = (
        "import sys\n"
        "from tui.cli import build_parser\n"
        "build_parser(['check', '--json'])\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('tui.cli.'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    assert "tui.cli.check_cmd" in out
    assert not [m for m in out if m.endswith("_cmd") and m != "tui.cli.check_cmd"]


def test_check_path_imports_no_remedy_events() -> None:
    """`check` opens a journal through remedy_output, but prints no remedy step: the step
    events and KPI tables load only when a step's event is printed (start-up time)."""
    code = (
        "import sys\n"
        "import tui.cli.check_cmd, tui.cli.remedy_output, tui.core.fleet\n"
        "import tui.core.transcript.records, tui.core.transcript.journal\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    assert "tui.core.diagnosis" in out  # the engine did load
    assert not {"tui.core.remedies.events", "tui.core.knowledge.kpis"} & set(out)
