"""`pgrst-doctor reset` (guarded full reset) and `pgrst-doctor restore` (from its dump).

The typed database name is the confirmation (`--confirm NAME`, or typed at a prompt on a TTY);
off a TTY without `--confirm` the command refuses and names the flag. Exit 4 = refused by a guard.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from tui.cli import interrupts
from tui.cli.common import add_target_flags, target_from_args
from tui.cli.remedy_output import EventPrinter, diagnose, open_journal
from tui.core.errors import GuardRefused, UsageError
from tui.core.model import SCHEMA_VERSION
from tui.core.remedies.dump import Dump
from tui.core.remedies.guard import TargetGuard, check_remote
from tui.core.remedies.notify import NotifyStep
from tui.core.remedies.progress import Progress
from tui.core.remedies.record import journaled
from tui.core.remedies.reset import RefusedWith, ResetRequest, check_confirmation, run_reset
from tui.core.remedies.restart import parse_command
from tui.core.remedies.restore import RestoreStep, verified_dump
from tui.core.shown import clean, json_text
from tui.core.target import Target
from tui.core.tools import find_supabase_cli, pg_binaries
from tui.sandbox.cluster import Cluster


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reset",
        help="DROP everything and re-apply migrations, after a verified data dump (guarded)",
        description=(
            "The nuclear option. Refuses unless the database name is typed (--confirm NAME), a "
            "data dump was taken and verified first, and the target's fingerprint did not change "
            "since the diagnosis. Runs `supabase db reset --db-url <target> --yes` in the "
            "Supabase project (or --reset-cmd), then offers the restore from the dump."
        ),
    )
    parser.add_argument("--confirm", metavar="NAME", help="the database name, typed to confirm")
    parser.add_argument("--json", action="store_true", help="print exactly one JSON object")
    parser.add_argument("--allow-remote", action="store_true", help="allow a non-loopback target")
    parser.add_argument("--confirm-host", metavar="HOST", help="the remote host, typed too")
    parser.add_argument(
        "--reset-cmd", metavar="CMD", help="reset command instead of the Supabase CLI"
    )
    parser.add_argument("--restore", action="store_true", help="restore the dumped data afterwards")
    lost = parser.add_mutually_exclusive_group()
    lost.add_argument(
        "--keep-unmigrated",
        action="store_true",
        help="write objects that no migration creates into a new migration (the reset "
        "re-creates them, their rows come back)",
    )
    lost.add_argument(
        "--drop-unmigrated",
        action="store_true",
        help="accept the loss of objects that no migration creates",
    )
    add_target_flags(parser)
    parser.set_defaults(func=run)

    restore = sub.add_parser(
        "restore",
        help="put the rows of a pre-reset dump back (one transaction)",
        description="Restore a dump taken by `pgrst-doctor reset` into the target database.",
    )
    restore.add_argument("dump", metavar="DUMP", help="the .pgdump file `reset` printed")
    restore.add_argument("--confirm", metavar="NAME", help="the database name, typed to confirm")
    restore.add_argument("--json", action="store_true", help="print exactly one JSON object")
    restore.add_argument("--allow-remote", action="store_true", help="allow a non-local target")
    restore.add_argument("--confirm-host", metavar="HOST", help="the remote host, typed too")
    add_target_flags(restore)
    restore.set_defaults(func=run_restore)


def _typed_name(given: str | None, target: Target, what: str) -> str:
    if given is not None:
        return given
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise GuardRefused(
            f"{what} refused: not a terminal; pass --confirm {target.db_name} to confirm"
        )
    print(
        f"This {what} affects database {target.db_name!r} on {target.db_host or 'local socket'}.\n"
        f"Type the database name to continue: ",
        end="",
        file=sys.stderr,
        flush=True,
    )
    return sys.stdin.readline()


def _ask(question: str) -> bool:
    """A yes/no question on a terminal; off a terminal the answer is no."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    print(question, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def _bindir() -> Path:
    return pg_binaries().bindir


def run(args: argparse.Namespace) -> int:
    reset_cmd = parse_command(args.reset_cmd, "--reset-cmd") if args.reset_cmd else None
    if args.confirm_host and not args.allow_remote:
        raise UsageError("--confirm-host goes with --allow-remote")
    target = target_from_args(args)
    typed = _typed_name(args.confirm, target, "reset")
    # the typed name and the hosts first: a refusal here touches nothing, not even the network
    check_confirmation(
        target, ResetRequest(typed, allow_remote=args.allow_remote, confirm_host=args.confirm_host)
    )
    result = interrupts.run(_reset(target, args, typed, reset_cmd))
    if args.json:
        sys.stdout.write(json_text(result) + "\n")
    if result.get("refused"):
        if not args.json:
            print(f"pgrst-doctor: {clean(result['refused'], lines=False)}", file=sys.stderr)
        return 4
    if not args.json:
        dump = result.get("dump") or {}
        print(f"dump: {dump.get('path')}\n  sha256 {dump.get('sha256')}")
        if result.get("kept_migration"):
            print(f"kept in a new migration: {result['kept_migration']}")
        if result.get("restore") is None and dump.get("path") and result["reset"]:
            if _ask("Restore the pre-reset database from the dump now? [y/N] "):
                printer = EventPrinter(quiet=False)
                restored = interrupts.run(_restore(target, Path(dump["path"]), typed, printer))
                result["restore"] = restored.to_json()
            else:
                print(
                    f"restore later: pgrst-doctor restore {dump['path']} --confirm {target.db_name}"
                )
    ok = result["reset"] and (result.get("restore") is None or result["restore"]["status"] == "ok")
    return 0 if ok else 1


