"""Does another instance of a fleet hold the same schema cache as the one compared in full?

PostgREST loads its whole schema cache at once (at start and at each reload: ``visibility``
relies on the same fact), so an instance's cache is the catalog as it stood when it last
loaded, and the instances of one database differ only in that moment (and in their settings:
version and exposed schemas, compared first). One instance, the reference, is compared in full
(its OpenAPI document against the catalog, functions by /rpc/ probes); every other one is
asked the same cache-only questions as the reference, which place its load against the
reference's:

- each object the reference holds stale: still stale here (loaded before that change, like
  the reference) or served as the catalog has it (loaded after it: newer);
- the relations and functions changed last (newest ``age(xmin)`` in ``pg_class`` / ``pg_proc``:
  an ``ALTER TABLE``, ``CREATE OR REPLACE``, a rename), each asked with every current column or
  argument name: answered as the reference answers (loaded after them, like it) or not (loaded
  before them: older than the reference).

The same answers: the same cache, so the reference's comparison is this instance's. Newer:
this instance's stale objects are those it still answers stale. Anything else (older, an
answer that does not tell, another version or exposed schemas, a stale object no request can
show) and the instance gets its own full comparison. A few requests instead of another OpenAPI
document, which costs PostgREST ~1 s of CPU at 1,000 tables (BENCHMARKS.md, budget 7).
What no request shows (a dropped column, a dropped table) between the two loads is seen only
when a change that does show came with it or after it; the basis line says what was asked.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.names import qualified
from tui.core.probes import cache_only, catalog
from tui.core.probes.agreement import Recent
from tui.core.remedies.visibility import Answer, Probe, build_probes

RECENT = 4  # relations and functions changed last, each kind (8 questions at most)
MAX_STALE = 24  # more stale objects than this: each instance is compared in full


@dataclass(frozen=True)
class Question:
    """A cache-only question every instance of a fleet is asked."""

    probe: Probe
    stale: bool  # one of the reference's stale objects (else: changed last, served fresh)

    @property
    def name(self) -> str:
        return self.probe.obj.name


@dataclass(frozen=True)
class Reference:
    """The instance compared in full, and its own answers to the questions."""

    api_url: str
    stale: tuple[StaleObject, ...]
    postgrest_version: str | None
    exposed: tuple[str, ...]
    questions: tuple[Question, ...]
    answers: tuple[bool | None, ...]  # the reference's, question by question
    unasked: tuple[StaleObject, ...] = ()  # its stale objects no request shows (enum labels)


@dataclass
class Alike:
    """One instance placed against the reference."""

    reference: str
    answers: dict[str, tuple[bool | None, bool | None]] = field(default_factory=dict)
    stale: list[StaleObject] | None = None  # this instance's; None: compare it in full
    why: str = ""

    @property
    def summary(self) -> str:
        return self.why


def _recent_probe(obj: Recent) -> Probe:
    """The relation with every current column, or the function with its argument names."""
    if obj.kind == "relation":
        stale = StaleObject(ObjectKind.TABLE, qualified(obj.schema, obj.name), Change.ADDED)
        return Probe.of(stale, cache_only.table(obj.schema, obj.name, obj.args))
    stale = StaleObject(ObjectKind.FUNCTION, qualified(obj.schema, obj.name), Change.ADDED)
    return Probe.of(stale, cache_only.function(obj.schema, obj.name, obj.args))


def _touches(stale: StaleObject, name: str) -> bool:
    """Whether a stale object is (part of) the relation or function printed as ``name``."""
    return stale.name == name or stale.name.startswith((f"{name}.", f"{name}:"))


def recent_questions(recent: list[Recent]) -> tuple[Question, ...]:
    """The objects changed last, each with every current column or argument name: asked of
    every instance at once, before the reference's comparison is done."""
    return tuple(
        Question(_recent_probe(o), False) for o in recent if o.kind != "relation" or o.args
    )  # fmt: skip (no columns: nothing to tell)


