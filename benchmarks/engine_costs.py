"""The engine's own costs, in process: the whole Diagnosis, the catalog probe alone, and
issue 4's verify polling against an independent observer.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

from benchmarks.check_cost import CHECK_PROBE_TIMEOUT
from benchmarks.postgrest_costs import auth_headers
from benchmarks.results import SizeResult
from tui.sandbox import Sandbox

VERIFY_TIMEOUT = 120.0
OBSERVER_INTERVAL = 0.001  # the independent observer's pause between requests (seconds)


def sandbox_target(box: Sandbox, **overrides: object):  # -> Target
    """The target a user would resolve for this sandbox (CLI defaults, e.g. the timeout)."""
    from tui.core.target import resolve_target

    conn = box.connection()
    flags = {
        "db_url": conn.db_url,
        "api_url": conn.api_url,
        "admin_url": conn.admin_url,
        "api_key": conn.anon_key,
        "service_key": conn.service_key,
        **overrides,
    }
    flags.setdefault("timeout", CHECK_PROBE_TIMEOUT)
    return resolve_target(flags, env={}, cwd=Path(conn.project_dir))


def diagnosis_run(box: Sandbox, res: SizeResult) -> None:
    """Diagnosis.run() with every symptom: total wall time vs the slowest probe's elapsed_ms."""
    from tui.core.diagnosis import Diagnosis, DiagnosisRequest

    diagnosis = Diagnosis(sandbox_target(box), DiagnosisRequest())
    start = time.perf_counter()
    asyncio.run(diagnosis.run())
    total = time.perf_counter() - start
    slowest = max(o.elapsed_ms for o in diagnosis.outcomes.values()) / 1000
    res.add("diagnosis_s", total)
    res.add("slowest_probe_s", slowest)
    res.add("parallel_ratio", total / slowest)
    for probe, outcome in diagnosis.outcomes.items():
        res.add(f"probe_{probe}_s", outcome.elapsed_ms / 1000)
        if outcome.status.value in ("error", "skipped") and probe != "openapi":
            res.note(f"probe {probe}: {outcome.status.value}: {outcome.summary[:160]}")


def catalog_snapshot(box: Sandbox) -> float:
    """The engine's catalog probe alone (connect + one query per kind): its elapsed seconds."""
    from tui.core.diagnosis import Diagnosis, DiagnosisRequest

    diagnosis = Diagnosis(sandbox_target(box), DiagnosisRequest())
    outcome = asyncio.run(diagnosis.run_probe("catalog"))
    if outcome.status.value != "pass":
        raise RuntimeError(f"catalog probe {outcome.status.value}: {outcome.summary}")
    return outcome.elapsed_ms / 1000


# -- reload detection ---------------------------------------------------------------------------
@dataclass
class Observer:
    """Polls one URL back to back in a thread; remembers when it first answered 200."""

    url: str
    headers: dict[str, str]
    first_served: float | None = None  # perf_counter when the first 200 was sent
    requests: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with httpx.Client(timeout=httpx.Timeout(10.0), headers=self.headers) as client:
            while not self._stop.is_set():
                sent = time.perf_counter()
                self.requests += 1
                try:
                    if client.get(self.url).status_code == 200:
                        self.first_served = sent
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(OBSERVER_INTERVAL)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)


def _stale_pair(box: Sandbox, k: int) -> tuple[str, str]:
    """A new table and a new function behind PostgREST's back (no NOTIFY)."""
    table, function = f"bench_vis_{k}", f"bench_visfn_{k}"
    box.execute(
        sql.SQL(
            "CREATE TABLE public.{} (id bigint PRIMARY KEY, note text);"
            "CREATE FUNCTION public.{}() RETURNS integer LANGUAGE sql AS 'SELECT 1';"
        ).format(sql.Identifier(table), sql.Identifier(function))
    )
    return table, function


def detection(box: Sandbox, res: SizeResult, k: int) -> None:
    """NOTIFY, then issue 4's Verifier polls the stale objects while an observer polls the new
    function back to back. Lag: when verify received its first converged answer minus when the
    observer's first successful request was sent."""
    from tui.core.model import Change, ObjectKind, StaleObject
    from tui.core.remedies.events import StepClock
    from tui.core.remedies.verify import Verifier

    assert box.postgrest is not None
    table, function = _stale_pair(box, k)
    objects = [
        StaleObject(ObjectKind.TABLE, f"public.{table}", Change.ADDED),
        StaleObject(ObjectKind.FUNCTION, f"public.{function}", Change.ADDED),
    ]

    class TimedVerifier(Verifier):
        """Records (sent, received, converged) per request; counts OpenAPI fetches."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.log: list[tuple[float, float, bool]] = []
            self.openapi_gets = 0

        async def _ask(self, client, probe):
            sent = time.perf_counter()
            answer = await super()._ask(client, probe)
            ok = answer is not None and probe.converged(answer)
            self.log.append((sent, time.perf_counter(), ok))
            return answer

        async def _openapi(self, client):
            self.openapi_gets += 1
            return await super()._openapi(client)

    verifier = TimedVerifier(sandbox_target(box), objects)
    observer = Observer(f"{box.postgrest.api_url}/rpc/{function}", auth_headers(box))

    async def watch() -> tuple[float, object]:
        await verifier.prepare()
        if await verifier.state() != [o.name for o in objects]:
            raise RuntimeError("the new objects were served before NOTIFY")
        verifier.log.clear()
        verifier.requests_sent = 0
        with psycopg.connect(box.db_url, autocommit=True, connect_timeout=10) as conn:
            observer.start()
            since = time.perf_counter()
            conn.execute("NOTIFY pgrst, 'reload schema'")
        vis = await verifier.wait_visible(
            since, VERIFY_TIMEOUT, StepClock("verify", lambda e: None)
        )
        return since, vis

    try:
        since, vis = asyncio.run(watch())
    finally:
        observer.stop()
    if not getattr(vis, "converged", False) or observer.first_served is None:
        raise RuntimeError(f"not converged: {vis}")
    polling = [entry for entry in verifier.log]
    first_ok = next(entry for entry in polling if entry[2])
    detected = first_ok[1]
    seen_at = first_ok[0]
    res.add("detect_lag_ms", (detected - observer.first_served) * 1000)
    round_robin = [e for e in polling if e[0] <= seen_at]
    duration = seen_at - since
    res.add("detect_rate_rps", len(round_robin) / duration if duration > 0 else 0.0)
    res.add("detect_openapi_gets", float(verifier.openapi_gets))
    res.add("detect_reload_s", observer.first_served - since)
