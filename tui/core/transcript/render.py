"""Small text helpers for transcript renderings: one line per event, Markdown-safe cells and
fences, durations. Pure functions; all output has control characters made visible
(``shown.visible``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from tui.core.shown import visible

Payload = Mapping[str, Any]


def pick(payload: Payload, *names: str) -> Any:
    """The first present, non-empty value among ``names``."""
    for name in names:
        value = payload.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def fmt_ms(ms: Any) -> str:
    """``850 ms`` / ``1.2 s``; anything not a number is shown as given."""
    if not isinstance(ms, int | float) or isinstance(ms, bool):
        return str(ms)
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def one_line(text: Any, limit: int = 200) -> str:
    """Controls made visible, single-line, at most ``limit`` characters."""
    flat = " ".join(visible(str(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def md_cell(text: Any, limit: int = 300) -> str:
    """A Markdown table cell: ``|`` escaped, newlines as ``<br>``, controls visible, bounded."""
    clean = visible(str(text).replace("\r\n", "\n"))
    if len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    clean = clean.replace("\\", "\\\\").replace("|", "\\|")
    return "<br>".join(part.strip() for part in clean.split("\n")) or " "


def fence(body: str, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside ``body``."""
    body = visible(body).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{body}\n{ticks}"


def verdict_word(payload: Payload) -> str | None:
    """The verdict of a ``verdict`` event: a Report's, or the outcome words of reload/reset."""
    if payload.get("verdict") is not None:
        return str(payload["verdict"])
    if payload.get("interrupted"):
        return "interrupted"
    if isinstance(payload.get("fixed"), bool):
        return "fixed" if payload["fixed"] else "not fixed"
    if payload.get("refused"):
        return "refused"
    if isinstance(payload.get("reset"), bool):
        return "reset done" if payload["reset"] else "not reset"
    return None


def kpi_fields(payload: Payload) -> Payload:
    """A KPI payload flat: ``StepEvent.to_json()`` nests the figure under "kpi"."""
    nested = payload.get("kpi")
    return {**payload, **nested} if isinstance(nested, Mapping) else payload


def compact(value: Any) -> str:
    if isinstance(value, list | tuple):
        shown = ", ".join(
            str(v.get("name", v)) if isinstance(v, Mapping) else str(v) for v in value[:5]
        )
        return f"[{shown}{', …' if len(value) > 5 else ''}]"
    return one_line(value, 80)


def _fmt_evidence(evidence: Any) -> str:
    if isinstance(evidence, Mapping):
        return "; ".join(f"{k}: {one_line(v, 80)}" for k, v in evidence.items())
    if isinstance(evidence, list | tuple):
        return "; ".join(one_line(v, 80) for v in evidence)
    return one_line(evidence, 160)


def _target(p: Payload) -> str:
    where = " ".join(str(p[k]) for k in ("api_url", "db_url") if p.get(k))
    fingerprint = p.get("fingerprint")
    if isinstance(fingerprint, Mapping) and fingerprint:
        where += " (fingerprint " + ", ".join(f"{k}={v}" for k, v in fingerprint.items()) + ")"
    elif fingerprint:
        where += f" (fingerprint {fingerprint})"
    sandbox = p.get("sandbox")
    if isinstance(sandbox, list | tuple) and sandbox:  # the wizard's banner label, as journalled
        where += f" (sandbox {' and '.join(str(part) for part in sandbox)})"
    return f"target: {where or 'set'}"


def _symptom(p: Payload) -> str:
    chosen = pick(p, "symptoms", "symptom", "id", "text")
    if isinstance(chosen, list | tuple):
        chosen = ", ".join(str(c) for c in chosen)
    return f"symptom: {chosen or '?'}"


def _check(p: Payload) -> str:
    name = pick(p, "title", "check") or "?"
    cause = f" [{p['cause']}]" if p.get("cause") else ""
    return f"check {name}: {p.get('status', '?')}{cause} — {p.get('summary', '')}".rstrip(" —")


