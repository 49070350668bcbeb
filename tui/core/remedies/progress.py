"""What a remedy had done when it was stopped: which steps started and ended, whether a dump
was kept. Fed by the step events, it words the one line and the journal record an interrupted
command leaves, so a transcript never says "no dump was taken" when one was, nor hides a
reset that had started.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.core.remedies.events import Emit, EventKind, StepEvent

# step id -> what stopping it half-way leaves behind (knowledge as data)
STOPPED_MID_STEP: dict[str, str] = {
    "dump": "the dump was stopped and removed; nothing was dropped",
    "fingerprint": "nothing was dropped",
    "reset": "the reset had started and was stopped: the database may be partly reset",
    "notify": "the reset finished; the NOTIFY after it may not have been sent",
    "restore": "the restore was stopped: run it again",
    "restart": "the restart command was stopped: PostgREST may be down, check it",
    "signal": "the reload signal may not have been sent",
    "verify": "the reload was sent; its verification was stopped: run `pgrst-doctor check`",
}


@dataclass
class Progress:
    """An ``emit`` wrapper that remembers the steps' starts and ends, plus the kept dump."""

    emit: Emit
    started: list[str] = field(default_factory=list)
    ended: dict[str, str] = field(default_factory=dict)  # step -> ok / failed / interrupted
    dump: dict[str, Any] | None = None

    def __call__(self, event: StepEvent) -> None:
        if event.kind is EventKind.STARTED:
            self.started.append(event.step)
        elif event.kind is EventKind.FINISHED:
            self.ended[event.step] = "ok"
        elif event.kind is EventKind.FAILED:
            # events.running() ends a cancelled step with exactly this message
            self.ended[event.step] = "interrupted" if event.message == "interrupted" else "failed"
        self.emit(event)

    @property
    def running(self) -> str | None:
        """The step that had started and not ended (the one a signal stopped)."""
        for step in reversed(self.started):
            if self.ended.get(step, "interrupted") == "interrupted":
                return step
        return None

    def state(self, *, restore_hint: str | None = None) -> dict[str, Any]:
        """The journal's record of an interruption: exactly what had happened."""
        during = self.running
        words = []
        if self.dump is not None:
            words.append(f"dump kept at {self.dump.get('path')}")
        elif "dump" in self.started and during != "dump":
            words.append("no dump was kept")
        if during:
            words.append(STOPPED_MID_STEP.get(during, f"{during} was stopped"))
        if "reset" in self.started and restore_hint:
            words.append(f"restore it: {restore_hint}")
        if not words:
            words = ["nothing had started"]
        return {
            "during": during,
            "dump": self.dump.get("path") if self.dump else None,
            "dump_sha256": self.dump.get("sha256") if self.dump else None,
            "reset_started": "reset" in self.started,
            "reset_finished": self.ended.get("reset") == "ok",
            "steps_started": list(self.started),
            "state": "; ".join(words),
        }
