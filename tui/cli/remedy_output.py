"""What `reload` and `reset` share on the command line: event lines, the journal, the diagnosis."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from tui.core.model import Report
from tui.core.shown import clean
from tui.core.target import Target

if TYPE_CHECKING:
    from tui.core.remedies.events import StepEvent
    from tui.core.request import FailingRequest
    from tui.core.transcript.journal import Journal


class EventPrinter:
    """One line per event on stderr (ticks skipped); nothing at all in --json mode."""

    def __init__(self, *, quiet: bool, stream: TextIO | None = None) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr

    def __call__(self, event: StepEvent) -> None:
        # here, not at import: `check` uses only open_journal (start-up time, BENCHMARKS.md)
        from tui.core.knowledge.kpis import KPI_WORDING
        from tui.core.remedies.events import EventKind

        if self.quiet or event.kind is EventKind.ELAPSED:
            return
        t = f"{event.elapsed_s * 1000:7.0f} ms"
        message = clean(event.message)
        if event.kind is EventKind.STARTED:
            line = f"▶ {message}"
        elif event.kind is EventKind.OUTPUT:
            line = f"  {t}  {message}"
        elif event.kind is EventKind.KPI and event.kpi is not None:
            k = event.kpi.to_json()
            line = (
                f"  {t}  KPI {k['title']}: {k['ms']:.0f} ms "
                f"(target < {k['target_ms']:.0f}, alert > {k['alert_ms']:.0f}) {KPI_WORDING[event.kpi.verdict].label}"
            )
        elif event.kind is EventKind.FINISHED:
            line = f"✓ {message} ({t.strip()})"
        else:
            line = f"✗ {message} ({t.strip()})"
        print(line, file=self.stream, flush=True)


def open_journal(command: str, target: Target) -> Journal | None:
    """A session journal, or None if it cannot be written; the target's secrets are masked in
    it and on every output path of this process from now on."""
    from tui.core.probes.base import secrets_of
    from tui.core.shown import register_secrets

    register_secrets(secrets_of(target))
    try:
        from tui.core.transcript.journal import Journal

        journal = Journal.start(command=command)
    except Exception as exc:  # the journal must never block a fix
        print(f"pgrst-doctor: no transcript: {exc}", file=sys.stderr)
        return None
    register_secrets(secrets_of(target), journal)
    return journal


async def diagnose(target: Target, request: FailingRequest | None = None) -> Report:
    """The diagnosis before a remedy: stale objects, listener, fingerprint (every instance;
    the worst one's report)."""
    from tui.core import fleet
    from tui.core.diagnosis import DiagnosisRequest

    report, _instances = await fleet.diagnose(target, DiagnosisRequest(request=request))
    return report
