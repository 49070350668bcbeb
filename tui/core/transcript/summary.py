"""What a session amounts to, derived from its events: verdicts, root cause, stale objects,
steps taken, KPIs, dumps, environment. Shared by the Markdown/JSON exports and the clipboard.

Payload shapes vary by producer (a ``StepEvent``, a ``KpiFigure``, a hand-built dict), so every
field is looked up under the few names producers use, never assumed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from tui.core.remedies.kinds import Effect, kind_of
from tui.core.transcript.redact import masked_counts, masking_footer
from tui.core.transcript.render import compact, event_text, fmt_ms, kpi_fields, pick, verdict_word

Event = Mapping[str, Any]


@dataclass
class StepSummary:
    step: str
    title: str = ""
    status: str | None = None  # None: started, never ended (crash, Ctrl+C)
    summary: str = ""
    elapsed_ms: float | None = None
    commands: list[str] = field(default_factory=list)  # commands and SQL, in order
    output: list[str] = field(default_factory=list)
    effect: str | None = None  # remedies.kinds.Effect: what the step does to the world
    details: dict[str, Any] = field(default_factory=dict)  # its typed outcome (step-end)

    @property
    def ok(self) -> bool:
        return self.status in OK_STEPS


@dataclass
class SessionSummary:
    session_id: str
    command: str | None
    started: str | None
    ended: str | None
    initial_verdict: str | None
    final_verdict: str | None
    outcome: str
    root_causes: list[dict[str, Any]]
    stale_objects: list[dict[str, Any]]
    steps: list[StepSummary]
    kpis: list[dict[str, Any]]
    dumps: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    notes: list[str]
    environment: dict[str, str | None]
    masked: dict[str, int]
    passed: list[list[str]] = field(default_factory=list)  # per diagnosis: checks that passed
    writes: list[str] = field(default_factory=list)  # requests replayed for real (may write)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


OUTCOME_WORDS = frozenset(
    {"fixed", "not fixed", "reset done", "not reset", "refused", "interrupted"}
)


def _stale_objects(events: Sequence[Event]) -> list[dict[str, Any]]:
    """From the first verdict (or decision) that lists them: the state before any fix."""
    for event in events:
        listed = event["payload"].get("stale_objects")
        if event["kind"] in ("verdict", "decision") and isinstance(listed, list):
            return [o for o in listed if isinstance(o, dict)]
    return []


def _root_causes(events: Sequence[Event]) -> list[dict[str, Any]]:
    """Causes of failing findings (first verdict's, then standalone checks); warn if no fail."""
    findings: list[Mapping[str, Any]] = []
    for event in events:
        if event["kind"] == "verdict":
            findings.extend(
                f for f in event["payload"].get("findings") or [] if isinstance(f, dict)
            )
            break
    findings.extend(e["payload"] for e in events if e["kind"] == "check")
    causes: dict[str, dict[str, Any]] = {}
    for wanted in ("fail", "warn"):
        for finding in findings:
            cause = finding.get("cause")
            if cause and finding.get("status") == wanted and cause not in causes:
                causes[str(cause)] = {
                    "cause": str(cause),
                    "check": finding.get("check"),
                    "summary": finding.get("summary") or "",
                    "fix": finding.get("fix"),
                }
        if causes:
            break
    return list(causes.values())


# A step's title or output line that starts like this is a command or SQL it ran.
SQL_KEYWORDS = ("SELECT", "NOTIFY", "ALTER", "GRANT", "REVOKE", "CREATE", "DROP", "RESET",
                "SET ", "COMMENT", "TRUNCATE", "INSERT", "UPDATE", "DELETE")  # fmt: skip
PROGRAMS = ("supabase ", "psql ", "pg_dump ", "pg_restore ", "postgrest ", "kill ", "systemctl ",
            "docker ", "curl ")  # fmt: skip


_TIMING = re.compile(r"\s*\(\d+(?:\.\d+)?\s*m?s\)$")  # "NOTIFY … (9.5 ms)" ran "NOTIFY …"


def is_sql(line: str) -> bool:
    return line.lstrip().upper().startswith(SQL_KEYWORDS)


def command_in(line: str) -> str | None:
    """The command or SQL in a title/output line: "$ cmd", "NOTIFY …", "supabase …"."""
    text = _TIMING.sub("", line.strip())
    if text.startswith("$ "):
        return text[2:].strip() or None
    if is_sql(text) or text.startswith(PROGRAMS):
        return text
    return None


def _add_command(step: StepSummary, value: Any) -> None:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    if value and str(value) not in step.commands:
        step.commands.append(str(value))


def _steps(events: Sequence[Event]) -> list[StepSummary]:
    """One entry per run of a step (a second verification is a second entry); output and
    the end go to the latest run of that step."""
    runs: list[StepSummary] = []
    latest: dict[str, StepSummary] = {}
    for event in events:
        kind, payload = event["kind"], event["payload"]
        if not kind.startswith("step-"):
            continue
        name = str(pick(payload, "step", "id", "name") or "step")
        step = latest.get(name)
        if step is None or (kind == "step-start" and (step.status or step.title)):
            step = latest[name] = StepSummary(step=name)
            runs.append(step)
        known = kind_of(name)  # a journal from before steps carried their effect
        effect = payload.get("effect") or step.effect or (known.effect if known else None)
        step.effect = str(effect) if effect else None
        for key in ("command", "sql", "argv"):
            _add_command(step, payload.get(key))
        if kind == "step-start":
            step.title = str(pick(payload, "title", "message") or step.title)
            _add_command(step, command_in(step.title))
        elif kind == "step-output":
            text = pick(payload, "text", "message", "line", "output")
            lines = str(text).splitlines() if text else []
            step.output.extend(lines)
            for line in lines:
                _add_command(step, command_in(line))
        else:
            status = pick(payload, "status", "kind") or "ended"
            step.status = STATUS_OF_KIND.get(str(status), str(status))
            step.summary = str(pick(payload, "summary", "message") or "")
            if isinstance(payload.get("details"), Mapping):
                step.details = dict(payload["details"])
            elapsed = payload.get("elapsed_ms")
            step.elapsed_ms = float(elapsed) if isinstance(elapsed, int | float) else None
    return runs


def kpi_row(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A KPI event as {id, title, target, alert, actual, verdict} (ms figures formatted)."""

    payload = kpi_fields(payload)

    def figure(plain: str, ms: str) -> str:
        value = payload.get(plain)
        if value is None and payload.get(ms) is not None:
            return fmt_ms(payload[ms])
        return "" if value is None else str(value)

    return {
        "id": str(pick(payload, "id", "kpi") or ""),
        "title": str(payload.get("title") or ""),
        "target": figure("target", "target_ms"),
        "alert": figure("alert", "alert_ms"),
        "actual": figure("actual", "ms"),
        "verdict": str(payload.get("verdict") or ""),
    }


def _version_sources(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Where producers put versions: the payload, its fingerprint, a finding's evidence."""
    found = [payload]
    for holder in (payload, payload.get("evidence")):
        if isinstance(holder, Mapping):
            found.append(holder)
            if isinstance(holder.get("fingerprint"), Mapping):
                found.append(holder["fingerprint"])
    return found


def _environment(events: Sequence[Event]) -> dict[str, str | None]:
    env: dict[str, str | None] = {"pgrst-doctor": None, "PostgREST": None, "PostgreSQL": None}
    for event in events:
        for source in _version_sources(event["payload"]):
            if event["kind"] == "session" and source.get("tool_version"):
                env["pgrst-doctor"] = str(source["tool_version"])
            if source.get("postgrest_version"):
                env["PostgREST"] = str(source["postgrest_version"])
            pg = pick(source, "server_version", "postgres_version", "postgresql_version")
            if pg:
                env["PostgreSQL"] = str(pg)
    for event in events:  # where the session pointed at (masked display strings)
        if event["kind"] == "target":
            for key in ("api_url", "db_url"):
                if event["payload"].get(key):
                    env[key] = str(event["payload"][key])
    return env


def _outcome(initial: str | None, final: str | None, steps: list[StepSummary]) -> str:
    done = [s for s in steps if s.status]
    after = f" after {', '.join(s.step for s in done)}" if done else ""
    if final is None:
        return "no verdict recorded" + (" (steps ran, not verified)" if done else "")
    if final in OUTCOME_WORDS:  # reload/reset report an outcome, not a diagnosis
        return final + (after if final in ("fixed", "reset done") else "")
    if initial is not None and initial != final and final == "healthy":
        return f"resolved: {initial} → healthy" + (
            f" after {', '.join(s.step for s in done)}" if done else ""
        )
    if initial != final:
        return f"{initial} → {final}"
    return final if not done else f"still {final} after {', '.join(s.step for s in done)}"


def _interruption(events: Sequence[Event]) -> str | None:
    """A command stopped by a signal: which one, and what it had done (dump kept, reset
    started), as the command recorded it."""
    last = next((e["payload"] for e in reversed(events) if e["kind"] == "verdict"), None)
    if not last or not last.get("interrupted"):
        return None
    return f"interrupted by {last['interrupted']}: {last.get('state') or 'state not recorded'}"


def summarize(session_id: str, events: Sequence[Event]) -> SessionSummary:
    """Derive the session's summary (pure: events in, dataclass out)."""
    words = [verdict_word(e["payload"]) for e in events if e["kind"] == "verdict"]
    verdicts = [w for w in words if w is not None]
    diagnosed = [w for w in verdicts if w not in OUTCOME_WORDS]
    steps = _steps(events)
    command = next((e["payload"].get("command") for e in events if e["kind"] == "session"), None)
    return SessionSummary(
        session_id=session_id,
        command=command,
        started=events[0]["ts"] if events else None,
        ended=events[-1]["ts"] if events else None,
        initial_verdict=diagnosed[0] if diagnosed else None,
        final_verdict=verdicts[-1] if verdicts else None,
        outcome=_interruption(events)
        or _outcome(diagnosed[0] if diagnosed else None, verdicts[-1] if verdicts else None, steps),
        root_causes=_root_causes(events),
        stale_objects=_stale_objects(events),
        steps=steps,
        kpis=[kpi_row(e["payload"]) for e in events if e["kind"] == "kpi"],
        dumps=[dict(e["payload"]) for e in events if e["kind"] == "dump"],
        decisions=[
            {"ts": e["ts"], "actor": e["actor"], **e["payload"]}
            for e in events
            if e["kind"] == "decision"
        ],
        notes=[event_text(e) for e in events if e["kind"] == "note"],
        environment=_environment(events),
        masked=masked_counts(_all_strings(events)),
        passed=[
            [
                str(f.get("check"))
                for f in e["payload"].get("findings") or []
                if isinstance(f, dict) and f.get("status") == "pass"
            ]
            for e in events
            if e["kind"] == "verdict" and e["payload"].get("findings")
        ],
        writes=[
            str(e["payload"].get("request") or "a request")
            for e in events
            if e["kind"] == "confirmation"
            and e["payload"].get("action") == "replay"
            and e["payload"].get("confirmed")
        ],
    )


def _all_strings(obj: Any) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, Mapping):
        return [s for k, v in obj.items() for s in (*_all_strings(k), *_all_strings(v))]
    if isinstance(obj, list | tuple):
        return [s for item in obj for s in _all_strings(item)]
    return []


# a step-end's status (remedies.events.StepStatus); older journals said finished / failed
OK_STEPS = frozenset({"ok"})
STATUS_OF_KIND = {"finished": "ok", "fixed": "ok", "done": "ok"}


def _failed(summary: SessionSummary) -> list[StepSummary]:
    """Steps that did not succeed and were not run again with success afterwards."""
    steps = summary.steps
    return [
        s
        for i, s in enumerate(steps)
        if not s.ok and not any(later.step == s.step and later.ok for later in steps[i + 1 :])
    ]


def _changed(steps: list[StepSummary]) -> list[str]:
    """What each step that succeeded changed, from its kind (remedies.kinds)."""
    done = [kind_of(s.step) for s in steps if s.ok]
    return list(dict.fromkeys(k.changed for k in done if k is not None and k.changed))


def _lost(summary: SessionSummary) -> str | None:
    """After a step that drops (the reset): what no step put back. Objects no migration
    creates and the rows, unless a restore succeeded; rows a restore could not put back."""
    steps = summary.steps
    drops = [i for i, s in enumerate(steps) if s.effect == Effect.DROPS and s.ok]
    if not drops:
        return None
    restores = [s for s in steps[drops[-1] + 1 :] if s.effect == Effect.RESTORES]
    if any(s.ok for s in restores):
        return "nothing: the dumped database was put back after the reset"
    compared = [s.details for s in steps if "unmigrated" in s.details]
    lost = "every row the migrations do not create"
    if compared and compared[-1].get("choice") != "keep" and compared[-1]["unmigrated"]:
        named = [str(o) for o in compared[-1]["unmigrated"]]
        count = compared[-1].get("count") or len(named)
        objects = "1 object" if count == 1 else f"{count} objects"
        lost += f", and {objects} in no migration ({', '.join(named[:4])})"
    failed_rows = [r for s in restores for r in s.details.get("failed_rows") or []]
    skipped = [str(t) for s in restores for t in s.details.get("skipped") or []]
    if failed_rows or skipped:
        lost = f"{len(failed_rows)} rows and {len(skipped)} tables the restore could not put back"
    dump = summary.dumps[-1].get("path", "?") if summary.dumps else None
    where = f"; the dump holds them: {dump}" if dump else "; no dump recorded"
    state = "restore failed" if restores else "not restored"
    return f"{lost} ({state}{where})"


def _written(summary: SessionSummary) -> list[str]:
    """Files the session wrote and requests it sent for real (they may have written rows)."""
    paths = [str(d.get("path", "?")) for d in summary.dumps]
    for step in summary.steps:
        if step.effect == Effect.SAVES and step.ok and step.details.get("path"):
            paths.append(str(step.details["path"]))
    written = [f"file {p}" for p in dict.fromkeys(paths)]
    sent = [
        s.details["request"]
        for s in summary.steps
        if s.effect == Effect.VERIFIES and isinstance(s.details.get("request"), Mapping)
    ]
    real = [r for r in sent if r.get("for_real")]
    for r in real:
        answer = f" -> {r['status']}" if r.get("status") is not None else ""
        written.append(f"{r.get('request', 'the request')}{answer} sent for real by the "
                       "verification (it may have written rows)")  # fmt: skip
    if not real:  # older journals: the user's typed yes is all there is
        written += [f"{w} replayed for real (it may have written rows)" for w in summary.writes]
    return written


def _end_state(summary: SessionSummary) -> list[str]:
    """What is true now, in plain words: the last verdict, what changed, what was lost, what
    failed and what the session wrote, from the steps' kinds and typed outcomes. Nothing
    here is inferred beyond the recorded events."""
    lines = [f"- **End state:** {summary.final_verdict or 'not diagnosed after the last step'}"]
    if summary.steps:
        changed = _changed(summary.steps)
        lines.append(f"- **Changed:** {'; '.join(changed) or 'nothing'}")
    lost = _lost(summary)
    if lost:
        lines.append(f"- **Lost:** {lost}")
    failed = [f"{s.step} ({s.summary or s.status or 'did not finish'})" for s in _failed(summary)]
    if failed:
        lines.append(f"- **Failed:** {'; '.join(failed)}")
    written = _written(summary)
    if written:
        lines.append(f"- **Written:** {'; '.join(written)}")
    return lines


def _decision_lines(summary: SessionSummary) -> list[str]:
    """One line per decision with the evidence it rested on (the verdict then in force)."""
    lines = []
    for d in summary.decisions:
        what = d.get("decision") or d.get("text") or d.get("summary") or "?"
        evidence = d.get("evidence")
        shown = ", ".join(f"{k} {compact(v)}" for k, v in evidence.items()) if isinstance(
            evidence, Mapping) else compact(evidence) if evidence else "none recorded"  # fmt: skip
        lines.append(f"  - {str(d.get('ts', ''))[11:19]} {d.get('actor', '?')}: {what} "
                     f"(evidence: {shown})")  # fmt: skip
    return ["- **Decisions:**", *lines] if lines else []


def summary_lines(summary: SessionSummary) -> list[str]:
    """The ticket summary as Markdown bullet lines (used by the export and the clipboard):
    what was found, what was done and decided, and the end state, one screen for a short
    incident (passing checks folded into one line per diagnosis)."""
    causes = "; ".join(f"{c['cause']} — {c['summary']}".rstrip(" —") for c in summary.root_causes)
    stale = ", ".join(
        f"{o.get('kind', '?')} {o.get('name', '?')} ({o.get('change', '?')})"
        for o in summary.stale_objects
    )
    done = "; ".join(
        f"{s.step}: {s.status or 'did not finish'}"
        + (f" ({fmt_ms(s.elapsed_ms)})" if s.elapsed_ms is not None else "")
        for s in summary.steps
    )
    verdict = summary.initial_verdict or "none recorded"
    passed = [f"{len(p)} passed ({', '.join(p)})" for p in summary.passed if p]
    return [
        f"- **Verdict:** {verdict}",
        f"- **Root cause:** {causes or 'not established'}",
        f"- **Stale objects:** {stale or 'none found'}",
        *_decision_lines(summary),
        f"- **What was done:** {done or 'diagnosis only, nothing changed'}",
        f"- **Outcome:** {summary.outcome}",
        *_end_state(summary),
        *([f"- **Checks passed:** {'; '.join(passed)}"] if passed else []),
    ]


def footer(summary: SessionSummary) -> str:
    return masking_footer(summary.masked)
