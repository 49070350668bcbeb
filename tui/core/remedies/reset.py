"""Rung 4, guarded: a full reset. Typed database name, a verified dump first, the fingerprint
re-read right before dropping, loopback unless ``--allow-remote`` with the host typed too.
Afterwards the restore from the dump is offered (``restore.py``).

Order matters and is the guarantee: every guard and the dump come before the one step that
drops anything; a refusal or a Ctrl+C before it leaves the database untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import shlex
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

from tui.core.errors import GuardRefused, UsageError
from tui.core.model import SCHEMA_VERSION
from tui.core.probes.catalog import Catalog
from tui.core.remedies import keep
from tui.core.remedies.dump import Dump, DumpStep
from tui.core.remedies.events import (
    Emit,
    EventKind,
    KpiFigure,
    StepClock,
    StepEvent,
    StepResult,
    StepStatus,
    running,
)
from tui.core.remedies.fence import WriteFence
from tui.core.remedies.fingerprint import Fingerprint, differences, read_fingerprint
from tui.core.remedies.guard import APP_PREFIX, TargetGuard, check_remote
from tui.core.remedies.io import libpq_env, run_program, secrets_of, without_password
from tui.core.remedies.restart import supabase_project
from tui.core.remedies.restore import RowsRestoreStep
from tui.core.remedies.scratch import (
    LocalServer,
    MigrationFailed,
    Scratch,
    ScratchFailed,
    migration_files,
    read_inventory,
    scratch_database,
)
from tui.core.remedies.unmigrated import KEPT_BY_RESET, Unmigrated, surplus, unmigrated
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
    unmigrated: str | None = None  # objects in no migration: "keep", "drop", or None (refuse)
    local_server: Callable[[], LocalServer] | None = None  # scratch server when the target's
    # role may not create a database (the front ends pass the sandbox's Cluster)


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
    unmigrated: list[Unmigrated] = field(default_factory=list)  # what the reset would lose
    kept_migration: Path | None = None  # --keep-unmigrated: the migration written
    restore: StepResult | None = None  # --keep-unmigrated: the rows put back on their own

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "reset": self.done,
            "refused": self.refused,
            "steps": [s.to_json() for s in self.steps],
            "dump": self.dump.to_json() if self.dump else None,
            "unmigrated": [u.to_json() for u in self.unmigrated],
            "kept_migration": str(self.kept_migration) if self.kept_migration else None,
        }
        if self.restore is not None:
            data["restore"] = self.restore.to_json()
        return data


class ResetStep:
    """The drop itself: ``supabase db reset --db-url <target> --yes`` or ``--reset-cmd``."""

    id = "reset"
    kpi_id: str | None = "database_reset"

    def __init__(
        self, target: Target, argv: list[str], cwd: Path | None, app_name: str | None = None
    ) -> None:
        self.target = target
        self.argv = argv
        self.cwd = cwd
        self.app_name = app_name  # PGAPPNAME: the write fence keeps the reset's sessions
        shown = [a if a not in (target.db_url, without_password(target.db_url)) else "<db-url>"
                 for a in argv]  # fmt: skip
        self.title = f"reset: {shlex.join(shown)}"

    def _env(self) -> dict[str, str]:
        env = libpq_env(self.target.db_url)
        if self.app_name:
            env["PGAPPNAME"] = self.app_name
        return env

    async def run(self, emit: Emit) -> StepResult:
        async with running(self.id, self.title, emit, self.kpi_id) as clock:
            with tempfile.TemporaryDirectory(prefix="pgrst-doctor-reset-") as tmp:
                return await self._run(clock, Path(tmp))

    async def _run(self, clock: StepClock, tmp: Path) -> StepResult:
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
                env=self._env(),
            )
        except OSError as exc:
            return clock.result(StepStatus.FAILED, f"cannot run {self.argv[0]}: {exc.strerror}")
        if done.returncode != 0:
            return clock.result(
                StepStatus.FAILED, f"reset failed (exit {done.returncode}): {done.tail}"
            )
        figure = clock.kpi(KpiFigure.measure("database_reset", clock.elapsed))
        # no claim about the migrations here: the next step compares the catalog with them
        return clock.result(
            StepStatus.OK, f"{self.argv[0].rsplit('/', 1)[-1]} finished (exit 0)", kpis=[figure]
        )


async def run_reset(
    target: Target,
    request: ResetRequest,
    *,
    emit: Emit,
    pg_bindir: Path,
    cli: str | None,
) -> ResetOutcome:
    """Guards, what would be lost, dump, fingerprint re-check, reset, proof, rows.

    Raises GuardRefused / RefusedWith before the reset step: then nothing was dropped."""
    check_confirmation(target, request)
    argv, cwd = reset_argv(target, request, cli)
    typed = (request.confirm or "").rstrip("\r\n")
    async with TargetGuard(target, typed, "reset", seen=request.fingerprint) as guard:
        run = ResetRun(target, request, emit, pg_bindir, argv, cwd, cli, guard=guard)
        return await run.run()


async def preview_unmigrated(
    target: Target, request: ResetRequest, *, pg_bindir: Path, cli: str | None
) -> list[Unmigrated]:
    """What the reset would lose, before anything is confirmed (the wizard shows it while the
    name is typed). Read-only on the target; raises GuardRefused with the reason otherwise."""
    argv, cwd = reset_argv(target, request, cli)
    quiet = dataclasses.replace(request, unmigrated="drop")  # list, never refuse, keep nothing
    run = ResetRun(target, quiet, lambda _event: None, pg_bindir, argv, cwd, cli)
    await run.compare()
    return run.outcome.unmigrated


@dataclass
class ResetRun:
    """One reset as an ordered list of steps (``plan``), sharing what they found. A step
    returns False to stop (the outcome says why) or raises RefusedWith before the drop."""

    target: Target
    request: ResetRequest
    emit: Emit
    bindir: Path
    argv: list[str]
    cwd: Path | None
    cli: str | None
    guard: TargetGuard | None = None  # the hold on the database, from compare to the end
    fence: WriteFence | None = None  # writers held from the dump until the reset holds the tables
    outcome: ResetOutcome = field(default_factory=ResetOutcome)
    before: Fingerprint | dict[str, Any] | None = None
    live: Catalog | None = None  # the target's catalog before the reset
    migrated: Catalog | None = None  # what the migrations (and a kept migration) create
    kept_sql: str | None = None

    def plan(self) -> list[Callable[[], Awaitable[bool]]]:
        return [
            self.identify,
            self.compare,
            self.dump,
            self.recheck,
            self.keep,
            self.reset,
            self.prove,
            self.put_rows_back,
        ]

    async def run(self) -> ResetOutcome:
        try:
            for step in self.plan():
                if not await step():
                    break
        finally:
            if self.fence is not None:
                await self.fence.release()
        return self.outcome

    def refuse(self, reason: str, result: StepResult | None = None) -> RefusedWith:
        self.outcome.refused = f"reset refused: {reason}"
        if result is not None:
            self.outcome.steps.append(result)
        return RefusedWith(self.outcome)

    @property
    def project(self) -> Path | None:
        return supabase_project(self.target)

    async def identify(self) -> bool:
        try:
            seen = self.guard.fingerprint if self.guard is not None else None
            self.before = self.request.fingerprint or seen or await read_fingerprint(self.target)
        except (psycopg.Error, TimeoutError) as exc:
            raise GuardRefused(
                f"reset refused: cannot read the target's fingerprint ({type(exc).__name__})"
            ) from None
        return True

    async def compare(self) -> bool:
        """What the reset would lose: the migrations applied to a scratch database, both
        catalogs compared. Any loss refuses unless kept (--keep-unmigrated) or accepted."""
        title = "what the reset would lose: supabase/migrations applied to a scratch database"
        async with running("unmigrated", title, self.emit) as clock:
            try:
                result = await self._compare(clock)
            except MigrationFailed as exc:
                result = clock.result(
                    StepStatus.REFUSED,
                    f"the migrations do not apply to a fresh database ({exc}): the reset "
                    "would stop half-way; nothing was dropped",
                )
            except ScratchFailed as exc:
                result = clock.result(
                    StepStatus.REFUSED,
                    f"cannot prepare the scratch database ({exc}); nothing was dropped",
                )
            except (psycopg.Error, TimeoutError, OSError) as exc:
                result = clock.result(
                    StepStatus.REFUSED,
                    f"cannot compare the database with its migrations ({type(exc).__name__}); "
                    "nothing was dropped",
                )
        if result.status is StepStatus.REFUSED:
            raise self.refuse(result.summary, result)
        self.outcome.steps.append(result)
        return True

    async def _compare(self, clock: StepClock) -> StepResult:
        files = migration_files(self.project)
        mode = self.request.unmigrated
        async with scratch_database(self.target, self.bindir, self.request.local_server) as scratch:
            clock.output(f"scratch database on {scratch.where}; {len(files)} migration files")
            carried = await scratch.carry_default_privileges(self.target)
            clock.output(f"default privileges the reset keeps, carried over: {carried}")
            await self._migrate(scratch, files)
            self.migrated = await scratch.inventory()
            self.live = await read_inventory(self.target)
            lost = unmigrated(self.live, self.migrated)
            self.outcome.unmigrated = lost
            for obj in lost:
                clock.output(f"not in the migrations: {obj.display}")
            if not lost:
                return clock.result(StepStatus.OK, "nothing is lost: the migrations create it all")
            shown = ", ".join(o.display for o in lost[:8]) + (", …" if len(lost) > 8 else "")
            if mode == "drop":
                return clock.result(
                    StepStatus.OK,
                    f"{_objects(lost)} not in the migrations will be dropped "
                    f"(--drop-unmigrated): {shown}",
                    details=_lost_details(lost, "drop"),
                )
            if mode != "keep":
                return clock.result(
                    StepStatus.REFUSED,
                    f"{_objects(lost)} of the database in no migration would be "
                    f"lost: {shown}; add --keep-unmigrated (write them into a new migration) "
                    "or --drop-unmigrated (accept their loss)",
                )
            if self.project is None:
                return clock.result(
                    StepStatus.REFUSED,
                    "--keep-unmigrated needs a Supabase project (supabase/migrations) to "
                    "write the kept objects into",
                )
            return await self._prove_kept(clock, scratch, lost, shown)

    async def _migrate(self, scratch: Scratch, files: list[Path]) -> None:
        """The scratch database as the reset will leave the target: the same Supabase CLI
        reset (it also grants and seeds), or each file by psql when a --reset-cmd resets
        (that command is never pointed at anything but the confirmed target)."""
        if self.request.reset_cmd is not None:
            for path in files:
                await scratch.apply(path)
            return
        argv, cwd = reset_argv(scratch.target, self.request, self.cli)
        done = await ResetStep(scratch.target, argv, cwd).run(lambda _event: None)
        if not done.ok:
            raise MigrationFailed(done.summary)

    async def _prove_kept(
        self, clock: StepClock, scratch: Scratch, lost: list[Unmigrated], shown: str
    ) -> StepResult:
        """The differ's DDL, applied to the scratch database: nothing may be missing after."""
        assert self.live is not None
        problem = "the schema differ wrote nothing"
        for order in keep.ORDERS:
            text = await keep.generate(scratch.target.db_url, self.target.db_url, lost, order)
            if not text:
                continue
            with tempfile.TemporaryDirectory(prefix="pgrst-doctor-keep-") as tmp:
                candidate = Path(tmp) / "keep.sql"
                candidate.write_text(text)
                try:
                    await scratch.apply(candidate)
                except MigrationFailed as exc:
                    problem = f"its DDL does not apply ({exc})"
                    clock.output(f"results ({order}): {problem}")
                    continue
            after = await scratch.inventory()
            left = unmigrated(self.live, after)
            if left:
                problem = "it leaves out " + ", ".join(o.display for o in left[:8])
                break
            self.migrated = after
            self.kept_sql = keep.header(lost) + text
            return clock.result(
                StepStatus.OK,
                f"{_objects(lost)} not in the migrations kept (--keep-unmigrated), "
                f"proven on the scratch database: {shown}",
                details=_lost_details(lost, "keep"),
            )
        return clock.result(
            StepStatus.REFUSED,
            f"cannot keep the objects that are in no migration: {problem}; "
            "nothing was dropped, no migration written",
        )

    async def dump(self) -> bool:
        out_dir = self.request.session_dir
        if out_dir is None:
            from tui.core.remedies.dump import new_session_dir

            out_dir = new_session_dir()
        if self.guard is not None and self.guard.conn is not None:
            # writers held from here until the reset holds every table (remedies/fence.py)
            self.fence = WriteFence(self.target, self.guard.conn, APP_PREFIX)
            held = await self.fence.freeze()
            self.emit(StepEvent("dump", EventKind.OUTPUT, held, 0.0))
        step = DumpStep(self.target, out_dir=out_dir, pg_bindir=self.bindir)
        self.outcome.steps.append(await step.run(self.emit))
        if step.dump is None:
            raise self.refuse(f"{self.outcome.steps[-1].summary}; nothing was dropped")
        self.outcome.dump = step.dump
        if self.request.on_dump is not None:
            self.request.on_dump(step.dump)
        return True

    async def recheck(self) -> bool:
        async with running("fingerprint", "re-read the target's fingerprint", self.emit) as clock:
            t0 = time.perf_counter()
            try:
                now = await read_fingerprint(self.target)
            except (psycopg.Error, TimeoutError) as exc:
                reason = f"cannot re-read the fingerprint ({type(exc).__name__})"
                raise self.refuse(reason, clock.result(StepStatus.REFUSED, reason)) from None
            assert self.before is not None
            changed = differences(self.before, now)
            if self.guard is not None and now.database != self.guard.typed:
                changed.append(f"database: {now.database} is not the confirmed {self.guard.typed}")
            if changed:
                reason = "the target changed since the diagnosis (" + "; ".join(changed) + ")"
                raise self.refuse(reason, clock.result(StepStatus.REFUSED, reason))
            clock.output(f"{now.display} ({(time.perf_counter() - t0) * 1000:.0f} ms)")
            self.outcome.steps.append(clock.result(StepStatus.OK, "same target as at diagnosis"))
        return True

    async def keep(self) -> bool:
        """--keep-unmigrated: the proven DDL becomes the newest migration, right before the
        reset reads the migrations folder."""
        if self.kept_sql is None or self.project is None:
            return True
        title = "write the kept objects into a new migration"
        async with running("keep", title, self.emit) as clock:
            try:
                path = keep.write_migration(self.project, self.kept_sql)
            except OSError as exc:
                reason = f"cannot write the kept migration: {exc.strerror}; nothing was dropped"
                raise self.refuse(reason, clock.result(StepStatus.REFUSED, reason)) from None
            self.outcome.kept_migration = path
            clock.output(str(path))
            self.outcome.steps.append(
                clock.result(StepStatus.OK, f"wrote {path.name}", details={"path": str(path)})
            )
        return True

    async def reset(self) -> bool:
        step = ResetStep(self.target, self.argv, self.cwd, app_name=f"{APP_PREFIX}-reset")
        task = asyncio.create_task(step.run(self.emit))
        try:
            if self.fence is not None:
                await self.fence.hand_over(task, self._reset_output)
            result = await task
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self.outcome.steps.append(result)
        return result.ok

    def _reset_output(self, line: str) -> None:
        self.emit(StepEvent("reset", EventKind.OUTPUT, line, 0.0))

    async def prove(self) -> bool:
        """The reset re-applied the migrations only if the database now has exactly what
        they create and its tables are new ones (an exit status proves nothing)."""
        title = "check the database against the migrations"
        async with running("migrated", title, self.emit) as clock:
            try:
                after = await read_inventory(self.target)
            except (psycopg.Error, TimeoutError) as exc:
                self.outcome.steps.append(
                    clock.result(
                        StepStatus.FAILED, f"cannot read the catalog: {type(exc).__name__}"
                    )
                )
                return False
            problem = not_reapplied(self.live, self.migrated, after)
            if problem:
                self.outcome.steps.append(
                    clock.result(
                        StepStatus.FAILED, f"the migrations were not re-applied: {problem}"
                    )
                )
                return False
            self.outcome.done = True
            self.outcome.steps.append(
                clock.result(
                    StepStatus.OK,
                    "migrations re-applied: the database has exactly what they create, "
                    "every table re-created",
                )
            )
        return True

    async def put_rows_back(self) -> bool:
        """After --keep-unmigrated the schema matches the dump: the rows go back on their own."""
        if self.outcome.kept_migration is None or self.outcome.dump is None:
            return True
        step = RowsRestoreStep(self.target, self.outcome.dump.path, pg_bindir=self.bindir)
        self.outcome.restore = await step.run(self.emit)
        return self.outcome.restore.ok


