"""The drift check: does PostgREST's cache disagree with the database, and on what?"""

from __future__ import annotations

from dataclasses import replace

from tui.core import drift
from tui.core.checks.evidence import Evidence
from tui.core.checks.fixes import RELOAD
from tui.core.model import Cause, Change, Finding, ObjectKind, StaleObject, Status
from tui.core.names import qualified, split_signature, split_unquoted

KIND_OF_SYMPTOM_KIND = {"table": {ObjectKind.TABLE}, "view": {ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW},
                        "column": {ObjectKind.COLUMN}, "function": {ObjectKind.FUNCTION},
                        "relationship": {ObjectKind.RELATIONSHIP}, "enum": {ObjectKind.ENUM}}  # fmt: skip

TARGETED_KIND = {
    "table": ObjectKind.TABLE,
    "column": ObjectKind.COLUMN,
    "relationship": ObjectKind.RELATIONSHIP,
    "function": ObjectKind.FUNCTION,
}


def stale_from_targeted(ev: Evidence, db: drift.Inventory) -> list[StaleObject]:
    """Objects the cache does not resolve although the catalog has them (added), and objects
    the cache still resolves although the catalog lost them (removed: PostgREST hands the
    request on, and PostgreSQL answers 42P01 / 42883, instead of a cache miss). ``db`` is
    the database side of the drift (``drift.database_inventory``), built once per check.
    """
    if ev.catalog is None:
        return []
    known = {
        ObjectKind.TABLE: db.tables.__contains__,
        ObjectKind.COLUMN: db.has_column,
        ObjectKind.RELATIONSHIP: lambda name: name in db.relationships or name in db.computed,
        ObjectKind.FUNCTION: db.functions.__contains__,
    }
    in_catalog = {  # printed names, as the answers name objects
        ObjectKind.TABLE: {r.qualified for r in ev.catalog.relations.values()},
        ObjectKind.FUNCTION: {qualified(*k.split(".", 1)) for k in ev.catalog.functions},
    }
    stale: set[StaleObject] = set()
    for answer in ev.targeted:
        kind = TARGETED_KIND[answer.kind]
        base = split_signature(answer.name)[0] if kind is ObjectKind.FUNCTION else answer.name
        if answer.cached is False and known[kind](base):
            if kind is ObjectKind.TABLE:
                kind = db.kinds.get(answer.name, kind)
            stale.add(StaleObject(kind, answer.name, Change.ADDED))
        if answer.cached and kind in in_catalog and base not in in_catalog[kind]:
            stale.add(StaleObject(kind, answer.name, Change.REMOVED))
        stale.update(StaleObject(ObjectKind.FUNCTION, gone, Change.REMOVED) for gone in answer.gone)
        for missing in answer.missing_columns:
            table = (_table_of_column(answer.name) if answer.kind == "column"
                     else answer.name)  # fmt: skip
            column = drift.column_name(table, missing)
            if db.has_column(column):
                stale.add(StaleObject(ObjectKind.COLUMN, column, Change.ADDED))
    return sorted(stale)


def _counted(stale: list[StaleObject]) -> tuple[list[str], str]:
    """How many were added and removed, and the first few names."""
    added = sum(1 for s in stale if s.change is Change.ADDED)
    removed = len(stale) - added
    parts = [f"{added} added since the cache loaded"] if added else []
    parts += [f"{removed} gone from the database but still cached"] if removed else []
    shown = ", ".join(s.name for s in stale[:5]) + (" ..." if len(stale) > 5 else "")
    return parts, shown


def _placed(
    ev: Evidence, stale: list[StaleObject], basis: str, title: str
) -> tuple[Finding, list[StaleObject]]:
    """The drift of an instance placed against another's full comparison (probes/alike)."""
    if not stale:
        return Finding("drift", Status.PASS, f"no drift ({basis})", title=title,
                       evidence={"basis": basis}), []  # fmt: skip
    parts, shown = _counted(stale)
    return Finding(
        "drift", Status.FAIL, f"schema cache is stale: {' and '.join(parts)} ({shown})",
        cause=Cause.STALE_CACHE, objects=[s.name for s in stale],
        fix=RELOAD.format(channel=ev.target.channel), evidence={"basis": basis}, title=title,
    ), list(stale)  # fmt: skip


def _from(ev: Evidence) -> str:
    """Where the request role came from, when that is not the key or the target's flags,
    and the ``db-pre-config`` function that may set what the doctor read."""
    return "".join(f"; {note}" for note in (ev.role_source, ev.pre_config_note) if note)


def _table_of_column(name: str) -> str:
    return ".".join(split_unquoted(name, ".")[:2])


TABLE_KINDS = drift.TABLE_KINDS


def _without_parts_of_new_tables(found: set[StaleObject]) -> set[StaleObject]:
    """A new table's columns and keys are part of "table added", not findings of their own;
    a function a probe named by its name alone (the user's ``/rpc/f``) is the overload the
    sweep named by its signature (``f(integer, integer)``), not a second stale object."""
    new = {s.name for s in found if s.kind in TABLE_KINDS}
    signatures = [(split_signature(s.name), s.change) for s in found
                  if s.kind is ObjectKind.FUNCTION]  # fmt: skip
    signed = {(name, change) for (name, args), change in signatures if args is not None}
    return {
        s
        for s in found
        if not (s.kind is ObjectKind.COLUMN and _table_of_column(s.name) in new)
        and not (s.kind is ObjectKind.RELATIONSHIP and split_unquoted(s.name, ":")[0] in new)
        and not (s.kind is ObjectKind.FUNCTION and (s.name, s.change) in signed)
    }


