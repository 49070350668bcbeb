"""Pure functions: core results in, Rich renderables out. Widgets hold state, these draw it.

Colours come from a ``Palette`` built from the app's theme variables, so themes and
NO_COLOR work and colour is never the only signal: every status has a glyph and a word.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tui.core.knowledge.causes import CAUSES, one_per_cause, shown_first
from tui.core.knowledge.events import SchemaChangeRoute
from tui.core.knowledge.kpis import KPI_WORDING, KPIS, Kpi, KpiVerdict
from tui.core.knowledge.symptoms import SYMPTOMS, Symptom
from tui.core.model import (
    STATUS_WORDING,
    VERDICT_WORDING,
    Finding,
    Report,
    Status,
    Tone,
    Verdict,
    verdict_line,
)
from tui.core.shown import clean

if TYPE_CHECKING:
    from tui.core.remedies.events import StepResult
    from tui.core.remedies.reset import ResetOutcome

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
EVIDENCE_LINES = 4  # evidence shown per panel; the transcript keeps all of it


@dataclass(frozen=True)
class Palette:
    """Rich styles per meaning. The default is colourless (tests, NO_COLOR, plain export)."""

    good: str = ""
    warn: str = ""
    bad: str = ""
    muted: str = ""
    accent: str = ""

    @classmethod
    def from_variables(cls, variables: Mapping[str, str]) -> Palette:
        """Build from Textual's CSS variables (``App.get_css_variables()``)."""
        return cls(
            good=variables.get("text-success", variables.get("success", "")),
            warn=variables.get("text-warning", variables.get("warning", "")),
            bad=variables.get("text-error", variables.get("error", "")),
            muted=variables.get("text-muted", "") and "dim",
            accent=variables.get("text-accent", variables.get("accent", "")),
        )

    def for_tone(self, tone: Tone) -> str:
        return {Tone.GOOD: self.good, Tone.WARN: self.warn, Tone.BAD: self.bad,
                Tone.MUTED: self.muted}[tone]  # fmt: skip

    def for_status(self, status: Status) -> str:
        return self.for_tone(STATUS_WORDING[status].tone)

    def for_kpi(self, verdict: KpiVerdict) -> str:
        return self.for_tone(KPI_WORDING[verdict].tone)


PLAIN = Palette()


def seconds(value: float) -> str:
    """Durations the way people read them: 13 ms, 1.2 s, 75 s."""
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 10:
        return f"{value:.1f} s"
    return f"{value:.0f} s"


def status_label(status: Status, palette: Palette = PLAIN) -> Text:
    """Glyph plus word from the core's one table, e.g. ``✗ problem``."""
    return Text(STATUS_WORDING[status].label, style=palette.for_status(status))


def running_label(elapsed_s: float, frame: int) -> Text:
    """The running state: spinner frame, the word, elapsed time."""
    return Text(f"{SPINNER[frame % len(SPINNER)]} running {seconds(elapsed_s)}")


def _short(value: Any) -> str:
    """One value in a few words: scalars as is, containers by size, records by their fields."""
    if value is None or isinstance(value, str | int | float | bool):
        return str(value)
    if isinstance(value, Mapping):
        return f"{len(value)} entries"
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        if all(isinstance(v, str | int | float) for v in items):
            shown = ", ".join(str(v) for v in items[:4])
            return (shown + (f" … (+{len(items) - 4})" if len(items) > 4 else "")) or "none"
        return f"{len(items)} items"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = []
        for f in dataclasses.fields(value):
            inner = getattr(value, f.name)
            if inner is None or isinstance(inner, str | int | float | bool):
                parts.append(f"{f.name} {inner}")
            elif isinstance(inner, Mapping | list | tuple | set | frozenset):
                parts.append(f"{f.name} {len(inner)}")
        return ", ".join(parts)
    return str(value)


def evidence_lines(evidence: Mapping[str, Any], limit: int = EVIDENCE_LINES) -> list[str]:
    """Evidence as short ``key: value`` lines (long values cut); the transcript keeps it all."""
    lines: list[str] = []
    for key, value in evidence.items():
        shown = clean(_short(value), lines=False)  # escapes first, then the cut
        if len(shown) > 72:
            shown = shown[:71] + "…"
        lines.append(f"{clean(str(key), lines=False)}: {shown}")
    if len(lines) > limit:
        rest = len(lines) - limit + 1
        lines = [*lines[: limit - 1], f"… {rest} more in the transcript"]
    return lines


