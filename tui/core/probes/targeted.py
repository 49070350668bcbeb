"""Ask PostgREST about one object without touching data, for when OpenAPI is disabled or the
user named the object. Each request is one PostgREST answers from its cache alone, failing on
purpose in planning right after the object was looked up, so nothing reaches PostgreSQL (the
shapes and their answers: ``cache_only``):

- table / columns: ``POST /t?columns=c1,…,<made up>`` with ``[]``: 404 ``{}`` (11-12) or
  PGRST205 (13+) when the table is not cached, PGRST204 naming a real column when that one
  is not, PGRST204 naming the made-up column when all are;
- relationship: ``GET /child?select=parent(*)&order=<no such embed>(x)``: PGRST200 when not
  cached, PGRST108 when it is;
- function: ``GET /rpc/f?arg=0&order=<no such embed>(x)``: PGRST202 when not cached,
  PGRST108 when it is; the function never runs.

Every name in a query parameter is sent double-quoted (``cache_only.field``), as PostgREST's
grammar reads ``"x.y"`` as one name and ``x.y`` as a path; answers name objects as psql does
(``names.qualified``), a relationship by its key (``!fk_name``) when one is asked about.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from tui.core.knowledge.errors import ErrorClass, classify
from tui.core.names import qualified, relationship_name, signature
from tui.core.probes import cache_only
from tui.core.probes.base import json_or_text, send
from tui.core.regex import on_first_use

IN_FLIGHT = 8  # targeted requests at once: PostgREST's pool (db-pool 10) keeps room for others
CACHE_MISS_CODES = {"PGRST200", "PGRST202", "PGRST204", "PGRST205", "404{}"}


@dataclass(frozen=True)
class TargetedAnswer:
    """One cache-only probe of a named object and what its answer tells."""

    kind: str  # table | column | relationship | function
    name: str  # report naming convention
    status: int
    code: str | None
    cached: bool | None  # None: the answer does not tell (auth error, 5xx, ...)
    missing_columns: tuple[str, ...] = ()  # cached table, these columns not
    error: ErrorClass | None = None
    gone: tuple[str, ...] = ()  # overloads PGRST203 lists that the catalog lost (signatures)


def _verdict(error: ErrorClass, status: int, body: Any = None) -> bool | None:
    if cache_only.planned(body):
        return True  # failed on our made-up name: everything before it resolved
    code = error.code or ""
    if code in CACHE_MISS_CODES:
        return False
    if status >= 500 and code in {"PGRST000", "PGRST001", "PGRST002", "HTTP503", "HTTP502"}:
        return None
    if code in {"PGRST301", "PGRST302", "PGRST303", "PGRST106", "HTTP401"}:
        return None
    return True  # PostgREST resolved the object and handed the request to PostgreSQL


async def _ask(
    client: httpx.AsyncClient, version: str | None, shape: cache_only.Shape
) -> tuple[int, Any, ErrorClass]:
    response, raw = await send(
        client, shape.method, shape.path, content=shape.body, headers=shape.headers
    )
    body = json_or_text(raw)
    return response.status_code, body, classify(version, response.status_code, body)


async def probe_table(
    client: httpx.AsyncClient,
    version: str | None,
    schema: str,
    table: str,
    columns: tuple[str, ...],
    *,
    every_missing: bool = False,
) -> TargetedAnswer:
    """Is the table cached, and which of ``columns`` is not? PostgREST names the first
    unknown one in sorted order; ``every_missing`` asks again without it until none is left
    (one request per missing column, each answered from the cache alone)."""
    remaining = list(dict.fromkeys(columns))
    missing: list[str] = []
    while True:
        shape = cache_only.table(schema, table, tuple(remaining))
        status, body, error = await _ask(client, version, shape)
        cached = _verdict(error, status, body)
        one = error.names.get("column") if error.code == "PGRST204" else None
        if cache_only.planned(body):
            one = None
        if error.code == "PGRST204":
            cached = True  # the table is cached; one of its columns may not be
        if one is not None:
            missing.append(one)
        if not every_missing or one is None or one not in remaining:
            break
        remaining.remove(one)
    return TargetedAnswer("table", qualified(schema, table), status, error.code, cached,
                          tuple(missing), error)  # fmt: skip


async def probe_column(
    client: httpx.AsyncClient, version: str | None, schema: str, table: str, column: str
) -> TargetedAnswer:
    answer = await probe_table(client, version, schema, table, (column,))
    cached = answer.cached if not answer.missing_columns else False
    if answer.code in {"404{}", "PGRST205"}:
        cached = False
    return TargetedAnswer(
        "column", qualified(schema, table, column), answer.status, answer.code, cached,
        answer.missing_columns, answer.error,
    )  # fmt: skip


async def probe_relationship(
    client: httpx.AsyncClient,
    version: str | None,
    schema: str,
    child: str,
    parent: str,
    hint: str | None = None,
    parent_schema: str | None = None,
) -> TargetedAnswer:
    """``hint``: the foreign key's name, so a second key between the same tables is asked
    about on its own (PostgREST's ``!fk_name``)."""
    shape = cache_only.relationship(schema, child, parent, hint)
    status, body, error = await _ask(client, version, shape)
    name = relationship_name(schema, child, parent_schema or schema, parent, hint)
    return TargetedAnswer(
        "relationship", name, status, error.code,
        _verdict(error, status, body), (), error,
    )  # fmt: skip


@dataclass(frozen=True)
class Rivals:
    """The probed overload is one of several that its argument names find (Plan.hs findProc,
    v11.2 and v12.0: overloads differing only in argument types). A cache holding two or more
    of them answers PGRST203 listing each (``listed_as``, Function.pgrst_name); one holding
    only one resolves it, which is taken to be the ``oldest`` (a reload loads them all, and
    the one created after it holds the higher OID)."""

    listed_as: str
    oldest: bool

    def read(self, code: str | None, body: Any, cached: bool | None) -> bool | None:
        if code == "PGRST203":
            message = str(body.get("message") or "") if isinstance(body, dict) else ""
            listed = message.partition("between: ")[2]
            return f", {unqualified(self.listed_as)}, " in f", {unqualified(listed)}, "
        if cached is True:  # resolved: exactly one of them is cached
            return self.oldest
        return cached


async def probe_function(
    client: httpx.AsyncClient,
    version: str | None,
    schema: str,
    name: str,
    args: tuple[str, ...],
    signature: str | None = None,
    raw_body: str | None = None,
    rivals: Rivals | None = None,
    known: frozenset[str] | None = None,
) -> TargetedAnswer:
    """``signature`` (``public.f(integer, text)``) names an overload among others: the answer
    is about that one (PostgREST picks an overload by its argument names, or by ``raw_body``,
    the type of its one unnamed argument; ``rivals`` when the names find others too;
    ``known``: every cached-kind overload the catalog has, as PGRST203 lists them, so one it
    lists beyond those is a dropped overload the cache still holds)."""
    shape = cache_only.function(schema, name, args, raw_body)
    status, body, error = await _ask(client, version, shape)
    cached = _verdict(error, status, body)
    if rivals is not None:
        cached = rivals.read(error.code, body, cached)
    gone: tuple[str, ...] = ()
    if known is not None and error.code == "PGRST203" and isinstance(body, dict):
        ours = {unqualified(k) for k in known}
        gone = tuple(signature_of(schema, name, listed)
                     for listed in ambiguous_overloads(str(body.get("message") or ""), schema, name)
                     if unqualified(f"{schema}.{name}({listed})") not in ours)  # fmt: skip
    return TargetedAnswer(
        "function", signature or qualified(schema, name), status, error.code, cached, (), error,
        gone,
    )  # fmt: skip


# only a PGRST203 answer needs it
_QUALIFIER = on_first_use(r'(?:"(?:[^"]|"")*"|[^\s(),."]+)\.(?=[^\s(),.])')


def unqualified(listed: str) -> str:
    """An overload as PGRST203 lists it, without schema qualifiers: PostgREST prints argument
    types by ``regtype``, qualified outside its session's search path, which need not be the
    doctor's (``cx.positive`` there, ``positive`` here)."""
    return _QUALIFIER().sub("", listed)


def ambiguous_overloads(message: str, schema: str, name: str) -> list[str]:
    """The argument lists (``a => integer, b => text``) of the overloads a PGRST203 message
    names (Error.hs AmbiguousRpc: ``between: s.f(a => integer), s.f(a => text)``)."""
    prefix = f"{schema}.{name}("
    listed = message.partition("between: ")[2]
    return [part[:-1] for part in f", {listed}".split(f", {prefix}")[1:] if part.endswith(")")]


def signature_of(schema: str, name: str, listed: str) -> str:
    """``s.f(integer, text)`` (names.signature) from PGRST203's ``a => integer, b => text``."""
    types = [arg.partition(" => ")[2] for arg in listed.split(", ")] if listed else []
    return signature(qualified(schema, name), types)


class RequestGate:
    """One diagnosis's requests to its API URL: up to ``limit`` in flight at once
    (``async with gate``), or one run of requests alone (``async with gate.alone()``).

    Alone is for the agreement probe (probes/agreement.py): a round-robin balancer rotates on
    the order requests arrive, so its consecutive requests must not have the targeted probes'
    in between (such as the probes for tables when OpenAPI is disabled, which follow the
    document). It waits only for the requests in flight; while it waits or runs, no new
    request starts.
    """

    def __init__(self, limit: int = IN_FLIGHT) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._idle = asyncio.Event()  # no request in flight
        self._idle.set()
        self._open = asyncio.Event()  # no run alone waiting or running
        self._open.set()
        self._in_flight = 0
        self._alone = asyncio.Lock()

    async def __aenter__(self) -> None:
        while True:
            await self._open.wait()
            await self._slots.acquire()
            if self._open.is_set():
                break
            self._slots.release()  # a run alone began meanwhile: let it go first
        self._in_flight += 1
        self._idle.clear()

    async def __aexit__(self, *exc: object) -> None:
        self._in_flight -= 1
        if not self._in_flight:
            self._idle.set()
        self._slots.release()

    @contextlib.asynccontextmanager
    async def alone(self) -> AsyncIterator[None]:
        async with self._alone:
            self._open.clear()
            try:
                await self._idle.wait()
                yield
            finally:
                self._open.set()


async def gather_limited(
    coros: Sequence[Awaitable[TargetedAnswer]],
    limit: int = IN_FLIGHT,
    *,
    gate: RequestGate | None = None,
) -> list[TargetedAnswer | BaseException]:
    """Run probes concurrently but never more than ``limit`` requests at once (or as many as
    a ``gate`` shared with other groups allows). A failed probe's place holds its exception."""
    gate = RequestGate(limit) if gate is None else gate

    async def one(coro: Awaitable[TargetedAnswer]) -> TargetedAnswer | BaseException:
        async with gate:
            try:
                return await coro
            except Exception as exc:  # one object's failure must not sink the others
                return exc

    return await asyncio.gather(*(one(c) for c in coros))
