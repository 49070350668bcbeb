"""Render a recorded session for the incident ticket: Markdown (for humans) and JSON (all of it).

Both renderings come from the same events. Events pass through a fresh redactor again on load
(defence in depth for journals written by older versions or edited by hand) and every string
has terminal escapes stripped. Corrupt lines become ``warnings``, never an exception.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.errors import UsageError
from tui.core.shown import json_dumps, visible
from tui.core.transcript.journal import JOURNAL_NAME, JOURNAL_SCHEMA, read_events
from tui.core.transcript.redact import Redactor
from tui.core.transcript.render import compact, event_text, fence, fmt_ms, md_cell, one_line
from tui.core.transcript.summary import SessionSummary, footer, is_sql, summarize, summary_lines

EXPORT_SCHEMA = "pgrst-doctor.transcript/1"
FORMATS = ("md", "json")
OUTPUT_EXCERPT_LINES = 15  # per step in the Markdown; the JSON keeps every line
# Timeline rows: output lines live under "Commands and SQL", not in the timeline.
_TIMELINE_SKIP = {"step-output"}


@dataclass
class Session:
    """A loaded session: its id, directory, cleaned events and any skipped-line warnings."""

    id: str
    dir: Path
    events: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> SessionSummary:
        return summarize(self.id, self.events)


@dataclass
class Export:
    text: str
    warnings: list[str]


def load_session(session_dir: Path) -> Session:
    """Read, re-redact and escape-strip a session's events (never raises on bad lines)."""
    raw_events, warnings = read_events(session_dir / JOURNAL_NAME)
    redactor = Redactor()
    redactor.continue_after(str(e) for e in raw_events)
    events = [redactor.value(e) for e in sorted(raw_events, key=lambda e: e["seq"])]
    return Session(session_dir.name, session_dir, events, warnings)


# --- JSON -------------------------------------------------------------------------------------


def to_json(session: Session) -> dict[str, Any]:
    """Everything: meta, every event, the derived summary, warnings, what was masked."""
    summary = session.summary
    return {
        "schema": EXPORT_SCHEMA,
        "journal_schema": JOURNAL_SCHEMA,
        "session": {
            "id": session.id,
            "dir": str(session.dir),
            "command": summary.command,
            "started": summary.started,
            "ended": summary.ended,
            "tool_version": summary.environment.get("pgrst-doctor"),
            "events": len(session.events),
        },
        "summary": summary.to_json(),
        "events": session.events,
        "warnings": list(session.warnings),
        "masked": summary.masked,
        "masking": footer(summary),
    }


# --- Markdown ---------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return lines


def _timeline(session: Session) -> list[str]:
    rows = [
        [e["ts"], e["actor"], e["kind"], event_text(e)]
        for e in session.events
        if e["kind"] not in _TIMELINE_SKIP
    ]
    return _table(["time (UTC)", "actor", "kind", "event"], rows)


def _steps(summary: SessionSummary) -> list[str]:
    lines: list[str] = []
    for step in summary.steps:
        lines += [
            "",
            f"### {one_line(step.step, 80)}"
            + (f" — {one_line(step.title, 120)}" if step.title else ""),
        ]
        for command in step.commands:
            lines += ["", fence(command, "sql" if is_sql(command) else "shell")]
        if step.output:
            shown = step.output[:OUTPUT_EXCERPT_LINES]
            more = len(step.output) - len(shown)
            excerpt = "\n".join(one_line(line, 300) for line in shown)
            if more:
                excerpt += f"\n… ({more} more line{'s' * (more != 1)} in the JSON export)"
            lines += ["", "Output (excerpt):", "", fence(excerpt, "text")]
        took = f" in {fmt_ms(step.elapsed_ms)}" if step.elapsed_ms is not None else ""
        result = step.status or "did not finish (session ended first)"
        lines += [
            "",
            f"Result: **{md_cell(result)}**{took}"
            + (f" — {md_cell(step.summary)}" if step.summary else ""),
        ]
    return lines or ["", "No commands or SQL were run."]


