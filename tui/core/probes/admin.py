"""PostgREST's admin server: /live and /ready everywhere (v10+); /metrics and /schema_cache
from v12.2 (404 before). On the Supabase local stack it sits under /rest-admin/v1/.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

import httpx

from tui.core.probes.schema_cache import CacheDump
from tui.core.probes.schema_cache import fetch as fetch_dump
from tui.core.regex import on_first_use

# read only where /metrics answers (v12.2+): compiled on first use (regex.py)
_LOADS = on_first_use(
    r'^pgrst_schema_cache_loads_total\{status="(?P<status>\w+)"\}\s+(?P<n>[\d.e+]+)', re.M
)
_QUERY_TIME = on_first_use(r"^pgrst_schema_cache_query_time_seconds\s+(?P<s>[\d.e+-]+)", re.M)


@dataclass
class AdminInfo:
    """What PostgREST's admin server answered (health, metrics, cache dump)."""

    live: int | None = None  # HTTP status, None when not answered
    ready: int | None = None
    metrics: bool = False
    schema_cache: bool = False
    cache_loads: dict[str, float] = field(default_factory=dict)  # SUCCESS / FAIL counters
    cache_query_s: float | None = None
    dump: CacheDump | None = None  # /schema_cache (v12.2+): the exact cache


async def _status(client: httpx.AsyncClient, path: str) -> httpx.Response | None:
    try:
        return await client.get(path)
    except httpx.HTTPError:
        return None


async def _dump(client: httpx.AsyncClient) -> CacheDump | None:
    try:
        return await fetch_dump(client)
    except httpx.HTTPError:
        return None


async def _none() -> None:
    return None


async def admin_info(client: httpx.AsyncClient, *, dump: bool = True) -> AdminInfo:
    """``dump=False``: not /schema_cache, the whole cache (tens of MB at 10,000 tables), which
    only a full comparison reads: a check of named objects costs the same at any size."""
    live, ready, metrics, dumped = await asyncio.gather(
        _status(client, "/live"),
        _status(client, "/ready"),
        _status(client, "/metrics"),
        _dump(client) if dump else _none(),
    )
    if live is None and ready is None:
        raise httpx.ConnectError("the admin server did not answer /live or /ready")
    info = AdminInfo(live.status_code if live else None, ready.status_code if ready else None)
    if metrics is not None and metrics.status_code == 200:
        info.metrics = True
        text = metrics.text
        info.cache_loads = {m["status"]: float(m["n"]) for m in _LOADS().finditer(text)}
        if q := _QUERY_TIME().search(text):
            info.cache_query_s = float(q["s"])
    info.schema_cache = dumped is not None
    info.dump = dumped
    return info
