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


def _loaded_after(code: str) -> set[str]:
    code += "\nprint(' '.join(sorted(sys.modules)))\n"
    out = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    return set(out)


# loaded only by what names objects, pastes an error, passes --request or checks a fleet
FLAG_MODULES = {"tui.core.specs", "tui.core.pasted_error", "tui.core.request"}
FLEET_AND_REQUEST_PROBES = {"tui.core.probes.alike", "tui.core.probes.replay"}


def test_plain_check_imports_no_flag_parser_nor_fleet_probe() -> None:
    """The engine a plain check loads (and its request, built from no object flag) leaves the
    parsers of --table/--error/--request and the fleet's and --request's probes unloaded."""
    loaded = _loaded_after(
        "import tui.cli.check_cmd as c, tui.cli.remedy_output, tui.core.fleet\n"
        "from tui.cli import build_parser\n"
        "c.build_request(build_parser(['check']).parse_args(['check', '--json']), None)\n"
    )
    assert {"tui.core.diagnosis", "tui.core.checks.request"} <= loaded  # the engine did load
    assert not (FLAG_MODULES | FLEET_AND_REQUEST_PROBES) & loaded


def test_each_flag_loads_its_parser() -> None:
    """The lazily imported parsers still parse: each flag brings in its own module only."""
    loaded = _loaded_after(
        "import tui.cli.check_cmd as c\n"
        "from tui.cli import build_parser\n"
        "args = build_parser(['check']).parse_args(['check', '--table', 'public.t', "
        "'--error', 'PGRST205'])\n"
        "assert c.parse_objects(args)[0].name == 't', c.parse_objects(args)\n"
        "assert c.parse_pasted_error(args) is not None\n"
    )
    assert {"tui.core.specs", "tui.core.pasted_error"} <= loaded
    assert "tui.core.request" not in loaded
