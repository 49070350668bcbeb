"""The ticket summary of the demo incident tells the truth: a stale cache, a reset chosen on
that verdict, a restore that failed, a verification that replayed a write for real. The end
state says what failed, what was lost and what was written; each decision shows the verdict
it rested on; passing checks fold into one line; it fits one screen; fences say shell or sql."""

from __future__ import annotations

from tui.core.transcript.clipboard import summary_text
from tui.core.transcript.export import _steps
from tui.core.transcript.summary import summarize


def event(seq: int, kind: str, payload: dict, actor: str = "tool") -> dict:
    return {"ts": f"2026-12-07T03:00:{seq:02d}.000Z", "seq": seq, "actor": actor, "kind": kind,
            "payload": payload}  # fmt: skip


PASSING = [{"check": c, "status": "pass"} for c in ("database", "api", "catalog", "listener")]
INCIDENT = [
    event(1, "session", {"command": "wizard", "tool_version": "0.1.0"}),
    event(2, "verdict", {
        "verdict": "stale-cache",
        "stale_objects": [{"kind": "column", "name": "public.customers.loyalty_tier",
                           "change": "added"}],
        "findings": [*PASSING, {"check": "drift", "status": "fail", "cause": "stale-cache",
                                "summary": "1 added since the cache loaded"}],
    }),
    event(3, "decision", {"decision": "full reset", "rung": "reset",
                          "evidence": {"verdict": "stale-cache", "stale_objects": 1}}, "user"),
    event(4, "dump", {"path": "/tmp/dumps/shop.dump", "sha256": "ab12"}),
    event(5, "step-start", {"step": "reset", "title": "$ supabase db reset --db-url ***"}),
    event(6, "step-end", {"step": "reset", "status": "ok", "summary": "migrations re-applied"}),
    event(7, "decision", {"decision": "restore the dumped rows",
                          "evidence": {"dump": "/tmp/dumps/shop.dump"}}, "user"),
    event(8, "step-end", {"step": "restore", "status": "failed",
                          "summary": "pg_restore: relation exists"}),
    event(9, "confirmation", {"action": "replay", "confirmed": True,
                              "request": "POST /customers"}, "user"),
    event(10, "verdict", {"verdict": "not-cache", "stale_objects": [],
                          "findings": [*PASSING, {"check": "object", "status": "fail",
                                                  "cause": "object-missing"}]}),
]  # fmt: skip


def test_the_demo_incident_summary_tells_the_truth_on_one_screen() -> None:
    text = summary_text(INCIDENT, "20261207T030001Z-abc123")
    assert "- **End state:** not-cache; failed: restore (pg_restore: relation exists)" in text
    assert "- **Lost:** every row and column the migrations do not create" in text
    assert "restore failed; dump: /tmp/dumps/shop.dump" in text
    assert "POST /customers replayed for real (it may have written rows)" in text
    assert "dump /tmp/dumps/shop.dump" in text
    decisions = [line for line in text.splitlines() if line.startswith("  - ")]
    assert len(decisions) == 2  # one line per decision
    assert "full reset (evidence: verdict stale-cache, stale_objects 1)" in decisions[0]
    assert "- **Checks passed:** 4 passed (database, api, catalog, listener); 4 passed" in text
    assert "stale-cache → not-cache" in text  # the outcome does not hide the change
    assert len(text.splitlines()) <= 24  # a two-minute incident fits one screen


def test_commands_are_fenced_as_shell_or_sql() -> None:
    md = "\n".join(_steps(summarize("s", INCIDENT)))
    assert "```shell\nsupabase db reset --db-url ***\n```" in md
