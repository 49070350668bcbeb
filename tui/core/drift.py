"""Drift: what the database holds that the request role may see in the exposed schemas, set
against what PostgREST's cache advertises, per kind and both ways.

Privilege-aware by construction: the database side lists only objects the role can access
(OpenAPI hides the others even with a fresh cache), so an ungranted table is never "stale".
Set operations throughout: no per-object loops over the other side. Columns stay grouped by
relation (10,000 tables hold 100,000 columns): equal relations compare as two small sets and
only a differing one is spelled out, so the comparison builds no string per column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.probes.catalog import Catalog
from tui.core.probes.openapi import SchemaDoc
from tui.core.probes.schema_cache import CacheDump


@dataclass
class Inventory:
    """One side of the comparison, in report naming (``schema.name`` ...)."""

    tables: set[str] = field(default_factory=set)
    views: set[str] = field(default_factory=set)  # subset of tables that are views
    columns: dict[str, frozenset[str]] = field(default_factory=dict)  # relation -> names
    functions: set[str] = field(default_factory=set)
    relationships: set[str] = field(default_factory=set)  # "s.child:s.parent"
    enum_labels: set[str] = field(default_factory=set)  # "s.type:label"
    enum_types: set[str] = field(default_factory=set)
    # relations in the catalog the role may not see: never "removed", whatever the cache says
    hidden: set[str] = field(default_factory=set)

    def has_column(self, qualified: str) -> bool:
        """``schema.table.column`` is on this side. Names may hold dots themselves, so every
        split of the string is tried, as a set of joined names would match it."""
        at = qualified.find(".")
        while at != -1:
            if qualified[at + 1 :] in self.columns.get(qualified[:at], ()):
                return True
            at = qualified.find(".", at + 1)
        return False


def database_inventory(catalog: Catalog, schemas: Iterable[str]) -> Inventory:
    """What PostgREST would advertise to the role after a reload."""
    exposed = set(schemas)
    inv = Inventory()
    for rel in catalog.relations.values():
        if rel.schema not in exposed:
            continue
        if not rel.visible:
            inv.hidden.add(rel.qualified)
            continue
        inv.tables.add(rel.qualified)
        if rel.kind != "table":
            inv.views.add(rel.qualified)
        inv.columns[rel.qualified] = frozenset(rel.columns)
    for name, overloads in catalog.functions.items():
        schema = name.split(".", 1)[0]
        if schema in exposed and any(f.callable_by_name and f.executable for f in overloads):
            inv.functions.add(name)
    for fk in catalog.foreign_keys:
        # OpenAPI's fk notes carry no schema: compare same-schema keys between tables only.
        if fk.schema == fk.ref_schema and fk.schema in exposed:
            inv.relationships.add(fk.qualified)
    for type_name, labels in catalog.enums.items():
        inv.enum_types.add(type_name)
        inv.enum_labels.update(f"{type_name}:{label}" for label in labels)
    return inv


def cache_inventory(docs: Iterable[SchemaDoc]) -> Inventory:
    """What the OpenAPI documents (one per exposed schema) advertise."""
    inv = Inventory()
    for doc in docs:
        s = doc.schema
        inv.tables.update(f"{s}.{t}" for t in doc.tables)
        for table, cols in doc.columns.items():
            inv.columns[f"{s}.{table}"] = frozenset(cols)
        inv.functions.update(f"{s}.{f}" for f in doc.functions)
        for table, targets in doc.fk_targets.items():
            inv.relationships.update(f"{s}.{table}:{s}.{t}" for t in targets)
        for fmt, labels in doc.enums.items():
            type_name = fmt if "." in fmt else f"{s}.{fmt}"
            inv.enum_types.add(type_name)
            inv.enum_labels.update(f"{type_name}:{label}" for label in labels)
    return inv


def dump_inventory(dump: CacheDump, catalog: Catalog) -> Inventory:
    """PostgREST's own cache (admin /schema_cache). It ignores privileges, so objects the
    catalog has but the role may not use are left out, as on the database side."""
    hidden = {n for n, r in catalog.relations.items() if not r.visible}
    blocked = {
        n for n, fns in catalog.functions.items()
        if not any(f.executable and f.callable_by_name for f in fns)
    }  # fmt: skip
    inv = Inventory()
    inv.tables = dump.tables - hidden
    inv.views = dump.views - hidden
    inv.columns = {t: frozenset(names) for t, names in dump.columns.items() if t not in hidden}
    inv.functions = dump.functions - blocked
    inv.relationships = {  # same-schema keys between visible tables, as on the database side
        r for r in dump.relationships
        if not ({*r.split(":", 1)} & hidden)
        and r.split(".", 1)[0] == r.split(":", 1)[1].split(".", 1)[0]
    }  # fmt: skip
    for type_name, labels in dump.enums.items():
        inv.enum_types.add(type_name)
        inv.enum_labels.update(f"{type_name}:{label}" for label in labels)
    return inv


def _rel_ends_in(relationship: str, children: set[str], parents: set[str]) -> bool:
    child, _, parent = relationship.partition(":")
    return child in children and parent in parents


def compute(db: Inventory, cache: Inventory) -> list[StaleObject]:
    """Every object on which the database and the cache disagree, both ways.

    Columns and relationships are compared only on relations both sides know (a new table's
    columns are part of "table added", not separate findings); relationships only from
    tables (views' notes are derived); enum labels only for types both sides know.
    """
    stale: list[StaleObject] = []
    for name in db.tables - cache.tables:
        kind = ObjectKind.VIEW if name in db.views else ObjectKind.TABLE
        stale.append(StaleObject(kind, name, Change.ADDED))
    for name in cache.tables - db.tables - db.hidden:  # in the catalog is never "dropped"
        stale.append(StaleObject(ObjectKind.TABLE, name, Change.REMOVED))

    common = db.tables & cache.tables
    none: frozenset[str] = frozenset()
    for table in common:
        ours, theirs = db.columns.get(table, none), cache.columns.get(table, none)
        if ours != theirs:
            stale += [StaleObject(ObjectKind.COLUMN, f"{table}.{c}", Change.ADDED)
                      for c in ours - theirs]  # fmt: skip
            stale += [StaleObject(ObjectKind.COLUMN, f"{table}.{c}", Change.REMOVED)
                      for c in theirs - ours]  # fmt: skip

    stale += [
        StaleObject(ObjectKind.FUNCTION, f, Change.ADDED) for f in db.functions - cache.functions
    ]
    stale += [
        StaleObject(ObjectKind.FUNCTION, f, Change.REMOVED) for f in cache.functions - db.functions
    ]

    base_tables = common - db.views
    db_rels = {r for r in db.relationships if _rel_ends_in(r, base_tables, common)}
    cache_rels = {r for r in cache.relationships if _rel_ends_in(r, base_tables, common)}
    stale += [StaleObject(ObjectKind.RELATIONSHIP, r, Change.ADDED) for r in db_rels - cache_rels]
    stale += [StaleObject(ObjectKind.RELATIONSHIP, r, Change.REMOVED) for r in cache_rels - db_rels]

    types = db.enum_types & cache.enum_types
    db_labels = {label for label in db.enum_labels if label.split(":", 1)[0] in types}
    cache_labels = {label for label in cache.enum_labels if label.split(":", 1)[0] in types}
    stale += [StaleObject(ObjectKind.ENUM, e, Change.ADDED) for e in db_labels - cache_labels]
    stale += [StaleObject(ObjectKind.ENUM, e, Change.REMOVED) for e in cache_labels - db_labels]
    return sorted(stale)
