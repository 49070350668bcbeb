"""Command line entry point: one subcommand per module, registered in ``COMMANDS``.

Every failure the user can cause ends as one line on stderr and an exit code
(2 usage/config, 3 unreachable, 4 refused by a guard); never a traceback. With ``--json`` a
failure that leaves no result still prints exactly one JSON object: the error and the code.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from tui import __version__
from tui.core import startup
from tui.core.errors import DoctorError, UsageError
from tui.core.shown import json_text

# Modules under tui.cli with `register(subparsers)`, in help order; each parser sets `func`.
COMMANDS = (
    "check_cmd",
    "reload_cmd",
    "reset_cmd",
    "prevention_cmd",
    "tools_cmd",
    "sandbox_cmd",
    "export_cmd",
    "sessions_cmd",
    "wizard_cmd",
)
# subcommand -> its module. A command line that names one imports only that module, so
# `check` pays for no other command's imports (start-up time, see BENCHMARKS.md).
COMMAND_MODULE = {
    "check": "check_cmd",
    "reload": "reload_cmd",
    "reset": "reset_cmd",
    "restore": "reset_cmd",
    "install-trigger": "prevention_cmd",
    "install-hook": "prevention_cmd",
    "install-tools": "tools_cmd",
    "sandbox": "sandbox_cmd",
    "export": "export_cmd",
    "sessions": "sessions_cmd",
    "wizard": "wizard_cmd",
    "demo": "wizard_cmd",
}


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f"tui.cli.{name}")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is a UsageError: one line and exit 2 (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Every subcommand, or only the one ``argv`` starts with (all that parsing it needs)."""
    parser = _Parser(
        prog="pgrst-doctor",
        description="Diagnose and fix stale PostgREST / Supabase schema caches.",
    )
    parser.add_argument("--version", action="version", version=f"pgrst-doctor {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    chosen = COMMAND_MODULE.get(argv[0]) if argv else None
    for name in (chosen,) if chosen else COMMANDS:
        _command_module(name).register(sub)
    return parser


def _tolerant_streams() -> None:
    """A terminal whose encoding lacks ✓ / ✗ (PYTHONIOENCODING=ascii, an ISO-8859-1 locale)
    gets '?' for them instead of a traceback and a wrong exit code: the words carry the meaning.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower().replace("-", "") != "utf8":
            reconfigure(errors="replace")


WIZARD_COMMANDS = frozenset({"wizard", "demo"})
# Commands that call startup.loaded() once their modules are in (check: the engine). Run as
# the process's one command, they load with the garbage collector paused (core/startup.py).
HELD_WHILE_LOADING = frozenset({"check", "wizard"})
CLOSED_PIPE = 128 + 13  # SIGPIPE's exit status in a shell

# Words that belong to pgrst-doctor itself, not to a subcommand.
TOP_LEVEL_ONLY = frozenset({"-h", "--help", "--version"})


def route(words: Sequence[str]) -> list[str]:
    """The command line with its subcommand made explicit: a line that does not start with
    one (or with --help/--version) is the wizard's, flags included (``--db-url X``)."""
    words = list(words)
    if words and (words[0] in COMMAND_MODULE or words[0] in TOP_LEVEL_ONLY):
        return words
    return ["wizard", *words]


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _masked_main(argv)
    except BrokenPipeError:  # also from the last flush, after a command (or --help) returned
        return _closed_pipe()


def _masked_main(argv: Sequence[str] | None) -> int:
    _tolerant_streams()
    words = route(sys.argv[1:] if argv is None else argv)
    if argv is None and words[0] in HELD_WHILE_LOADING:  # the console script: our own process
        startup.hold_collection()
    if words[0] in WIZARD_COMMANDS:  # Textual draws the screen; its panels are shielded
        return _main(words)
    from tui.core.shown import MaskedStream

    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = MaskedStream(sys.stdout), MaskedStream(sys.stderr)
    try:
        return _main(words)
    finally:
        startup.loaded()  # whatever ended the command (a usage error: before it loaded)
        for masked in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a reader gone (`| head`)
                masked.flush()
        sys.stdout, sys.stderr = streams


def _main(words: list[str]) -> int:
    """Parse and run; every output of a command that is not the wizard passes a redaction."""
    if words[0] not in WIZARD_COMMANDS:  # the wizard's terminal belongs to Textual
        from tui.cli import interrupts

        interrupts.install()
    # only the named command's module is imported (Textual only when the wizard runs)
    parser = build_parser(words if words[0] in COMMAND_MODULE else None)
    wants_json = "--json" in words  # until the flags are parsed
    try:
        args = parser.parse_args(words)
        wants_json = bool(getattr(args, "json", False))
        if not getattr(args, "func", None):
            parser.print_help()
            return 0
        return int(args.func(args) or 0)
    except DoctorError as err:
        return _failed(str(err), err.exit_code, wants_json)
    except KeyboardInterrupt:
        from tui.cli import interrupts

        return _failed(*interrupts.exit_line(), wants_json)
    except BrokenPipeError:
        return _closed_pipe()


def _closed_pipe() -> int:
    """The reader went away (`sessions | head`): it has what it wanted. End quietly, as a
    program killed by SIGPIPE would (exit 141), with no traceback at exit either: stdout is
    pointed at /dev/null so the final flush has nowhere to fail."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return CLOSED_PIPE


def _failed(message: str, code: int, wants_json: bool) -> int:
    """One line on stderr; under ``--json`` also the one object stdout promises."""
    from tui.core.shown import visible

    message = visible(message, lines=False)
    print(f"pgrst-doctor: {message}", file=sys.stderr)
    if wants_json:
        from tui.core.model import SCHEMA_VERSION

        error = {"schema_version": SCHEMA_VERSION, "error": message, "exit_code": code}
        sys.stdout.write(json_text(error) + "\n")
        sys.stdout.flush()
    return code