def _lost_details(found: list[Unmigrated], choice: str) -> dict[str, Any]:
    """The comparison's typed outcome for the journal (the ticket's "Lost" line): the
    objects in no migration (the first 50 named) and what was chosen for them."""
    return {"unmigrated": [o.display for o in found[:50]], "count": len(found), "choice": choice}


def _objects(found: list[Unmigrated]) -> str:
    return "1 object" if len(found) == 1 else f"{len(found)} objects"


def not_reapplied(before: Catalog | None, migrated: Catalog | None, after: Catalog) -> str | None:
    """Why ``after`` is not the migrations freshly applied; None when it is."""
    if migrated is None or before is None:
        return "nothing to compare with"
    # what the reset had to drop (in no migration, not kept) must be gone; what the reset tool
    # adds beyond the migrations (the Supabase CLI's own grants) is not the question here
    doomed = set(unmigrated(before, migrated))
    extra = [o for o in unmigrated(after, migrated) if o in doomed]
    if extra:
        return "still there: " + ", ".join(o.display for o in extra[:6])
    missing = surplus(after, migrated)
    if missing:
        return "missing: " + ", ".join(o.display for o in missing[:6])
    kept = sorted(
        k
        for k, rel in before.relations.items()
        if rel.schema not in KEPT_BY_RESET
        and k in after.relations
        and after.relations[k].oid == rel.oid
    )
    if kept:
        return f"{len(kept)} tables were not re-created ({', '.join(kept[:4])})"
    return None


class RefusedWith(GuardRefused):
    """GuardRefused that carries the steps run so far (the dump's result, for --json)."""

    def __init__(self, outcome: ResetOutcome) -> None:
        super().__init__(outcome.refused or "reset refused")
        self.outcome = outcome
