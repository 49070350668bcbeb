"""Several PostgREST instances on one database: each probed concurrently and judged on its own.

The database-only steps (server, catalog snapshot, listener) run once for the whole fleet and
are shared by every instance's diagnosis. The first instance is compared in full (its OpenAPI
document against the catalog); every other one is asked the same few cache-only questions
and placed against it (``probes/alike``: the same cache, a newer one, or else compared in full
itself), so checking three instances costs little more than checking one (budget 7). The
overall verdict is the worst instance's: one stale instance behind a balancer is an incident
even when the others are fresh.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.core.diagnosis import Diagnosis, DiagnosisEvent, DiagnosisRequest
from tui.core.model import Report, Status, Verdict
from tui.core.target import Target

if TYPE_CHECKING:
    from tui.core.specs import ObjectRef

# Worst first; a verdict not listed (a newer one) counts as worse than stale-cache.
SEVERITY: tuple[str, ...] = (
    "unreachable", "misconfigured", "stale-cache", "not-cache", "undetermined", "healthy",
)  # fmt: skip


def severity(verdict: Verdict | str) -> int:
    """Smaller is worse."""
    text = str(verdict)
    return SEVERITY.index(text) if text in SEVERITY else 1


@dataclass
class InstanceReport:
    """One instance's own report within a fleet's check."""

    api_url: str
    report: Report
    error_objects: tuple[ObjectRef, ...] = ()  # a pasted error's objects, qualified

    def to_json(self) -> dict[str, Any]:
        r = self.report
        return {
            "api_url": self.api_url,
            "verdict": str(r.verdict),
            "postgrest_version": r.postgrest_version,
            "stale_objects": [o.to_json() for o in sorted(r.stale_objects)],
            "listening": instance_listening(r, self.api_url),
        }


def instance_listening(report: Report, api_url: str) -> bool | None:
    """Whether this instance LISTENs: its own reload-path evidence when there is any, else
    the database-wide answer (one instance: the same thing)."""
    for finding in report.findings:
        if finding.check == "reload-path" and api_url in finding.objects:
            return False
    return report.listening


async def diagnose_each(
    target: Target,
    urls: tuple[str, ...],
    request: DiagnosisRequest,
    shared: dict[str, asyncio.Task[Any]],
    on_event: Callable[[str, DiagnosisEvent], None] | None = None,
    reference: Diagnosis | None = None,
) -> list[InstanceReport]:
    """One diagnosis per URL, at once, reading the database once through ``shared``; each
    placed against ``reference`` (by default the first URL's full comparison)."""

    def forward(url: str) -> Callable[[DiagnosisEvent], None] | None:
        if on_event is None:
            return None
        return lambda event: on_event(url, event)

    diagnoses = []
    fleet = len(urls) > 1 or reference is not None
    for url in urls:
        diagnosis = Diagnosis(
            target.for_instance(url), request, shared=shared, reference=reference, fleet=fleet
        )
        reference = reference or diagnosis
        diagnoses.append(diagnosis)
    reports = await asyncio.gather(
        *(d.run(forward(u)) for d, u in zip(diagnoses, urls, strict=True))
    )
    return [
        InstanceReport(u, r, d.error_objects())
        for u, r, d in zip(urls, reports, diagnoses, strict=True)
    ]


def merge(instances: list[InstanceReport]) -> Report:
    """The worst instance's report, plus what only another instance showed (its reload
    path, say), each finding once."""
    worst = min(instances, key=lambda i: severity(i.report.verdict)).report
    seen = {(f.check, f.summary) for f in worst.findings}
    for other in instances:
        for finding in other.report.findings:
            key = (finding.check, finding.summary)
            if finding.status in (Status.FAIL, Status.WARN) and key not in seen:
                seen.add(key)
                worst.findings.append(finding)
    return worst


async def diagnose(
    target: Target,
    request: DiagnosisRequest,
    on_event: Callable[[str, DiagnosisEvent], None] | None = None,
) -> tuple[Report, list[InstanceReport]]:
    """Every instance's diagnosis at once; (the merged report, every instance's)."""
    started = time.perf_counter()
    shared: dict[str, asyncio.Task[Any]] = {}
    try:
        instances = await diagnose_each(target, target.instances, request, shared, on_event)
    finally:
        for task in shared.values():
            task.cancel()
    report = merge(instances)
    report.elapsed_ms = (time.perf_counter() - started) * 1000
    return report, instances
