"""`pgrst-doctor reload`: reload PostgREST's schema cache up the ladder, verified, with KPIs.

Exit codes: 0 fixed (or healthy), 1 still unhealthy, 2 usage, 3 unreachable, 4 refused by a guard.
With ``--json`` stdout holds exactly one JSON object; progress lines go to stderr otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from tui.cli import interrupts
from tui.cli.common import add_target_flags, target_from_args
from tui.cli.remedy_output import EventPrinter, diagnose, open_journal
from tui.core.errors import Unreachable, UsageError
from tui.core.model import Verdict
from tui.core.remedies.progress import Progress
from tui.core.remedies.record import journaled
from tui.core.remedies.restart import parse_command
from tui.core.remedies.runner import (
    MAX_WAIT_S,
    METHODS,
    WAIT_TIMEOUT_S,
    ReloadOptions,
    ReloadOutcome,
    reload,
)
from tui.core.request import parse_request
from tui.core.shown import clean, json_text
from tui.core.target import Target, mask_url
from tui.core.transcript.records import record_report, record_target


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reload",
        help="reload PostgREST's schema cache (notify, signal, restart) and verify it took",
        description=(
            "Diagnose, then reload the schema cache with the least disruptive method that can "
            "work (NOTIFY, then SIGUSR1), verify the stale objects are served and the failing "
            "request succeeds, and judge each step against RUN-002's KPIs. A NOTIFY without "
            "effect is sent once more; restart and reset are proposed, never run unasked."
        ),
    )
    parser.add_argument("--method", choices=METHODS, help="run only this rung of the ladder")
    parser.add_argument(
        "--wait",
        nargs="?",
        type=float,
        const=WAIT_TIMEOUT_S,
        default=None,
        metavar="SECONDS",
        help="keep verifying past the KPI alert threshold (5 s), up to SECONDS "
        f"(default {WAIT_TIMEOUT_S:g}); every wait ends",
    )
    parser.add_argument("--json", action="store_true", help="print exactly one JSON object")
    parser.add_argument("--postgrest-pid", type=int, metavar="PID", help="PostgREST to SIGUSR1")
    parser.add_argument(
        "--restart-cmd",
        metavar="CMD",
        help="how to restart PostgREST, e.g. 'systemctl restart postgrest' (run without a shell)",
    )
    parser.add_argument(
        "--reload-config",
        action="store_true",
        help="send 'reload config' before 'reload schema' (exposed schemas changed in config)",
    )
    parser.add_argument(
        "--request",
        metavar="REQUEST",
        help="the failing request: verified in a form PostgREST answers from its cache alone",
    )
    parser.add_argument(
        "--replay-writes",
        action="store_true",
        help="after the fix, send --request itself once (it may write and run triggers)",
    )
    add_target_flags(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    restart_cmd = parse_command(args.restart_cmd) if args.restart_cmd else None
    if args.postgrest_pid is not None and args.postgrest_pid <= 0:
        raise UsageError("--postgrest-pid must be a positive process id")
    if args.replay_writes and not args.request:
        raise UsageError("--replay-writes needs --request (the request to send for real)")
    target = target_from_args(args)
    request = parse_request(args.request, target.api_url) if args.request else None
    if args.wait is not None and not 0 < args.wait <= MAX_WAIT_S:
        raise UsageError(f"--wait must be a number of seconds from 0 to {MAX_WAIT_S:g}")
    options = ReloadOptions(
        method=args.method,
        wait=args.wait is not None,
        wait_timeout=args.wait if args.wait is not None else WAIT_TIMEOUT_S,
        postgrest_pid=args.postgrest_pid,
        restart_cmd=restart_cmd,
        reload_config=args.reload_config,
        replay_for_real=args.replay_writes,
    )
    outcome = interrupts.run(_run(target, request, options, quiet=args.json))
    if args.json:
        sys.stdout.write(json_text(outcome.to_json()) + "\n")
    else:
        _summary(outcome)
    return outcome.exit_code


async def _run(target: Target, request, options: ReloadOptions, *, quiet: bool) -> ReloadOutcome:
    journal = open_journal("reload", target)
    progress = Progress(EventPrinter(quiet=quiet))
    emit = journaled(journal, progress)
    try:
        if journal is not None:
            record_target(journal, target)
        report = await diagnose(target, request)
        if journal is not None:
            record_report(journal, report)
        if report.config_error:
            raise UsageError(report.config_error)
        if report.verdict is Verdict.UNREACHABLE:
            raise Unreachable("the database or the API is unreachable: run `pgrst-doctor check`")
        objects = list(report.stale_objects)
        if journal is not None:
            journal.record(
                "decision",
                {"stale_objects": [o.to_json() for o in objects], "method": options.method},
            )
        outcome = await reload(
            target,
            objects=objects,
            request=request,
            report=report,
            options=options,
            emit=emit,
            rediagnose=lambda: diagnose(target, request),
        )
        if journal is not None:
            journal.record(
                "decision",
                {
                    "fixed": outcome.fixed,
                    "exit_code": outcome.exit_code,
                    "outcome": outcome.to_json(),
                },
            )
            if outcome.report is not None and outcome.report is not report:
                record_report(journal, outcome.report)  # the re-diagnosis after the fix
        return outcome
    except asyncio.CancelledError:  # SIGINT / SIGTERM / SIGHUP (interrupts.run)
        state = progress.state()
        interrupts.note(state["state"])
        if journal is not None:
            journal.record("verdict", {"interrupted": interrupts.signal_name(), **state})
        raise
    finally:
        if journal is not None:
            journal.close()


def _summary(outcome: ReloadOutcome) -> None:
    if outcome.fixed:
        print("✓ fixed: PostgREST serves the current schema")
    else:
        last = outcome.steps[-1].summary if outcome.steps else "nothing ran"
        print(f"✗ not fixed: {clean(last)}")  # a step's summary can quote the server
        for url in outcome.unfixed:
            print(f"  still stale: {mask_url(url)}")
        if outcome.why:
            print(f"  why NOTIFY did not reach it: {clean(outcome.why)}")
    if outcome.proposal is not None and not outcome.fixed:
        rung = outcome.proposal
        command = (
            "pgrst-doctor reset --confirm <database>"
            if rung.id == "reset"
            else f"pgrst-doctor reload --method {rung.id}"
        )
        print(f"next rung: {rung.title} — {rung.blast_radius}\n  {command}")
