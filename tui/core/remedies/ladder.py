"""The remediation ladder as data: cheapest, least disruptive rung first.

Each rung carries its blast radius, expected convergence time, guard and the KPI its live timer
is judged against. ``plan`` keeps the rungs that can work for this target; ``escalate`` proposes
the next one once a rung's timer passes its KPI alert threshold instead of waiting forever.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui.core.knowledge.kpis import KPIS
from tui.core.model import Report
from tui.core.target import Target


@dataclass(frozen=True)
class Rung:
    id: str
    title: str
    blast_radius: str  # plain words: what users of the API notice
    expected_s: float  # a small schema converges within this
    guard: str  # what must hold (or be typed) before it runs
    kpi_id: str  # the runbook KPI its timer is coloured against
    automatic: bool  # may `reload` move on to it by itself (no downtime, nothing lost)

    @property
    def alert_s(self) -> float:
        return KPIS[self.kpi_id].alert_s

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "blast_radius": self.blast_radius,
            "expected_s": self.expected_s,
            "guard": self.guard,
            "kpi": self.kpi_id,
        }


RUNGS: tuple[Rung, ...] = (
    Rung(
        "notify",
        "NOTIFY pgrst, 'reload schema'",
        "none: requests keep being served while the cache reloads",
        0.5,
        "a PostgREST session listens on the channel; target is not a standby",
        "schema_reload",
        True,
    ),
    Rung(
        "notify-cli",
        "the same NOTIFY through the Supabase CLI (supabase db query)",
        "none",
        1.5,
        "as notify, plus the Supabase CLI installed",
        "schema_reload",
        False,
    ),
    Rung(
        "signal",
        "SIGUSR1 to the local PostgREST process",
        "none: PostgREST reloads without downtime",
        0.5,
        "PostgREST runs on this machine and we may signal it",
        "schema_reload",
        True,
    ),
    Rung(
        "restart",
        "restart PostgREST (--restart-cmd, or supabase stop + start)",
        "the API is down for the restart (seconds); in-flight requests fail",
        5.0,
        "a restart command or a Supabase project",
        "postgrest_restart",
        False,
    ),
    Rung(
        "reset",
        "full reset: supabase db reset (after a verified data dump)",
        "ALL DATA is dropped and migrations re-applied; restore from the dump afterwards",
        30.0,
        "typed database name, verified dump, unchanged fingerprint, loopback or --allow-remote",
        "database_reset",
        False,
    ),
)
RUNG_BY_ID = {r.id: r for r in RUNGS}


@dataclass(frozen=True)
class PlanOptions:
    postgrest_pid: int | None = None
    restart_cmd: list[str] | None = None
    local_postgrest: bool = False  # a postgrest process serving the target was found here
    supabase_cli: bool = False


def notify_lost(report: Report | None, target: Target) -> str | None:
    """Why a NOTIFY cannot reach the one instance (a pooler, a standby), from the report's
    evidence; a fleet still gets it, since NOTIFY reaches every instance that listens."""
    if report is None or len(target.instances) > 1:
        return None
    lost = {"listener-behind-pooler", "postgrest-on-standby"}
    why = next((f.summary for f in report.findings if str(f.cause) in lost), None)
    return f"NOTIFY cannot reach PostgREST: {why}" if why else None


# rung id -> why it cannot help here (None = usable)
Blocker = Callable[[Report | None, Target, PlanOptions], str | None]
BLOCKERS: dict[str, Blocker] = {
    "notify": lambda r, t, _o: (
        "no PostgREST session listens on the channel"
        if r is not None and r.listening is False
        else notify_lost(r, t)
    ),
    "notify-cli": lambda r, _t, o: (
        "no PostgREST session listens on the channel"
        if r is not None and r.listening is False
        else (None if o.supabase_cli else "the Supabase CLI is not installed")
    ),
    "signal": lambda _r, t, o: (
        None
        if o.postgrest_pid is not None or (t.is_loopback and o.local_postgrest)
        else "no local PostgREST process found (give --postgrest-pid)"
    ),
    "restart": lambda _r, t, o: (
        None
        if o.restart_cmd or (o.supabase_cli and t.project_dir is not None)
        else "no --restart-cmd and no Supabase project"
    ),
    "reset": lambda _r, _t, _o: None,
}


def explain(
    report: Report | None, target: Target, options: PlanOptions
) -> list[tuple[Rung, str | None]]:
    """Every rung with the reason it is left out (None = in the plan)."""
    return [(rung, BLOCKERS[rung.id](report, target, options)) for rung in RUNGS]


def plan(report: Report | None, target: Target, options: PlanOptions) -> list[Rung]:
    """Usable rungs, best first (notify-cli only on request: it is notify, slower)."""
    return [
        rung
        for rung, why in explain(report, target, options)
        if why is None and rung.id != "notify-cli"
    ]


def next_after(rungs: list[Rung], current: str) -> Rung | None:
    """The first planned rung above ``current`` on the ladder (``current`` need not be planned)."""
    order = [r.id for r in RUNGS]
    here = order.index(current)
    return next((r for r in rungs if order.index(r.id) > here and r.id != "notify-cli"), None)


def escalate(rungs: list[Rung], current: str, elapsed_s: float) -> Rung | None:
    """The next rung once ``current`` has run past its alert threshold, else None."""
    if elapsed_s <= RUNG_BY_ID[current].alert_s:
        return None
    return next_after(rungs, current)
