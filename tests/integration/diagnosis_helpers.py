"""Shared helpers for the diagnosis integration tests: a Target for a sandbox, one run."""

from __future__ import annotations

from tui.core.diagnosis import Diagnosis, DiagnosisRequest
from tui.core.model import Report, Status
from tui.core.request import FailingRequest, parse_request
from tui.core.specs import ObjectRef
from tui.core.target import Target
from tui.sandbox import Sandbox


def target_for(box: Sandbox, *, key: str | None = None, timeout: float = 5.0, **kw) -> Target:
    conn = box.connection()
    return Target(
        db_url=conn.db_url,
        api_url=conn.api_url,
        api_key=conn.anon_key if key is None else key,
        admin_url=conn.admin_url,
        timeout=timeout,
        **kw,
    )


def failing(spec: str) -> FailingRequest:
    """'POST /t {"a": 1}' -> FailingRequest (the drift table's request form); a raw HTTP
    request (``POST /t HTTP/1.1``, header lines, a blank line, the body) as --request reads it."""
    if " HTTP/" in spec.partition("\n")[0]:
        return parse_request(spec, "http://api.invalid")
    method, rest = spec.split(" ", 1)
    path, _, body = rest.partition(" ")
    return FailingRequest(method, path, body.encode() if body else None)


async def diagnose(
    target: Target,
    *,
    request: str | None = None,
    objects: tuple[ObjectRef, ...] = (),
    symptoms: tuple[str, ...] | None = None,
) -> Report:
    kwargs: dict = {"objects": objects, "request": failing(request) if request else None}
    if symptoms is not None:
        kwargs["symptoms"] = symptoms
    return await Diagnosis(target, DiagnosisRequest(**kwargs)).run()


def failing_causes(report: Report) -> set[str]:
    return {str(f.cause) for f in report.findings if f.status is Status.FAIL and f.cause}


def warning_causes(report: Report) -> set[str]:
    return {str(f.cause) for f in report.findings if f.status is Status.WARN and f.cause}


def stale_triples(report: Report) -> set[tuple[str, str, str]]:
    return {(str(s.kind), s.name, str(s.change)) for s in report.stale_objects}
