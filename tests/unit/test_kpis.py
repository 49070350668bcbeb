"""RUN-002's KPI table and how figures are judged (target / alert, boundaries included)."""

from __future__ import annotations

import pytest

from tui.core.knowledge.kpis import KPIS, KpiVerdict
from tui.core.remedies.events import KpiFigure


def test_runbook_thresholds_are_the_documented_ones() -> None:
    table = {k: (v.target_s, v.alert_s) for k, v in KPIS.items()}
    assert table["notify_execution"] == (0.050, 0.200)
    assert table["schema_reload"] == (2.0, 5.0)
    assert table["api_response_p50"] == table["api_response_p95"] == (0.100, 0.500)
    assert table["postgrest_restart"] == (5.0, 15.0)


@pytest.mark.parametrize(
    ("seconds", "verdict"),
    [
        (0.0, KpiVerdict.OK),
        (0.049, KpiVerdict.OK),
        (0.050, KpiVerdict.SLOW),
        (0.200, KpiVerdict.SLOW),
        (0.201, KpiVerdict.ALERT),
    ],
)
def test_notify_execution_is_judged_at_its_boundaries(seconds: float, verdict: KpiVerdict) -> None:
    assert KPIS["notify_execution"].judge(seconds) is verdict


def test_a_figure_serialises_in_milliseconds_with_its_thresholds() -> None:
    figure = KpiFigure.measure("schema_reload", 5.5, "probes")
    assert figure.verdict is KpiVerdict.ALERT
    assert figure.to_json() == {
        "kpi": "schema_reload",
        "title": KPIS["schema_reload"].title,
        "ms": 5500.0,
        "target_ms": 2000.0,
        "alert_ms": 5000.0,
        "verdict": "alert",
        "note": "probes",
    }
