"""`reload`, headless: run rungs of the ladder, verify after each, resend a NOTIFY once, move
on to the next automatic rung, and propose the disruptive ones instead of running them.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tui.core.errors import MissingPart
from tui.core.model import SCHEMA_VERSION, Report, StaleObject
from tui.core.remedies.events import Emit, StepResult, StepStatus
from tui.core.remedies.ladder import RUNG_BY_ID, PlanOptions, Rung, next_after, plan
from tui.core.remedies.metrics import schema_cache_loads
from tui.core.remedies.notify import NotifyCliStep, NotifyStep
from tui.core.remedies.procs import find_postgrest
from tui.core.remedies.restart import RestartStep
from tui.core.remedies.signal_step import SignalStep
from tui.core.remedies.verify import Verifier, VerifyStep
from tui.core.request import FailingRequest
from tui.core.target import Target
from tui.core.tools import INSTALL_HINT, find_supabase_cli

METHODS = ("notify", "notify-cli", "signal", "restart")
WAIT_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class ReloadOptions:
    method: str | None = None  # None: follow the ladder's automatic rungs
    wait: bool = False  # keep verifying past the alert threshold (up to wait_timeout)
    wait_timeout: float = WAIT_TIMEOUT_S
    postgrest_pid: int | None = None
    restart_cmd: list[str] | None = None
    reload_config: bool = False
    replay_for_real: bool = False  # verification sends the user's request itself, once


@dataclass
class ReloadOutcome:
    steps: list[StepResult] = field(default_factory=list)
    fixed: bool = False
    refused: bool = False
    proposal: Rung | None = None
    report: Report | None = None

    @property
    def exit_code(self) -> int:
        if self.fixed:
            return 0
        if self.refused and not any(s.status is StepStatus.OK for s in self.steps):
            return 4
        if self.report is not None and self.report.exit_code == 3:
            return 3
        return 1

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "fixed": self.fixed,
            "exit_code": self.exit_code,
            "steps": [s.to_json() for s in self.steps],
            "proposal": self.proposal.to_json() if self.proposal else None,
            "verdict": str(self.report.verdict) if self.report else None,
        }


def plan_options(target: Target, options: ReloadOptions) -> PlanOptions:
    local = bool(options.postgrest_pid) or (target.is_loopback and bool(find_postgrest(target)))
    return PlanOptions(
        options.postgrest_pid, options.restart_cmd, local, find_supabase_cli() is not None
    )


def build_step(
    rung: Rung, target: Target, options: ReloadOptions, report: Report | None, attempt: int = 1
) -> Any:
    listening = report.listening if report else None
    if rung.id == "notify":
        return NotifyStep(
            target, reload_config=options.reload_config, listening=listening, attempt=attempt
        )
    if rung.id == "notify-cli":
        cli = find_supabase_cli()
        if cli is None:
            raise MissingPart(f"Supabase CLI not installed: {INSTALL_HINT}")
        return NotifyCliStep(
            target, cli=cli, reload_config=options.reload_config, listening=listening
        )
    if rung.id == "signal":
        return SignalStep(target, pid=options.postgrest_pid, reload_config=options.reload_config)
    if rung.id == "restart":
        return RestartStep(target, command=options.restart_cmd, cli=find_supabase_cli())
    raise ValueError(rung.id)


async def reload(
    target: Target,
    *,
    objects: list[StaleObject],
    request: FailingRequest | None = None,
    report: Report | None = None,
    options: ReloadOptions = ReloadOptions(),
    emit: Emit,
    rediagnose: Callable[[], Awaitable[Report]] | None = None,
) -> ReloadOutcome:
    outcome = ReloadOutcome(report=report)
    verifier = Verifier(target, objects, request, replay_for_real=options.replay_for_real)
    await verifier.prepare()
    ladder = plan(report, target, plan_options(target, options))
    rungs = [RUNG_BY_ID[options.method]] if options.method else [r for r in ladder if r.automatic]
    last: Rung | None = None
    for rung in rungs:
        last = rung
        attempts = 2 if rung.id in ("notify", "notify-cli") else 1
        for attempt in range(1, attempts + 1):
            loads_before = await schema_cache_loads(target)
            step = build_step(rung, target, options, report, attempt)
            result = await step.run(emit)
            outcome.steps.append(result)
            if result.status is StepStatus.REFUSED:
                outcome.refused = True
                break
            if result.status is StepStatus.FAILED:
                break
            since = step.sent_at or time.perf_counter()
            timeout = max(rung.alert_s, options.wait_timeout) if options.wait else rung.alert_s
            verify = VerifyStep(
                verifier,
                since=since,
                timeout=timeout,
                kpi_id="schema_reload" if rung.kpi_id == "schema_reload" else None,
                loads_before=loads_before,
                rediagnose=rediagnose,
            )
            checked = await verify.run(emit)
            outcome.steps.append(checked)
            outcome.report = verify.report or outcome.report
            if checked.ok:
                outcome.fixed = True
                return outcome
            if not checked.details.get("pending"):
                break  # the cache is fresh; what remains is not a cache problem
            # nothing seen within the alert threshold: a NOTIFY may have been dropped
            # during an in-flight reload, so it is sent once more before moving on
    if last is not None:
        outcome.proposal = next_after(ladder, last.id)
    return outcome
