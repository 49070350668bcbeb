"""--instances, --lb, --pooler, --standby: the sandbox's production topologies, for the
`sandbox` and `demo` commands (light: no sandbox part is loaded to parse them)."""

from __future__ import annotations

import argparse

from tui.core.errors import UsageError
from tui.sandbox.shape import Topology


def add_topology_flags(parser: argparse.ArgumentParser) -> None:
    """--instances, --lb, --pooler, --standby (sandbox and demo)."""
    fleet = parser.add_argument_group("production topologies (Debian's nginx and pgbouncer)")
    fleet.add_argument(
        "--instances", type=int, default=1, metavar="N",
        help="PostgREST instances on the one database (default 1); with several, the last "
        "has db-channel-enabled = false unless --pooler or --standby takes it",
    )  # fmt: skip
    fleet.add_argument(
        "--lb", action="store_true", help="a round-robin nginx in front of the instances"
    )
    fleet.add_argument(
        "--pooler", action="store_true",
        help="the last instance reaches the database through PgBouncer in transaction mode",
    )  # fmt: skip
    fleet.add_argument(
        "--standby", action="store_true",
        help="a streaming hot standby (pg_basebackup); the last instance is connected to it",
    )  # fmt: skip


def topology_from_args(args: argparse.Namespace) -> Topology:
    """The sandbox's shape; a fleet with no pooler or standby gets one instance that does
    not LISTEN, so "sometimes the column is there" can be reproduced with one NOTIFY."""
    count = getattr(args, "instances", 1)
    if not 1 <= count <= 8:
        raise UsageError("--instances must be a number from 1 to 8")
    pooler, standby = getattr(args, "pooler", False), getattr(args, "standby", False)
    quiet: tuple = ()
    if count > 1 and not (pooler or standby):
        quiet = ((count - 1, (("db-channel-enabled", False),)),)
    return Topology(count, getattr(args, "lb", False), pooler, standby, quiet)
