"""The engine's own costs, in process: the whole Diagnosis, the catalog probe alone, and
the remedies' verify polling against an independent observer.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from benchmarks.check_cost import CHECK_PROBE_TIMEOUT
from benchmarks.results import SizeResult
from tui.sandbox import Sandbox

VERIFY_TIMEOUT = 120.0


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


def targeted_diagnosis(box: Sandbox, res: SizeResult, table: str) -> None:
    """The targeted check's diagnosis (``--table``) in process: its total and each probe's
    elapsed_ms, so a difference between sizes shows which probe carries it (without the
    interpreter's start-up, which is most of the check's wall time)."""
    from tui.core.diagnosis import Diagnosis, DiagnosisRequest
    from tui.core.specs import parse_table

    diagnosis = Diagnosis(sandbox_target(box), DiagnosisRequest(objects=(parse_table(table),)))
    start = time.perf_counter()
    asyncio.run(diagnosis.run())
    res.add("targeted_diagnosis_s", time.perf_counter() - start)
    for probe, outcome in diagnosis.outcomes.items():
        res.add(f"targeted_probe_{probe}_s", outcome.elapsed_ms / 1000)


def catalog_snapshot(box: Sandbox) -> float:
    """The engine's catalog probe alone (connect + one query per kind): its elapsed seconds."""
    from tui.core.diagnosis import Diagnosis, DiagnosisRequest

    diagnosis = Diagnosis(sandbox_target(box), DiagnosisRequest())
    outcome = asyncio.run(diagnosis.run_probe("catalog"))
    if outcome.status.value != "pass":
        raise RuntimeError(f"catalog probe {outcome.status.value}: {outcome.summary}")
    return outcome.elapsed_ms / 1000


# -- reload detection ---------------------------------------------------------------------------
class Observer:
    """benchmarks.observer in its own process: when did the new function first answer 200?"""

    def __init__(self, url: str, key: str) -> None:
        env = {**os.environ, "OBSERVER_KEY": key}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.observer", url],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parents[1],
        )
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            self.stop()
            raise RuntimeError("the observer did not start")

    def first_served(self, timeout: float = VERIFY_TIMEOUT) -> tuple[float, float, int]:
        """(monotonic send and receive time of the first 200, requests sent)."""
        out, _ = self.proc.communicate(timeout=timeout)
        words = out.split()
        if len(words) != 4 or words[0] != "served":
            raise RuntimeError(f"observer: {out.strip()[:100]}")
        return float(words[1]), float(words[2]), int(words[3])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


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
    """NOTIFY, then the remedies' Verifier polls the stale objects while an observer process polls
    the new function back to back. Lag: when verify received its first converged answer minus
    when the observer received its first 200 (both CLOCK_MONOTONIC)."""
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

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.log: list[tuple[float, float, bool]] = []
            self.openapi_gets = 0

        async def _ask(self, client: Any, probe: Any) -> Any:
            sent = time.monotonic()
            answer = await super()._ask(client, probe)
            ok = answer is not None and probe.converged(answer)
            self.log.append((sent, time.monotonic(), ok))
            return answer

        async def _openapi(self, client: Any) -> Any:
            self.openapi_gets += 1
            return await super()._openapi(client)

    verifier = TimedVerifier(sandbox_target(box), objects)

    async def watch() -> tuple[float, Any]:
        await verifier.prepare()
        if sorted(await verifier.state()) != sorted(o.name for o in objects):
            raise RuntimeError("the new objects were served before NOTIFY")
        verifier.log.clear()
        verifier.openapi_gets = 0
        with psycopg.connect(box.db_url, autocommit=True, connect_timeout=10) as conn:
            since_perf, since = time.perf_counter(), time.monotonic()
            conn.execute("NOTIFY pgrst, 'reload schema'")
        clock = StepClock("verify", lambda _event: None)
        vis = await verifier.wait_visible(since_perf, VERIFY_TIMEOUT, clock)
        return since, vis

    observer = Observer(f"{box.postgrest.api_url}/rpc/{function}", box.role_key("anon"))
    try:
        since, vis = asyncio.run(watch())
        sent_at, served_at, _count = observer.first_served()
    finally:
        observer.stop()
    if not getattr(vis, "converged", False):
        raise RuntimeError(f"verify did not converge: {vis}")
    first_ok = next(entry for entry in verifier.log if entry[2])
    res.add("detect_lag_ms", (first_ok[1] - served_at) * 1000)
    sends = sorted(entry[0] for entry in verifier.log if entry[0] <= first_ok[0])
    # requests per second = intervals between sends over their span (no fencepost error)
    span = sends[-1] - sends[0] if len(sends) > 1 else 0.0
    res.add("detect_rate_rps", (len(sends) - 1) / span if span > 0 else 0.0)
    res.add("detect_openapi_gets", float(verifier.openapi_gets))
    res.add("detect_reload_s", served_at - since)
    res.add("detect_observer_wait_ms", (served_at - sent_at) * 1000)
