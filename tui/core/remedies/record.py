"""Bridge step events into the session journal (kinds step-start, step-output, step-end, kpi)."""

from __future__ import annotations

from typing import Any

from tui.core.remedies.events import Emit, EventKind, StepEvent

JOURNAL_KIND = {
    EventKind.STARTED: "step-start",
    EventKind.OUTPUT: "step-output",
    EventKind.FINISHED: "step-end",
    EventKind.FAILED: "step-end",
    EventKind.KPI: "kpi",
}


def journaled(journal: Any | None, emit: Emit) -> Emit:
    """``emit`` that also records each event (ticks excluded) when a journal is open."""
    if journal is None:
        return emit

    def both(event: StepEvent) -> None:
        emit(event)
        kind = JOURNAL_KIND.get(event.kind)
        if kind is not None:
            journal.record(kind, event.to_json())

    return both