def check(ev: Evidence) -> tuple[Finding, list[StaleObject]]:
    title = "Schema cache drift"
    if ev.catalog is None:
        why = ev.errors.get("catalog", "the catalog snapshot is missing")
        if ev.server is not None and "catalog" in ev.failed:
            # the database answered but its catalog could not be read (a lock held, the
            # session killed): drift is unknown, which is not "healthy"
            return Finding("drift", Status.FAIL, f"cannot read the catalog: {why}",
                           cause=Cause.DB_UNREACHABLE, title=title), []  # fmt: skip
        return Finding("drift", Status.SKIPPED, f"needs the catalog: {why}", title=title), []
    if ev.alike is not None and ev.alike.stale is not None:
        return _placed(ev, ev.alike.stale, ev.alike.summary, title)
    has_dump = ev.cache_dump
    if not ev.cache_answered:
        why = ev.errors.get("openapi") or ev.errors.get("api") or "no OpenAPI document"
        if ev.exposed_known and "openapi" in ev.failed:
            # PostgREST answered, but its OpenAPI document did not come (timeout, too big)
            return Finding("drift", Status.FAIL, f"cannot read the OpenAPI document: {why}",
                           cause=Cause.API_UNREACHABLE, title=title), []  # fmt: skip
        return Finding("drift", Status.SKIPPED, f"needs the API: {why}", title=title), []
    db = drift.database_inventory(ev.catalog, ev.exposed, ev.extra_search_path)
    found: set[StaleObject] = set(stale_from_targeted(ev, db))
    basis = []
    dump = ev.admin.dump if ev.admin is not None else None
    cache: drift.Inventory | None = None
    if dump is not None and not ev.scoped:
        # the exact cache (v12.2+): every kind, both ways, functions included
        cache = drift.dump_inventory(dump, ev.catalog)
        found.update(drift.compute(db, cache))
        basis.append("catalog vs PostgREST's /schema_cache")
    elif ev.docs is not None:
        cache = drift.cache_inventory(ev.docs)
        # OpenAPI lists functions from a live query: only /rpc/ probes tell for functions.
        found.update(drift.compute(replace(db, functions=set()), replace(cache, functions=set())))
        basis.append(f"catalog vs OpenAPI of {', '.join(d.schema for d in ev.docs)}")
    if ev.targeted:
        basis.append(f"{len(ev.targeted)} targeted probes")
    if ev.openapi_disabled:
        basis.append("OpenAPI is disabled")
    if not ev.role_known:  # what PUBLIC may see, every role may: new objects it sees are real
        basis.append("anon role unknown: only objects PUBLIC may use were compared")
    stale = sorted(_without_parts_of_new_tables(found))
    # OpenAPI was wanted but did not come: tables, columns, keys and labels were not compared.
    unknown = None
    if ev.docs is None and not ev.openapi_disabled and not ev.scoped and not has_dump:
        unknown = ev.errors.get("openapi", "no OpenAPI document")
        basis.append(f"tables, columns, relationships and enum labels not compared: {unknown}")
    basis_text = "; ".join(basis)
    wanted = set().union(*(KIND_OF_SYMPTOM_KIND.get(k, set()) for k in ev.kinds_asked()))
    elsewhere = [s for s in stale if s.kind not in wanted]
    stale = [s for s in stale if s.kind in wanted]
    if not stale and elsewhere:
        # stale, but on kinds of objects the chosen symptoms are not about: advice only
        shown = ", ".join(s.name for s in elsewhere[:5]) + (" ..." if len(elsewhere) > 5 else "")
        return Finding(
            "drift", Status.WARN,
            f"no drift for the symptoms asked; the cache is behind elsewhere ({shown})",
            cause=Cause.STALE_CACHE, objects=[s.name for s in elsewhere],
            fix=RELOAD.format(channel=ev.target.channel), title=title,
        ), []  # fmt: skip
    if not stale and unknown:
        if ev.exposed_known and "openapi" in ev.failed:
            # same rule as without targeted answers: PostgREST answered, its document did not
            return Finding("drift", Status.FAIL, f"cannot read the OpenAPI document: {unknown}",
                           cause=Cause.API_UNREACHABLE, title=title,
                           evidence={"basis": basis_text}), []  # fmt: skip
        return Finding("drift", Status.ERROR, f"drift unknown ({basis_text})", title=title), []
    if not stale:
        return Finding(
            "drift",
            Status.PASS,
            f"no drift ({basis_text}, as role {ev.role_shown}{_from(ev)})",
            title=title,
        ), []
    parts, shown = _counted(stale)
    renamed = sorted(drift.renamed_since_load(db, cache, stale)) if cache is not None else []
    if renamed:
        shown += (f"; {', '.join(renamed[:3])} renamed or moved since the cache loaded, or "
                  "detached from its partitioned table (older than tables it holds: the cache "
                  "has it under its old name, or as a partition it does not serve)")  # fmt: skip
    return Finding(
        "drift",
        Status.FAIL,
        f"schema cache is stale: {' and '.join(parts)} ({shown})",
        cause=Cause.STALE_CACHE,
        objects=[s.name for s in stale],
        fix=RELOAD.format(channel=ev.target.channel),
        evidence={"basis": basis_text},
        title=title,
    ), stale
