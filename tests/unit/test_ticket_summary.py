"""The ticket summary of the demo incident tells the truth: a stale cache, a NOTIFY that did
not take, a reset chosen on that verdict that dropped an object in no migration, a restore
that failed, a verification that sent a write for real. The end state says what changed,
what was lost, what failed and what was written, from the steps' kinds and typed outcomes
(the events are the core's own StepEvents); each decision shows the verdict it rested on;
passing checks fold into one line; it fits one screen; fences say shell or sql."""

from __future__ import annotations

from typing import Any

from tui.core.remedies.events import EventKind, StepEvent, StepStatus
from tui.core.remedies.kinds import STEP_KINDS, Effect
from tui.core.transcript.clipboard import summary_text
from tui.core.transcript.export import _steps
from tui.core.transcript.summary import summarize

DUMP = "/tmp/dumps/dump-shop-20261207T030005Z.pgdump"
PASSING = [{"check": c, "status": "pass"} for c in ("database", "api", "catalog", "listener")]


def event(seq: int, kind: str, payload: dict[str, Any], actor: str = "tool") -> dict[str, Any]:
    return {"ts": f"2026-12-07T03:00:{seq:02d}.000Z", "seq": seq, "actor": actor, "kind": kind,
            "payload": payload}  # fmt: skip


def step(step_id: str, title: str, status: StepStatus, summary: str, **details: Any) -> list:
    """A step's start and end as the core emits and the journal records them."""
    end = EventKind.FINISHED if status is StepStatus.OK else EventKind.FAILED
    return [("step-start", StepEvent(step_id, EventKind.STARTED, title).to_json()),
            ("step-end", StepEvent(step_id, end, summary, 1.2, status=status,
                                   details=details or None).to_json())]  # fmt: skip


def verdict(word: str, stale: list[dict[str, str]], failing: dict[str, str]) -> dict[str, Any]:
    return {"verdict": word, "stale_objects": stale,
            "findings": [*PASSING, {"status": "fail", **failing}]}  # fmt: skip


def decision(what: str, rung: str, in_force: str) -> dict[str, Any]:
    return {"decision": what, "rung": rung, "evidence": {"verdict": in_force, "stale_objects": 1}}


STALE = [{"kind": "column", "name": "public.customers.loyalty_tier", "change": "added"}]
RECORDED: list[tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], str]] = [
    ("session", {"command": "wizard", "tool_version": "0.1.0"}),
    ("verdict", verdict("stale-cache", STALE, {"check": "drift", "cause": "stale-cache",
                                               "summary": "1 added since the cache loaded"})),
    ("decision", decision("run NOTIFY pgrst, 'reload schema'", "notify", "stale-cache"), "user"),
    *step("notify", "NOTIFY pgrst, 'reload schema'", StepStatus.OK, "sent on channel pgrst"),
    *step("verify", "verify", StepStatus.FAILED, "still stale after 5s"),
    ("decision", decision("full reset", "reset", "stale-cache"), "user"),
    *step("unmigrated", "what the reset would lose", StepStatus.OK, "1 object will be dropped",
          unmigrated=["column public.customers.phone"], choice="drop"),
    *step("dump", "full dump", StepStatus.OK, "verified full dump", path=DUMP, sha256="ab12"),
    ("dump", {"path": DUMP, "sha256": "ab12"}),
    *step("reset", "$ supabase db reset --db-url ***", StepStatus.OK, "supabase finished"),
    ("decision", {"decision": "restore the dumped rows", "evidence": {"dump": DUMP}}, "user"),
    *step("restore", "restore the dumped rows", StepStatus.FAILED, "restore failed, rolled back"),
    *step("verify", "verify", StepStatus.OK, "fixed: the cache serves the objects",
          request={"request": "POST /customers", "status": 201, "ok": True, "for_real": True}),
    ("verdict", verdict("not-cache", [], {"check": "object", "cause": "object-missing"})),
]  # fmt: skip
INCIDENT = [event(i, *row) for i, row in enumerate(RECORDED, start=1)]


