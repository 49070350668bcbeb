"""A step's bound counts the service's time (tui/core/budget.py): not the time this process's
event loop could not run (a render pass hogging it), not waits for another bounded step; a
service that never answers is still given up on."""

from __future__ import annotations

import asyncio
import time

import pytest

from tui.core import budget


def hog_the_loop(loop: asyncio.AbstractEventLoop, block_s: float, until: float) -> None:
    """Synchronous work on the loop (as a render pass is), again and again until ``until``."""
    time.sleep(block_s)
    if time.monotonic() < until:
        loop.call_later(0.01, hog_the_loop, loop, block_s, until)


async def test_a_starved_event_loop_does_not_count_against_the_bound():
    loop = asyncio.get_running_loop()
    loop.call_soon(hog_the_loop, loop, 0.3, time.monotonic() + 1.2)
    start = time.monotonic()
    # the answer comes after 0.9 s of wall clock, most of it spent unable to run
    assert await budget.bounded(asyncio.sleep(0.9, "answered"), 0.5) == "answered"
    assert time.monotonic() - start >= 0.9
    # the wall clock alone would have given up
    loop.call_soon(hog_the_loop, loop, 0.3, time.monotonic() + 1.2)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.sleep(0.9), 0.5)


async def test_waiting_for_another_step_does_not_count():
    async def after_the_other() -> str:
        other = budget.bounded(asyncio.sleep(0.6, "schemas"), 2.0)
        return await budget.waiting(other) + " then catalog"

    assert await budget.bounded(after_the_other(), 0.3) == "schemas then catalog"


async def test_a_service_that_never_answers_is_given_up_on():
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        await budget.bounded(asyncio.Event().wait(), 0.3)
    assert time.monotonic() - start >= 0.3  # given up on, not before its time
