"""RUN-002's KPI table: targets and alert thresholds, in seconds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tui.core.model import Tone, Wording


class KpiVerdict(StrEnum):
    OK = "ok"  # at or under target
    SLOW = "slow"  # over target, under alert
    ALERT = "alert"  # over the alert threshold


# one glyph and word per KPI verdict, rendered as is by the CLI and the wizard
KPI_WORDING: dict[KpiVerdict, Wording] = {
    KpiVerdict.OK: Wording("✓", "within target", Tone.GOOD),
    KpiVerdict.SLOW: Wording("!", "over target", Tone.WARN),
    KpiVerdict.ALERT: Wording("✗", "over alert threshold", Tone.BAD),
}


@dataclass(frozen=True)
class Kpi:
    id: str
    title: str
    target_s: float
    alert_s: float

    def judge(self, seconds: float) -> KpiVerdict:
        if seconds < self.target_s:
            return KpiVerdict.OK
        if seconds <= self.alert_s:
            return KpiVerdict.SLOW
        return KpiVerdict.ALERT


KPIS: dict[str, Kpi] = {
    k.id: k
    for k in (
        Kpi("notify_execution", "NOTIFY command execution", 0.050, 0.200),
        Kpi("schema_reload", "Schema reload latency (NOTIFY -> objects visible)", 2.0, 5.0),
        Kpi("api_response_p50", "API response after reload (p50)", 0.100, 0.500),
        Kpi("api_response_p95", "API response after reload (p95)", 0.100, 0.500),
        Kpi("postgrest_restart", "PostgREST restart time", 5.0, 15.0),
        # pgrst-doctor's own (not in RUN-002): a reset of a small project, dump excluded
        Kpi("database_reset", "Database reset (supabase db reset)", 30.0, 120.0),
        Kpi("data_dump", "Pre-reset data dump, verified", 30.0, 300.0),
    )
}
