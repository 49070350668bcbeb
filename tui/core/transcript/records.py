"""What a diagnosis leaves in the journal, the same for `check`, `reload` and the wizard:
the masked target with its fingerprint, each check's finding, and the verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.model import Report
from tui.core.target import Target

if TYPE_CHECKING:
    from tui.core.transcript.journal import Journal


def record_target(journal: Journal, target: Target, *, actor: str = "tool") -> None:
    journal.record("target", dict(target.masked()), actor=actor)


def record_report(journal: Journal, report: Report) -> None:
    """One ``check`` event per finding, then the ``verdict`` (the `check --json` object plus
    the environment an incident ticket needs)."""
    verdict = report.to_json()
    verdict["server_version"] = report.server_version
    verdict["fingerprint"] = report.fingerprint
    events = [("check", finding.to_record()) for finding in report.findings]
    journal.record_many([*events, ("verdict", verdict)])
