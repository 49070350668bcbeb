"""The database side of a check, begun before the rest of the engine is imported.

A check's database steps (the server's facts, the catalog snapshot, the reload listener) are
waiting on the database: a connection each (a backend started, the password checked) and a
few round trips, 0.1-0.4 s on DHIS2 (BENCHMARKS.md), none of it this process's work. `check`
starts them once psycopg is imported, before httpx and the checks load, in a thread with an
event loop of its own, so they overlap that start-up as the OpenAPI prefetch overlaps the
document (openapi_prefetch.py). Each is the very read a diagnosis makes (the functions below:
a ``pg.connect`` connection with statement_timeout and lock_timeout, the step's time bound;
the snapshot's one read-only repeatable-read transaction); only the thread differs.

A diagnosis asks through the same functions; one begun early with the same arguments (same
database, timeout and role) is taken over, once, else the read runs there and then. Whoever
stops waiting for an early read (SIGINT or SIGTERM cancel the check, a probe's time is up)
cancels its task, which cancels the query on the server and closes the connection (psycopg);
``stop`` does the same for every read nobody took.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import psycopg

from tui.core import budget
from tui.core.probes import catalog, db, listener, pg, roles
from tui.core.target import Target

T = TypeVar("T")
JOIN = 2.0  # seconds ``stop`` gives the thread to close its connections

_Key = tuple[str, str, float, tuple[Any, ...]]  # step, database URL, timeout, arguments
_lock = threading.Lock()
_pending: dict[_Key, _Early] = {}  # begun, not taken yet
_threads: list[_Thread] = []  # every thread started, for ``stop``


async def on_own_connection(
    target: Target, work: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]]
) -> T:
    """``work``'s result on a connection opened for it, closed after."""
    conn = await pg.connect(target)
    try:
        return await work(conn)
    finally:
        await conn.close()


# step -> its read on a connection of its own, from the target and the step's arguments
READS: dict[str, Callable[..., Awaitable[Any]]] = {
    "database": lambda t: on_own_connection(t, db.server_info),
    "catalog": lambda t, role, in_db_anon: on_own_connection(
        t, lambda c: catalog.snapshot(c, role, in_db_anon=in_db_anon)
    ),
    "listener": lambda t, channel: on_own_connection(
        t, lambda c: listener.listener_info(c, channel, t.timeout)
    ),
}


async def server_info(target: Target) -> db.ServerInfo:
    """The database probe's facts (``db.server_info``)."""
    return cast("db.ServerInfo", await _read("database", target, ()))


async def whole_catalog(target: Target, role: str, in_db_anon: bool) -> catalog.Catalog:
    """The whole catalog snapshot as ``role`` (no names, no columns)."""
    return cast("catalog.Catalog", await _read("catalog", target, (role, in_db_anon)))


async def listener_info(target: Target) -> listener.ListenerInfo:
    """Who listens on the target's channel (``listener.listener_info``)."""
    return cast("listener.ListenerInfo", await _read("listener", target, (target.channel,)))


async def _read(step: str, target: Target, args: tuple[Any, ...]) -> Any:
    with _lock:
        early = _pending.pop((step, target.db_url, target.timeout, args), None)
    if early is None:
        return await READS[step](target, *args)
    try:
        return await asyncio.wrap_future(early.future)
    except asyncio.CancelledError:
        early.cancel()
        raise


class _Early:
    """One read begun early: its task in the thread's loop, its outcome in ``future``."""

    def __init__(self, thread: _Thread, make: Callable[[], Awaitable[Any]]) -> None:
        self.future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self.make = make
        self.task: asyncio.Task[Any] | None = None
        self.cancelled = False
        self._thread = thread

    def settle(self, task: asyncio.Task[Any]) -> None:
        with contextlib.suppress(concurrent.futures.InvalidStateError):  # cancelled meanwhile
            if task.cancelled():
                self.future.cancel()
            elif (exc := task.exception()) is not None:
                self.future.set_exception(exc)
            else:
                self.future.set_result(task.result())

    def cancel(self) -> None:
        """Stop reading: the query is cancelled on the server and the connection closed."""
        self._thread.cancel(self)


class _Thread:
    """A daemon thread whose event loop runs the early reads, each within the timeout."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.reads: list[_Early] = []
        self._state = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(target=self._run, name="db-prefetch", daemon=True)

    def _run(self) -> None:
        with contextlib.suppress(BaseException):  # each outcome is in its read's future
            asyncio.run(self._main())

    async def _main(self) -> None:
        loop = asyncio.get_running_loop()
        with self._state:
            self._loop = loop
            for early in self.reads:
                early.task = loop.create_task(budget.bounded(early.make(), self.timeout))
                early.task.add_done_callback(early.settle)
                if early.cancelled:
                    early.task.cancel()
        await asyncio.gather(*(e.task for e in self.reads if e.task), return_exceptions=True)

    def cancel(self, early: _Early) -> None:
        with self._state:
            early.cancelled = True
            loop, task = self._loop, early.task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # its loop has already closed
                loop.call_soon_threadsafe(task.cancel)


def start(target: Target, *, whole_catalog: bool) -> None:
    """Begin the database and listener reads, and (``whole_catalog``) the whole snapshot as
    the target's requests' role, as a diagnosis of ``target`` will ask for them."""
    steps: list[tuple[str, tuple[Any, ...]]] = [("database", ()), ("listener", (target.channel,))]
    if whole_catalog:
        role = catalog.read_as(roles.request_role(target.api_key, target.anon_role))
        steps.append(("catalog", (role, roles.anon_role_in_db(target))))
    thread = _Thread(target.timeout)
    with _lock:
        for step, args in steps:
            early = _Early(thread, functools.partial(READS[step], target, *args))
            thread.reads.append(early)
            _pending[(step, target.db_url, target.timeout, args)] = early
        _threads.append(thread)
    thread.thread.start()


def stop() -> None:
    """Cancel every early read still running and give each thread ``JOIN`` seconds to close
    its connections (the command is ending: finished, failed or interrupted)."""
    with _lock:
        threads = list(_threads)
        _threads.clear()
        _pending.clear()
    for thread in threads:
        for early in thread.reads:
            if not early.future.done():
                early.cancel()
    for thread in threads:
        thread.thread.join(JOIN)
