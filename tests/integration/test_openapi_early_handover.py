"""`check` asks real PostgREST for its OpenAPI document before the engine loads
(probes/openapi_prefetch.py): the diagnosis takes that answer over, once, only when it asks for
the same document (same API root, same key), and its report is the one it would have made."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
from diagnosis_helpers import target_for

from tui.core.diagnosis import Diagnosis
from tui.core.probes import openapi_prefetch
from tui.sandbox import Sandbox

pytestmark = pytest.mark.integration


@pytest.fixture
def documents_asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The key of every OpenAPI document the diagnosis itself asks for (its own GET /)."""
    asked: list[str] = []
    real = httpx.AsyncClient.stream

    def stream(self: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> Any:
        headers = kwargs.get("headers") or {}
        if url == "/" and "openapi" in headers.get("Accept", ""):
            asked.append(self.headers.get("apikey", ""))
        return real(self, method, url, **kwargs)

    monkeypatch.setattr(httpx.AsyncClient, "stream", stream)
    return asked


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[openapi_prefetch.Prefetch | None]:
    """What each ``take`` handed over (None: the diagnosis asks itself)."""
    handed: list[openapi_prefetch.Prefetch | None] = []
    real = openapi_prefetch.take

    def take(api_url: str, key: str | None) -> openapi_prefetch.Prefetch | None:
        handed.append(real(api_url, key))
        return handed[-1]

    monkeypatch.setattr(openapi_prefetch, "take", take)
    return handed


async def test_the_diagnosis_takes_the_early_document_over_once(
    sandbox12: Sandbox, documents_asked: list[str], taken: list
) -> None:
    target = target_for(sandbox12)
    by_itself = await Diagnosis(target).run()
    assert documents_asked == [target.api_key]
    documents_asked.clear()
    taken.clear()

    openapi_prefetch.start(target.api_url, target.api_key, target.timeout)
    try:
        report = await Diagnosis(target).run()
        again = await Diagnosis(target).run()  # nothing left to take: it asks itself
    finally:
        openapi_prefetch.stop()
    early = taken[0]
    assert early is not None and taken[1:] == [None]
    assert documents_asked == [target.api_key]  # the second run's, not the first's
    assert early.closed.is_set()  # the reader let go of it
    early._thread.join(2)
    assert not early._thread.is_alive()
    for r in (report, again):
        assert r.verdict == by_itself.verdict == "healthy"
        assert r.stale_objects == by_itself.stale_objects
        assert [f.check for f in r.findings] == [f.check for f in by_itself.findings]


async def test_an_early_document_for_another_key_is_closed_not_used(
    sandbox12: Sandbox, documents_asked: list[str], taken: list
) -> None:
    """Another role sees another document: the diagnosis asks for its own, and the early
    request (another key) is closed at once, its thread ended, nothing left pending."""
    target = target_for(sandbox12)
    service = dataclasses.replace(target, api_key=sandbox12.connection().service_key)
    openapi_prefetch.start(target.api_url, target.api_key, target.timeout)
    early = openapi_prefetch._pending[target.api_url.rstrip("/")]
    try:
        report = await Diagnosis(service).run()
        assert early.closed.is_set() and openapi_prefetch._pending == {}  # before stop()
    finally:
        openapi_prefetch.stop()
    assert taken == [None]
    assert documents_asked == [service.api_key]
    assert report.verdict == "healthy"
    early._thread.join(2)
    assert not early._thread.is_alive()
