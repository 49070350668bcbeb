"""The function sweep on the real stack: the newest by OID wave by wave until a wave resolves
without a miss, and the most recently changed few beside them. It finds what changed since the
last reload (new, renamed, many, new among rewritten ones) and asks two or three waves however
many functions the schema holds.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from diagnosis_helpers import target_for

from tui.core.diagnosis import Diagnosis
from tui.core.probes.sweep import RECENTLY_CHANGED, WAVE
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
    answers = diagnosis.outcomes["targeted"].evidence.answers
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
    # the recently changed (sw_new among them), then one wave by OID without a miss
    assert len(asked) == RECENTLY_CHANGED + WAVE < OLD


async def test_an_old_function_renamed_since_the_reload_is_found(sandbox12: Sandbox):
    """A rename keeps the OID (oldest first by OID) but rewrites the catalog row: ordered by
    last change, it is the first asked about."""
    await asyncio.to_thread(cached_functions, sandbox12)
    sandbox12.execute("ALTER FUNCTION public.sw_1(integer) RENAME TO sw_renamed")
    stale, asked = await sweep(sandbox12)
    assert stale == {"public.sw_renamed"}
    assert asked[0] == "public.sw_renamed"


async def test_a_rename_in_a_migration_adding_many_functions_is_found(sandbox12: Sandbox):
    """One transaction adds more functions than the recently changed and two waves hold and
    renames an old one: all share the transaction's age, and the rename (an old OID, which
    the waves by OID do not reach) is among the recently changed asked about."""
    await asyncio.to_thread(cached_functions, sandbox12)
    new = {f"public.sw_many_{i:02}" for i in range(RECENTLY_CHANGED + 2 * WAVE + 4)}
    sandbox12.execute(
        "".join(
            f"CREATE FUNCTION {name}(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';"
            for name in sorted(new)
        )
        + "ALTER FUNCTION public.sw_1(integer) RENAME TO sw_moved_on"
    )
    stale, _asked = await sweep(sandbox12)
    assert stale == new | {"public.sw_moved_on"}


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
    # the recently changed (8 of the new), a wave with the other 4, a wave without a miss
    assert len(asked) == RECENTLY_CHANGED + 2 * WAVE


async def test_a_new_function_is_found_behind_later_rewrites(sandbox12: Sandbox):
    """A migration adds a function; a later one re-creates a dozen others (CREATE OR REPLACE,
    or a GRANT: the rows are rewritten, the cache still resolves them). Ordered by last change
    they fill the first wave; by OID the new function is first."""
    await asyncio.to_thread(cached_functions, sandbox12)
    sandbox12.execute(
        "CREATE FUNCTION public.sw_new(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a'"
    )
    sandbox12.execute(
        "".join(
            f"CREATE OR REPLACE FUNCTION public.sw_{i}(a integer) RETURNS integer"
            f" LANGUAGE sql IMMUTABLE AS 'SELECT a + 1';"
            for i in range(1, 13)
        )
    )
    stale, asked = await sweep(sandbox12)
    assert stale == {"public.sw_new"}
    assert "public.sw_new" not in asked[:RECENTLY_CHANGED]  # rewritten ones came first there


async def test_a_fresh_cache_costs_two_waves(sandbox12: Sandbox):
    await asyncio.to_thread(cached_functions, sandbox12)
    stale, asked = await sweep(sandbox12)
    assert stale == set()
    assert len(asked) == RECENTLY_CHANGED + WAVE
