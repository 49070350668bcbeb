"""`check` begins the database side before the engine loads (probes/db_prefetch.py): the
diagnosis takes each early read over instead of reading again, only when it asks for the
same read (same database, timeout, role), and the report is the one it would have made."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from diagnosis_helpers import target_for

from tui.core.diagnosis import Diagnosis, DiagnosisRequest
from tui.core.model import ObjectKind
from tui.core.probes import base, db_prefetch, pg
from tui.core.specs import ObjectRef
from tui.core.target import Target
from tui.sandbox import Sandbox

pytestmark = pytest.mark.integration


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The thread each database connection of the test is opened from."""
    threads: list[str] = []
    real = pg.connect

    async def counted(target: Target, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return await real(target, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pg, "connect", counted)
    monkeypatch.setattr(base, "connect", counted)
    return threads


async def _diagnose(target: Target, request: DiagnosisRequest, early: Target, whole: bool):
    db_prefetch.start(early, whole_catalog=whole)
    try:
        return await Diagnosis(target, request).run()
    finally:
        db_prefetch.stop()


async def test_a_whole_check_reads_the_database_once_early(sandbox12: Sandbox, opened):
    target = target_for(sandbox12)
    by_itself = await Diagnosis(target).run()
    opened.clear()
    report = await _diagnose(target, DiagnosisRequest(), target, whole=True)
    # server facts, catalog, listener: one connection each, all from the early thread
    assert opened == ["db-prefetch"] * 3
    assert report.verdict == by_itself.verdict == "healthy"
    assert [f.check for f in report.findings] == [f.check for f in by_itself.findings]
    assert report.stale_objects == by_itself.stale_objects == []


async def test_other_reads_are_made_by_the_diagnosis(sandbox12: Sandbox, opened):
    """A named table scopes the catalog (the early thread reads no catalog then); a key of
    another role asks for another snapshot, so the early one is left (and stopped)."""
    target = target_for(sandbox12)
    named = DiagnosisRequest(objects=(ObjectRef(ObjectKind.TABLE, "public", "customers"),))
    report = await _diagnose(target, named, target, whole=False)
    assert sorted(opened) == ["MainThread", "db-prefetch", "db-prefetch"]
    assert report.verdict == "healthy"
    opened.clear()
    service = dataclasses.replace(target, api_key=sandbox12.connection().service_key)
    report = await _diagnose(service, DiagnosisRequest(), target, whole=True)
    # its own catalog; the early one may have connected before it was stopped
    assert opened.count("MainThread") == 1 and opened.count("db-prefetch") in (2, 3), opened
    assert report.verdict == "healthy"
