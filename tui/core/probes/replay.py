"""Replay the user's failing request with the target's key: the first evidence, and after a
fix, the proof.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl

import httpx

from tui.core.knowledge.errors import ErrorClass, classify
from tui.core.probes.api import version_from_server_header
from tui.core.probes.base import json_or_text, send
from tui.core.request import FailingRequest

WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}
NO_SUCH_COLUMN = "pgrst_doctor_probe"
RESOLUTION_FAILURES = {"404{}", "42P01", "42883", "22P02"}


def body_keys(body: bytes | None) -> list[str]:
    """The column names a JSON body writes (object or array of objects)."""
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return []
    rows = data if isinstance(data, list) else [data]
    keys: dict[str, None] = {}
    for row in rows:
        if isinstance(row, dict):
            keys.update(dict.fromkeys(row))
    return list(keys)


RESERVED_PARAMS = {"select", "order", "limit", "offset", "columns", "on_conflict", "and", "or"}


def rpc_args(request: FailingRequest, function: str) -> tuple[str, ...]:
    """The argument names a call to /rpc/<function> passes (query keys, or body keys)."""
    path, _, query = request.path.partition("?")
    if path.rstrip("/").split("/")[-1] != function:
        return ()
    names = [k for k, _ in parse_qsl(query, keep_blank_values=True) if k not in RESERVED_PARAMS]
    return tuple(dict.fromkeys(names + body_keys(request.body)))


def no_write_form(request: FailingRequest) -> tuple[FailingRequest, bool]:
    """The same cache lookups without writing or running anything: a write becomes
    ``POST ?columns=<its keys>`` with ``[]`` (inserts nothing); an RPC call becomes a GET
    that PostgreSQL rejects while planning. Reads are replayed as they are.
    """
    method = request.method.upper()
    path, _, query = request.path.partition("?")
    if path.rstrip("/").split("/")[-2:-1] == ["rpc"]:
        parts = [p for p in query.split("&") if p and not p.startswith("select=")]
        parts += [f"{a}=" for a in body_keys(request.body)] if method == "POST" else []
        parts.append(f"select={NO_SUCH_COLUMN}")
        return replace(request, method="GET", path=f"{path}?{'&'.join(parts)}", body=None), True
    if method not in WRITE_METHODS:
        return request, False
    # without keys (DELETE, an empty body) a made-up column still makes PostgREST resolve the
    # table in its cache: a cached table then answers PGRST204 naming that column
    keys = body_keys(request.body) or [NO_SUCH_COLUMN]
    new_path = f"{path}?columns={','.join(keys)}"
    headers = {k: v for k, v in request.headers.items() if k.lower() != "prefer"}
    headers["Prefer"] = "return=minimal"
    return replace(request, method="POST", path=new_path, body=b"[]", headers=headers), True


@dataclass
class ReplayResult:
    request: str  # "METHOD /path" (no secrets: keys are never part of it)
    status: int
    body: Any
    error: ErrorClass | None  # None for 2xx/3xx answers
    elapsed_ms: float
    postgrest_version: str | None
    no_write: bool = False  # replayed in its no-write form (see no_write_form)

    @property
    def ok(self) -> bool:
        """Served (or, in no-write form, resolved by PostgREST and handed to PostgreSQL)."""
        if self.status < 400:
            return True
        if not self.no_write or self.error is None:
            return False
        code = self.error.code or ""
        if code == "PGRST204" and self.error.names.get("column") == NO_SUCH_COLUMN:
            return True  # our made-up column: the table itself resolved
        if code == "42501":
            return True  # resolved; the method's privilege is judged from the catalog
        return code not in RESOLUTION_FAILURES and not code.startswith(("PGRST", "HTTP"))


async def replay(
    client: httpx.AsyncClient, request: FailingRequest, version: str | None = None
) -> ReplayResult:
    original = request.display
    request, no_write = no_write_form(request)
    headers = dict(request.headers)
    if request.body is not None and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/json"
    start = time.perf_counter()
    response, raw = await send(
        client, request.method, request.path, content=request.body, headers=headers
    )
    elapsed = (time.perf_counter() - start) * 1000
    version = version_from_server_header(response.headers.get("server")) or version
    body = json_or_text(raw)
    error = None
    if response.status_code >= 400:
        error = classify(version, response.status_code, body)
    shown = body if not isinstance(body, str) else body[:500]
    return ReplayResult(original, response.status_code, shown, error, elapsed, version, no_write)
