"""`reload`, headless: run rungs of the ladder, verify after each, resend a NOTIFY once, move
on to the next automatic rung, and propose the disruptive ones instead of running them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tui.core.errors import MissingPart
from tui.core.model import SCHEMA_VERSION, Cause, Report, StaleObject
from tui.core.remedies.events import Emit, ReloadStep, StepResult, StepStatus
from tui.core.remedies.ladder import RUNG_BY_ID, PlanOptions, Rung, next_after, plan
from tui.core.remedies.metrics import schema_cache_loads
from tui.core.remedies.notify import NotifyCliStep, NotifyStep
from tui.core.remedies.procs import find_postgrest
from tui.core.remedies.restart import RestartStep
from tui.core.remedies.signal_step import SignalStep
from tui.core.remedies.verify import Verifier, VerifyStep
from tui.core.request import FailingRequest
from tui.core.target import Target, mask_url
from tui.core.tools import INSTALL_HINT, find_supabase_cli

METHODS = ("notify", "notify-cli", "signal", "restart")
VERIFY_TITLE = "verify: stale objects served, request works"
WAIT_TIMEOUT_S = 60.0  # --wait without a number
MAX_WAIT_S = 600.0


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
    unfixed: list[str] = field(default_factory=list)  # instances still stale at the end
    why: str | None = None  # why a NOTIFY could not reach them, from the evidence

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
            "unfixed_instances": [mask_url(u) for u in self.unfixed],
            "why_not_reached": self.why,
        }


def plan_options(target: Target, options: ReloadOptions) -> PlanOptions:
    local = bool(options.postgrest_pid) or (target.is_loopback and bool(find_postgrest(target)))
    return PlanOptions(
        options.postgrest_pid, options.restart_cmd, local, find_supabase_cli() is not None
    )


def build_step(
    rung: Rung, target: Target, options: ReloadOptions, report: Report | None, attempt: int = 1
) -> ReloadStep:
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
    """Climb the ladder until every instance serves the objects. NOTIFY reaches the whole
    database at once; each instance is verified on its own (bounded by the rung's KPI alert
    threshold unless ``wait``), and a signal goes only to the instances still stale."""
    outcome = ReloadOutcome(report=report)
    urls = target.instances
    fleet = len(urls) > 1
    verifiers = {  # the request is sent for real (when asked) by one instance's check only
        u: Verifier(
            target.for_instance(u),
            objects,
            request,
            replay_for_real=options.replay_for_real and i == 0,
        )
        for i, u in enumerate(urls)
    }
    await asyncio.gather(*(v.prepare() for v in verifiers.values()))
    ladder = plan(report, target, plan_options(target, options))
    rungs = [RUNG_BY_ID[options.method]] if options.method else [r for r in ladder if r.automatic]
    pending = list(urls)
    last: Rung | None = None
    for rung in rungs:
        last = rung
        attempts = 2 if rung.id in ("notify", "notify-cli") and notify_may_reach(report) else 1
        if rung.id in ("notify", "notify-cli"):
            outcome.why = notify_lost_why(report)  # also when the step itself refuses
        for attempt in range(1, attempts + 1):
            loads_before = await schema_cache_loads(target)
            per_instance = rung.id == "signal" and fleet and options.postgrest_pid is None
            aimed = [target.for_instance(u) for u in pending] if per_instance else [target]
            results = []
            for one in aimed:
                step = build_step(rung, one, options, report, attempt)
                results.append((step, await step.run(emit)))
            outcome.steps.extend(r for _, r in results)
            if any(r.status is StepStatus.REFUSED for _, r in results):
                outcome.refused = True
            if all(r.status in (StepStatus.REFUSED, StepStatus.FAILED) for _, r in results):
                break
            sent = [s.sent_at for s, _ in results if s.sent_at]
            since = min(sent) if sent else time.perf_counter()
            timeout = max(rung.alert_s, options.wait_timeout) if options.wait else rung.alert_s
            if rung.id in ("notify", "notify-cli") and outcome.why:
                timeout = rung.alert_s  # waiting longer cannot help: the evidence says why
            checks = [
                VerifyStep(
                    verifiers[u],
                    since=since,
                    timeout=timeout,
                    kpi_id="schema_reload" if rung.kpi_id == "schema_reload" else None,
                    loads_before=loads_before,
                    rediagnose=rediagnose if not fleet else None,
                    title=f"verify {mask_url(u)}: stale objects served" if fleet else VERIFY_TITLE,
                )
                for u in pending
            ]
            checked = await asyncio.gather(*(c.run(emit) for c in checks))
            outcome.steps.extend(checked)
            for check in checks:
                outcome.report = check.report or outcome.report
            still = [u for u, c in zip(pending, checked, strict=True) if not c.ok]
            if not still and fleet and rediagnose is not None:
                outcome.report = await rediagnose()  # every instance, and behind each URL
                if outcome.report.exit_code != 0:
                    still = list(pending)
            if not still:
                outcome.fixed = True
                return outcome
            outcome.unfixed = still
            if not any(c.details.get("pending") for c in checked):
                break  # the cache is fresh; what remains is not a cache problem
            pending = still
            # nothing seen within the alert threshold: a NOTIFY may have been dropped
            # during an in-flight reload, so it is sent once more before moving on
    if last is not None:
        outcome.proposal = next_after(ladder, last.id)
    return outcome


# Causes that say a NOTIFY cannot reach PostgREST: resending it only waits again.
NOTIFY_LOST = frozenset(
    {Cause.LISTENER_BEHIND_POOLER, Cause.POSTGREST_ON_STANDBY, Cause.CHANNEL_MISMATCH}
)


def notify_lost_why(report: Report | None) -> str | None:
    """The evidence that a NOTIFY will not reach some instance, in one line, or None."""
    if report is None:
        return None
    return next((f.summary for f in report.findings if f.cause in NOTIFY_LOST), None)


def notify_may_reach(report: Report | None) -> bool:
    return notify_lost_why(report) is None