def _decision(p: Payload) -> str:
    what = pick(p, "decision", "text", "summary", "choice")
    evidence = pick(p, "evidence", "knew", "because")
    if what is None:  # a bare record of what was chosen: show its fields
        what = "; ".join(f"{k}: {compact(v)}" for k, v in p.items() if v not in (None, ""))
    return f"decided: {what or '?'}" + (
        f" (evidence: {_fmt_evidence(evidence)})" if evidence else ""
    )


def _step_start(p: Payload) -> str:
    title = pick(p, "title", "message")
    ran = pick(p, "command", "sql")
    return (
        f"step {pick(p, 'step', 'id') or '?'} started"
        + (f": {title}" if title else "")
        + (f" — `{one_line(ran, 120)}`" if ran else "")
    )


def _step_output(p: Payload) -> str:
    return f"{pick(p, 'step', 'id') or 'step'} output: {pick(p, 'text', 'message', 'line') or ''}"


def _step_end(p: Payload) -> str:
    status = pick(p, "status", "kind") or "ended"
    elapsed = p.get("elapsed_ms")
    took = f" in {fmt_ms(elapsed)}" if isinstance(elapsed, int | float) else ""
    summary = pick(p, "summary", "message")
    return f"step {pick(p, 'step', 'id') or '?'} {status}{took}" + (
        f": {summary}" if summary else ""
    )


def _confirmation(p: Payload) -> str:
    what = pick(p, "what", "prompt", "step", "action") or "action"
    answer = p.get("answer", p.get("confirmed", p.get("result")))
    if isinstance(answer, bool):
        answer = "confirmed" if answer else "declined"
    if answer is None and "typed" in p:
        expected = f" (expected {p['expected']!r})" if "expected" in p else ""
        answer = f"typed {p['typed']!r}{expected}"
    return f"confirmation for {what}: {answer if answer is not None else 'asked'}"


def _dump(p: Payload) -> str:
    sha = str(p.get("sha256") or "")
    size = p.get("bytes")
    return (
        f"dump written: {p.get('path', '?')}"
        + (f" ({size} bytes)" if size is not None else "")
        + (f" sha256 {sha[:12]}…" if sha else "")
    )


def _kpi(p: Payload) -> str:
    p = kpi_fields(p)
    name = pick(p, "title", "id", "kpi") or "?"
    actual = p.get("actual") if p.get("actual") is not None else fmt_ms(p.get("ms"))
    return f"KPI {name}: {actual} ({p.get('verdict', '?')})"


def _verdict(p: Payload) -> str:
    word = verdict_word(p) or "?"
    if p.get("interrupted"):
        return f"verdict: interrupted by {p['interrupted']} — {p.get('state') or '?'}"
    if p.get("refused"):
        return f"verdict: refused — {p['refused']}"
    if "stale_objects" not in p:
        return f"verdict: {word}"
    stale = p.get("stale_objects") or []
    return f"verdict: {word} ({len(stale)} stale object{'s' * (len(stale) != 1)})"


_DESCRIBE: dict[str, Callable[[Payload], str]] = {
    "session": lambda p: f"session started: pgrst-doctor {p.get('command', '?')}",
    "target": _target,
    "symptom": _symptom,
    "check": _check,
    "decision": _decision,
    "step-start": _step_start,
    "step-output": _step_output,
    "step-end": _step_end,
    "confirmation": _confirmation,
    "dump": _dump,
    "kpi": _kpi,
    "note": lambda p: f"note: {pick(p, 'text', 'note') or ''}",
    "verdict": _verdict,
}


def event_text(event: Mapping[str, Any]) -> str:
    """One plain line for a timeline entry (unknown kinds show their payload keys)."""
    payload = event.get("payload") or {}
    describe = _DESCRIBE.get(str(event.get("kind")))
    if describe is None:
        return one_line(f"{event.get('kind')}: {', '.join(map(str, payload))}")
    return one_line(describe(payload), 400)
