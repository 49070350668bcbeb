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
import psycopg

from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.remedies import visibility

REQUESTS = 6  # in all, whatever the number of objects: the check's cost stays flat

RECENT_QUERY = """
(SELECT 'relation' AS kind, n.nspname::text, c.relname::text,
        ARRAY(SELECT a.attname::text FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              ORDER BY a.attnum) AS args,
        age(c.xmin) AS changed
 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname = ANY(%(schemas)s)
   AND age(c.xmin) >= 0
 ORDER BY age(c.xmin), c.oid DESC LIMIT %(limit)s)
UNION ALL
(SELECT 'function', n.nspname::text, p.proname::text,
        COALESCE(p.proargnames[1:p.pronargs], ARRAY[]::text[]), age(p.xmin)
 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.prokind = 'f' AND n.nspname = ANY(%(schemas)s) AND age(p.xmin) >= 0
   AND (p.pronargs = 0 OR p.proargnames IS NOT NULL)
 ORDER BY age(p.xmin), p.oid DESC LIMIT %(limit)s)
"""


@dataclass(frozen=True)
class Recent:
    kind: str  # relation | function
    schema: str
    name: str
    args: tuple[str, ...]  # a relation's columns, a function's argument names
    changed: int  # transactions since its catalog row was written


@dataclass
class Agreement:
    asked: dict[str, list[bool | None]] = field(default_factory=dict)  # object -> answers

    @property
    def disagreeing(self) -> list[str]:
        """Objects some answers resolved and others did not."""
        return [name for name, got in self.asked.items() if True in got and False in got]

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.asked.values())


async def recent_objects(
    conn: psycopg.AsyncConnection, schemas: list[str], limit: int = 1
) -> list[Recent]:
    """The ``limit`` most recently changed relations and functions, most recent first."""
    cur = await conn.execute(RECENT_QUERY, {"schemas": schemas, "limit": limit})
    rows = await cur.fetchall()
    found = [Recent(k, s, n, tuple(a or ()), int(c)) for k, s, n, a, c in rows]
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
        result.asked[f"{obj.schema}.{obj.name}"] = answers
    return result
