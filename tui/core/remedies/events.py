"""What a remedy step tells its audience while it runs, and what it leaves behind.

The CLI prints these events and the wizard renders the same ones; the journal records them.
A step never prints: it only ``emit``s.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from tui.core.knowledge.kpis import KPIS, KpiVerdict
from tui.core.remedies.kinds import kind_of


class EventKind(StrEnum):
    STARTED = "started"
    OUTPUT = "output"  # one line of what the step is doing or a command printed
    ELAPSED = "elapsed"  # a timer tick (about 4 per second)
    KPI = "kpi"  # one measured figure judged against its KPI
    FINISHED = "finished"
    FAILED = "failed"  # with a reason


class StepStatus(StrEnum):
    OK = "ok"  # the step did its job (the effect is judged by verification)
    FAILED = "failed"  # it ran and did not work
    REFUSED = "refused"  # a guard stopped it before anything changed


@dataclass(frozen=True)
class KpiFigure:
    """One measurement of a runbook KPI, with its verdict (ok / slow / alert)."""

    kpi: str
    seconds: float
    verdict: KpiVerdict
    note: str = ""

    @classmethod
    def measure(cls, kpi_id: str, seconds: float, note: str = "") -> KpiFigure:
        return cls(kpi_id, seconds, KPIS[kpi_id].judge(seconds), note)

    def to_json(self) -> dict[str, Any]:
        kpi = KPIS[self.kpi]
        return {
            "kpi": self.kpi,
            "title": kpi.title,
            "ms": round(self.seconds * 1000, 1),
            "target_ms": round(kpi.target_s * 1000, 1),
            "alert_ms": round(kpi.alert_s * 1000, 1),
            "verdict": str(self.verdict),
            "note": self.note,
        }


@dataclass(frozen=True)
class StepEvent:
    step: str  # step id, e.g. "notify", "signal", "verify", "dump"
    kind: EventKind
    message: str = ""
    elapsed_s: float = 0.0
    kpi: KpiFigure | None = None
    kpi_id: str | None = None  # on STARTED: the KPI the live timer is coloured against
    # on FINISHED / FAILED: the typed outcome the transcript's summary reads
    status: StepStatus | None = None
    details: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "step": self.step,
            "kind": str(self.kind),
            "message": self.message,
            "elapsed_ms": round(self.elapsed_s * 1000, 1),
        }
        step_kind = kind_of(self.step)
        if step_kind is not None:
            data["effect"] = str(step_kind.effect)
        if self.kpi is not None:
            data["kpi"] = self.kpi.to_json()
        if self.kpi_id:
            data["kpi_id"] = self.kpi_id
        if self.status is not None:
            data["status"] = str(self.status)
        if self.details:
            data["details"] = self.details
        return data


@dataclass
class StepResult:
    step: str
    status: StepStatus
    summary: str
    elapsed_s: float = 0.0
    kpis: list[KpiFigure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status is StepStatus.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "status": str(self.status),
            "summary": self.summary,
            "elapsed_ms": round(self.elapsed_s * 1000, 1),
            "kpis": [k.to_json() for k in self.kpis],
            "details": self.details,
        }


Emit = Callable[[StepEvent], object]  # what it returns is ignored (post_message: a bool)


class Step(Protocol):
    """A remedy (or a part of one): runs once, reports through ``emit``."""

    id: str
    title: str
    kpi_id: str | None

    async def run(self, emit: Emit) -> StepResult: ...


class ReloadStep(Step, Protocol):
    """A reload rung: verification counts from when it sent the reload (perf_counter)."""

    sent_at: float | None


def ignore(_event: StepEvent) -> None:
    """An ``emit`` for callers that only want the result."""


class StepClock:
    """Elapsed time of a step plus helpers that emit the matching events."""

    TICK_S = 0.25

    def __init__(self, step: str, emit: Emit) -> None:
        self.step = step
        self.emit = emit
        self.t0 = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def output(self, message: str) -> None:
        self.emit(StepEvent(self.step, EventKind.OUTPUT, message, self.elapsed))

    def kpi(self, figure: KpiFigure) -> KpiFigure:
        self.emit(StepEvent(self.step, EventKind.KPI, figure.kpi, self.elapsed, kpi=figure))
        return figure

    def result(self, status: StepStatus, summary: str, **kwargs: Any) -> StepResult:
        kind = EventKind.FINISHED if status is StepStatus.OK else EventKind.FAILED
        details = kwargs.get("details")
        self.emit(StepEvent(self.step, kind, summary, self.elapsed, status=status, details=details))
        return StepResult(self.step, status, summary, self.elapsed, **kwargs)


@contextlib.asynccontextmanager
async def running(
    step: str, title: str, emit: Emit, kpi_id: str | None = None
) -> AsyncIterator[StepClock]:
    """Emit STARTED, tick ELAPSED while the body runs, stop ticking at the end."""
    clock = StepClock(step, emit)
    emit(StepEvent(step, EventKind.STARTED, title, 0.0, kpi_id=kpi_id))

    async def tick() -> None:
        while True:
            await asyncio.sleep(StepClock.TICK_S)
            emit(StepEvent(step, EventKind.ELAPSED, "", clock.elapsed))

    ticker = asyncio.create_task(tick())
    try:
        yield clock
    except asyncio.CancelledError:
        emit(StepEvent(step, EventKind.FAILED, "interrupted", clock.elapsed,
                       status=StepStatus.FAILED))  # fmt: skip
        raise
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
