"""Do the instances behind one URL agree? A load balancer in front of several PostgREST
instances answers each request from the next one; when some reloaded and some did not, the
same question gets different answers ("sometimes the column is there").

The doctor asks the cache about the most recently changed relation and function a few times
in a row (a bounded number of requests, ``REQUESTS``) and compares the answers. The objects
are the ones a migration touched last: PostgreSQL rewrites a relation's ``pg_class`` row on
``ALTER TABLE`` and a function's ``pg_proc`` row on ``CREATE OR REPLACE``, so the smallest
``age(xmin)`` names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.names import qualified
from tui.core.probes.catalog import Catalog
from tui.core.remedies import visibility

REQUESTS = 6  # in all, whatever the number of objects: the check's cost stays flat


@dataclass(frozen=True)
class Recent:
    """An object changed lately: asked about repeatedly behind one URL."""

    kind: str  # relation | function
    schema: str
    name: str
    args: tuple[str, ...]  # a relation's columns, a function's argument names
    changed: int  # transactions since its catalog row was written


@dataclass
class Agreement:
    """Every answer to the repeated questions, by object."""

    asked: dict[str, list[bool | None]] = field(default_factory=dict)  # object -> answers

    @property
    def disagreeing(self) -> list[str]:
        """Objects some answers resolved and others did not."""
        return [name for name, got in self.asked.items() if True in got and False in got]

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.asked.values())


def recent_objects(snap: Catalog, schemas: list[str], limit: int = 1) -> list[Recent]:
    """The ``limit`` most recently changed relations and callable functions in ``schemas``
    (smallest ``age(xmin)``, the newest OID first on a tie), most recent first; read from the
    catalog snapshot the other checks use, not with a connection of its own. A row changed
    over 2^31 transactions ago reads negative (wrapped) and is left out."""
    exposed = set(schemas)
    relations = sorted(
        (r.changed_age, -r.oid, Recent("relation", r.schema, r.name, r.columns, r.changed_age))
        for r in snap.relations.values()
        if r.schema in exposed and r.changed_age >= 0
    )
    functions = sorted(
        (f.changed_age, -f.oid, Recent("function", f.schema, f.name, f.args, f.changed_age))
        for overloads in snap.functions.values()
        for f in overloads
        if f.schema in exposed and f.changed_age >= 0 and f.named_call
    )
    found = [row[2] for row in relations[:limit] + functions[:limit]]
    return sorted(found, key=lambda r: r.changed)


def shares(count: int) -> list[int]:
    """Requests per object: two for each but the first, which gets the rest (the most
    recently changed object is the likeliest to differ)."""
    if count <= 0:
        return []
    count = min(count, REQUESTS // 2)
    return [REQUESTS - 2 * (count - 1)] + [2] * (count - 1)


def _probe(obj: Recent) -> visibility.Probe | None:
    """The side-effect-free visibility probe for the object: a relation's last column (the
    one ``ADD COLUMN`` appends; an unknown table answers 404 too), a function's name."""
    if obj.kind == "relation":
        if not obj.args:
            return None
        stale = StaleObject(ObjectKind.COLUMN, f"{obj.schema}.{obj.name}.{obj.args[-1]}",
                            Change.ADDED)  # fmt: skip
    else:
        stale = StaleObject(ObjectKind.FUNCTION, f"{obj.schema}.{obj.name}", Change.ADDED)
    probes, _rest = visibility.build_probes([stale], {stale.name: list(obj.args)})
    return probes[0] if probes else None


async def ask_repeatedly(client: httpx.AsyncClient, objects: list[Recent]) -> Agreement:
    """``REQUESTS`` requests split over ``objects`` (most recently changed first), each
    object asked in consecutive requests so a round-robin balancer sends them to different
    instances. Sequential: the order of arrival is what a balancer rotates on."""
    result = Agreement()
    asked = [(obj, probe) for obj in objects if (probe := _probe(obj)) is not None]
    for (obj, probe), times in zip(asked, shares(len(asked)), strict=False):
        answers: list[bool | None] = []
        for _ in range(times):
            response = await client.request(
                probe.method, probe.path, headers=probe.headers, content=probe.body
            )
            if response.status_code >= 500 or response.status_code in (401, 403):
                answers.append(None)  # the answer does not tell
            else:
                answers.append(probe.cached(visibility.Answer(response.status_code,
                                                              response.content)))  # fmt: skip
        result.asked[qualified(obj.schema, obj.name)] = answers
    return result
