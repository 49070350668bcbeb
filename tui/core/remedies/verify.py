"""Closed-loop verification: watch the stale objects become visible, replay the user's request,
time the API, then re-run the diagnosis.

Polling sends one cheap request per tick (``visibility.py``), round-robin over the objects and
without waiting for the previous answer, so it notices a reload within about one tick (20 ms)
and never exceeds 50 requests per second. When
only enum labels drifted, the OpenAPI document is the only witness: fetched at most 4 times a
second, and the output says so.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg

from tui.core.model import Change, ObjectKind, Report, StaleObject
from tui.core.names import parse_qualified, qualified, signature, split_signature
from tui.core.probes import api, cache_only
from tui.core.probes.replay import replay as replay_request
from tui.core.remedies.events import Emit, KpiFigure, StepClock, StepResult, StepStatus, running
from tui.core.remedies.io import api_client, connect
from tui.core.remedies.metrics import schema_cache_loads
from tui.core.remedies.visibility import Answer, Probe, build_probes, openapi_converged
from tui.core.request import FailingRequest
from tui.core.target import Target

POLL_INTERVAL_S = 0.02  # detection resolution: 50 requests/s, the most the API is asked
MAX_REQUESTS_PER_S = 50
MAX_IN_FLIGHT = 4  # probes awaiting an answer at once (one is sent per tick regardless)
OPENAPI_INTERVAL_S = 0.25  # the document can be megabytes: at most 4 per second
API_SAMPLES = 10

FUNCTION_ARGS_SQL = """
SELECT n.nspname, p.proname, p.pronargs, p.proargnames, p.proargmodes::text[],
       ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) WITH ORDINALITY AS u(t, o)
             ORDER BY o)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN unnest(%s::text[], %s::text[]) AS want(schema, name)
  ON want.schema = n.nspname AND want.name = p.proname
ORDER BY p.oid
"""


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p50, p95) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]


def input_arg_names(
    nargs: int, names: list[str] | None, modes: list[str] | None
) -> list[str] | None:
    """Names of a function's input parameters, or None when some are unnamed."""
    if nargs == 0:
        return []
    if not names:
        return None
    modes = modes or ["i"] * len(names)
    inputs = [n for n, m in zip(names, modes, strict=False) if m in ("i", "b", "v")]
    return inputs if len(inputs) == nargs and all(inputs) else None


@dataclass
class Visibility:
    converged: bool
    seconds: float | None  # since the remedy's send time, when converged
    requests: int
    pending: list[str] = field(default_factory=list)
    via: str = "probes"  # "probes", "openapi" or "nothing to watch"