def _decisions(summary: SessionSummary) -> list[str]:
    rows = []
    for d in summary.decisions:
        what = d.get("decision") or d.get("text") or d.get("summary")
        if not what:  # a bare record of what was chosen: its fields are the decision
            what = "; ".join(
                f"{k}: {compact(v)}"
                for k, v in d.items()
                if k not in ("ts", "actor", "evidence", "knew") and v not in (None, "", [])
            )
        evidence = d.get("evidence") or d.get("knew") or ""
        if isinstance(evidence, Mapping):
            evidence = "; ".join(f"{k}: {v}" for k, v in evidence.items())
        elif isinstance(evidence, list):
            evidence = "; ".join(map(str, evidence))
        rows.append([d.get("ts", ""), d.get("actor", ""), what, evidence])
    return _table(["time (UTC)", "actor", "decision", "evidence it rested on"], rows)


def to_markdown(session: Session) -> str:
    """The incident-ticket rendering."""
    summary = session.summary
    env = summary.environment
    out = [f"# pgrst-doctor session {session.id}", ""]
    out += [
        f"`pgrst-doctor {one_line(summary.command or '?', 60)}` — "
        f"{summary.started or '?'} to {summary.ended or '?'} (UTC), {len(session.events)} events",
        "",
        "## Summary",
        "",
        *summary_lines(summary),
        "",
        "## Timeline (UTC)",
        "",
        *_timeline(session),
    ]
    if summary.decisions:
        out += ["", "## Decisions", "", *_decisions(summary)]
    out += ["", "## Commands and SQL", *_steps(summary)]
    out += ["", "## KPIs", ""]
    if summary.kpis:
        rows = [
            [k["title"] or k["id"], k["target"], k["alert"], k["actual"], k["verdict"]]
            for k in summary.kpis
        ]
        out += _table(["KPI", "target", "alert", "actual", "verdict"], rows)
    else:
        out.append("No KPI figures were measured.")
    out += ["", "## Dump", ""]
    if summary.dumps:
        rows = [[d.get("path", ""), d.get("sha256", ""), d.get("bytes", "")] for d in summary.dumps]
        out += _table(["path", "sha256", "bytes"], rows)
    else:
        out.append("No dump was taken.")
    out += ["", "## Environment", ""]
    out += _table(["component", "version / value"], [[k, v or "unknown"] for k, v in env.items()])
    if session.warnings:
        out += ["", "## Warnings", "", *(f"- {md_cell(w)}" for w in session.warnings)]
    out += ["", "---", "", footer(summary), ""]
    # escape sequences and C0/C1 controls were stripped on record; what is left invisible
    # (bidi overrides, zero-width characters) is made visible
    return visible("\n".join(out))


def export_session(session_dir: Path, fmt: str) -> Export:
    """Render ``session_dir`` as ``fmt`` ("md" or "json")."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    session = load_session(session_dir)
    text = json_dumps(to_json(session), indent=2) + "\n" if fmt == "json" else to_markdown(session)
    return Export(text=text, warnings=list(session.warnings))


class ExportExists(UsageError):
    """The export's path exists (or is a link): nothing was written."""


def write_private(path: Path, text: str, *, force: bool = False) -> int:
    """Write an export with mode 0600; returns bytes written.

    Never through a symbolic link, even with ``force`` (an export path in a shared folder is
    an invitation to point it at the user's files); an existing regular file is replaced only
    with ``force``, by a rename of a new 0600 file (so a hard link is not written through
    either). Raises ``ExportExists`` (one line, exit 2) or ``OSError``.
    """
    data = text.encode("utf-8")
    try:
        existing = os.lstat(path)
    except FileNotFoundError:
        existing = None
    if existing is not None:
        if stat.S_ISLNK(existing.st_mode):
            raise ExportExists(f"{path} is a symbolic link: not writing through it")
        if not force:
            raise ExportExists(f"{path} exists: add --force to overwrite it")
        if not stat.S_ISREG(existing.st_mode):
            raise ExportExists(f"{path} is not a regular file: not overwriting it")
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            _write_all(fd, data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return len(data)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:  # created (or linked) since the lstat
        raise ExportExists(f"{path} exists: add --force to overwrite it") from None
    _write_all(fd, data)
    return len(data)


def _write_all(fd: int, data: bytes) -> None:
    """Write, make 0600, fsync and close ``fd``."""
    try:
        os.fchmod(fd, 0o600)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
