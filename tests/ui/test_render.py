"""The pure render functions: glyph and word for every status, evidence kept short, the
runbook notes, the stale-object rows and the KPI words."""

from __future__ import annotations

import io
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from tui.cli import render as cli_render
from tui.core.knowledge.kpis import KPI_WORDING, KPIS, KpiVerdict
from tui.core.knowledge.symptoms import SYMPTOMS
from tui.core.model import STATUS_WORDING, Finding, Report, Status, Verdict, verdict_line
from tui.ui import render


def text_of(renderable) -> str:
    console = Console(width=100, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


def test_every_status_and_verdict_is_rendered_by_both_front_ends_from_the_core_table():
    for status in Status:
        wording = STATUS_WORDING[status]
        assert render.status_label(status).plain == wording.label
        assert cli_render.status_label(status).plain.rstrip() == wording.label
    assert len({w.label for w in STATUS_WORDING.values()}) == len(Status)  # one meaning each
    for kpi_verdict, wording in KPI_WORDING.items():  # KPI verdicts: the same one table
        assert (
            wording.label
            in render.timer_text(
                {KpiVerdict.OK: 1.0, KpiVerdict.SLOW: 3.0, KpiVerdict.ALERT: 6.0}[kpi_verdict],
                KPIS["schema_reload"],
            )[0]
        )
    for verdict in Verdict:
        report = Report(verdict, None, None, [], [], [], 0.0)
        line = verdict_line(verdict)
        assert render.render_verdict(report).plain == line
        assert f"Verdict: {line}" in " ".join(text_of(cli_render.render_verdict(report)).split())


def test_plain_palette_adds_no_colour():
    label = render.status_label(Status.FAIL)
    assert all(not span.style for span in label.spans) and not label.style


def test_theme_palette_takes_colours_from_css_variables():
    palette = render.Palette.from_variables({"text-error": "#ff0000", "text-success": "#00ff00"})
    assert render.status_label(Status.FAIL, palette).style == "#ff0000"
    assert render.status_label(Status.PASS, palette).style == "#00ff00"


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=20),
        st.one_of(st.text(max_size=300), st.integers(), st.lists(st.text(max_size=50))),
        max_size=15,
    )
)
def test_evidence_lines_stay_short_and_few(evidence):
    lines = render.evidence_lines(evidence)
    assert len(lines) <= render.EVIDENCE_LINES
    assert all(len(line.split(": ", 1)[-1]) <= 72 for line in lines)
    if len(evidence) > render.EVIDENCE_LINES:
        assert lines[-1].endswith("more in the transcript")


@dataclass
class Role:
    name: str
    exists: bool
    privileges_of: frozenset[str] = frozenset()
    detail: object = None


def test_evidence_of_records_shows_their_scalar_fields_and_sizes():
    [line] = render.evidence_lines({"role": Role("anon", True, frozenset({"anon"}))})
    assert line == "role: name anon, exists True, privileges_of 1, detail None"


def test_runbook_notes_list_each_note_once_then_the_symptom_truth(stale_report):
    notes = render.runbook_notes(stale_report, ["rls-not-enforced", "rls-not-enforced"])
    assert notes[0] == stale_report.findings[0].runbook_note
    assert sum(SYMPTOMS["rls-not-enforced"].truth in n for n in notes) == 1
    assert len(notes) == len(set(notes))


def test_stale_rows_are_sorted_and_say_which_side_lags(stale_report):
    rows = render.stale_rows(stale_report)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert all(r[2] == "in database, not in cache" for r in rows)


def test_root_cause_shows_a_security_exposure_first_then_the_failing_cause(stale_report):
    shown = text_of(render.render_root_cause(stale_report))
    assert shown.index("stale cache") < shown.index("RLS not enabled")  # the verdict line
    assert shown.index("RLS not enabled") < shown.index("Stale schema cache")
    assert "fix: NOTIFY pgrst, 'reload schema';" in shown


def test_kpi_words_follow_the_thresholds():
    kpi = KPIS["schema_reload"]  # target 2 s, alert 5 s
    assert render.timer_text(1.0, kpi)[1].value == "ok"
    assert "over target" in render.timer_text(3.0, kpi)[0]
    text, verdict = render.timer_text(6.0, kpi)
    assert verdict.value == "alert" and "✗ over alert threshold" in text
    assert render.timer_text(1.0, None) == ("⏱ 1.0 s", None)
    assert render.timer_text(1.0, kpi)[0] == "⏱ 1.0 s  ✓ within target 2.0 s (alert 5.0 s)"
    assert "✓" in render.render_kpi(kpi, 0.2).plain


def test_crash_panel_names_the_error():
    shown = text_of(render.render_crash(TimeoutError("listener query timed out")))
    assert (
        "? error: the check crashed" in shown and "TimeoutError: listener query timed out" in shown
    )


def test_healthy_report_says_there_is_nothing_to_fix(healthy_report):
    assert "Nothing to fix" in text_of(render.render_root_cause(healthy_report))


def test_seconds_are_readable():
    assert [render.seconds(v) for v in (0.0125, 1.25, 75)] == ["12 ms", "1.2 s", "75 s"]


def test_a_finding_without_known_cause_still_renders(stale_report):
    stale_report.findings.append(Finding("odd", Status.FAIL, "something odd"))
    assert "Stale schema cache" in text_of(render.render_root_cause(stale_report))


HOSTILE = "osc\x1b]52;c;SGFja2VkIQ==\x07cls\x1b[2Jcsi\x9b31mrlo\u202ex"
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def test_the_wizard_shows_hostile_names_and_server_text_escaped():
    """Names and server text reach the wizard's panels with every control character escaped:
    the stale table, a finding's summary and fix, a probe's summary and evidence, a crash."""
    from tui.core.model import Cause, Change, ObjectKind, StaleObject

    stale = StaleObject(ObjectKind.TABLE, f"public.{HOSTILE}", Change.ADDED)
    finding = Finding("drift", Status.FAIL, f"stale: {HOSTILE}", cause=Cause.STALE_CACHE,
                      objects=[stale.name], fix=f"NOTIFY pgrst; -- {HOSTILE}")  # fmt: skip
    report = Report(Verdict.STALE_CACHE, "12.0.2", True, [stale], [finding], ["notify"], 1.0)
    console = Console(file=io.StringIO(), width=200, color_system=None)
    for renderable in (
        render.render_root_cause(report),
        render.stale_table(render.stale_rows(report)),
        render.render_outcome(Status.FAIL, f"server said {HOSTILE}", {HOSTILE: [HOSTILE]}, 1.0),
        render.render_crash(RuntimeError(HOSTILE)),
    ):
        console.print(renderable)
    text = console.file.getvalue()
    for control in RAW_CONTROLS:
        assert control not in text
    assert "osc\\x1b]52;c;SGFja2VkIQ==\\x07cls\\x1b[2J" in text
