"""The ladder as data: which rungs a target can use, best first, and when to escalate."""

from __future__ import annotations

from tui.core.model import Report, Verdict
from tui.core.remedies.ladder import RUNGS, PlanOptions, escalate, explain, next_after, plan
from tui.core.target import Target

LOCAL = Target(db_url="postgresql://postgres@127.0.0.1:5432/shop", api_url="http://127.0.0.1:3000")
REMOTE = Target(
    db_url="postgresql://postgres@db.example.test:5432/shop", api_url="https://api.example.test"
)


def report(listening: bool | None) -> Report:
    return Report(Verdict.STALE_CACHE, "12.0.2", listening, [], [], [], 0.0)


def ids(rungs) -> list[str]:
    return [r.id for r in rungs]


def test_rungs_are_ordered_by_blast_radius_and_each_has_a_kpi_and_guard() -> None:
    assert ids(RUNGS) == ["notify", "notify-cli", "signal", "restart", "reset"]
    assert all(r.guard and r.blast_radius and r.alert_s > 0 for r in RUNGS)
    assert [r.id for r in RUNGS if r.automatic] == ["notify", "signal"]


def test_plan_for_a_listening_local_postgrest_with_a_restart_command() -> None:
    options = PlanOptions(local_postgrest=True, restart_cmd=["systemctl", "restart", "postgrest"])
    assert ids(plan(report(True), LOCAL, options)) == ["notify", "signal", "restart", "reset"]


def test_plan_skips_notify_when_nothing_listens_and_says_why() -> None:
    rungs = plan(report(False), LOCAL, PlanOptions(local_postgrest=True))
    assert ids(rungs) == ["signal", "reset"]
    reasons = dict((r.id, why) for r, why in explain(report(False), LOCAL, PlanOptions()))
    assert "listens" in reasons["notify"]
    assert "--postgrest-pid" in reasons["signal"]
    assert "--restart-cmd" in reasons["restart"]


def test_remote_targets_cannot_be_signalled_unless_a_pid_is_given() -> None:
    assert "signal" not in ids(plan(None, REMOTE, PlanOptions(local_postgrest=True)))
    assert "signal" in ids(plan(None, REMOTE, PlanOptions(postgrest_pid=42)))


def test_escalation_waits_for_the_alert_threshold_then_proposes_the_next_rung() -> None:
    rungs = plan(report(True), LOCAL, PlanOptions(local_postgrest=True))
    assert escalate(rungs, "notify", 4.9) is None
    assert escalate(rungs, "notify", 5.1).id == "signal"
    assert escalate(rungs, "signal", 5.1).id == "reset"
    assert escalate(rungs, "reset", 10_000) is None


def test_next_after_works_for_a_rung_that_was_not_planned() -> None:
    rungs = plan(report(False), LOCAL, PlanOptions(local_postgrest=True))
    assert next_after(rungs, "notify").id == "signal"
    assert next_after(rungs, "notify-cli").id == "signal"