async def _reset(
    target: Target, args: argparse.Namespace, typed: str, reset_cmd: list[str] | None
) -> dict[str, Any]:
    journal = open_journal("reset", target)
    progress = Progress(EventPrinter(quiet=args.json))
    emit = journaled(journal, progress)

    def kept(dump: Dump) -> None:
        """The dump verified: journaled at once, so an interruption cannot hide it."""
        progress.dump = dump.to_json()
        if journal is not None:
            journal.record("dump", progress.dump)

    try:
        if journal is not None:
            journal.record(
                "confirmation", {"typed": typed.strip(), "expected": target.db_name}, actor="user"
            )
        report = await diagnose(target)
        request = ResetRequest(
            confirm=typed,
            fingerprint=report.fingerprint,
            allow_remote=args.allow_remote,
            confirm_host=args.confirm_host,
            reset_cmd=reset_cmd,
            session_dir=journal.dir if journal is not None else None,
            on_dump=kept,
            unmigrated="keep" if args.keep_unmigrated else "drop" if args.drop_unmigrated else None,
            local_server=Cluster,  # scratch server when the target's role may not create one
        )
        try:
            # one hold on the database from the dump to the end of the restore (re-entrant:
            # run_reset takes the same hold inside)
            async with TargetGuard(target, typed.rstrip("\r\n"), "reset"):
                data = await _reset_held(target, args, request, report, emit)
            _record(journal, data, progress)
            return data
        except RefusedWith as refused:
            data = refused.outcome.to_json()
            _record(journal, data, progress)
            return data
        except GuardRefused as refused:
            data = {
                "schema_version": SCHEMA_VERSION,
                "reset": False,
                "refused": str(refused),
                "steps": [],
                "dump": None,
                "unmigrated": [],
            }
            _record(journal, data, progress)
            return data
    except asyncio.CancelledError:  # SIGINT / SIGTERM / SIGHUP (interrupts.run)
        _interrupted(journal, progress, target)
        raise
    finally:
        if journal is not None:
            journal.close()


def _interrupted(journal: Any, progress: Progress, target: Target) -> None:
    """Journal exactly what had happened and word the one line ``main`` prints."""
    path = (progress.dump or {}).get("path")
    hint = f"pgrst-doctor restore {path} --confirm {target.db_name}" if path else None
    state = progress.state(restore_hint=hint)
    interrupts.note(state["state"])
    if journal is not None:
        payload = {"reset": state["reset_finished"], "interrupted": interrupts.signal_name()}
        journal.record("verdict", {**payload, **state})


async def _reset_held(
    target: Target, args: argparse.Namespace, request: ResetRequest, report: Any, emit: Any
) -> dict[str, Any]:
    outcome = await run_reset(
        target, request, emit=emit, pg_bindir=_bindir(), cli=find_supabase_cli()
    )
    data = outcome.to_json()
    if outcome.done and report.listening is not False:
        # the CLI sends no NOTIFY: PostgREST still caches the dropped schema
        data["steps"].append((await NotifyStep(target).run(emit)).to_json())
    if "restore" in data:  # --keep-unmigrated: the rows already went back on their own
        pass
    elif outcome.done and outcome.dump is not None and args.restore:
        restored = await RestoreStep(target, outcome.dump.path, pg_bindir=_bindir()).run(emit)
        data["restore"] = restored.to_json()
    else:
        data["restore"] = None
    return data


def _record(journal: Any, data: dict[str, Any], progress: Progress) -> None:
    if journal is None:
        return
    if data.get("dump") and progress.dump is None:
        journal.record("dump", data["dump"])
    journal.record("verdict", {"reset": data.get("reset"), "refused": data.get("refused")})


def run_restore(args: argparse.Namespace) -> int:
    target = target_from_args(args)
    dump = Path(args.dump)
    if not dump.is_file():
        raise UsageError(f"no dump file at {args.dump[:200]}")
    typed = _typed_name(args.confirm, target, "restore").rstrip("\r\n")
    if typed != target.db_name:
        raise GuardRefused(f"restore refused: type the database name (--confirm {target.db_name})")
    check_remote(target, "restore", args.allow_remote, args.confirm_host)
    verified_dump(dump)  # a swapped or altered file: exit 4 before anything is touched
    result = interrupts.run(_restore(target, dump, typed, EventPrinter(quiet=args.json)))
    if args.json:
        sys.stdout.write(json_text(result.to_json()) + "\n")
    else:
        print(("✓ " if result.ok else "✗ ") + clean(result.summary))  # names refused rows
    return 0 if result.ok else 1


async def _restore(target: Target, dump: Path, typed: str, emit: Any) -> Any:
    """The restore under the same hold as a reset: the confirmed database, one at a time."""
    progress = Progress(emit)
    try:
        async with TargetGuard(target, typed, "restore"):
            return await RestoreStep(target, dump, pg_bindir=_bindir()).run(progress)
    except asyncio.CancelledError:
        interrupts.note(progress.state()["state"])
        raise
