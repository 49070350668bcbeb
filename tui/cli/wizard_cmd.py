"""`pgrst-doctor` (no subcommand) / `pgrst-doctor wizard`: the wizard on the resolved target.
`pgrst-doctor demo`: the same wizard on a fresh sandbox with every symptom's drift applied,
torn down when the wizard exits (also on SIGTERM / SIGHUP, e.g. a closed terminal).

Textual is imported only inside ``run``/``run_demo`` so `check` and the rest stay Textual-free.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from tui.cli.common import add_target_flags, target_from_args
from tui.cli.fetch import add_postgrest_version
from tui.cli.topology_flags import add_topology_flags, topology_from_args
from tui.core import startup
from tui.core.target import Target

if TYPE_CHECKING:
    from tui.sandbox import Sandbox


def register(sub: argparse._SubParsersAction) -> None:
    wizard = sub.add_parser(
        "wizard",
        help="open the troubleshooting wizard (the default without a subcommand)",
        description="Open the terminal wizard on the resolved target: pick a symptom, watch "
        "the read-only checks, read the findings, run a fix with live KPI timers.",
    )
    add_target_flags(wizard)
    wizard.set_defaults(func=run)
    demo = sub.add_parser(
        "demo",
        help="open the wizard on a throwaway sandbox with every symptom reproduced",
        description="Start a throwaway PostgreSQL 15 + real PostgREST, apply every runbook "
        "symptom's drift (DDL without NOTIFY), open the wizard on it, tear it all down on exit.",
    )
    add_postgrest_version(demo)
    add_topology_flags(demo)
    demo.set_defaults(func=run_demo)


def _run_app(target: Target, command: str, sandbox: Sandbox | None = None) -> int:
    from tui.core.transcript.journal import Journal
    from tui.ui.app import make_app

    journal = Journal.start(command=command)  # JournalError: one line, exit 2
    app = make_app(target, journal=journal, sandbox=sandbox)
    startup.loaded()  # Textual and the app are in: the collector resumes (core/startup.py)
    app.exit_on_signals = True
    app.on_hangup = [journal.close, *([sandbox.stop] if sandbox is not None else [])]
    try:
        app.run()
    finally:
        journal.close()
    print(f"pgrst-doctor: transcript in {journal.dir}", file=sys.stderr)
    return app.return_code or 0


def run(args: argparse.Namespace) -> int:
    return _run_app(target_from_args(args), "wizard")


def run_demo(args: argparse.Namespace) -> int:
    from tui.cli.fetch import ensure_postgrest
    from tui.sandbox import Sandbox

    ensure_postgrest(args.postgrest_version)
    sandbox = Sandbox(postgrest_version=args.postgrest_version, topology=topology_from_args(args))
    print("pgrst-doctor: starting the sandbox (PostgreSQL 15 + PostgREST)…", file=sys.stderr)
    try:
        sandbox.start()
        sandbox.apply_drift(["all"])
        return _run_app(sandbox.target(), "demo", sandbox)
    finally:
        sandbox.stop()
        print("pgrst-doctor: sandbox torn down", file=sys.stderr)