def questions(
    stale: list[StaleObject], recent: tuple[Question, ...], snap: catalog.Catalog
) -> tuple[list[Question], list[StaleObject]] | None:
    """The questions for the reference's stale objects and those of ``recent`` about objects
    it does not hold stale; and its stale objects no request shows. None: too many to ask."""
    args = {qualified(*key.split(".", 1)): list(f.args)
            for key, overloads in snap.functions.items()
            for f in overloads[:1] if f.named_call}  # fmt: skip
    probes, unasked = build_probes(list(stale), args)
    if len(probes) > MAX_STALE:
        return None
    asked = [Question(p, True) for p in probes]
    asked += [q for q in recent if not any(_touches(s, q.name) for s in stale)]
    return asked, unasked


async def _one(client: httpx.AsyncClient, probe: Probe) -> bool | None:
    try:
        r = await client.request(probe.method, probe.path, headers=probe.headers,
                                 content=probe.body)  # fmt: skip
    except httpx.HTTPError:
        return None
    if r.status_code >= 500 or r.status_code in (401, 403):
        return None  # the answer does not tell
    return probe.cached(Answer(r.status_code, r.content))


async def ask(client: httpx.AsyncClient, asked: tuple[Question, ...]) -> tuple[bool | None, ...]:
    """Every question at once (a handful, each answered from the cache alone)."""
    return tuple(await asyncio.gather(*(_one(client, q.probe) for q in asked)))


def merged(
    asked: tuple[Question, ...], late: tuple[bool | None, ...], early: dict[str, bool | None]
) -> tuple[bool | None, ...]:
    """One instance's answers in the order of ``asked``: the stale objects' asked late (in
    order), the objects changed last asked early (by name; missing: does not tell)."""
    stale = iter(late)
    return tuple(next(stale) if q.stale else early.get(q.name) for q in asked)


def still_holds(asked: tuple[Question, ...], answers: tuple[bool | None, ...]) -> bool:
    """The reference answers as its comparison found: its stale objects stale, the objects
    changed last as the catalog has them (else it reloaded meanwhile, or the answers and the
    document came from different caches, as behind a balancer: no reference)."""
    return all(
        a is not None and (a is q.probe.want_cached) != q.stale
        for q, a in zip(asked, answers, strict=True)
    )


def judge(
    ref: Reference, answers: tuple[bool | None, ...], version: str | None, exposed: tuple[str, ...]
) -> Alike:
    """Pure: this instance's answers against the reference's."""
    got = Alike(ref.api_url)
    got.answers = {q.name: (r, a) for q, r, a in zip(ref.questions, ref.answers, answers,
                                                      strict=True)}  # fmt: skip
    if (version, exposed) != (ref.postgrest_version, ref.exposed):
        got.why = (f"PostgREST {version or '?'} serving {', '.join(exposed) or '?'}, unlike "
                   f"{ref.api_url}: compared on its own")  # fmt: skip
        return got
    newer: set[str] = set()
    for q, theirs, mine in zip(ref.questions, ref.answers, answers, strict=True):
        if theirs is None or mine is None:
            got.why = f"{q.name}: an answer that does not tell: compared on its own"
            return got
        if mine == theirs:
            continue
        converged = mine is q.probe.want_cached
        if q.stale and converged:
            newer.add(q.name)  # loaded after a change the reference has not seen
        elif not q.stale and mine is False:
            got.why = (f"{q.name} is not served as the catalog has it, unlike {ref.api_url} "
                       "(loaded before it): compared on its own")  # fmt: skip
            return got
    if newer and ref.unasked:
        got.why = f"newer than {ref.api_url}, which holds stale what no request shows"
        return got
    got.stale = [s for s in ref.stale if s.name not in newer]
    n = len(ref.questions)
    if newer:
        got.why = (f"loaded after {ref.api_url} ({len(newer)} of its stale objects served "
                   f"here; {n} cache-only requests)")  # fmt: skip
    else:
        got.why = f"same cache as {ref.api_url} ({n} cache-only requests answered alike)"
    return got
