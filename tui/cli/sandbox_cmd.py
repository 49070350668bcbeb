"""`pgrst-doctor sandbox`: a practice target in the foreground, torn down on Ctrl+C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from tui.cli.fetch import add_postgrest_version, ensure_postgrest
from tui.cli.topology_flags import add_topology_flags, topology_from_args
from tui.core.errors import UsageError
from tui.sandbox import DRIFTS, Sandbox


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "sandbox",
        help="run a throwaway PostgreSQL + PostgREST with drift applied",
        description=(
            "Start a throwaway PostgreSQL 15 cluster and a real PostgREST, optionally apply "
            "drift (DDL without NOTIFY), print the connection settings as export lines and "
            "wait until Ctrl+C."
        ),
    )
    parser.add_argument(
        "--drift",
        nargs="+",
        default=[],
        metavar="all|SYMPTOM",
        help=f"symptoms to reproduce: all, or any of {', '.join(DRIFTS)}",
    )
    add_postgrest_version(parser)
    parser.add_argument(
        "--schemas", default="public", help="comma-separated db-schemas (default: public)"
    )
    add_topology_flags(parser)
    parser.set_defaults(func=run)


def validate_drift(names: list[str]) -> list[str]:
    unknown = [n for n in names if n != "all" and n not in DRIFTS]
    if unknown:
        raise UsageError(
            f"unknown --drift value {unknown[0]!r}: choose all or one of {', '.join(DRIFTS)}"
        )
    return names


def _raise_interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    drift_names = validate_drift(args.drift)
    schemas = tuple(s.strip() for s in args.schemas.split(",") if s.strip())
    if not schemas:
        raise UsageError("--schemas needs at least one schema name")
    ensure_postgrest(args.postgrest_version)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGHUP, _raise_interrupt)
    topology = topology_from_args(args)
    sandbox = Sandbox(postgrest_version=args.postgrest_version, schemas=schemas, topology=topology)
    try:
        sandbox.start()
        applied = sandbox.apply_drift(drift_names)
        conn = sandbox.connection()
        # the export lines are this command's output: the sandbox's own throwaway
        # credentials, printed to be used, so they bypass the masking of every other output
        print(conn.exports(), file=getattr(sys.stdout, "inner", sys.stdout), flush=True)
        server = sandbox.postgrest
        version = server.expected_version if server else "?"
        print(f"# PostgREST {version} on {conn.api_url}, admin {conn.admin_url}", file=sys.stderr)
        for line in sandbox.describe_topology():
            print(f"# {line}", file=sys.stderr)
        for drift in applied:
            print(f"# drift {drift.symptom}: {drift.description}", file=sys.stderr)
            print(f"#   try: {drift.request}", file=sys.stderr)
        print("# sandbox running; Ctrl+C tears it down", file=sys.stderr, flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("# tearing down the sandbox", file=sys.stderr)
    finally:
        sandbox.stop()
    return 0
