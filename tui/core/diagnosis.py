"""Diagnosis: run the probes concurrently, each within the target's timeout, then conclude
a Report from the evidence with pure checks.

The wizard runs ``run_probe(id)`` per panel (one worker each) and then ``conclude()``; the
CLI calls ``run()``. Probes that need another probe's result (OpenAPI needs the exposed
schemas) await a shared, memoised step, so nothing runs twice and nothing waits in line.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx
import psycopg

from tui.core import budget, drift
from tui.core.checks import request, staleness, verdict
from tui.core.checks.evidence import Evidence, Found
from tui.core.checks.verdict import decide, remedies
from tui.core.knowledge.connection_errors import configuration_error, server_gave_up
from tui.core.knowledge.symptoms import ALL_SYMPTOMS
from tui.core.model import ObjectKind, Report, Status
from tui.core.postgrest_config import choose_authenticator, extra_search_path_in_force
from tui.core.probes import (
    admin,
    agreement,
    api,
    base,
    cache_only,
    catalog,
    db,
    db_prefetch,
    listener,
    openapi,
    path,
    roles,
    sweep,
    targeted,
)
from tui.core.target import Target, mask_url, origin_words

if TYPE_CHECKING:  # loaded when used: a plain check reads no pasted error, request or fleet
    from tui.core.pasted_error import PastedError
    from tui.core.probes import alike
    from tui.core.request import FailingRequest
    from tui.core.specs import ObjectRef


@dataclass(frozen=True)
class DiagnosisRequest:
    """What the user asked about: symptoms, objects, a request, a pasted error."""

    symptoms: tuple[str, ...] = ALL_SYMPTOMS  # ids from knowledge/symptoms.py
    objects: tuple[ObjectRef, ...] = ()  # what the user asked about
    request: FailingRequest | None = None  # replayed with the target's key, cache-only
    error: PastedError | None = None  # the pasted error the user started from
    replay_for_real: bool = False  # send the request itself once (--replay-writes)


@dataclass(frozen=True)
class ProbeSpec:
    """A probe as a panel: its id and heading."""

    id: str  # "database", "catalog", "api", "openapi", "listener", "admin", "request", ...
    title: str  # panel heading


@dataclass
class ProbeOutcome:
    """One probe's result: status, summary, time taken and what it found."""

    probe: str
    status: Status
    summary: str
    elapsed_ms: float
    evidence: Found = field(default_factory=Found)


@dataclass(frozen=True)
class ProbeStarted:
    """A probe began (an event for the wizard's panels and the CLI's progress)."""

    probe: str


@dataclass(frozen=True)
class ProbeFinished:
    """A probe ended with this outcome (an event, as ProbeStarted)."""

    outcome: ProbeOutcome


DiagnosisEvent = ProbeStarted | ProbeFinished


class Skip(Exception):
    """A prerequisite failed: the probe is skipped, with the reason."""


# the listener panel's status by what pg_stat_activity showed (None: could not tell)
LISTENING_STATUS = {True: Status.PASS, False: Status.FAIL, None: Status.WARN}

ProbeResult = tuple[Status, str, Found]
Asked = tuple[tuple["alike.Question", ...], tuple[bool | None, ...]]  # questions, answers
T = TypeVar("T")

# Steps that read only the database or this machine: shared by the diagnoses of several
# instances of one target (see fleet.py), so a fleet of three costs one catalog snapshot, one
# socket-table reading, not three.
SHARED_STEPS = frozenset({"database", "catalog", "listener", "recent", "sockets", "postgrest"})
# what a named object's name is looked up as in a scoped catalog (catalog.unfound)
ASKED_AS = {ObjectKind.ENUM: "enum", ObjectKind.FUNCTION: "function"}
# what the reference's full comparison rests on (alike.py): settled before it is handed out
COMPARISON_PROBES = ("api", "catalog", "openapi", "targeted", "admin")


