"""`pgrst-doctor export [SESSION | --last] --format md|json [-o FILE]`: the incident ticket."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.cli.common import add_target_flags, target_from_args
from tui.core.errors import UsageError
from tui.core.transcript.export import FORMATS, export_session, write_private
from tui.core.transcript.sessions import find_session, target_label


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export",
        help="export a recorded session as Markdown or JSON for the incident ticket",
        description=(
            "Render a recorded session (secrets already masked) as Markdown for the incident "
            "ticket or as JSON with every event. Without SESSION, the newest session."
        ),
    )
    parser.add_argument(
        "session", nargs="?", metavar="SESSION", help="session id (or its short id)"
    )
    parser.add_argument("--last", action="store_true", help="the newest session (the default)")
    parser.add_argument(
        "--this-target",
        action="store_true",
        help="only sessions on the target the target flags, environment and config.toml "
        "resolve to (with --last: the newest of those)",
    )
    add_target_flags(parser)
    parser.add_argument("--format", choices=FORMATS, default="md", help="md (default) or json")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (mode 0600; never through a symbolic link; an existing FILE only "
        "with --force)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (a regular file only)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    target = None
    if args.this_target:
        if args.session:
            raise UsageError("give a session id or --this-target, not both")
        target = target_label(target_from_args(args).masked())
    session_dir = find_session(args.session, last=args.last, target=target)
    result = export_session(session_dir, args.format)
    for warning in result.warnings:
        print(f"pgrst-doctor: warning: {warning}", file=sys.stderr)
    if not args.output:
        sys.stdout.write(result.text)  # a closed pipe (`export | head`) ends quietly in main
        sys.stdout.flush()
        return 0
    out = Path(args.output).expanduser()
    try:
        size = write_private(out, result.text, force=args.force)
    except OSError as err:
        raise UsageError(f"cannot write {out}: {err.strerror or err}") from None
    print(f"exported session {session_dir.name} to {out} ({args.format}, {size} bytes)")
    return 0
