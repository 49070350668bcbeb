"""Command line entry point: one subcommand per module, registered in ``COMMANDS``.

Every failure the user can cause ends as one line on stderr and an exit code
(2 usage/config, 3 unreachable, 4 refused by a guard); never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tui import __version__
from tui.cli import (
    check_cmd,
    export_cmd,
    prevention_cmd,
    reload_cmd,
    reset_cmd,
    sandbox_cmd,
    sessions_cmd,
    tools_cmd,
    wizard_cmd,
)
from tui.core.errors import DoctorError

# name -> module with `register(subparsers)`; each registered parser sets `func`.
COMMANDS = (
    check_cmd,
    reload_cmd,
    reset_cmd,
    prevention_cmd,
    tools_cmd,
    sandbox_cmd,
    export_cmd,
    sessions_cmd,
    wizard_cmd,
)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"pgrst-doctor: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pgrst-doctor",
        description="Diagnose and fix stale PostgREST / Supabase schema caches.",
    )
    parser.add_argument("--version", action="version", version=f"pgrst-doctor {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    # No subcommand: the wizard (Textual is imported only when it runs).
    args = parser.parse_args(
        wizard_cmd.default_to_wizard(parser, sys.argv[1:] if argv is None else argv)
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except DoctorError as err:
        print(f"pgrst-doctor: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("pgrst-doctor: interrupted", file=sys.stderr)
        return 130
