"""The doctor's database connection, bounded for connecting and per statement. psycopg only
(no httpx): `check` opens one before the rest of the engine is imported (db_prefetch.py).
"""

from __future__ import annotations

import math

import psycopg

from tui.core.target import Target

APPLICATION_NAME = "pgrst-doctor"


async def connect(
    target: Target, *, autocommit: bool = True, timeout: float | None = None
) -> psycopg.AsyncConnection:
    """A connection that gives up at ``timeout`` (default: the target's), for connecting and
    per statement."""
    seconds = timeout or target.timeout
    timeout_ms = max(1, int(seconds * 1000))
    return await psycopg.AsyncConnection.connect(
        target.db_url,
        connect_timeout=max(1, math.ceil(seconds)),
        autocommit=autocommit,
        application_name=APPLICATION_NAME,
        # JIT compiling catalog queries costs more than it saves (~0.1 s at 10,000 tables)
        options=f"-c statement_timeout={timeout_ms} -c lock_timeout={timeout_ms} -c jit=off",
    )
