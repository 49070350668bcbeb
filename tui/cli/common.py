"""Target flags shared by every subcommand (check, reload, reset, wizard): one spelling,
one resolution (``tui.core.target.resolve_target``).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from tui.core.target import DEFAULT_CHANNEL, DEFAULT_TIMEOUT, Target, resolve_target

TARGET_FLAGS = (
    "db_url",
    "api_url",
    "api_key",
    "service_key",
    "admin_url",
    "project_dir",
    "timeout",
    "channel",
    "anon_role",
    "postgrest_config",
)


def add_target_flags(parser: argparse.ArgumentParser) -> None:
    """Add --db-url, --api-url, --api-key, --service-key, --admin-url, --project-dir,
    --timeout, --channel, --anon-role and --postgrest-config. Unset flags stay None so environment and project files apply."""
    group = parser.add_argument_group(
        "target",
        "where to look; each falls back to the environment, then supabase/config.toml "
        "(searched upward), then the Supabase local defaults",
    )
    group.add_argument(
        "--db-url",
        metavar="URL",
        help="postgresql:// URL of the database PostgREST serves "
        "(env PGRST_DOCTOR_DB_URL, SUPABASE_DB_URL, DATABASE_URL, DB_URL)",
    )
    group.add_argument(
        "--api-url",
        metavar="URL",
        action="append",
        help="PostgREST root, e.g. http://127.0.0.1:54321/rest/v1; repeat it for each instance "
        "of a fleet, each is probed and judged on its own (env PGRST_DOCTOR_API_URLS "
        "comma-separated, PGRST_DOCTOR_API_URL, API_URL or REST_URL, SUPABASE_URL + /rest/v1)",
    )
    group.add_argument(
        "--api-key",
        metavar="KEY",
        help="the key/JWT the failing client sends, as apikey and Bearer "
        "(env ANON_KEY, SUPABASE_ANON_KEY)",
    )
    group.add_argument(
        "--service-key",
        metavar="KEY",
        help="service_role key for privileged listing "
        "(env SERVICE_ROLE_KEY, SUPABASE_SERVICE_ROLE_KEY)",
    )
    group.add_argument(
        "--admin-url",
        metavar="URL",
        help="PostgREST admin server, e.g. http://127.0.0.1:3001 (env PGRST_DOCTOR_ADMIN_URL)",
    )
    group.add_argument(
        "--project-dir",
        metavar="DIR",
        help="folder holding supabase/config.toml (default: searched upward from here)",
    )
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        default=None,
        help=f"give up on each probe after this long (default {DEFAULT_TIMEOUT:g})",
    )
    group.add_argument(
        "--channel",
        metavar="NAME",
        default=None,
        help=f"PostgREST's db-channel (default {DEFAULT_CHANNEL})",
    )
    group.add_argument(
        "--anon-role",
        metavar="ROLE",
        default=None,
        help="PostgREST's db-anon-role: whose privileges count when no key is sent (env "
        "PGRST_DB_ANON_ROLE; a Supabase project's is anon; otherwise unknown)",
    )
    group.add_argument(
        "--postgrest-config",
        metavar="FILE",
        default=None,
        help="PostgREST's config file: its db-anon-role, db-schemas, db-channel and "
        "db-channel-enabled apply",
    )


def target_from_args(
    args: argparse.Namespace,
    env: os._Environ[str] | dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Target:
    """Resolve the target from parsed flags (raises UsageError, exit 2, on bad input)."""
    flags = {name: getattr(args, name, None) for name in TARGET_FLAGS}
    return resolve_target(flags, env=os.environ if env is None else env, cwd=cwd)