class Diagnosis:
    """One diagnosis of one target. Not thread-safe; use from one event loop."""

    def __init__(
        self,
        target: Target,
        request: DiagnosisRequest = DiagnosisRequest(),
        *,
        shared: dict[str, asyncio.Task[Any]] | None = None,
        reference: Diagnosis | None = None,
        fleet: bool = False,
    ) -> None:
        self.target = target
        self.request = request
        self.role = roles.request_role(target.api_key, target.anon_role)
        self.anon_in_db = roles.anon_role_in_db(target)
        self.probes: list[ProbeSpec] = [
            ProbeSpec(probe_id, kind.title)
            for probe_id, kind in PROBES.items()
            if kind.wanted(target, request)
        ]
        self.outcomes: dict[str, ProbeOutcome] = {}
        self._steps: dict[str, asyncio.Task[Any]] = {}  # step name -> its one shared task
        self._shared = shared  # database-only steps of a fleet run, owned by the fleet
        # another instance's full comparison, to place this one against (fleet.py, alike.py)
        self._reference = reference
        self._reference_task: asyncio.Task[alike.Reference | None] | None = None
        self._early_task: asyncio.Task[Asked] | None = None  # the recent questions, answered
        self._settled: dict[str, asyncio.Event] = {}  # probe id -> its outcome is recorded
        # one of several instances named each by its own URL (--api-url repeated)
        self.fleet = fleet or len(target.instances) > 1
        # the targeted probes' requests share it; the agreement probe's run goes alone
        self._gate = targeted.RequestGate()
        self._swept = asyncio.Event()  # the targeted sweeps have their answers (or gave up)
        self._started = time.perf_counter()

    # -- shared steps ----------------------------------------------------------------------
    def _step(
        self, name: str, make: Callable[[], Awaitable[T]], fresh: bool = False
    ) -> asyncio.Task[T]:
        """The memoised task for a step; each step is bounded by the target's timeout."""
        steps = self._steps
        if self._shared is not None and name in SHARED_STEPS:
            steps, fresh = self._shared, False  # one run of the fleet: read once for all
        task = steps.get(name)
        loop = asyncio.get_running_loop()
        # fresh: a re-run replaces a finished step; a pending one is shared, never doubled
        if task is None or task.get_loop() is not loop or (fresh and task.done()):
            # bounded by the service's time: not waits for other steps, not this process's
            # own starvation (budget.py)
            task = loop.create_task(budget.bounded(make(), self.target.timeout))
            steps[name] = task
        return cast("asyncio.Task[T]", task)  # one name, one maker: the same T each time

    async def _api(self) -> api.ApiInfo:
        async with base.http_client(self.target) as client:
            return await api.api_info(client)

    @property
    def scoped(self) -> bool:
        """Objects were named: probe those directly, at a cost independent of schema size.
        Enum labels alone are not: PostgreSQL validates them, and only OpenAPI (the labels
        listed on columns of the type) shows what the cache holds, so they need the full
        comparison, whose findings on other kinds the symptom then leaves as warnings."""
        named = [*self.request.objects, *(self.request.error.objects if self.request.error else ())]
        return any(ref.kind is not ObjectKind.ENUM for ref in named)

    @property
    def placed(self) -> bool:
        """Judged against another instance's full comparison (a whole check of a fleet)."""
        return self._reference is not None and not self.scoped and self.request.request is None

    def _names(self) -> frozenset[str] | None:
        if not self.scoped:
            return None
        names: set[str] = set()
        for o in self._objects():
            names.add(o.name)
            if o.target_name:
                names.add(o.target_name)
        return frozenset(names)

    async def _catalog(self) -> catalog.Catalog:
        if self.request.request is not None:  # its path resolves against db-schemas
            with contextlib.suppress(Skip):
                await self._need("api", self._api)
        refs = list(self._objects())
        error = self.request.error
        if error and error.unqualified:  # an unqualified column: its privileges in every
            try:  # exposed schema, since the catalog decides which one holds the table
                info = await self._need("api", self._api)
            except Skip:
                info = None
            schemas = (info.exposed_schemas if info else []) or list(self.target.schemas_hint)
            refs += [replace(o, schema=s) for o in error.unqualified for s in schemas]
        cols = tuple(dict.fromkeys((o.schema, o.name, o.column) for o in refs if o.column))
        names = self._names()
        role = catalog.read_as(self.role)
        asked_as: dict[str, set[str]] = {}
        for o in refs:
            asked_as.setdefault(o.name, set()).add(ASKED_AS.get(o.kind, "relation"))
            if o.target_name:
                asked_as.setdefault(o.target_name, set()).add("relation")
        anon = self.anon_in_db
        keys_of = self._written_tables()
        if names is None and not cols and not keys_of:  # `check` may have begun it (db_prefetch)
            return await db_prefetch.whole_catalog(self.target, role, anon)
        return await db_prefetch.on_own_connection(
            self.target,
            lambda c: catalog.snapshot(
                c, role, cols, names, in_db_anon=anon, asked_as=asked_as, keys_of=keys_of
            ),
        )

    def _written_tables(self) -> frozenset[str]:
        """The table a pasted write names: its primary key is an upsert's conflict target
        and part of what it returns (request_columns)."""
        failing = self.request.request
        if failing is None or failing.method.upper() not in cache_only.WRITE_METHODS:
            return frozenset()
        if cache_only.is_rpc(failing):
            return frozenset()
        from tui.core.checks.request_columns import path_table

        return frozenset({path_table(failing)})

    async def _openapi(self) -> list[openapi.SchemaDoc]:
        """The default schema's document (no profile header) is fetched while the API probe
        learns the exposed schemas; the other schemas' documents follow."""
        async with base.http_client(self.target) as client:
            root = asyncio.ensure_future(openapi.fetch(client, None))
            try:
                info = await self._need("api", self._api)
            except BaseException:
                root.cancel()
                await asyncio.gather(root, return_exceptions=True)
                raise
            schemas = info.exposed_schemas or list(self.target.schemas_hint) or ["public"]
            docs = await asyncio.gather(root, *(openapi.fetch(client, s) for s in schemas[1:]))
            docs[0].schema = schemas[0]
            return list(docs)

    async def _owned(self, name: str, make: Callable[[], Awaitable[T]], fresh: bool) -> T:
        """A probe's own step, shielded: the engine owns it, so cancelling the probe that
        started it (ctrl+r re-runs a check while it runs) never cancels the checks that wait
        on the same step; the re-run shares the pending step instead of starting another."""
        return await asyncio.shield(self._step(name, make, fresh))

    async def _need(self, name: str, make: Callable[[], Awaitable[T]]) -> T:
        try:  # a step waiting for this one does not count the wait against its own bound
            return await budget.waiting(asyncio.shield(self._step(name, make)))
        except Exception as exc:
            raise Skip(f"needs the {name} probe: {self._describe(exc)}") from exc

    # -- probes: one method each, dispatched through PROBES (below the class) ---------------
    async def _database(self) -> ProbeResult:
        info = await self._owned("database", self._server_info, True)
        mode = "standby" if info.in_recovery else "primary"
        return Status.PASS, f"PostgreSQL {info.server_version} ({mode})", Found(server=info)

    async def _api_probe(self) -> ProbeResult:
        return self._api_outcome(await self._owned("api", self._api, True))

    async def _catalog_probe(self) -> ProbeResult:
        snap = await self._owned("catalog", self._catalog, True)
        known = self.role is not None or snap.anon_role_in_db is not None
        role = (f"role {snap.role.name}" + ("" if snap.role.exists else " (does not exist)")
                if known else "anon role unknown: PUBLIC's privileges")  # fmt: skip
        if snap.anon_role_in_db is not None:
            role += f" (set in the database: {snap.anon_role_in_db[1]})"
        return (Status.PASS,
                f"{len(snap.relations)} relations, "
                f"{sum(map(len, snap.functions.values()))} functions, "
                f"{len(snap.enums)} enum types; {role}",
                Found(catalog=snap))  # fmt: skip

    async def _openapi_probe(self) -> ProbeResult:
        if self.scoped:
            return (Status.SKIPPED, "not needed: the named objects are probed directly",
                    Found(scoped=True))  # fmt: skip
        if self.placed:  # another instance of the fleet was compared in full
            same = await self._owned("alike", self._alike, True)
            if same.stale is not None:
                return Status.PASS, f"not read: {same.summary}", Found(alike=same)
        try:
            docs = await self._owned("openapi", self._openapi, True)
        except openapi.OpenApiUnavailable as exc:
            if exc.status in (404, 406) or (exc.status == 200):
                return (Status.SKIPPED, f"OpenAPI is disabled (HTTP {exc.status}): "
                        "targeted probes stand in", Found(disabled=True))  # fmt: skip
            raise
        tables = sum(len(d.tables) for d in docs)
        return (Status.PASS, f"{tables} relations advertised to {self.role or 'the anon role'}",
                Found(docs=docs))  # fmt: skip

    async def _listener_probe(self) -> ProbeResult:
        t = self.target
        info = await self._owned("listener", self._listener_info, True)
        pids = await self._local_pids() if t.is_loopback else []
        state = {True: "listening", False: "nobody listening", None: "unknown"}[info.listening]
        return (LISTENING_STATUS[info.listening], f'channel "{t.channel}": {state}',
                Found(listener=info, pids=pids))  # fmt: skip

    async def _admin_probe(self) -> ProbeResult:
        t = self.target
        async with base.http_client(t, key="", base_url=t.admin_url) as client:
            # the cache dump is read only by a full comparison (staleness.check)
            info = await asyncio.wait_for(admin.admin_info(client, dump=not self.scoped),
                                          t.timeout)  # fmt: skip
        status = Status.PASS if info.ready == 200 else Status.WARN
        return status, f"/live {info.live}, /ready {info.ready}", Found(admin=info)

    async def _request_probe(self) -> ProbeResult:
        from tui.core.probes import replay

        assert self.request.request is not None  # listed only with a request (PROBES)
        async with base.http_client(self.target) as client:
            result = await asyncio.wait_for(
                replay.replay(client, self.request.request, for_real=self.request.replay_for_real),
                self.target.timeout,
            )
        # the panel shows the evidence: a failing request is a problem, not "ok"
        status = Status.PASS if result.ok else Status.FAIL
        return status, replay.summary(result), Found(replay=result)

    async def _targeted_probe(self) -> ProbeResult:
        try:
            if self.placed:
                same = await self._need("alike", self._alike)
                if same.stale is not None:  # the reference's sweep stands for this one
                    return Status.SKIPPED, f"not needed: {same.summary}", Found()
            return await self._targeted()
        finally:
            self._swept.set()

    def _server_info(self) -> Awaitable[db.ServerInfo]:
        return db_prefetch.server_info(self.target)  # `check` may have begun it already

    def _listener_info(self) -> Awaitable[listener.ListenerInfo]:
        return db_prefetch.listener_info(self.target)  # likewise

    async def _local_pids(self) -> list[int]:
        """PostgREST processes on this machine serving the target (for the SIGUSR1 rung); the
        same finder the signal step uses, so "signal" is offered only when it can act. /proc
        is read once for a whole fleet."""
        from tui.core.remedies import procs

        try:
            found = await self._need(
                "postgrest", lambda: asyncio.to_thread(procs.postgrest_processes)
            )
        except Skip:
            return []
        return sorted(p.pid for p in procs.serving(self.target, found))

    async def _path_info(self) -> path.PathInfo:
        t = self.target
        # one reading of this machine's sockets for a whole fleet, begun at once: it does not
        # depend on the other probes (it waited for them, then read /proc on the critical path)
        read = lambda: asyncio.to_thread(path.socket_table)  # noqa: E731
        if t.is_loopback:  # read or dropped: never an unretrieved exception
            self._step("sockets", read).add_done_callback(lambda f: f.cancelled() or f.exception())
        heard = await self._need("listener", self._listener_info)
        server = await self._need("database", self._server_info)
        table = await self._need("sockets", read) if t.is_loopback else None
        # the standby count comes with the database probe's answer (no connection of its own)
        return await path.path_info(t.db_url, t.instances, heard, server.server_port,
                                    server.replicas, table, t.timeout)  # fmt: skip

    async def _path(self) -> ProbeResult:
        """How a reload reaches this instance: pooler, standby, channel (see probes/path)."""
        info = await self._owned("path", self._path_info, True)
        shown = info.instances[0] if info.instances else None
        if shown is None or not shown.local:
            where = "not on this machine: judged from the primary only"
        elif shown.via_pooler:
            where = f"through {shown.via_pooler}"
        elif shown.on_other_server:
            where = f"to another server on port {shown.on_other_server}"
        elif shown.served_by and not shown.pids:
            where = f"served by {shown.served_by}"
        else:
            where = "direct" + (", listening" if shown.listens else ", not listening")
        replicas = f"; {info.replicas} standby streaming" if info.replicas else ""
        return Status.PASS, f"{where}{replicas}", Found(path=info)

    async def _agreement(self) -> ProbeResult:
        """The most recently changed objects asked a few times in a row (probes/agreement).
        Not in a fleet named URL by URL where this URL is one PostgREST process's own port:
        one cache cannot disagree with itself (a balancer's or a remote URL is still asked)."""
        if self.fleet and (alone := await self._one_process()):
            return Status.SKIPPED, f"not needed: {alone}", Found()
        info = await self._need("api", self._api)
        schemas = list(info.exposed_schemas) or list(self.target.schemas_hint) or ["public"]
        snap = await self._need("catalog", self._catalog)
        recent = (self._named_recent(snap) if self.scoped
                  else agreement.recent_objects(snap, schemas))  # fmt: skip
        # after the targeted sweeps (their waves are the longer run of requests), not after
        # the OpenAPI document the targeted probe also waits for; then alone (RequestGate)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._swept.wait(), self.target.timeout * 2)
        async with base.http_client(self.target) as client, self._gate.alone():
            got = await agreement.ask_repeatedly(client, recent)
        split = got.disagreeing
        summary = (f"{got.requests} requests, answers disagree on {', '.join(split)}" if split
                   else f"{got.requests} requests, answers agree")  # fmt: skip
        return Status.FAIL if split else Status.PASS, summary, Found(agreement=got)

    async def _instances(self) -> ProbeResult:
        """The other instances of a fleet, each diagnosed on its own with this diagnosis's
        database steps (read once), for a side-by-side view."""
        from tui.core import fleet  # fleet builds on this module

        others = await fleet.diagnose_each(
            self.target, self.target.instances[1:], self.request, self._steps,
            reference=self,
        )  # fmt: skip
        lines = [f"{mask_url(i.api_url)}  {i.report.verdict}"
                 + (f" ({len(i.report.stale_objects)} stale)" if i.report.stale_objects else "")
                 for i in others]  # fmt: skip
        healthy = all(i.report.verdict == "healthy" for i in others)
        return Status.PASS if healthy else Status.FAIL, "\n".join(lines), Found(instances=others)

    # -- a fleet: the other instances placed against this one's full comparison (alike.py) --
    def _settled_event(self, probe_id: str) -> asyncio.Event:
        return self._settled.setdefault(probe_id, asyncio.Event())

    def _early(self) -> asyncio.Task[Asked]:
        loop = asyncio.get_running_loop()
        if self._early_task is None or self._early_task.get_loop() is not loop:
            self._early_task = loop.create_task(self._ask_recent())
            self._early_task.add_done_callback(lambda f: f.cancelled() or f.exception())
        return self._early_task

    async def _ask_recent(self) -> Asked:
        from tui.core.probes import alike

        recent = await self._need("recent", self._recent)  # read from the catalog snapshot
        asked = alike.recent_questions(recent)
        async with base.http_client(self.target) as client:
            return asked, await alike.ask(client, asked)

    async def recent_questions(self) -> tuple[alike.Question, ...]:
        """The questions about the objects changed last, which the other instances ask while
        this one's comparison runs (raises Skip when they cannot be known)."""
        return (await asyncio.shield(self._early()))[0]

    async def reference(self) -> alike.Reference | None:
        """This instance's full comparison and its answers to the questions that place another
        instance against it; None when it has no full comparison to offer (scoped, OpenAPI
        unread, narrowed symptoms, a failing request, itself placed against another)."""
        loop = asyncio.get_running_loop()
        if self._reference_task is None or self._reference_task.get_loop() is not loop:
            self._reference_task = loop.create_task(self._make_reference())
        return await asyncio.shield(self._reference_task)

    async def _make_reference(self) -> alike.Reference | None:
        from tui.core.probes import alike

        if self._reference is not None or self.scoped or self.request.request is not None:
            return None
        early = self._early()  # asked meanwhile
        ids = {p.id for p in self.probes}
        for probe_id in COMPARISON_PROBES:
            if probe_id in ids:
                await self._settled_event(probe_id).wait()
        ev = self.evidence()
        if ev.docs is None or ev.catalog is None or ev.api is None or ev.narrowed:
            return None
        finding, stale = staleness.check(ev)
        if finding.status not in (Status.PASS, Status.FAIL):
            return None
        try:
            recent, recent_answers = await asyncio.shield(early)
        except Skip:
            return None
        asked = alike.questions(stale, recent, ev.catalog)
        if asked is None:
            return None
        questions, unasked = tuple(asked[0]), tuple(asked[1])
        late = tuple(q for q in questions if q.stale)
        async with base.http_client(self.target) as client:
            late_answers = await alike.ask(client, late) if late else ()
        answers = alike.merged(questions, late_answers, _by_name(recent, recent_answers))
        if not alike.still_holds(questions, answers) or await self._behind_balancer():
            return None
        return alike.Reference(self.target.api_url, tuple(stale), ev.api.postgrest_version,
                               tuple(ev.api.exposed_schemas), questions, answers,
                               unasked)  # fmt: skip

    async def _recent(self) -> list[agreement.Recent]:
        from tui.core.probes import alike

        info = await self._need("api", self._api)
        schemas = list(info.exposed_schemas) or list(self.target.schemas_hint) or ["public"]
        snap = await self._need("catalog", self._catalog)
        return agreement.recent_objects(snap, schemas, alike.RECENT)

    async def _alike(self) -> alike.Alike:
        """This instance placed against the reference; ``stale`` None: compare it in full."""
        from tui.core.probes import alike

        first = self._reference
        assert first is not None
        info = await self._need("api", self._api)
        async with base.http_client(self.target) as client:
            try:  # the objects changed last: asked while the first's comparison runs
                recent = await first.recent_questions()
                early = _by_name(recent, await alike.ask(client, recent))
            except Skip:
                early = {}
            ref = await first.reference()
            if ref is None:
                return alike.Alike("", why="no full comparison of another instance to go by")
            late = tuple(q for q in ref.questions if q.stale)
            late_answers = await alike.ask(client, late) if late else ()
        answers = alike.merged(ref.questions, late_answers, early)
        return alike.judge(ref, answers, info.postgrest_version, tuple(info.exposed_schemas))

    async def _serving_here(self) -> list[path.InstancePath]:
        """What this machine shows serving this URL ([]: the path probe could not tell)."""
        try:
            info = await self._need("path", self._path_info)
        except Skip:
            return []
        return [p for p in info.instances if p.api_url == self.target.api_url]

    async def _behind_balancer(self) -> bool:
        """This machine shows a load balancer on this URL (several caches answer it)."""
        return any(p.served_by in path.BALANCER_PROCESSES for p in await self._serving_here())

    async def _one_process(self) -> str | None:
        """Why only one PostgREST answers this URL, when this machine shows it."""
        mine = await self._serving_here()
        if len(mine) == 1 and mine[0].local and mine[0].pids:
            name = mine[0].served_by or "postgrest"
            if name.startswith("postgrest"):
                return f"one PostgREST process (pid {mine[0].pids[0]}) serves this URL"
        return None

    def _named_recent(self, snap: catalog.Catalog) -> list[agreement.Recent]:
        found: list[agreement.Recent] = []
        for ref in self._objects()[:2]:
            kind = str(ref.kind)
            if kind in ("table", "view", "column"):
                cols = (ref.column,) if ref.column else ()
                found.append(agreement.Recent("relation", ref.schema, ref.name, cols, 0))
            elif kind == "function":
                overloads = snap.functions.get(ref.display, [])
                fn = next((f for f in overloads if f.named_call), None)
                if fn is not None:
                    found.append(agreement.Recent("function", ref.schema, ref.name, fn.args, 0))
        return found

    def _api_outcome(self, info: api.ApiInfo) -> ProbeResult:
        version = info.postgrest_version or "?"
        if info.exposed_schemas:
            return (Status.PASS, f"PostgREST {version}, schemas {', '.join(info.exposed_schemas)}",
                    Found(api=info))  # fmt: skip
        code = info.error.code if info.error else None
        return (
            Status.FAIL,
            f"PostgREST {version} answers {info.status} {code or ''}",
            Found(api=info),
        )

    async def _targeted(self) -> ProbeResult:
        """Named objects; callable functions, newest and most recently changed first, until a
        wave of them resolves (OpenAPI lists functions from a live query, not from the cache,
        so only /rpc/ tells whether the cache has one; see sweep.py); and the newest tables and
        their foreign keys when OpenAPI is disabled. Bounded (one gate for every request), and
        started without waiting for the OpenAPI document.
        """
        info = await self._need("api", self._api)
        snap = await self._need("catalog", self._catalog)
        version = info.postgrest_version
        exposed = set(info.exposed_schemas)
        failing = self.request.request
        gate = self._gate
        async with base.http_client(self.target) as client:
            named = [c for r in self._objects()
                     for c in sweep.probe_ref(client, version, r, snap, failing)]  # fmt: skip
            first = asyncio.ensure_future(targeted.gather_limited(named, gate=gate))
            functions = [] if self.scoped else sweep.callable_functions(snap, exposed)
            swept = asyncio.ensure_future(
                sweep.sweep_functions(client, version, functions, gate, snap)
            )
            keys = [] if self.scoped else drift.embed_only(snap, exposed, self._extra(snap))
            embeds = asyncio.ensure_future(sweep.sweep_keys(client, version, keys, gate))
            computed = [] if self.scoped else drift.embeddable_computed(snap, exposed)
            if computed:  # few schemas have any: no wave, no task
                embeds = asyncio.ensure_future(sweep.joined(
                    embeds, sweep.sweep_computed(client, version, computed, gate)))  # fmt: skip
            sweeps = asyncio.gather(first, swept, embeds, return_exceptions=True)
            sweeps.add_done_callback(lambda _: self._swept.set())
            try:
                disabled = False
                if not self.scoped:
                    try:
                        await self._need("openapi", self._openapi)
                    except Skip as exc:
                        disabled = isinstance(exc.__cause__, openapi.OpenApiUnavailable)
                later = (
                    self._tables_without_openapi(client, version, snap, exposed) if disabled else []
                )
                got = (await first + await swept + await embeds
                       + await targeted.gather_limited(later, gate=gate))  # fmt: skip
            finally:  # also when cancelled (the probe's time is up): nothing keeps asking
                first.cancel()
                swept.cancel()
                embeds.cancel()
        answers = [a for a in got if isinstance(a, targeted.TargetedAnswer)]
        misses = sum(1 for a in answers if a.cached is False)
        return (
            Status.FAIL if misses else Status.PASS,
            f"{len(answers)} objects asked, {misses} not resolved by the cache",
            Found(answers=answers, openapi_disabled=disabled),
        )

    def _extra(self, snap: catalog.Catalog) -> tuple[str, ...]:
        """PostgREST's ``db-extra-search-path`` (views pass keys on through it), as the
        checks read it (``Evidence.extra_search_path``), before the listener has answered."""
        auth = choose_authenticator(snap.postgrest_users, snap.pgrst_settings)
        return extra_search_path_in_force(self.target, snap.pgrst_settings, auth)[0]

    @staticmethod
    def _tables_without_openapi(
        client: httpx.AsyncClient, version: str | None, snap: catalog.Catalog, exposed: set[str]
    ) -> list[Coroutine[Any, Any, targeted.TargetedAnswer]]:
        """With OpenAPI disabled: the newest tables and their foreign keys, one probe each."""
        tables = [r for r in snap.relations.values()
                  if r.schema in exposed and r.visible and not r.partition_of]  # fmt: skip
        tables = tables[: sweep.LIMIT]  # newest first (the snapshot's order)
        names = {r.key for r in tables}
        probes = [targeted.probe_table(client, version, r.schema, r.name, r.columns)
                  for r in tables]  # fmt: skip
        probes += [
            sweep.key_probe(client, version, fk, snap.foreign_keys)
            for fk in drift.served_keys(snap, exposed)
            if fk.ref_schema == fk.schema
            and fk.table_key in names
            and catalog.embed_hint(fk, snap.foreign_keys)[0]
        ]
        return probes

    def _done(self, step: str) -> Any:
        """A shared step's result once it has one (None while pending or failed)."""
        task = self._steps.get(step)
        if task is None and self._shared is not None:
            task = self._shared.get(step)
        if task is None or not task.done() or task.cancelled() or task.exception():
            return None
        return task.result()

    def error_objects(self) -> tuple[ObjectRef, ...]:
        """The pasted error's objects, schema-qualified through the exposed schemas once the
        API and catalog steps have answered (names alone scope the catalog before that)."""
        error = self.request.error
        if error is None:
            return ()
        info, snap = self._done("api"), self._done("catalog")
        exposed = list(info.exposed_schemas) if info else []
        exposed = exposed or list(self.target.schemas_hint)
        names: set[str] = set()
        if snap is not None:
            names = {*snap.relations, *snap.functions, *snap.enums}
        from tui.core.pasted_error import qualify

        return qualify(error, exposed, names)

    def _objects(self) -> tuple[ObjectRef, ...]:
        refs = list(self.request.objects) + list(self.error_objects())
        if self.request.request is not None:
            refs += request.objects_in(self.request.request, self._default_schema())
        return tuple(dict.fromkeys(refs))

    def _default_schema(self) -> str:
        """Where a request without a profile header goes: the first of db-schemas, as the
        API answered them (PGRST106), else the project's, else ``public``."""
        info = self._done("api")
        exposed: list[str] = list(info.exposed_schemas) if info else []
        return (exposed or list(self.target.schemas_hint) or ["public"])[0]

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, Skip):
            return str(exc)
        if isinstance(exc, asyncio.TimeoutError | TimeoutError):
            return f"no answer within {self.target.timeout:g}s"
        if isinstance(exc, httpx.ConnectError):  # say why: refused, DNS, TLS certificate...
            return f"cannot connect to {self.target.api_url}: {base.one_line(exc, self.target)}"
        if isinstance(exc, httpx.TimeoutException) or (
            # libpq's connect_timeout is --timeout too: the same fact, in the same words
            isinstance(exc, psycopg.OperationalError) and "connection timeout expired" in str(exc)
        ):
            return f"no answer within {self.target.timeout:g}s"
        if isinstance(exc, psycopg.OperationalError) and (why := server_gave_up(str(exc))):
            return f"no answer within {self.target.timeout:g}s ({why})"  # the server's bound
        if isinstance(exc, openapi.OpenApiUnavailable):
            return f"OpenAPI unavailable (HTTP {exc.status})"
        line = base.one_line(exc, self.target)
        if problem := configuration_error(line):  # it answered, fast: say so, and where from
            origin = origin_words(self.target.sources.get("db_url", "default"), "--db-url")
            return f"{problem} (database URL from {origin}): {line}"
        return line

    async def run_probe(self, probe_id: str) -> ProbeOutcome:
        """Run one probe; never raises: errors and timeouts become the outcome."""
        start = time.perf_counter()
        try:
            status, summary, evidence = await asyncio.wait_for(
                PROBES[probe_id].run(self), self.target.timeout * 3
            )
        except Skip as exc:
            status, summary, evidence = Status.SKIPPED, str(exc), Found()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            status, summary, evidence = Status.ERROR, self._describe(exc), Found(error=exc)
            if configuration_error(summary):  # a definite answer (login refused), not unknown
                status = Status.FAIL
            if probe_id == "openapi" and isinstance(exc, TimeoutError | httpx.TimeoutException):
                summary += " (the document grows with the schema: raise --timeout)"
        outcome = ProbeOutcome(probe_id, status, summary, (time.perf_counter() - start) * 1000,
                               evidence)  # fmt: skip
        self.outcomes[probe_id] = outcome
        self._settled_event(probe_id).set()
        return outcome

    async def run(self, on_event: Callable[[DiagnosisEvent], None] | None = None) -> Report:
        """Every probe concurrently, then conclude()."""
        self._started = time.perf_counter()
        self._steps.clear()
        self._gate = targeted.RequestGate()
        self._swept = asyncio.Event()

        async def one(spec: ProbeSpec) -> None:
            if on_event:
                on_event(ProbeStarted(spec.id))
            outcome = await self.run_probe(spec.id)
            if on_event:
                on_event(ProbeFinished(outcome))

        try:
            await asyncio.gather(*(one(p) for p in self.probes))
        finally:
            for task in self._steps.values():
                task.cancel()
        return self.conclude()

    # -- conclusion ------------------------------------------------------------------------
    def evidence(self) -> Evidence:
        ev = Evidence(self.target, self.role, self.request.symptoms, self._objects(), self.scoped,
                      self.request.request)  # fmt: skip
        for probe_id, outcome in self.outcomes.items():
            found = outcome.evidence
            raised = found.error is not None  # the probe raised (a refused login is FAIL)
            if (raised or outcome.status is Status.SKIPPED) and not found.disabled:
                ev.errors[probe_id] = outcome.summary
            if raised:
                ev.failed.add(probe_id)
            ev.absorb(found)
        if self.anon_in_db and ev.catalog is not None and ev.catalog.anon_role_in_db:
            ev.role, where = ev.catalog.anon_role_in_db
            ev.role_source = f"set in the database: {where}"
        else:
            ev.anon_role_outside = self.anon_in_db
        return ev

    def conclude(self) -> Report:
        """Pure: checks over the collected evidence (see checks/verdict.py)."""
        elapsed = {p: o.elapsed_ms for p, o in self.outcomes.items()}
        total_ms = (time.perf_counter() - self._started) * 1000
        return verdict.report(self.evidence(), elapsed, total_ms)


