"""The function sweep on the real stack: most recently changed first, wave by wave, until a
wave has no cache miss. It finds what changed since the last reload (new, renamed, many) and
stops after two waves however many functions the schema holds.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from diagnosis_helpers import target_for

from tui.core.diagnosis import Diagnosis
from tui.core.probes.sweep import WAVE
from tui.sandbox import Sandbox

pytestmark = pytest.mark.integration

OLD = 40  # functions there at the last reload: five waves' worth


def cached_functions(box: Sandbox, count: int = OLD) -> None:
    """``public.sw_1 .. sw_<count>``, created and reloaded into the cache."""
    box.execute(
        "".join(
            f"CREATE FUNCTION public.sw_{i}(a integer) RETURNS integer"
            f" LANGUAGE sql IMMUTABLE AS 'SELECT a';"
            for i in range(1, count + 1)
        )
        + "NOTIFY pgrst, 'reload schema';"
    )
    deadline = time.monotonic() + 20
    url = f"{box.connection().api_url}/rpc/sw_{count}"
    while httpx.get(url, params={"a": 1}, timeout=5).status_code != 200:
        assert time.monotonic() < deadline, "the reload did not come"
        time.sleep(0.05)


async def sweep(box: Sandbox) -> tuple[set[str], list[str]]:
    """(stale function names, every function the sweep asked about)."""
    diagnosis = Diagnosis(target_for(box))
    report = await diagnosis.run()
    answers = diagnosis.outcomes["targeted"].evidence["answers"]
    stale = {s.name for s in report.stale_objects if str(s.kind) == "function"}
    return stale, [a.name for a in answers if a.kind == "function"]


async def test_a_new_function_is_found_in_two_waves_among_many(sandbox12: Sandbox):
    await asyncio.to_thread(cached_functions, sandbox12)
    sandbox12.execute(
        "CREATE FUNCTION public.sw_new(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a'"
    )
    stale, asked = await sweep(sandbox12)
    assert stale == {"public.sw_new"}
    assert asked[0] == "public.sw_new"  # the most recently changed first
    assert len(asked) == 2 * WAVE < OLD  # a wave with the miss, then a wave without


async def test_an_old_function_renamed_since_the_reload_is_found(sandbox12: Sandbox):
    """A rename keeps the OID (oldest first by OID) but rewrites the catalog row: ordered by
    last change, it is the first asked about."""
    await asyncio.to_thread(cached_functions, sandbox12)
    sandbox12.execute("ALTER FUNCTION public.sw_1(integer) RENAME TO sw_renamed")
    stale, asked = await sweep(sandbox12)
    assert stale == {"public.sw_renamed"}
    assert asked[0] == "public.sw_renamed"


async def test_more_new_functions_than_a_wave_are_all_found(sandbox12: Sandbox):
    await asyncio.to_thread(cached_functions, sandbox12)
    new = {f"public.sw_late_{i}" for i in range(WAVE + 4)}
    sandbox12.execute(
        "".join(
            f"CREATE FUNCTION {name}(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';"
            for name in sorted(new)
        )
    )
    stale, asked = await sweep(sandbox12)
    assert stale == new
    assert len(asked) == 3 * WAVE  # two waves with misses, one without


async def test_a_fresh_cache_costs_one_wave(sandbox12: Sandbox):
    await asyncio.to_thread(cached_functions, sandbox12)
    stale, asked = await sweep(sandbox12)
    assert stale == set()
    assert len(asked) == WAVE
