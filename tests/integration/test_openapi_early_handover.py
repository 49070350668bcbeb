"""`check` asks real PostgREST its first questions before the engine loads
(probes/openapi_prefetch.py): the OpenAPI document and the API probe's PGRST106 question. The
diagnosis takes each answer over, once, only when it asks the same question (same API root,
same key), and its report is the one it would have made."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
from diagnosis_helpers import target_for

from tui.core.diagnosis import Diagnosis
from tui.core.probes import openapi_prefetch
from tui.core.probes.openapi_prefetch import API_PROBE, OPENAPI, PROBE_PROFILE
from tui.sandbox import Sandbox

pytestmark = pytest.mark.integration


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(question, key) of every GET / the diagnosis itself sends for the OpenAPI document or
    the API probe's question."""
    sent: list[tuple[str, str]] = []
    real = httpx.AsyncClient.stream

    def stream(self: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> Any:
        headers = kwargs.get("headers") or {}
        if url == "/" and headers.get("Accept-Profile") == PROBE_PROFILE:
            sent.append((API_PROBE, self.headers.get("apikey", "")))
        elif url == "/" and "openapi" in headers.get("Accept", ""):
            sent.append((OPENAPI, self.headers.get("apikey", "")))
        return real(self, method, url, **kwargs)

    monkeypatch.setattr(httpx.AsyncClient, "stream", stream)
    return sent


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, openapi_prefetch.Prefetch | None]]:
    """What each ``take`` handed over, by question (None: the diagnosis asks itself)."""
    handed: list[tuple[str, openapi_prefetch.Prefetch | None]] = []
    real = openapi_prefetch.take

    def take(api_url: str, key: str | None, question: str = OPENAPI) -> Any:
        handed.append((question, real(api_url, key, question)))
        return handed[-1][1]

    monkeypatch.setattr(openapi_prefetch, "take", take)
    return handed


async def test_the_diagnosis_takes_the_early_answers_over_once(
    sandbox12: Sandbox, asked: list, taken: list
) -> None:
    target = target_for(sandbox12)
    by_itself = await Diagnosis(target).run()
    assert sorted(asked) == [(API_PROBE, target.api_key), (OPENAPI, target.api_key)]
    asked.clear()
    taken.clear()

    openapi_prefetch.start(target.api_url, target.api_key, target.timeout, openapi=True)
    try:
        report = await Diagnosis(target).run()
        first = list(taken)
        again = await Diagnosis(target).run()  # nothing left to take: it asks itself
    finally:
        openapi_prefetch.stop()
    early = dict(first)
    assert sorted(early) == [API_PROBE, OPENAPI] and None not in early.values()
    assert dict(taken[len(first) :]) == {API_PROBE: None, OPENAPI: None}
    # the second run's questions, none of the first's
    assert sorted(asked) == [(API_PROBE, target.api_key), (OPENAPI, target.api_key)]
    for fetch in early.values():
        assert fetch.closed.is_set()  # the reader let go of it
        fetch._thread.join(2)
        assert not fetch._thread.is_alive()
    for r in (report, again):
        assert r.verdict == by_itself.verdict == "healthy"
        assert r.postgrest_version == by_itself.postgrest_version == "12.0.2"
        assert r.stale_objects == by_itself.stale_objects
        assert [(f.check, f.status) for f in r.findings] == [
            (f.check, f.status) for f in by_itself.findings
        ]


async def test_early_answers_for_another_key_are_closed_not_used(
    sandbox12: Sandbox, asked: list, taken: list
) -> None:
    """Another role sees another document and another answer to the key check: the
    diagnosis asks for its own, and the early requests (another key) are closed at once,
    their threads ended, nothing left pending."""
    target = target_for(sandbox12)
    service = dataclasses.replace(target, api_key=sandbox12.connection().service_key)
    openapi_prefetch.start(target.api_url, target.api_key, target.timeout, openapi=True)
    early = dict(openapi_prefetch._pending)
    try:
        report = await Diagnosis(service).run()
        assert openapi_prefetch._pending == {}  # before stop()
    finally:
        openapi_prefetch.stop()
    assert len(early) == 2 and all(fetch.closed.is_set() for fetch in early.values())
    assert sorted(taken) == [(API_PROBE, None), (OPENAPI, None)]
    assert sorted(asked) == [(API_PROBE, service.api_key), (OPENAPI, service.api_key)]
    assert report.verdict == "healthy"
    for fetch in early.values():
        fetch._thread.join(2)
        assert not fetch._thread.is_alive()