def _by_name(
    asked: tuple[alike.Question, ...], answers: tuple[bool | None, ...]
) -> dict[str, bool | None]:
    return {q.name: a for q, a in zip(asked, answers, strict=True)}


__all__ = [
    "Diagnosis",
    "DiagnosisEvent",
    "DiagnosisRequest",
    "ProbeFinished",
    "ProbeOutcome",
    "ProbeSpec",
    "ProbeStarted",
    "decide",
    "remedies",
]


@dataclass(frozen=True)
class ProbeKind:
    """One probe: its panel title, the method that runs it, and when a diagnosis has it."""

    title: str
    run: Callable[[Diagnosis], Awaitable[ProbeResult]]
    wanted: Callable[[Target, DiagnosisRequest], bool] = lambda target, request: True


# Every probe, in display order: adding one is an entry here and a method above.
PROBES: dict[str, ProbeKind] = {
    "database": ProbeKind("Database", Diagnosis._database),
    "api": ProbeKind("PostgREST API", Diagnosis._api_probe),
    "catalog": ProbeKind("Catalog snapshot", Diagnosis._catalog_probe),
    "openapi": ProbeKind("Schema cache (OpenAPI)", Diagnosis._openapi_probe),
    "listener": ProbeKind("Reload listener", Diagnosis._listener_probe),
    "path": ProbeKind("Reload path", Diagnosis._path),
    "admin": ProbeKind("Admin server", Diagnosis._admin_probe, lambda t, _: bool(t.admin_url)),
    "request": ProbeKind(
        "Your request", Diagnosis._request_probe, lambda _, r: r.request is not None
    ),
    "targeted": ProbeKind("Targeted probes", Diagnosis._targeted_probe),
    "agreement": ProbeKind("Instances behind the URL", Diagnosis._agreement),
    # the other instances, side by side (see fleet.py)
    "instances": ProbeKind(
        "Other instances", Diagnosis._instances, lambda t, _: len(t.instances) > 1
    ),
}
