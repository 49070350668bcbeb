"""Bridge step events into the session journal (kinds step-start, step-output, step-end, kpi)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tui.core.remedies.events import Emit, EventKind, StepEvent

if TYPE_CHECKING:
    from tui.core.transcript.journal import Journal

JOURNAL_KIND = {
    EventKind.STARTED: "step-start",
    EventKind.OUTPUT: "step-output",
    EventKind.FINISHED: "step-end",
    EventKind.FAILED: "step-end",
    EventKind.KPI: "kpi",
}


def journaled(journal: Journal | None, emit: Emit) -> Emit:
    """``emit`` that also records each event (ticks excluded) when a journal is open.

    A journal that cannot be written (disk full) must not abort the step that is running:
    raising here would cancel a ``supabase db reset`` half-way. The failure is shown once, as
    an output line of the step, and recording stops; everything is still shown on screen.
    """
    if journal is None:
        return emit
    from tui.core.transcript.journal import JournalError

    stopped: list[str] = []

    def both(event: StepEvent) -> None:
        emit(event)
        kind = JOURNAL_KIND.get(event.kind)
        if kind is None or stopped:
            return
        try:
            journal.record(kind, event.to_json())
        except JournalError as err:
            stopped.append(str(err))
            emit(replace(event, kind=EventKind.OUTPUT, message=f"transcript stopped: {err}",
                         kpi=None))  # fmt: skip

    return both
