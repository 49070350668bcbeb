"""A step's time bound that counts the service's time, not the doctor's own.

``--timeout`` says how long a service may take to answer. On the wall clock alone it also
counted two things the service is not to blame for:

- the time a step waits for another step, which has a bound of its own: with a request the
  catalog step first waits for the API probe (the request's path resolves against the
  exposed schemas), so a hung API read as an unreadable database ("cannot read the catalog:
  no answer within 2s", cause db-unreachable);
- the time this process could not run: the wizard's event loop is shared with its rendering,
  and on a CPU-starved machine (measured: 50 ms sleeps woke 0.3-0.4 s late on average, up to
  4.5 s, while the same catalog queries took 0.2-0.3 s from the command line) a catalog that
  answered at once read as "no answer within 5s", verdict unreachable.

``bounded`` counts neither: time spent in ``waiting`` (for another bounded step) is not
counted, and a look at the clock the loop woke late (past ``LATE``) counts only ``TICK``;
on time, the wall clock counts as it is.
A service that never answers is still given up on after ``seconds`` of time this process
was listening; ``Diagnosis.run_probe`` keeps its wall-clock limit (3 x ``--timeout``), so
nothing hangs whatever the load.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

TICK = 0.1  # seconds between looks at the clock
LATE = 1.5 * TICK  # a wake later than this was the loop's delay: it counts only TICK


class _Budget:
    """What is left of one step's bound, and whether it is waiting on another step."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds
        self.paused = 0


_CURRENT: ContextVar[_Budget | None] = ContextVar("pgrst_doctor_budget", default=None)


async def bounded(work: Awaitable[T], seconds: float) -> T:
    """``work``'s result, or TimeoutError once it has had ``seconds`` of counted time."""
    loop = asyncio.get_running_loop()
    budget = _Budget(seconds)
    token = _CURRENT.set(budget)
    try:
        task = asyncio.ensure_future(work)  # its context holds this budget (``waiting``)
    finally:
        _CURRENT.reset(token)
    try:
        last = loop.time()
        while True:
            done, _ = await asyncio.wait({task}, timeout=max(0.0, min(TICK, budget.left)))
            if done:
                return task.result()
            now = loop.time()
            if not budget.paused:
                budget.left -= now - last if now - last <= LATE else TICK
            last = now
            if budget.left <= 0:
                raise TimeoutError
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.wait({task}, timeout=TICK)  # let it close what it opened


async def waiting(other: Awaitable[T]) -> T:
    """Await another bounded step; the step this runs in does not count the wait."""
    budget = _CURRENT.get()
    if budget is None:
        return await other
    budget.paused += 1
    try:
        return await other
    finally:
        budget.paused -= 1