class Verifier:
    """Builds the probes once, then ``wait_visible`` after each remedy."""

    def __init__(
        self,
        target: Target,
        objects: list[StaleObject],
        request: FailingRequest | None = None,
        *,
        interval: float = POLL_INTERVAL_S,
        replay_for_real: bool = False,
    ) -> None:
        self.target = target
        self.objects = [o for o in objects if o.change in (Change.ADDED, Change.REMOVED)]
        self.request = request
        self.replay_for_real = replay_for_real  # the user said so (--replay-writes, typed yes)
        self.interval = max(interval, 1.0 / MAX_REQUESTS_PER_S)
        self.probes: list[Probe] = []
        self.openapi_objects: list[StaleObject] = []
        self.requests_sent = 0

    async def prepare(self) -> None:
        stale = {o.name for o in self.objects if o.kind is ObjectKind.FUNCTION}
        names = [parse_qualified(split_signature(name)[0]) for name in stale]
        names = [n for n in names if len(n) == 2]
        args: dict[str, list[str]] = {}
        if names:
            try:
                async with await connect(self.target) as conn:
                    wanted = ([n[0] for n in names], [n[1] for n in names])
                    cur = await conn.execute(FUNCTION_ARGS_SQL, wanted)
                    for schema, fn, nargs, argnames, modes, types in await cur.fetchall():
                        found = input_arg_names(nargs, argnames, modes)
                        # as the stale object names it: by name, or one overload by signature
                        for name in (
                            qualified(schema, fn),
                            signature(qualified(schema, fn), types),
                        ):
                            if found is not None and name in stale and name not in args:
                                args[name] = found
            except (psycopg.Error, TimeoutError):
                pass  # fall back to OpenAPI for functions
        self.probes, self.openapi_objects = build_probes(self.objects, args)

    async def _ask(self, client: httpx.AsyncClient, probe: Probe) -> Answer | None:
        self.requests_sent += 1
        try:
            r = await client.request(
                probe.method, probe.path, headers=probe.headers, content=probe.body
            )
        except httpx.HTTPError:
            return None  # API down (restarting): not visible yet
        return Answer(r.status_code, r.content)

    async def _openapi(self, client: httpx.AsyncClient) -> dict[str, Any] | None:
        self.requests_sent += 1
        try:
            r = await client.get("/", headers={"Accept": "application/openapi+json"})
            return r.json() if r.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None

    async def state(self) -> list[str]:
        """Names of objects not yet converged (one request each), for before/after checks."""
        async with api_client(self.target) as client:
            pending = [
                p.obj.name
                for p in self.probes
                if (a := await self._ask(client, p)) is None or not p.converged(a)
            ]
            if self.openapi_objects:
                doc = await self._openapi(client)
                if doc is None or not openapi_converged(doc, self.openapi_objects):
                    pending += [o.name for o in self.openapi_objects]
        return pending

    async def wait_visible(self, since: float, timeout: float, clock: StepClock) -> Visibility:
        start_count = self.requests_sent
        if not self.probes and not self.openapi_objects:
            return Visibility(True, None, 0, via="nothing to watch")
        deadline = since + timeout
        async with api_client(self.target) as client:
            if self.probes:
                seen = await self._round_robin(client, deadline)
                if seen is None:
                    pending = [p.obj.name for p in self.probes]
                    return Visibility(False, None, self.requests_sent - start_count, pending)
                # one object showed up: the cache is new; confirm every probe once
                pending = await self._confirm(client, deadline)
                if self.openapi_objects:
                    clock.output("enum labels show only in OpenAPI: checking the document once")
                    doc = await self._openapi(client)
                    if doc is None or not openapi_converged(doc, self.openapi_objects):
                        pending += [o.name for o in self.openapi_objects]
                return Visibility(
                    not pending, seen - since, self.requests_sent - start_count, pending
                )
            clock.output(
                "only enum labels (or dropped functions) drifted: they show only in the OpenAPI "
                "document, polled at most 4 times a second"
            )
            seen = await self._poll_openapi(client, deadline)
            pending = [] if seen is not None else [o.name for o in self.openapi_objects]
            return Visibility(
                seen is not None,
                None if seen is None else seen - since,
                self.requests_sent - start_count,
                pending,
                via="openapi",
            )

    async def _round_robin(self, client: httpx.AsyncClient, deadline: float) -> float | None:
        """One probe per tick until one converges; its send time, or None at the deadline.

        A tick does not wait for the previous answer: right after a reload PostgREST holds
        some requests for 100-300 ms (measured at 1,000 tables, BENCHMARKS.md), and the next
        probe must not queue behind one. At most MAX_IN_FLIGHT are outstanding.
        """
        i = 0
        in_flight: set[asyncio.Task[tuple[float, bool]]] = set()
        next_at = time.perf_counter()
        try:
            while (now := time.perf_counter()) < deadline:
                for task in [t for t in in_flight if t.done()]:
                    in_flight.discard(task)
                    sent, converged = task.result()
                    if converged:
                        return sent
                if now >= next_at and len(in_flight) < MAX_IN_FLIGHT:
                    probe = self.probes[i % len(self.probes)]
                    i += 1
                    next_at = now + self.interval
                    in_flight.add(asyncio.ensure_future(self._timed_ask(client, probe)))
                    continue
                wait = deadline - now
                if len(in_flight) < MAX_IN_FLIGHT:
                    wait = min(wait, max(0.0, next_at - now))
                if in_flight:
                    await asyncio.wait(in_flight, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                else:
                    await asyncio.sleep(wait)
            return None
        finally:
            for task in in_flight:
                task.cancel()
            await asyncio.gather(*in_flight, return_exceptions=True)

    async def _timed_ask(self, client: httpx.AsyncClient, probe: Probe) -> tuple[float, bool]:
        sent = time.perf_counter()
        answer = await self._ask(client, probe)
        return sent, answer is not None and probe.converged(answer)

    async def _confirm(self, client: httpx.AsyncClient, deadline: float) -> list[str]:
        pending = list(self.probes)
        while pending:
            still = []
            for probe in pending:
                t0 = time.perf_counter()
                answer = await self._ask(client, probe)
                if answer is None or not probe.converged(answer):
                    still.append(probe)
                await asyncio.sleep(max(0.0, self.interval - (time.perf_counter() - t0)))
            pending = still
            if time.perf_counter() >= deadline:
                break
        return [p.obj.name for p in pending]

    async def _poll_openapi(self, client: httpx.AsyncClient, deadline: float) -> float | None:
        while (sent := time.perf_counter()) < deadline:
            doc = await self._openapi(client)
            if doc is not None and openapi_converged(doc, self.openapi_objects):
                return sent
            await asyncio.sleep(max(0.0, OPENAPI_INTERVAL_S - (time.perf_counter() - sent)))
        return None

    # -- the user's request and the API's speed ---------------------------------------------
    async def replay(self) -> tuple[bool, int | None, str, bool]:
        """Replay the user's request once: (succeeded, status, note, sent for real). In its
        cache-only form unless the user allowed the real request (then it may write, and the
        note and the last field say so)."""
        if self.request is None:
            return True, None, "no request given", False
        async with api_client(self.target) as client:
            try:
                result = await replay_request(client, self.request, for_real=self.replay_for_real)
            except httpx.HTTPError as exc:
                return False, None, f"no answer: {type(exc).__name__}", self.replay_for_real
        if result.for_real:
            self.replay_for_real = False  # once: a later verification asks the cache only
            note = "replayed for real, once (--replay-writes / confirmed)"
        else:
            note = "asked of the cache only: nothing ran in the database"
        return result.ok, result.status, note, result.for_real

    def sample_request(self) -> tuple[str, str, dict[str, str], bytes | None]:
        """A request to time that PostgREST answers from its cache alone (no SQL runs): the
        user's request in that form, else the probe of an object we watched, else the
        exposed-schemas question the api probe asks."""
        if self.request is not None:
            req = cache_only.cache_only(self.request)
            return req.method, req.path, dict(req.headers), req.body
        for probe in self.probes:
            return probe.method, probe.path, dict(probe.headers), probe.body
        return "GET", "/", {"Accept-Profile": api.PROBE_PROFILE}, None

    async def api_timings(self, samples: int = API_SAMPLES) -> list[float]:
        method, path, headers, body = self.sample_request()
        timings = []
        async with api_client(self.target) as client:
            for _ in range(samples):
                t0 = time.perf_counter()
                try:
                    await client.request(method, path, headers=headers, content=body)
                except httpx.HTTPError:
                    continue
                timings.append(time.perf_counter() - t0)
                await asyncio.sleep(max(0.0, 1.0 / MAX_REQUESTS_PER_S - (time.perf_counter() - t0)))
        return timings


Rediagnose = Callable[[], Awaitable[Report]]


class VerifyStep:
    """After a remedy: visible? request works? API fast? diagnosis healthy?"""

    id = "verify"
    kpi_id: str | None = "schema_reload"

    def __init__(
        self,
        verifier: Verifier,
        *,
        since: float,
        timeout: float,
        kpi_id: str | None = "schema_reload",
        loads_before: float | None = None,
        rediagnose: Rediagnose | None = None,
        title: str = "verify: stale objects served, request works",
    ) -> None:
        self.verifier = verifier
        self.since = since
        self.timeout = timeout
        self.kpi_id = kpi_id
        self.loads_before = loads_before
        self.rediagnose = rediagnose
        self.title = title
        self.report: Report | None = None

    async def run(self, emit: Emit) -> StepResult:
        async with running(self.id, self.title, emit, self.kpi_id) as clock:
            vis = await self.verifier.wait_visible(self.since, self.timeout, clock)
            details: dict[str, Any] = {
                "requests": vis.requests,
                "via": vis.via,
                "pending": vis.pending,
            }
            kpis: list[KpiFigure] = []
            if vis.seconds is not None:
                clock.output(
                    f"objects visible {vis.seconds * 1000:.0f} ms after the remedy ({vis.requests} requests)"
                )
                if self.kpi_id:
                    kpis.append(clock.kpi(KpiFigure.measure(self.kpi_id, vis.seconds, vis.via)))
            elif vis.converged:
                clock.output("no stale objects to watch")
            if not vis.converged:
                return clock.result(
                    StepStatus.FAILED,
                    f"still stale after {self.timeout:.0f}s: {', '.join(vis.pending)}",
                    details=details,
                )
            loads = await schema_cache_loads(self.verifier.target)
            if loads is not None and self.loads_before is not None:
                details["schema_cache_loads"] = [self.loads_before, loads]
                clock.output(
                    f"/metrics: successful schema cache loads {self.loads_before:g} -> {loads:g}"
                )
            ok, status, note, for_real = await self.verifier.replay()
            details["request"] = {"ok": ok, "status": status, "note": note}
            if self.verifier.request is not None:
                # a request sent for real may have written rows: the ticket says so
                details["request"] |= {"request": self.verifier.request.display,
                                       "for_real": for_real}  # fmt: skip
            if self.verifier.request is not None:
                verdict = "resolved" if ok else "fails"
                clock.output(f"{self.verifier.request.display} -> {status} {verdict} ({note})")
            timings = await self.verifier.api_timings()
            if timings:
                kpis.append(
                    clock.kpi(KpiFigure.measure("api_response_p50", percentile(timings, 50)))
                )
                kpis.append(
                    clock.kpi(KpiFigure.measure("api_response_p95", percentile(timings, 95)))
                )
            if self.rediagnose is not None:
                try:
                    self.report = await self.rediagnose()
                except Exception as exc:  # the fix stands; only the re-check failed
                    clock.output(f"diagnosis re-run failed: {type(exc).__name__}")
                else:
                    details["verdict"] = str(self.report.verdict)
                    clock.output(f"diagnosis re-run: {self.report.verdict}")
            healthy = ok and (self.report is None or self.report.exit_code == 0)
            summary = (
                "fixed: the cache serves the objects"
                if healthy
                else "the cache is fresh but the problem remains"
            )
            if not ok:
                summary = f"the request still fails ({status})"
            return clock.result(
                StepStatus.OK if healthy else StepStatus.FAILED, summary, kpis=kpis, details=details
            )
