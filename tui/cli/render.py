"""Pure render functions: a Report (and the target it was taken from) -> Rich renderables.

Never colour alone: every status has a glyph and a word, so the output reads the same with
NO_COLOR, in a pipe or in a screen reader. Text from the database or the user goes in as
``Text`` (never markup), so a table named ``[red]`` prints as written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from tui.core.knowledge.causes import one_per_cause, shown_first
from tui.core.model import STATUS_WORDING, VERDICT_WORDING, Finding, Report, Status, Tone
from tui.core.target import Target

# the CLI's style per tone; glyphs and words come from the core (model.STATUS_WORDING)
TONE_STYLE: dict[Tone, str] = {
    Tone.GOOD: "green",
    Tone.WARN: "yellow",
    Tone.BAD: "bold red",
    Tone.MUTED: "dim",
}
LABEL_WIDTH = max(len(w.label) for w in STATUS_WORDING.values())

SHOWN_QUIET = frozenset({Status.FAIL, Status.ERROR, Status.WARN})  # warnings are never hidden
INDENT = LABEL_WIDTH + 1  # under the finding's title, past the "✗ problem" label


def status_label(status: Status) -> Text:
    """``✗ problem`` in the status's style: glyph and word, colour only as a bonus."""
    wording = STATUS_WORDING[status]
    return Text(f"{wording.label:<{LABEL_WIDTH}}", style=TONE_STYLE[wording.tone])


def _indented(text: Text, left: int = INDENT) -> Padding:
    """Wrapped lines stay under their heading instead of falling back to column 0."""
    return Padding(text, (0, 0, 0, left), expand=False)


def unwrapped(line: str, left: int) -> Text:
    """A fix, indented and never wrapped or cut, at any width and in a pipe: a newline inside
    ``'reload schema'`` installs a trigger whose payload PostgREST ignores. Print the result
    with ``crop=False``; a terminal narrower than the line folds it visually only."""
    return Text(" " * left + line, style="bold", no_wrap=True, overflow="ignore")


def render_finding(finding: Finding, verbose: bool = False) -> RenderableType:
    head = Text.assemble(
        status_label(finding.status), " ", (finding.title or finding.check, "bold")
    )
    if finding.cause:
        head.append(f"  [{finding.cause}]", style="cyan")
    lines: list[RenderableType] = [head, _indented(Text(finding.summary))]
    if finding.objects:
        lines.append(_indented(Text("objects: ", style="dim") + Text(", ".join(finding.objects))))
    if finding.fix and finding.status is not Status.PASS:
        lines.append(_indented(Text("fix:", style="bold")))
        lines += [unwrapped(fix_line, INDENT + 2) for fix_line in finding.fix.splitlines()]
    if finding.runbook_note and (verbose or finding.status in SHOWN_QUIET):
        lines.append(_indented(Text("runbook: ", style="dim") + Text(finding.runbook_note)))
    if verbose:
        lines.append(_indented(Text(f"({finding.elapsed_ms:.1f} ms)", style="dim")))
    return Group(*lines)


def render_stale_objects(report: Report) -> RenderableType | None:
    """One line per object, the name last and never cut (a table would crop it at 80
    columns): kind, change, name."""
    if not report.stale_objects:
        return None
    head = Text(f"Stale objects ({len(report.stale_objects)}):", style="bold")
    head.append(" added = in the database, not in the cache; removed = cache only", style="dim")
    rows = [
        Text.assemble((f"{obj.kind!s:<13}{obj.change!s:<9}", "dim"), obj.name,
                      no_wrap=True, overflow="ignore")
        for obj in sorted(report.stale_objects)
    ]  # fmt: skip
    return Group(head, *rows)


def render_verdict(report: Report) -> RenderableType:
    wording = VERDICT_WORDING[report.verdict]
    line = Text.assemble(
        ("Verdict: ", "bold"), (wording.label, TONE_STYLE[wording.tone]), f": {wording.meaning}"
    )
    parts: list[RenderableType] = [line]
    if report.remedies:
        parts.append(Text("Remedies, best first: " + ", ".join(report.remedies)))
    return Group(*parts)


def render_target(target: Target) -> RenderableType:
    shown = target.masked()
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="dim")
    table.add_column()
    table.add_column(style="dim")
    for name in ("api_url", "db_url", "admin_url", "api_key", "service_key", "project_dir"):
        source = target.sources.get(name, "")
        table.add_row(name.replace("_", " "), Text(shown[name]), source)
    return table


def _hidden_note(findings: Iterable[Finding]) -> Text | None:
    """What the quiet output left out, counted by what it is (only passed and skipped checks
    are ever left out)."""
    hidden = Counter(f.status for f in findings if f.status not in SHOWN_QUIET)
    if not hidden:
        return None
    counts = ", ".join(
        f"{hidden[s]} {STATUS_WORDING[s].word}" for s in (Status.PASS, Status.SKIPPED) if hidden[s]
    )
    return Text(f"not shown: {counts} (-v shows every check)", style="dim")


def render_report(
    report: Report, *, verbose: bool = False, target: Target | None = None
) -> RenderableType:
    """The whole ``check`` output: quiet = failures + stale objects + verdict; verbose = the
    target, every check, timings."""
    parts: list[RenderableType] = []
    if verbose and target is not None:
        parts += [Text("Target", style="bold"), render_target(target), Text("")]
    findings = shown_first(one_per_cause(report.findings))
    shown = [f for f in findings if verbose or f.status in SHOWN_QUIET]
    for finding in shown:
        parts += [render_finding(finding, verbose), Text("")]
    if (stale := render_stale_objects(report)) is not None:
        parts += [stale, Text("")]
    parts.append(render_verdict(report))
    if not verbose and (note := _hidden_note(report.findings)):
        parts.append(note)
    if not verbose and target is not None:  # which target: the first question in a review
        shown_target = target.masked()
        parts.append(
            Text(f"checked API {shown_target['api_url']} and DB {shown_target['db_url']}",
                 style="dim")
        )  # fmt: skip
    versions = []
    if report.postgrest_version:
        versions.append(f"PostgREST {report.postgrest_version}")
    if report.server_version:
        versions.append(f"PostgreSQL {report.server_version}")
    listening = {True: "listening", False: "not listening", None: "listener unknown"}
    versions.append(listening[report.listening])
    versions.append(f"{report.elapsed_ms:.0f} ms")
    parts.append(Text(" · ".join(versions), style="dim"))
    return Group(*parts)
