"""Rung 4, guarded: a full reset. Typed database name, a verified dump first, the fingerprint
re-read right before dropping, loopback unless ``--allow-remote`` with the host typed too.
Afterwards the restore from the dump is offered (``restore.py``).

Order matters and is the guarantee: every guard and the dump come before the one step that
drops anything; a refusal or a Ctrl+C before it leaves the database untouched.
"""

from __future__ import annotations

import re
import shlex
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

from tui.core.errors import GuardRefused, UsageError
from tui.core.model import SCHEMA_VERSION
from tui.core.remedies.dump import Dump, DumpStep
from tui.core.remedies.events import Emit, KpiFigure, StepResult, StepStatus, running
from tui.core.remedies.fingerprint import Fingerprint, differences, read_fingerprint
from tui.core.remedies.guard import TargetGuard, check_remote
from tui.core.remedies.io import libpq_env, run_program, secrets_of, without_password
from tui.core.remedies.restart import supabase_project
from tui.core.target import Target, read_project_config

RESET_TIMEOUT_S = 600.0
DOCKER_SOCKET = Path("/var/run/docker.sock")
_DB_PORT = re.compile(r"(?ms)(^\[db\][^\[]*?^port\s*=\s*)\d+")


@dataclass(frozen=True)
class ResetRequest:
    confirm: str | None  # must equal the database name
    fingerprint: Fingerprint | dict[str, Any] | None = None  # read at diagnosis time
    allow_remote: bool = False
    confirm_host: str | None = None
    reset_cmd: list[str] | None = None
    session_dir: Path | None = None
    on_dump: Callable[[Dump], None] | None = None  # the dump verified (journal it at once)


def check_confirmation(target: Target, request: ResetRequest, what: str = "reset") -> None:
    """The typed guards, before any I/O: raise GuardRefused with the one line to show.

    The name is the one libpq connects to (``?dbname=``, ``PGDATABASE`` included); the remote
    guard judges every host libpq may dial (``?host=``, ``hostaddr``, ``PGHOST``, lists)."""
    name = target.db_name
    typed = (request.confirm or "").rstrip("\r\n")
    if typed != name:
        shown = f"{typed[:80]!r}" if typed else "nothing"
        raise GuardRefused(
            f"{what} refused: type the database name to confirm (--confirm {name}); got {shown}"
        )
    check_remote(target, what, request.allow_remote, request.confirm_host)


def reset_argv(
    target: Target, request: ResetRequest, cli: str | None
) -> tuple[list[str], Path | None]:
    if request.reset_cmd:
        return request.reset_cmd, None
    project = supabase_project(target)
    if project is None or cli is None:
        raise GuardRefused(
            "reset refused: no Supabase project here (supabase/config.toml with migrations) and "
            "no --reset-cmd: nothing could re-create the schema after the drop"
        )
    # the password travels in PGPASSWORD (ResetStep): argv is visible to every local user (ps)
    return [cli, "db", "reset", "--db-url", without_password(target.db_url), "--yes"], project


def local_stack_port(project: Path) -> int | None:
    """The project's [db] port, read the way target resolution reads it; None if unreadable."""
    try:
        return read_project_config(project / "supabase" / "config.toml").db_port
    except UsageError:
        return None


def scratch_project(project: Path, dest: Path, target_port: int) -> Path:
    """A copy of the project's supabase/ folder whose [db] port differs from the target's.

    The CLI treats a --db-url on the project's own [db] port as its Docker stack and stops
    when Docker is absent; the copy makes it reset the target as the custom Postgres it is,
    with the same migrations and seed.
    """
    shutil.copytree(
        project / "supabase", dest / "supabase", ignore=shutil.ignore_patterns(".temp", ".branches")
    )
    config = dest / "supabase" / "config.toml"
    other = 54322 if target_port != 54322 else 54323
    config.write_text(_DB_PORT.sub(rf"\g<1>{other}", config.read_text(), count=1))
    return dest


@dataclass
class ResetOutcome:
    steps: list[StepResult] = field(default_factory=list)
    dump: Dump | None = None
    refused: str | None = None
    done: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "reset": self.done,
            "refused": self.refused,
            "steps": [s.to_json() for s in self.steps],
            "dump": self.dump.to_json() if self.dump else None,
        }