def test_every_remedy_step_has_a_kind() -> None:
    """Every step the remedies run (a class's id, or a step named where it runs) is a row
    of the kinds table, so the summary never meets a step it cannot state."""
    import re
    from pathlib import Path

    import tui.core.remedies as remedies
    from tui.core.remedies.dump import DumpStep
    from tui.core.remedies.ladder import RUNGS
    from tui.core.remedies.notify import NotifyCliStep, NotifyStep
    from tui.core.remedies.reset import ResetStep
    from tui.core.remedies.restart import RestartStep
    from tui.core.remedies.restore import RestoreStep, RowsRestoreStep
    from tui.core.remedies.signal_step import SignalStep
    from tui.core.remedies.verify import VerifyStep

    classes = (DumpStep, NotifyCliStep, NotifyStep, ResetStep, RestartStep, RestoreStep,
               RowsRestoreStep, SignalStep, VerifyStep)  # fmt: skip
    named = {
        m.group(1)
        for path in Path(remedies.__file__).parent.glob("*.py")
        for m in re.finditer(r'(?:running|StepEvent)\(\s*"([\w-]+)"', path.read_text())
    }
    steps = {c.id for c in classes} | {r.id for r in RUNGS} | named
    assert "unmigrated" in named and "migrated" in named  # the scan finds inline steps
    assert steps <= set(STEP_KINDS), steps - set(STEP_KINDS)
    assert STEP_KINDS["reset"].effect is Effect.DROPS


def test_the_demo_incident_summary_tells_the_truth_on_one_screen() -> None:
    text = summary_text(INCIDENT, "20261207T030001Z-abc123")
    lines = text.splitlines()
    assert "- **End state:** not-cache" in lines
    changed = next(line for line in lines if line.startswith("- **Changed:**"))
    assert "NOTIFY" in changed and "database reset" in changed
    lost = next(line for line in lines if line.startswith("- **Lost:**"))
    assert "every row the migrations do not create" in lost
    assert "column public.customers.phone" in lost  # the object no migration had
    assert f"restore failed; the dump holds them: {DUMP}" in lost
    failed = next(line for line in lines if line.startswith("- **Failed:**"))
    assert "restore (restore failed, rolled back)" in failed
    assert "verify" not in failed  # the later verification passed: the last word stands
    written = next(line for line in lines if line.startswith("- **Written:**"))
    assert f"file {DUMP}" in written
    assert "POST /customers -> 201 sent for real by the verification" in written
    decisions = [line for line in lines if line.startswith("  - ")]
    assert len(decisions) == 3  # one line per decision
    assert "full reset (evidence: verdict stale-cache, stale_objects 1)" in decisions[1]
    assert "- **Checks passed:** 4 passed (database, api, catalog, listener); 4 passed" in text
    assert len(lines) <= 24, text  # a two-minute incident fits one screen


def test_a_restore_that_worked_loses_nothing_and_kinds_not_names_decide() -> None:
    """The summary reads effects, not step names: a restore that succeeded after the drop
    leaves nothing lost; a cache-only verification wrote nothing."""
    fixed = [e for e in INCIDENT if e["payload"].get("step") != "restore"]
    fixed += [event(40, kind, payload) for kind, payload in
              step("restore", "restore", StepStatus.OK, "restored 12 rows in 3 tables")]  # fmt: skip
    text = summary_text(fixed, "s")
    assert "- **Lost:** nothing: the dumped database was put back after the reset" in text
    cache_only = [e for e in INCIDENT if not (e["payload"].get("details") or {}).get("request")]
    assert "sent for real" not in summary_text(cache_only, "s")


def test_commands_are_fenced_as_shell_or_sql() -> None:
    md = "\n".join(_steps(summarize("s", INCIDENT)))
    assert "```shell\nsupabase db reset --db-url ***\n```" in md
    assert "```sql\nNOTIFY pgrst, 'reload schema'\n```" in md
