"""`pgrst-doctor install-trigger` and `pgrst-doctor install-hook`: stop the next stale cache."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.cli import interrupts
from tui.cli.common import add_target_flags, target_from_args
from tui.core.errors import GuardRefused
from tui.core.remedies.prevention import install_hook, install_trigger


def register(sub: argparse._SubParsersAction) -> None:
    trigger = sub.add_parser(
        "install-trigger",
        help="install the event triggers that NOTIFY PostgREST after every DDL (idempotent)",
        description=(
            "Install PostgREST's documented auto-reload: pgrst_ddl_watch (ddl_command_end) and "
            "pgrst_drop_watch (sql_drop) call NOTIFY on the channel. Safe to run twice."
        ),
    )
    trigger.add_argument("--yes", action="store_true", help="install without asking")
    add_target_flags(trigger)
    trigger.set_defaults(func=run_trigger)

    hook = sub.add_parser(
        "install-hook",
        help="add the migration reminder to .git/hooks/pre-commit (never overwrites a hook)",
    )
    hook.add_argument("--append", action="store_true", help="append to an existing pre-commit hook")
    hook.add_argument("--repo", metavar="DIR", default=".", help="the git checkout (default: here)")
    hook.set_defaults(func=run_hook)


def run_trigger(args: argparse.Namespace) -> int:
    target = target_from_args(args)
    if not args.yes:
        if not (sys.stdin.isatty() and sys.stderr.isatty()):
            raise GuardRefused("install-trigger refused: not a terminal; pass --yes to install")
        print(
            f"Install event triggers pgrst_ddl_watch + pgrst_drop_watch in {target.db_name!r} "
            f"(NOTIFY {target.channel} after DDL)? [y/N] ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            print("not installed", file=sys.stderr)
            return 4
    before, after = interrupts.run(install_trigger(target))
    state = "already installed, refreshed" if before.installed else "installed"
    print(
        f"✓ event triggers {state}: "
        + ", ".join(f"{n} {'on' if ok else 'off'}" for n, ok in after.present.items())
    )
    return 0 if after.installed else 1


def run_hook(args: argparse.Namespace) -> int:
    path, what = install_hook(Path(args.repo).resolve(), append=args.append)
    print(f"✓ pre-commit reminder {what}: {path}")
    return 0
