"""Replay the user's failing request with the target's key: the first evidence, and after a
fix, the proof.

It is sent in its cache-only form (``cache_only.cache_only``): PostgREST looks up everything
the request names and then fails on a made-up name before any SQL, so nothing is written and
nothing runs. Only ``for_real`` (``--replay-writes``, or a typed yes in the wizard) sends the
request itself, once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

from tui.core.knowledge.errors import ErrorClass, classify
from tui.core.probes import cache_only
from tui.core.probes.api import version_from_server_header
from tui.core.probes.base import json_or_text, send
from tui.core.request import FailingRequest

RESOLUTION_FAILURES = {"404{}", "42P01", "42883", "22P02"}
MULTIPLE_CHOICES = 300


def is_error(status: int, body: object) -> bool:
    """PostgREST's errors: every 4xx/5xx, and its two ambiguity errors, which it answers with
    300 Multiple Choices (Error.hs, v11.2.2 and v12.0.2: ``AmbiguousRelBetween`` PGRST201,
    an embed more than one key matches; ``AmbiguousRpc`` PGRST203, overloads it cannot
    choose between)."""
    if status >= 400:
        return True
    return status == MULTIPLE_CHOICES and isinstance(body, dict) and "code" in body


@dataclass
class ReplayResult:
    """The user's request as sent and what PostgREST answered."""

    request: str  # "METHOD /path" (no secrets: keys are never part of it)
    status: int
    body: Any
    error: ErrorClass | None  # None unless ``is_error``
    elapsed_ms: float
    postgrest_version: str | None
    for_real: bool = False  # the request itself was sent (else its cache-only form)
    planned: bool = False  # the cache-only form failed where planned: everything resolved

    @property
    def ok(self) -> bool:
        """Served (or, in cache-only form, everything it names resolved by PostgREST)."""
        if self.planned or (self.status < 400 and self.error is None):
            return True
        if self.for_real or self.error is None:
            return False
        code = self.error.code or ""
        if code == "42501":
            return True  # resolved; the method's privilege is judged from the catalog
        return code not in RESOLUTION_FAILURES and not code.startswith(("PGRST", "HTTP"))


def summary(result: ReplayResult) -> str:
    """One line for the request's panel: what was sent and what it showed."""
    if result.for_real:
        return f"{result.request} -> {result.status} (sent for real, once)"
    code = result.error.code if result.error and not result.planned else None
    told = "resolved by the cache" if result.ok else f"{result.status} {code or ''}".rstrip()
    return f"{result.request}: {told} (cache only, nothing ran)"


async def replay(
    client: httpx.AsyncClient,
    request: FailingRequest,
    version: str | None = None,
    *,
    for_real: bool = False,
) -> ReplayResult:
    original = request.display
    if not for_real:
        request = cache_only.cache_only(request)
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
    if is_error(response.status_code, body):
        error = classify(version, response.status_code, body)
    shown = body if not isinstance(body, str) else body[:500]
    planned = not for_real and cache_only.planned(body)
    return ReplayResult(
        original, response.status_code, shown, error, elapsed, version, for_real, planned
    )
