"""PostgREST's admin ``/metrics`` (v12.2+): a rise of successful schema cache loads proves a
reload happened. 12.0.2 has no such endpoint (404): then we say nothing.
"""

from __future__ import annotations

import re

import httpx

from tui.core.target import Target

_LOADS = re.compile(
    r'^pgrst_schema_cache_loads_total\{[^}]*status="SUCCESS"[^}]*\}\s+([0-9.eE+]+)', re.M
)


def parse_loads(text: str) -> float | None:
    """The SUCCESS counter from Prometheus text, or None when absent."""
    m = _LOADS.search(text)
    return float(m.group(1)) if m else None


async def schema_cache_loads(target: Target) -> float | None:
    if not target.admin_url:
        return None
    try:
        async with httpx.AsyncClient(timeout=min(target.timeout, 2.0)) as client:
            r = await client.get(target.admin_url.rstrip("/") + "/metrics")
    except httpx.HTTPError:
        return None
    return parse_loads(r.text) if r.status_code == 200 else None