def render_outcome(
    status: Status,
    summary: str,
    evidence: Mapping[str, Any],
    elapsed_ms: float | None,
    palette: Palette = PLAIN,
) -> RenderableType:
    """A finished probe: status, elapsed, summary, then its evidence."""
    head = status_label(status, palette)
    if elapsed_ms is not None:
        head.append(f"  {seconds(elapsed_ms / 1000)}", style=palette.muted)
    parts: list[RenderableType] = [head, Text(clean(summary))]
    parts.extend(
        Text(line, style=palette.muted, no_wrap=True, overflow="ellipsis")
        for line in evidence_lines(evidence)
    )
    return Group(*parts)


def render_crash(error: BaseException, palette: Palette = PLAIN) -> RenderableType:
    """A check whose worker crashed: shown as a red panel, the others keep going."""
    name = type(error).__name__
    return Group(
        Text(f"{STATUS_WORDING[Status.ERROR].label}: the check crashed", style=palette.bad),
        Text(clean(f"{name}: {error}"[:200])),
    )


def render_verdict(report: Report, palette: Palette = PLAIN) -> Text:
    style = palette.for_tone(VERDICT_WORDING[report.verdict].tone)
    return Text(verdict_line(report.verdict), style=f"bold {style}".strip())


def causal_findings(report: Report) -> list[Finding]:
    """Findings that name a cause, security exposures first, then worst first."""
    found = [f for f in report.findings if f.cause is not None and f.status is not Status.PASS]
    return shown_first(one_per_cause(found))


def render_root_cause(report: Report, palette: Palette = PLAIN) -> RenderableType:
    """The root cause in plain words, with the exact fix for each cause found."""
    parts: list[RenderableType] = [render_verdict(report, palette)]
    for finding in causal_findings(report):
        info = CAUSES.get(finding.cause) if finding.cause else None
        head = status_label(finding.status, palette)
        head.append(f"  {info.title if info else finding.title or finding.check}", style="bold")
        parts.append(head)
        parts.append(Text(info.explanation if info else clean(finding.summary)))
        if info and finding.summary:
            parts.append(Text(clean(finding.summary), style=palette.muted))
        if finding.fix:
            parts.append(Text(clean(f"fix: {finding.fix}"), style=palette.accent))
    if len(parts) == 1 and report.verdict is Verdict.HEALTHY:
        parts.append(Text("Nothing to fix. Every check passed."))
    return Group(*parts)


def stale_rows(report: Report) -> list[tuple[str, str, str]]:
    """Rows for the stale-objects table: kind, name, and what disagrees, in words."""
    words = {"added": "in database, not in cache", "removed": "in cache, gone from database"}
    return [
        (str(o.kind), clean(o.name, lines=False), words.get(str(o.change), str(o.change)))
        for o in sorted(report.stale_objects)
    ]


def runbook_notes(report: Report, symptom_ids: Iterable[str]) -> list[str]:
    """Where RUN-002 would have misled: each finding's note, then each chosen symptom's truth."""
    notes = [f.runbook_note for f in report.findings if f.runbook_note]
    for symptom_id in symptom_ids:
        symptom = SYMPTOMS.get(symptom_id)
        if symptom is not None:
            notes.append(f"{symptom.title}: runbook says “{symptom.runbook_says}” {symptom.truth}")
    return list(dict.fromkeys(notes))  # once each, in order


def render_symptom(symptom: Symptom, palette: Palette = PLAIN) -> RenderableType:
    return Group(
        Text(symptom.title, style="bold"),
        Text.assemble(("Runbook says: ", palette.muted), symptom.runbook_says),
        Text.assemble(("Actually: ", palette.accent), symptom.truth),
    )


def render_route(route: SchemaChangeRoute, palette: Palette = PLAIN) -> RenderableType:
    """One answer to "how was the schema changed?": does it need a reload at all?"""
    needs = route.needs_reload
    glyph = "✓" if needs.startswith("no") else "!"
    return Group(
        Text(route.title, style="bold"),
        Text.assemble(("Runbook says: ", palette.muted), route.runbook_says),
        Text(f"{glyph} Needs a reload: {needs}", style=palette.warn if glyph == "!" else ""),
        Text(route.why),
    )


