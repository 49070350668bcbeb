"""Ask PostgREST about one object without touching data, for when OpenAPI is disabled or the
user named the object. Each request is one the cache must resolve before any SQL runs:

- table / columns: ``POST /t?columns=a,b`` with body ``[]`` (inserts nothing): 404 ``{}``
  (11-12) or PGRST205 (13+) when the table is not cached, PGRST204 for a column. Without
  known columns a made-up one is sent: a cached table then answers PGRST204 (without any
  ``columns`` PostgREST skips the cache and PostgreSQL answers instead);
- relationship: ``GET /child?select=<no such column>,parent(*)``: PGRST200 when not cached,
  otherwise PostgreSQL rejects the unknown column (42703) before reading a row;
- function: ``GET /rpc/f?arg=&select=<no such column>``: PGRST202 when not cached, otherwise
  42703 while planning, so the function never runs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

from tui.core.knowledge.errors import ErrorClass, classify
from tui.core.probes.base import json_or_text, send

NO_SUCH_COLUMN = "pgrst_doctor_probe"
IN_FLIGHT = 8  # targeted requests at once: PostgREST's pool (db-pool 10) keeps room for others
CACHE_MISS_CODES = {"PGRST200", "PGRST202", "PGRST204", "PGRST205", "404{}"}


@dataclass(frozen=True)
class TargetedAnswer:
    kind: str  # table | column | relationship | function
    name: str  # report naming convention
    status: int
    code: str | None
    cached: bool | None  # None: the answer does not tell (auth error, 5xx, ...)
    missing_column: str | None = None
    error: ErrorClass | None = None


def _verdict(error: ErrorClass, status: int) -> bool | None:
    code = error.code or ""
    if code in CACHE_MISS_CODES:
        return False
    if status >= 500 and code in {"PGRST000", "PGRST001", "PGRST002", "HTTP503", "HTTP502"}:
        return None
    if code in {"PGRST301", "PGRST302", "PGRST303", "PGRST106", "HTTP401"}:
        return None
    return True  # PostgREST resolved the object and handed the request to PostgreSQL


async def _ask(
    client: httpx.AsyncClient, version: str | None, method: str, path: str, **kwargs: Any
) -> tuple[int, Any, ErrorClass]:
    response, raw = await send(client, method, path, **kwargs)
    body = json_or_text(raw)
    return response.status_code, body, classify(version, response.status_code, body)


async def probe_table(
    client: httpx.AsyncClient,
    version: str | None,
    schema: str,
    table: str,
    columns: tuple[str, ...],
) -> TargetedAnswer:
    params = {"columns": ",".join(columns or (NO_SUCH_COLUMN,))}
    status, _, error = await _ask(
        client,
        version,
        "POST",
        f"/{table}",
        params=params,
        content=b"[]",
        headers={"Content-Type": "application/json", "Content-Profile": schema,
                 "Prefer": "return=minimal"},
    )  # fmt: skip
    cached = _verdict(error, status)
    missing = error.names.get("column") if error.code == "PGRST204" else None
    if missing == NO_SUCH_COLUMN:
        missing = None
    if error.code == "PGRST204":
        cached = True  # the table is cached; one of its columns is not
    return TargetedAnswer("table", f"{schema}.{table}", status, error.code, cached, missing, error)


async def probe_column(
    client: httpx.AsyncClient, version: str | None, schema: str, table: str, column: str
) -> TargetedAnswer:
    answer = await probe_table(client, version, schema, table, (column,))
    cached = answer.cached if answer.code != "PGRST204" else False
    if answer.code in {"404{}", "PGRST205"}:
        cached = False
    return TargetedAnswer(
        "column", f"{schema}.{table}.{column}", answer.status, answer.code, cached,
        column if answer.code == "PGRST204" else None, answer.error,
    )  # fmt: skip


async def probe_relationship(
    client: httpx.AsyncClient, version: str | None, schema: str, child: str, parent: str
) -> TargetedAnswer:
    status, _, error = await _ask(
        client,
        version,
        "GET",
        f"/{child}",
        params={"select": f"{NO_SUCH_COLUMN},{parent}(*)", "limit": "0"},
        headers={"Accept-Profile": schema},
    )
    return TargetedAnswer(
        "relationship", f"{schema}.{child}:{schema}.{parent}", status, error.code,
        _verdict(error, status), None, error,
    )  # fmt: skip


async def probe_function(
    client: httpx.AsyncClient, version: str | None, schema: str, name: str, args: tuple[str, ...]
) -> TargetedAnswer:
    params = {arg: "" for arg in args}
    params["select"] = NO_SUCH_COLUMN
    status, _, error = await _ask(
        client, version, "GET", f"/rpc/{name}", params=params, headers={"Accept-Profile": schema}
    )
    return TargetedAnswer(
        "function", f"{schema}.{name}", status, error.code, _verdict(error, status), None, error
    )


async def gather_limited(
    coros: list, limit: int = IN_FLIGHT, *, gate: asyncio.Semaphore | None = None
) -> list:
    """Run probes concurrently but never more than ``limit`` requests at once (or as many as
    a ``gate`` shared with other groups allows)."""
    gate = asyncio.Semaphore(limit) if gate is None else gate

    async def one(coro):
        async with gate:
            try:
                return await coro
            except Exception as exc:  # one object's failure must not sink the others
                return exc

    return await asyncio.gather(*(one(c) for c in coros))