class ResetStep:
    """The drop itself: ``supabase db reset --db-url <target> --yes`` or ``--reset-cmd``."""

    id = "reset"
    kpi_id: str | None = "database_reset"

    def __init__(self, target: Target, argv: list[str], cwd: Path | None) -> None:
        self.target = target
        self.argv = argv
        self.cwd = cwd
        shown = [a if a not in (target.db_url, without_password(target.db_url)) else "<db-url>"
                 for a in argv]  # fmt: skip
        self.title = f"reset: {shlex.join(shown)}"

    async def run(self, emit: Emit) -> StepResult:
        async with running(self.id, self.title, emit, self.kpi_id) as clock:
            with tempfile.TemporaryDirectory(prefix="pgrst-doctor-reset-") as tmp:
                return await self._run(clock, Path(tmp))

    async def _run(self, clock: Any, tmp: Path) -> StepResult:
        cwd, argv = self.cwd, self.argv
        port = urlsplit(self.target.db_url).port or 5432
        own_stack = cwd is not None and local_stack_port(cwd) == port and self.target.is_loopback
        if own_stack and DOCKER_SOCKET.exists() and "--db-url" in argv:
            # the project's own local stack: plain `supabase db reset` also restarts its services
            at = argv.index("--db-url")
            argv = argv[:at] + argv[at + 2 :]
            clock.output("the target is the project's own local stack: plain `supabase db reset`")
        elif own_stack and cwd is not None:
            clock.output(
                "the target is on the project's own [db] port but no Docker stack runs: resetting "
                "it as a custom Postgres from a scratch copy of supabase/ (same migrations)"
            )
            cwd = scratch_project(cwd, tmp, port)
        try:
            done = await run_program(
                argv,
                timeout=RESET_TIMEOUT_S,
                on_line=clock.output,
                secrets=secrets_of(self.target),
                cwd=cwd,
                env=libpq_env(self.target.db_url),
            )
        except OSError as exc:
            return clock.result(StepStatus.FAILED, f"cannot run {self.argv[0]}: {exc.strerror}")
        if done.returncode != 0:
            return clock.result(
                StepStatus.FAILED, f"reset failed (exit {done.returncode}): {done.tail}"
            )
        figure = clock.kpi(KpiFigure.measure("database_reset", clock.elapsed))
        return clock.result(StepStatus.OK, "database reset: migrations re-applied", kpis=[figure])


async def run_reset(
    target: Target,
    request: ResetRequest,
    *,
    emit: Emit,
    pg_bindir: Path,
    cli: str | None,
) -> ResetOutcome:
    """Guards, dump, fingerprint re-check, reset. Raises GuardRefused (nothing dropped)."""
    check_confirmation(target, request)
    argv, cwd = reset_argv(target, request, cli)
    typed = (request.confirm or "").rstrip("\r\n")
    async with TargetGuard(target, typed, "reset", seen=request.fingerprint) as guard:
        return await _guarded_reset(target, request, guard, argv, cwd, emit, pg_bindir, cli)


async def _guarded_reset(
    target: Target,
    request: ResetRequest,
    guard: TargetGuard,
    argv: list[str],
    cwd: Path | None,
    emit: Emit,
    pg_bindir: Path,
    cli: str | None,
) -> ResetOutcome:
    """Dump, fingerprint re-check, reset: all under the guard's hold on the database."""
    outcome = ResetOutcome()
    before = request.fingerprint or guard.fingerprint
    assert before is not None
    out_dir = request.session_dir
    if out_dir is None:
        from tui.core.remedies.dump import new_session_dir

        out_dir = new_session_dir()
    dump_step = DumpStep(target, out_dir=out_dir, pg_bindir=pg_bindir)
    outcome.steps.append(await dump_step.run(emit))
    if dump_step.dump is None:
        outcome.refused = f"reset refused: {outcome.steps[-1].summary}; nothing was dropped"
        raise RefusedWith(outcome)
    outcome.dump = dump_step.dump
    if request.on_dump is not None:
        request.on_dump(outcome.dump)
    async with running("fingerprint", "re-read the target's fingerprint", emit) as clock:
        t0 = time.perf_counter()
        try:
            now = await read_fingerprint(target)
        except (psycopg.Error, TimeoutError) as exc:
            outcome.refused = (
                f"reset refused: cannot re-read the fingerprint ({type(exc).__name__})"
            )
            outcome.steps.append(clock.result(StepStatus.REFUSED, outcome.refused))
            raise RefusedWith(outcome) from None
        changed = differences(before, now)
        if now.database != guard.typed:
            changed.append(f"database: {now.database} is not the confirmed {guard.typed}")
        if changed:
            outcome.refused = (
                "reset refused: the target changed since the diagnosis (" + "; ".join(changed) + ")"
            )
            outcome.steps.append(clock.result(StepStatus.REFUSED, outcome.refused))
            raise RefusedWith(outcome)
        clock.output(f"{now.display} ({(time.perf_counter() - t0) * 1000:.0f} ms)")
        outcome.steps.append(clock.result(StepStatus.OK, "same target as at diagnosis"))
    result = await ResetStep(target, argv, cwd).run(emit)
    outcome.steps.append(result)
    outcome.done = result.ok
    return outcome


class RefusedWith(GuardRefused):
    """GuardRefused that carries the steps run so far (the dump's result, for --json)."""

    def __init__(self, outcome: ResetOutcome) -> None:
        super().__init__(outcome.refused or "reset refused")
        self.outcome = outcome
