"""The conclusion: run every check over the evidence, pick the verdict and the remedies.

Pure (no I/O, no clock): the Diagnosis passes in how long each probe took.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from tui.core.checks import (
    listening,
    objects,
    reachability,
    request,
    rls,
    staleness,
    topology,
    typos,
)
from tui.core.checks.evidence import Evidence
from tui.core.checks.fixes import fix
from tui.core.model import Cause, Finding, Report, StaleObject, Status, Verdict

# Which probes a check's evidence comes from: its elapsed time is theirs (they ran at once).
CHECK_PROBES: dict[str, tuple[str, ...]] = {
    "database": ("database",),
    "api": ("api",),
    "admin": ("admin",),
    "drift": ("catalog", "openapi", "targeted"),
    "object": ("catalog", "targeted"),
    "rls": ("catalog",),
    "request": ("request",),
    "listener": ("listener",),
    "delivery": ("listener",),
    "auto-reload": ("listener",),
    "standby": ("database",),
    "pooler": ("database",),
    "instances": ("agreement", "instances"),
    "reload-path": ("path",),
}


def _borrow_fixes(findings: list[Finding]) -> None:
    """A failing finding without a fix takes the fix of a finding with the same cause."""
    by_cause = {f.cause: f.fix for f in findings if f.fix and f.cause}
    for f in findings:
        if f.status is Status.FAIL and not f.fix and f.cause in by_cause:
            f.fix = by_cause[f.cause]


UNREACHABLE = {Cause.API_UNREACHABLE, Cause.DB_UNREACHABLE}
STALE = {Cause.STALE_CACHE, Cause.INSTANCES_DISAGREE}  # a reload of some instance fixes it


# Statuses of the drift check that judged the cache (a warning: stale on kinds not asked about).
JUDGED = frozenset({Status.PASS, Status.WARN})


# The checks that answer what the user named (--table, --request, ...): one that could not
# run leaves the question open, never healthy.
ASKED = frozenset({"object", "request"})


def decide(findings: list[Finding]) -> Verdict:
    """Precedence: unreachable, stale-cache, not-cache, undetermined, healthy. Warnings never
    count. Healthy needs the drift check to have compared the cache with the database (a
    server that answers everything with 404 leaves it skipped, which is undetermined) and an
    answer for each object or request named (a check of it that crashed is undetermined)."""
    failing = [f for f in findings if f.status is Status.FAIL]
    if any(f.cause in UNREACHABLE for f in failing):
        return Verdict.UNREACHABLE
    if any(f.cause in STALE for f in failing):
        return Verdict.STALE_CACHE
    if failing:
        return Verdict.NOT_CACHE
    if not any(f.check == "drift" and f.status in JUDGED for f in findings):
        return Verdict.UNDETERMINED
    if any(f.check in ASKED and f.status is Status.ERROR for f in findings):
        return Verdict.UNDETERMINED  # what the user asked about has no answer
    return Verdict.HEALTHY


def remedies(verdict: Verdict, ev: Evidence) -> list[str]:
    """The reload ladder rungs that apply, best first."""
    if verdict is not Verdict.STALE_CACHE:
        return []
    rungs = []
    standby = ev.server is not None and ev.server.in_recovery
    listening = ev.listener is not None and ev.listener.listening
    if listening and not standby and topology.notify_reaches(ev):
        rungs.append("notify")
    if ev.local_pids:
        rungs.append("signal")
    return [*rungs, "restart", "reset"]


def _guarded(check_id: str, run: Callable[[], Any], default: Any) -> tuple[Any, Finding | None]:
    """A check that crashes becomes an error finding; the others still conclude."""
    try:
        return run(), None
    except Exception as exc:  # a bug in one check must not hide every other answer
        summary = f"check crashed: {type(exc).__name__}: {exc}"[:200]
        return default, Finding(check_id, Status.ERROR, summary)


def findings_for(ev: Evidence) -> tuple[list[Finding], list[StaleObject]]:
    """Every check, in display order: reachability, drift, what was asked, listener."""
    findings: list[Finding] = []

    def add(check_id: str, run: Callable[[], Any]) -> None:
        got, crashed = _guarded(check_id, run, None)
        if crashed is not None:
            findings.append(crashed)
        elif isinstance(got, Finding):
            findings.append(got)
        elif got:
            findings.extend(got)

    add("database", lambda: reachability.database(ev))
    add("api", lambda: reachability.api(ev))
    add("admin", lambda: reachability.admin(ev))
    drift, crashed = _guarded("drift", lambda: staleness.check(ev), (None, []))
    drift_finding, stale = drift
    findings.append(crashed or drift_finding)
    add("object", lambda: objects.check(ev, stale))
    add("rls", lambda: rls.check(ev))
    add("request", lambda: request.check(ev, stale))
    add("instances", lambda: topology.agreement(ev))
    add("instances", lambda: topology.other_instances(ev))
    has_stale = bool(stale) or any(f.cause in STALE and f.status is Status.FAIL for f in findings)
    add("listener", lambda: listening.listener(ev, has_stale))
    for check_id, run in (("delivery", listening.delivery), ("auto-reload", listening.auto_reload),
                          ("standby", listening.standby), ("pooler", listening.pooler)):  # fmt: skip
        add(check_id, functools.partial(run, ev))
    add("reload-path", lambda: topology.reload_path(ev, has_stale))
    if not topology.notify_reaches(ev):  # a NOTIFY fix would not reach this instance
        pid = ev.local_pids[0] if ev.local_pids else None
        for f in findings:
            if f.cause is Cause.STALE_CACHE and f.fix and f.fix.startswith("NOTIFY"):
                f.fix = (
                    fix(Cause.STALE_CACHE, "signal", pid=pid)
                    if pid
                    else (fix(Cause.STALE_CACHE, "restart"))
                )
    _borrow_fixes(findings)
    typos.suggest(findings, ev.catalog)
    return findings, stale


def report(ev: Evidence, probe_ms: dict[str, float], total_ms: float) -> Report:
    findings, stale = findings_for(ev)
    for f in findings:  # a check took as long as the (concurrent) probes it rests on
        f.elapsed_ms = max((probe_ms[p] for p in CHECK_PROBES.get(f.check, ()) if p in probe_ms),
                           default=0.0)  # fmt: skip
    config_error = reachability.login_problem(ev)
    chosen = Verdict.MISCONFIGURED if config_error else decide(findings)
    return Report(
        verdict=chosen,
        postgrest_version=ev.postgrest_version,
        listening=ev.listener.listening if ev.listener else None,
        stale_objects=stale,
        findings=findings,
        remedies=remedies(chosen, ev),
        elapsed_ms=total_ms,
        server_version=ev.server.server_version if ev.server else None,
        fingerprint=ev.server.fingerprint if ev.server else None,
        config_error=config_error,
    )
