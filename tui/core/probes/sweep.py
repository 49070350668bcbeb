"""Which objects to ask PostgREST about one by one, and the request for each (see targeted)."""

from __future__ import annotations

import httpx

from tui.core.probes import catalog, targeted
from tui.core.probes.replay import rpc_args
from tui.core.request import FailingRequest
from tui.core.specs import ObjectRef

LIMIT = 200  # objects of one kind probed one by one (newest first)
WAVE = 8  # functions asked at once; the sweep stops after a wave without a cache miss


def probe_ref(
    client: httpx.AsyncClient,
    version: str | None,
    ref: ObjectRef,
    snap: catalog.Catalog,
    failing: FailingRequest | None = None,
):
    """The no-side-effect request that shows whether the cache resolves ``ref``."""
    kind = str(ref.kind)
    if kind in ("table", "view"):
        return targeted.probe_table(client, version, ref.schema, ref.name, ())
    if kind == "column" and ref.column:
        return targeted.probe_column(client, version, ref.schema, ref.name, ref.column)
    if kind == "relationship" and ref.target_name:
        return targeted.probe_relationship(client, version, ref.schema, ref.name, ref.target_name)
    if kind == "function":
        overloads = snap.functions.get(ref.display, [])
        args = next((f.args for f in overloads if f.callable_by_name), None)
        if args is None:  # gone from the catalog: the user's call names the arguments
            args = rpc_args(failing, ref.name) if failing else ()
        return targeted.probe_function(client, version, ref.schema, ref.name, args)
    return None


def newest_functions(snap: catalog.Catalog, exposed: set[str]) -> list[catalog.Function]:
    """One callable overload per exposed function, most recently changed first (then the
    newest OID), at most the sweep limit."""
    chosen = []
    for name, overloads in snap.functions.items():
        if name.split(".", 1)[0] not in exposed:
            continue
        fn = next((f for f in overloads if f.callable_by_name and f.executable), None)
        if fn is not None:
            chosen.append(fn)
    chosen.sort(key=lambda f: (f.changed_age, -f.oid))
    return chosen[:LIMIT]


async def sweep_functions(
    client: httpx.AsyncClient, version: str | None, functions: list[catalog.Function]
) -> list:
    """Ask about ``functions`` (most recently changed first) a wave at a time, until a wave
    has no cache miss.

    A reload loads every function, so the ones a stale cache misses are those written after
    it: the most recently changed rows. Once a whole wave of them resolves, the older ones
    were there at the last load too. Stopping there keeps a full check at about two waves
    (not 200 requests in PostgREST's log) whatever the schema's size.
    """
    answers: list = []
    for start in range(0, len(functions), WAVE):
        wave = [
            targeted.probe_function(client, version, f.schema, f.name, f.args)
            for f in functions[start : start + WAVE]
        ]
        got = await targeted.gather_limited(wave, WAVE)
        answers += got
        if not any(isinstance(a, targeted.TargetedAnswer) and a.cached is False for a in got):
            break
    return answers
