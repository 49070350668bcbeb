"""Rung 2: SIGUSR1 to a local PostgREST, for when NOTIFY cannot reach it (no listener, a
pooler in between). PostgREST reloads its schema cache on SIGUSR1 (SIGUSR2: config only).
"""

from __future__ import annotations

import os
import signal
import time

from tui.core.remedies.events import Emit, StepResult, StepStatus, running
from tui.core.remedies.procs import describe, find_postgrest
from tui.core.target import Target


def resolve_pid(target: Target, pid: int | None) -> tuple[int | None, str]:
    """The PostgREST to signal and how it was found, or None and why not."""
    if pid is not None:
        if describe(pid) is None:
            return None, f"process {pid} is not a running postgrest"
        return pid, f"--postgrest-pid {pid}"
    if not target.is_loopback:
        return None, "the target is not on this machine: a signal cannot reach its PostgREST"
    found = find_postgrest(target)
    if not found:
        return None, "no local postgrest process serves this target's API port or database"
    if len(found) > 1:
        pids = ", ".join(str(p.pid) for p in found)
        return None, f"several postgrest processes match ({pids}): choose one with --postgrest-pid"
    return found[0].pid, f"found postgrest pid {found[0].pid} serving the target"


class SignalStep:
    id = "signal"
    kpi_id: str | None = None
    title = "SIGUSR1 to PostgREST (schema cache reload)"

    def __init__(
        self, target: Target, *, pid: int | None = None, reload_config: bool = False
    ) -> None:
        self.target = target
        self.pid = pid
        self.signals = (signal.SIGUSR2, signal.SIGUSR1) if reload_config else (signal.SIGUSR1,)
        self.sent_at: float | None = None

    async def run(self, emit: Emit) -> StepResult:
        async with running(self.id, self.title, emit, self.kpi_id) as clock:
            pid, how = resolve_pid(self.target, self.pid)
            if pid is None:
                return clock.result(StepStatus.REFUSED, how)
            clock.output(how)
            for sig in self.signals:
                self.sent_at = time.perf_counter()
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    return clock.result(StepStatus.FAILED, f"postgrest pid {pid} is gone")
                except PermissionError:
                    return clock.result(
                        StepStatus.FAILED,
                        f"not allowed to signal pid {pid}: run as its user or root",
                    )
                clock.output(f"sent {sig.name} to pid {pid}")
            return clock.result(
                StepStatus.OK, f"PostgREST (pid {pid}) asked to reload", details={"pid": pid}
            )
