"""Verdict precedence, remedies, and warnings that never change the verdict."""

from __future__ import annotations

from tui.core.checks.evidence import Evidence
from tui.core.diagnosis import decide, remedies
from tui.core.model import Cause, Finding, Status, Verdict
from tui.core.probes.db import ServerInfo
from tui.core.probes.listener import ListenerInfo
from tui.core.target import Target

TARGET = Target(db_url="postgresql://u@127.0.0.1:5432/db", api_url="http://127.0.0.1:3000")


def fail(cause: Cause) -> Finding:
    return Finding("x", Status.FAIL, "s", cause=cause, fix="f")


def warn(cause: Cause) -> Finding:
    return Finding("x", Status.WARN, "s", cause=cause)


def test_precedence_unreachable_then_stale_then_not_cache():
    assert decide([fail(Cause.STALE_CACHE), fail(Cause.API_UNREACHABLE)]) is Verdict.UNREACHABLE
    assert decide([fail(Cause.RLS_DISABLED), fail(Cause.STALE_CACHE)]) is Verdict.STALE_CACHE
    assert decide([fail(Cause.MISSING_PRIVILEGE)]) is Verdict.NOT_CACHE
    assert decide([DRIFT_JUDGED]) is Verdict.HEALTHY


DRIFT_JUDGED = Finding("drift", Status.PASS, "no drift")


def test_warnings_never_change_the_verdict():
    advice = [warn(Cause.AUTO_RELOAD_OFF), warn(Cause.NO_LISTENER), warn(Cause.RLS_DISABLED)]
    assert decide([DRIFT_JUDGED, *advice]) is Verdict.HEALTHY
    assert decide([*advice, fail(Cause.STALE_CACHE)]) is Verdict.STALE_CACHE


def test_a_cache_that_could_not_be_judged_is_never_healthy():
    """Drift skipped (no OpenAPI document: a server answering 404 to everything), errored,
    or missing: undetermined, exit 5; a drift warning (stale elsewhere) did judge it."""
    for status in (Status.SKIPPED, Status.ERROR):
        found = [Finding("api", Status.PASS, "PostgREST 12"), Finding("drift", status, "?")]
        assert decide(found) is Verdict.UNDETERMINED
    assert decide([Finding("api", Status.PASS, "ok")]) is Verdict.UNDETERMINED
    assert decide([Finding("drift", Status.WARN, "stale elsewhere")]) is Verdict.HEALTHY
    assert decide([Finding("drift", Status.SKIPPED, "?"), fail(Cause.MISSING_PRIVILEGE)]) is (
        Verdict.NOT_CACHE
    )


def test_a_named_object_without_an_answer_is_never_healthy():
    """A check of what the user named (``--table``, ``--request``) that crashed or could not
    replay leaves the question open: undetermined, not healthy (was: healthy, exit 0, beside
    a "check crashed" line); a crash elsewhere (the listener) does not."""
    for check in ("object", "request"):
        found = [DRIFT_JUDGED, Finding(check, Status.ERROR, "check crashed: TypeError")]
        assert decide(found) is Verdict.UNDETERMINED
        assert decide([*found, fail(Cause.STALE_CACHE)]) is Verdict.STALE_CACHE
    assert decide([DRIFT_JUDGED, Finding("listener", Status.ERROR, "?")]) is Verdict.HEALTHY


def server(in_recovery: bool = False) -> ServerInfo:
    return ServerInfo("15.8", 150008, in_recovery, "db", "postgres", 5432, "origin", True,
                      "PostgreSQL 15.8", None)  # fmt: skip


def evidence(listening: bool | None, pids=(), standby=False) -> Evidence:
    ev = Evidence(TARGET, "anon", server=server(standby), local_pids=list(pids))
    ev.listener = ListenerInfo("pgrst", listening)
    return ev


def test_remedies_best_first_and_only_those_that_apply():
    assert remedies(Verdict.STALE_CACHE, evidence(True, [42])) == [
        "notify", "signal", "restart", "reset"]  # fmt: skip
    assert remedies(Verdict.STALE_CACHE, evidence(False)) == ["restart", "reset"]
    assert remedies(Verdict.STALE_CACHE, evidence(None)) == ["restart", "reset"]
    assert remedies(Verdict.STALE_CACHE, evidence(True, standby=True)) == ["restart", "reset"]
    assert remedies(Verdict.NOT_CACHE, evidence(True, [42])) == []
    assert remedies(Verdict.HEALTHY, evidence(True)) == []


def test_a_crashing_check_becomes_an_error_finding_and_the_rest_conclude():
    from tui.core.checks.verdict import findings_for

    ev = evidence(True)
    ev.catalog = object()  # type: ignore[assignment]  # evidence a check cannot read
    ev.docs = []
    findings, stale = findings_for(ev)
    drift = next(f for f in findings if f.check == "drift")
    assert drift.status is Status.ERROR and "crashed" in drift.summary
    assert stale == [] and any(f.check == "listener" for f in findings)
