"""Rung 3: restart PostgREST (a configured command, or ``supabase stop`` + ``supabase start``
in a Supabase project), then wait until it is ready again.
"""

from __future__ import annotations

import asyncio
import shlex
import time
from pathlib import Path

import httpx

from tui.core.errors import UsageError
from tui.core.probes.api import PROBE_PROFILE
from tui.core.remedies.events import Emit, KpiFigure, StepResult, StepStatus, running
from tui.core.remedies.io import run_program, secrets_of
from tui.core.target import Target

READY_TIMEOUT_S = 60.0
COMMAND_TIMEOUT_S = 180.0


def parse_command(text: str, flag: str = "--restart-cmd") -> list[str]:
    """A configured command as argv (shell quoting rules, but never run by a shell)."""
    try:
        argv = shlex.split(text)
    except ValueError as exc:
        # the command is not echoed: it may carry a password (PGPASSWORD=..., a DB URL)
        raise UsageError(f"{flag}: cannot split it into arguments: {exc}") from None
    if not argv:
        raise UsageError(f"{flag} is empty")
    return argv


def supabase_project(target: Target) -> Path | None:
    if target.project_dir and (target.project_dir / "supabase" / "config.toml").is_file():
        return target.project_dir
    return None


async def wait_ready(target: Target, deadline: float) -> bool:
    """Admin ``/ready`` answers 200 (or, without an admin URL, the API answers below 500 to the
    exposed-schemas question, which PostgREST answers before any SQL: a ``HEAD /`` would read
    the catalog for the OpenAPI document and run ``db-pre-request``)."""
    url = (target.admin_url.rstrip("/") + "/ready") if target.admin_url else target.api_url
    headers = {} if target.admin_url else {"Accept-Profile": PROBE_PROFILE}
    async with httpx.AsyncClient(timeout=1.0) as client:
        while time.perf_counter() < deadline:
            try:
                r = await client.get(url, headers=headers)
                if (r.status_code == 200) if target.admin_url else (r.status_code < 500):
                    return True
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05)
    return False


class RestartStep:
    id = "restart"
    kpi_id: str | None = "postgrest_restart"

    def __init__(
        self, target: Target, *, command: list[str] | None = None, cli: str | None = None
    ) -> None:
        self.target = target
        project = supabase_project(target)
        if command:
            self.commands = [command]
            self.cwd = None
        elif project is not None and cli:
            self.commands = [[cli, "stop"], [cli, "start"]]
            self.cwd = project
        else:
            self.commands = []
            self.cwd = None
        self.title = "restart PostgREST: " + " && ".join(shlex.join(c) for c in self.commands)
        self.sent_at: float | None = None

    async def run(self, emit: Emit) -> StepResult:
        async with running(self.id, self.title, emit, self.kpi_id) as clock:
            if not self.commands:
                return clock.result(
                    StepStatus.REFUSED,
                    "no way to restart PostgREST: give --restart-cmd (e.g. 'systemctl restart "
                    "postgrest' or 'docker restart api') or run inside a Supabase project",
                )
            t0 = self.sent_at = time.perf_counter()
            for argv in self.commands:
                clock.output(f"$ {shlex.join(argv)}")
                try:
                    done = await run_program(
                        argv,
                        timeout=COMMAND_TIMEOUT_S,
                        on_line=clock.output,
                        secrets=secrets_of(self.target),
                        cwd=self.cwd,
                    )
                except OSError as exc:
                    return clock.result(StepStatus.FAILED, f"cannot run {argv[0]}: {exc.strerror}")
                if done.returncode != 0:
                    return clock.result(
                        StepStatus.FAILED,
                        f"{Path(argv[0]).name} exited {done.returncode}: {done.tail}",
                    )
            clock.output("waiting for PostgREST to be ready")
            if not await wait_ready(self.target, time.perf_counter() + READY_TIMEOUT_S):
                return clock.result(
                    StepStatus.FAILED,
                    f"PostgREST not ready {READY_TIMEOUT_S:.0f}s after the restart",
                )
            took = time.perf_counter() - t0
            figure = clock.kpi(KpiFigure.measure("postgrest_restart", took))
            return clock.result(
                StepStatus.OK, f"PostgREST restarted and ready in {took:.1f}s", kpis=[figure]
            )
