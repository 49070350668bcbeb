"""Which objects to ask PostgREST about one by one, and the request for each (see targeted)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from tui.core.probes import catalog, targeted
from tui.core.probes.cache_only import rpc_args

if TYPE_CHECKING:
    from tui.core.request import FailingRequest
    from tui.core.specs import ObjectRef

T = TypeVar("T")
Probe = Coroutine[Any, Any, targeted.TargetedAnswer]  # one request, not yet sent
Answers = list[targeted.TargetedAnswer | BaseException]  # an exception where a probe failed

LIMIT = 200  # objects of one kind probed one by one (newest first)
WAVE = 8  # functions asked at once; the sweep stops after a wave without a cache miss
RECENTLY_CHANGED = 8  # functions asked about because their catalog row changed last
NAMED_OVERLOADS = WAVE  # overloads of one named function asked about


def probe_ref(
    client: httpx.AsyncClient,
    version: str | None,
    ref: ObjectRef,
    snap: catalog.Catalog,
    failing: FailingRequest | None = None,
) -> list[Probe]:
    """The no-side-effect requests that show whether the cache resolves ``ref``: one, or for
    a relationship one per foreign key between the two tables (by its name, ``!fk``)."""
    kind = str(ref.kind)
    if kind in ("table", "view", "materialized view"):
        # with its columns: a column added since the load is stale while the table is not
        rel = snap.relation(ref.schema, ref.name)
        columns = rel.columns if rel is not None and not rel.partition_of else ()
        return [targeted.probe_table(client, version, ref.schema, ref.name, columns,
                                     every_missing=True)]  # fmt: skip
    if kind == "column" and ref.column:
        return [targeted.probe_column(client, version, ref.schema, ref.name, ref.column)]
    if kind == "relationship" and ref.target_name:
        return relationship_probes(client, version, ref, snap)
    if kind == "function":
        overloads = [f for f in snap.functions.get(ref.key, []) if f.probe_args]
        if not overloads and any(f.callable_by_name for f in snap.functions.get(ref.key, [])):
            return []  # cached, but an empty argument name matches no request: OpenAPI tells
        if not overloads:  # gone from the catalog: the user's call names the arguments
            args = rpc_args(failing, ref.name) if failing else ()
            return [targeted.probe_function(client, version, ref.schema, ref.name, args)]
        # each overload, named by its signature among others (a new one is what went stale)
        return [targeted.probe_function(client, version, ref.schema, ref.name, fn.args,
                                        overload_name(snap, fn), fn.raw_body, rivals(snap, fn),
                                        known_overloads(snap, fn))
                for fn in overloads[:NAMED_OVERLOADS]]  # fmt: skip
    return []


def relationship_probes(
    client: httpx.AsyncClient, version: str | None, ref: ObjectRef, snap: catalog.Catalog
) -> list[Probe]:
    """Each key between the two tables (or the one ``!hint`` names), embedded from its own
    table; with none in the catalog, the pair (a key dropped but still cached answers)."""
    assert ref.target_name is not None
    pair = {ref.key, f"{ref.target_schema or ref.schema}.{ref.target_name}"}
    keys = [fk for fk in snap.foreign_keys
            if {fk.table_key, fk.ref_key} == pair and not fk.overridden
            and (ref.hint is None or fk.name == ref.hint)]  # fmt: skip
    if not keys and snap.relation(ref.schema, ref.name) is None:
        return []  # nested under an embed that names no table: no path to ask from
    if not keys:
        return [targeted.probe_relationship(client, version, ref.schema, ref.name,
                                            ref.target_name, ref.hint, ref.target_schema)]  # fmt: skip
    return [key_probe(client, version, fk, snap.foreign_keys) for fk in keys
            if catalog.unembeddable(fk, snap.foreign_keys) is None]  # fmt: skip


async def key_probe(
    client: httpx.AsyncClient,
    version: str | None,
    fk: catalog.ForeignKey,
    keys: list[catalog.ForeignKey] | None = None,
) -> targeted.TargetedAnswer:
    """Embed ``fk`` by the hint that picks it (``catalog.embed_hint``; ``keys``: the
    catalog's, to tell a self key's neighbours); the answer is named by the constraint."""
    _ok, hint = catalog.embed_hint(fk, keys or [fk])
    answer = await targeted.probe_relationship(client, version, fk.schema, fk.table,
                                               fk.ref_table, hint, fk.ref_schema)  # fmt: skip
    return replace(answer, name=fk.qualified)


def callable_functions(snap: catalog.Catalog, exposed: set[str]) -> list[catalog.Function]:
    """Every callable, executable overload of the functions in an exposed schema: a new
    overload of an old function holds the newest OID, and only asking for it (by its argument
    names) tells whether the cache has it."""
    return [f for name, overloads in snap.functions.items()
            if name.split(".", 1)[0] in exposed
            for f in overloads if f.probe_args and f.executable]  # fmt: skip


def rivals(snap: catalog.Catalog, fn: catalog.Function) -> targeted.Rivals | None:
    """The cached overloads a GET naming ``fn``'s arguments also finds (None: only ``fn``);
    a call with its one unnamed body argument is a POST that names none."""
    if fn.raw_body is not None:
        return None
    keys = frozenset(fn.args)
    found = [f for f in snap.functions.get(fn.qualified, []) if f.callable_by_name
             and f.raw_body is None and f.matches(keys)]  # fmt: skip
    if len(found) < 2:
        return None
    return targeted.Rivals(fn.pgrst_name, fn.oid == min(f.oid for f in found))


def known_overloads(snap: catalog.Catalog, fn: catalog.Function) -> frozenset[str]:
    """``fn``'s function's overloads PostgREST caches, as its PGRST203 lists them."""
    return frozenset(f.pgrst_name for f in snap.functions.get(fn.qualified, [])
                     if f.callable_by_name)  # fmt: skip


def overload_name(snap: catalog.Catalog, fn: catalog.Function) -> str | None:
    """The signature that names ``fn`` when its function has other callable overloads
    (``public.f(integer, text)``); None when its name alone is unambiguous."""
    overloads = snap.functions.get(fn.qualified, [])
    return fn.signature if sum(1 for f in overloads if f.callable_by_name) > 1 else None


def sweep_order(
    functions: list[catalog.Function],
) -> tuple[list[catalog.Function], list[catalog.Function]]:
    """(the most recently changed, the rest newest OID first, at most the sweep limit).

    Rows changed in one transaction (a migration) share their age; among them the oldest
    OIDs come first: a new function holds a high OID that the waves ask about anyway, while a
    renamed or moved one keeps its old OID and is found only here. A negative age is a
    transaction counter that wrapped since the row was written: old.
    """
    recent = sorted((f for f in functions if f.changed_age >= 0),
                    key=lambda f: (f.changed_age, f.oid))[:RECENTLY_CHANGED]  # fmt: skip
    asked = {f.oid for f in recent}
    by_oid = sorted((f for f in functions if f.oid not in asked), key=lambda f: -f.oid)
    return recent, by_oid[:LIMIT]


async def sweep_functions(
    client: httpx.AsyncClient,
    version: str | None,
    functions: list[catalog.Function],
    gate: targeted.RequestGate,
    snap: catalog.Catalog | None = None,
) -> Answers:
    """Ask whether the cache resolves ``functions``, without asking about every one.

    A reload loads every function, and OIDs grow with creation, so the functions a stale cache
    misses because they were created after the load hold the highest OIDs: asked newest first,
    a wave at a time, the sweep stops after the first wave that resolves without a miss (a
    wave that tells nothing, all errors, does not count). A function renamed or moved since
    the load keeps its old OID, but its catalog row was rewritten: the most recently changed
    few are asked about too, alongside the first wave. At any schema size a check asks about
    two or three waves of functions, not 200. With ``snap``, an overload among others is
    named by its signature.
    """

    def ask(chosen: list[catalog.Function]) -> Awaitable[Answers]:
        probes = [targeted.probe_function(client, version, f.schema, f.name, f.args,
                                          overload_name(snap, f) if snap else None, f.raw_body,
                                          rivals(snap, f) if snap else None,
                                          known_overloads(snap, f) if snap else None)
                  for f in chosen]  # fmt: skip
        return targeted.gather_limited(probes, gate=gate)

    recent, by_oid = sweep_order(functions)
    changed = asyncio.ensure_future(ask(recent))
    try:
        answers = await _waves(ask, by_oid)
        return await changed + answers
    finally:
        changed.cancel()


async def sweep_keys(
    client: httpx.AsyncClient,
    version: str | None,
    keys: list[catalog.ForeignKey],
    gate: targeted.RequestGate,
) -> Answers:
    """Foreign keys OpenAPI cannot show (``drift.embed_only``: composite, one-to-one, a
    second key on a column), embedded by name newest first, a wave at a time, as functions
    are: a key created after the cache loaded holds a higher OID than every cached one."""

    def ask(chosen: list[catalog.ForeignKey]) -> Awaitable[Answers]:
        return targeted.gather_limited([key_probe(client, version, fk, keys) for fk in chosen],
                                       gate=gate)  # fmt: skip

    return await _waves(ask, sorted(keys, key=lambda fk: -fk.oid)[:LIMIT])


async def sweep_computed(
    client: httpx.AsyncClient,
    version: str | None,
    rels: list[catalog.ComputedRel],
    gate: targeted.RequestGate,
) -> Answers:
    """Computed relationships (``drift.embeddable_computed``): OpenAPI shows none, so each is
    embedded by its function's name, newest first, a wave at a time, as keys are."""

    def ask(chosen: list[catalog.ComputedRel]) -> Awaitable[Answers]:
        return targeted.gather_limited(
            [targeted.probe_relationship(client, version, c.schema, c.table, c.fn, None,
                                         c.fn_schema) for c in chosen],
            gate=gate,
        )  # fmt: skip

    return await _waves(ask, sorted(rels, key=lambda c: -c.oid)[:LIMIT])


async def joined(first: Awaitable[Answers], second: Awaitable[Answers]) -> Answers:
    """Two sweeps' answers as one (cancelled together)."""
    return await first + await second


async def _waves(ask: Callable[[list[T]], Awaitable[Answers]], ordered: list[T]) -> Answers:
    """Ask ``ordered`` a wave at a time; stop after the first wave that resolves without a
    miss (a wave that tells nothing, all errors, does not count)."""
    answers: Answers = []
    for start in range(0, len(ordered), WAVE):
        got = await ask(ordered[start : start + WAVE])
        answers += got
        told = [a for a in got if isinstance(a, targeted.TargetedAnswer)]
        if any(a.cached for a in told) and not any(a.cached is False for a in told):
            break
    return answers