def render_kpi(kpi: Kpi, value_s: float, palette: Palette = PLAIN) -> Text:
    """A KPI figure judged against its target and alert thresholds, in words and glyph."""
    verdict = kpi.judge(value_s)
    glyph, words = KPI_WORDING[verdict].glyph, KPI_WORDING[verdict].word
    text = Text(f"{glyph} {kpi.title}: {seconds(value_s)} ", style=palette.for_kpi(verdict))
    text.append(
        f"({words}; target {seconds(kpi.target_s)}, alert {seconds(kpi.alert_s)})",
        style=palette.muted,
    )
    return text


def render_reset(outcome: ResetOutcome, palette: Palette = PLAIN) -> Text:
    """A full reset's end: reset (with what was kept and the rows put back), refused before
    anything was dropped, or not finished; then the dump's path and every KPI figure."""
    if outcome.done:
        parts = [
            Text(
                "✓ Database reset: migrations re-applied (checked against them). "
                "Diagnose again next.",
                style=palette.good,
            )
        ]
        if outcome.kept_migration is not None:
            parts.append(Text(f"kept in a new migration: {outcome.kept_migration.name}"))
        if outcome.restore is not None:
            glyph = "✓" if outcome.restore.ok else "✗"
            parts.append(Text(f"{glyph} rows: {clean(outcome.restore.summary)}"))
    elif outcome.refused:
        parts = [Text(f"! {clean(outcome.refused)}", style=palette.warn)]
    else:
        parts = [Text("✗ The reset did not finish; see the output above.", style=palette.bad)]
    if outcome.dump is not None:
        parts.append(Text(f"dump: {outcome.dump.path} (sha256 {outcome.dump.sha256[:12]}…)"))
    parts.extend(
        render_kpi(KPIS[figure.kpi], figure.seconds, palette)
        for step in outcome.steps
        for figure in step.kpis
        if figure.kpi in KPIS
    )
    return Text("\n").join(parts)


def render_restore(result: StepResult, palette: Palette = PLAIN) -> Text:
    """The dumped rows put back after a reset (or why not), and what to do next."""
    glyph, style = ("✓", palette.good) if result.ok else ("✗", palette.bad)
    text = Text(f"{glyph} Restore: {clean(result.summary)}", style=style)
    return text + Text("\nDiagnose again next (ctrl+r).")


def timer_text(elapsed_s: float, kpi: Kpi | None) -> tuple[str, KpiVerdict | None]:
    """The live step timer's text and its KPI verdict (which the widget turns into a class)."""
    if kpi is None:
        return f"⏱ {seconds(elapsed_s)}", None
    verdict = kpi.judge(elapsed_s)
    glyph, words = KPI_WORDING[verdict].glyph, KPI_WORDING[verdict].word
    limit = {
        KpiVerdict.OK: f"{seconds(kpi.target_s)} (alert {seconds(kpi.alert_s)})",
        KpiVerdict.SLOW: f"{seconds(kpi.target_s)} (alert {seconds(kpi.alert_s)})",
        KpiVerdict.ALERT: seconds(kpi.alert_s),
    }[verdict]
    return f"⏱ {seconds(elapsed_s)}  {glyph} {words} {limit}", verdict


def stale_table(rows: Iterable[tuple[str, str, str]]) -> Table:
    """Stale objects: kind, name, which side lags."""
    table = Table(box=None, show_header=True, pad_edge=False)
    table.add_column("kind", no_wrap=True)
    table.add_column("name", overflow="fold")
    table.add_column("disagreement")
    for row in rows:
        table.add_row(*map(Text, row))  # Text, not markup: a table named "[red]" as written
    return table


def timeline_table(rows: Iterable[tuple[str, str, str, str]]) -> Table:
    """The transcript timeline: time (UTC), who, kind, what; newest last."""
    table = Table(box=None, show_header=True, pad_edge=False, expand=True)
    table.add_column("time", no_wrap=True)
    table.add_column("who", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("what", no_wrap=True, overflow="ellipsis", ratio=1)
    for row in rows:
        table.add_row(*map(Text, row))  # the timeline quotes names and server text
    return table


def key_table(rows: Iterable[tuple[str, str, str]]) -> Table:
    """Help screen: key, action, where it works (a long list of screens wraps, not the
    action)."""
    table = Table(box=None, show_header=True, pad_edge=False, expand=True)
    table.add_column("key", no_wrap=True)
    table.add_column("action", no_wrap=True)
    table.add_column("screen")
    for key, action, where in rows:
        table.add_row(key, action, where)
    return table
