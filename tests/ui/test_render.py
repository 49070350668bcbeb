"""The pure render functions: glyph and word for every status, evidence kept short, the
runbook notes, the stale-object rows, the KPI words, and catalog names for the pickers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from tui.core.knowledge.kpis import KPIS
from tui.core.knowledge.symptoms import SYMPTOMS
from tui.core.model import STATUS_GLYPH, Finding, Status
from tui.ui import render


def text_of(renderable) -> str:
    console = Console(width=100, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


def test_every_status_has_a_glyph_and_a_word():
    for status in Status:
        label = render.status_label(status).plain
        glyph, word = label.split(" ", 1)
        assert glyph == STATUS_GLYPH[status] and word == render.STATUS_WORD[status]


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


def test_root_cause_leads_with_the_failing_cause_and_its_exact_fix(stale_report):
    shown = text_of(render.render_root_cause(stale_report))
    assert shown.index("Stale schema cache") < shown.index("RLS not enabled")
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


def test_catalog_names_per_object_flag():
    """Only the fields the pickers read (the catalog probe's own tests cover the rest)."""
    snap = SimpleNamespace(
        relations={"public.orders": SimpleNamespace(columns=("id", "status"))},
        functions={"public.order_total": []},
        foreign_keys=[SimpleNamespace(qualified="public.order_items:public.orders")],
        enums={"public.order_status": ("new", "paid")},
    )
    names = render.catalog_names({"catalog": snap})
    assert names["--table"] == ["public.orders"]
    assert names["--column"] == ["public.orders.id", "public.orders.status"]
    assert names["--function"] == ["public.order_total"]
    assert names["--relationship"] == ["public.order_items:public.orders"]
    assert names["--enum-value"] == ["public.order_status:new", "public.order_status:paid"]
    assert render.catalog_names({}) == {}


def test_crash_panel_names_the_error():
    shown = text_of(render.render_crash(TimeoutError("listener query timed out")))
    assert "✗ crashed" in shown and "TimeoutError: listener query timed out" in shown


def test_healthy_report_says_there_is_nothing_to_fix(healthy_report):
    assert "Nothing to fix" in text_of(render.render_root_cause(healthy_report))


def test_seconds_are_readable():
    assert [render.seconds(v) for v in (0.0125, 1.25, 75)] == ["12 ms", "1.2 s", "75 s"]


def test_a_finding_without_known_cause_still_renders(stale_report):
    stale_report.findings.append(Finding("odd", Status.FAIL, "something odd"))
    assert "Stale schema cache" in text_of(render.render_root_cause(stale_report))
