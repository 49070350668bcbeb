"""`pgrst-doctor sessions`: the recorded sessions, newest first."""

from __future__ import annotations

import argparse
import json
import sys

from tui.core.shown import clean
from tui.core.transcript.journal import sessions_root
from tui.core.transcript.sessions import list_sessions


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "sessions",
        help="list recorded sessions (id, start, command, verdict, events, target)",
        description="List the recorded session journals, newest first.",
    )
    parser.add_argument("--json", action="store_true", help="one JSON array instead of a table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    sessions = list_sessions()
    if args.json:
        print(json.dumps([s.to_json() for s in sessions], indent=2))
        return 0
    if not sessions:
        print(f"no sessions recorded yet (they go to {sessions_root()})")
        return 0
    rows: list[tuple[str, ...]] = [
        ("ID", "STARTED (UTC)", "COMMAND", "VERDICT", "EVENTS", "TARGET")
    ]
    rows += [  # read back from journals, which keep strings exact: shown escaped
        tuple(clean(cell, lines=False) for cell in (s.id, s.started or "?", s.command or "?",
                                                    s.verdict or "-", str(s.events), s.target or "?"))
        for s in sessions
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    damaged = sum(1 for s in sessions if s.warnings)
    if damaged:
        print(f"pgrst-doctor: warning: {damaged} journal(s) have unreadable lines", file=sys.stderr)
    return 0
