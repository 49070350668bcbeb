"""Drift: what the database holds that the request role may see in the exposed schemas, set
against what PostgREST's cache advertises, per kind and both ways.

Privilege-aware by construction: the database side lists only objects the role can access
(OpenAPI hides the others even with a fresh cache), so an ungranted table is never "stale".
Set operations throughout: no per-object loops over the other side. Columns stay grouped by
relation (10,000 tables hold 100,000 columns): equal relations compare as two small sets and
only a differing one is spelled out, so the comparison builds no string per column.

Names are printed as psql prints them (``names.qualified``), so ``test."x.y"`` is one table
and ``test.x.y`` a column. Relationships are compared like with like: OpenAPI carries a
``<fk/>`` note only for some foreign keys (``ForeignKey.openapi_note``) and for the
relationships PostgREST infers through views (``view_keys``), one per column, so the database
side predicts exactly those notes; the other keys are left to embedding probes
(``embed_only``). PostgREST's own cache dump (v12.2+) names every key by its constraint.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from typing import NamedTuple

from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.names import (
    parse_qualified,
    qualified,
    quote_ident,
    relationship_name,
    split_unquoted,
)
from tui.core.postgrest_config import DEFAULT_EXTRA_SEARCH_PATH
from tui.core.probes.catalog import Catalog, ComputedRel, ForeignKey, embed_hint
from tui.core.probes.openapi import SchemaDoc
from tui.core.probes.schema_cache import CacheDump
from tui.core.view_keys import view_relationships

Note = tuple[str, str]  # (qualified table, column)
EXTRA_SEARCH_PATH = DEFAULT_EXTRA_SEARCH_PATH  # PostgREST's default db-extra-search-path


@dataclass
class Inventory:
    """One side of the comparison, in report naming (``schema.name`` quoted as psql does)."""

    tables: set[str] = field(default_factory=set)
    views: set[str] = field(default_factory=set)  # subset of tables that are (materialized) views
    kinds: dict[str, ObjectKind] = field(default_factory=dict)  # database side: how to report
    columns: dict[str, frozenset[str]] = field(default_factory=dict)  # relation -> raw names
    functions: set[str] = field(default_factory=set)
    relationships: set[str] = field(default_factory=set)  # "s.child:s.parent!constraint"
    computed: set[str] = field(default_factory=set)  # database side: "s.table:s.function"
    fk_notes: dict[Note, str] = field(default_factory=dict)  # -> the table the note names
    # database side: each note's many-to-one relationships in PostgREST's order (the first
    # is the note), so a cached note to a relation the cache lacks can be told apart
    note_candidates: dict[Note, list[_Candidate]] = field(default_factory=dict)
    enum_labels: set[str] = field(default_factory=set)  # "s.type:label"
    enum_types: set[str] = field(default_factory=set)
    # relations in the catalog the role may not see: never "removed", whatever the cache says
    hidden: set[str] = field(default_factory=set)
    by_constraint: bool = False  # cache side: PostgREST's dump (every key, by name)
    oids: dict[str, int] = field(default_factory=dict)  # database side: relation -> OID
    # database side: the served foreign keys (newest first), and the OIDs of those OpenAPI
    # shows as a note (the others are left to embedding probes: ``embed_only``)
    keys: list[ForeignKey] = field(default_factory=list)
    noted: set[int] = field(default_factory=set)

    def has_column(self, name: str) -> bool:
        """``schema.table.column`` (printed form) is on this side."""
        table, _, column = _split_column(name)
        return column is not None and column in self.columns.get(table, ())


def _split_column(name: str) -> tuple[str, str, str | None]:
    parts = parse_qualified(name)
    if len(parts) != 3:
        return name, "", None
    return qualified(parts[0], parts[1]), "", parts[2]


def column_name(table: str, column: str) -> str:
    """A column's printed name from its table's printed name and its raw name."""
    return f"{table}.{quote_ident(column)}"


def served_keys(catalog: Catalog, exposed: set[str] | frozenset[str]) -> list[ForeignKey]:
    """The foreign keys PostgREST turns into relationships: both tables in exposed schemas,
    not replaced by a computed relationship. Newest first.

    A key to or from a partition counts: PostgREST's relationship query (SchemaCache.hs
    ``allM2OandO2ORels``, v11.2.2 and v12.0.2) drops only the copies of a partitioned table's
    keys (``conparentid = 0``; the catalog never reads them), not partitions, so a key to a
    partition gives its column an OpenAPI note and a key declared on a partition embeds."""
    keys = []
    for fk in catalog.foreign_keys:
        if fk.overridden or fk.schema not in exposed or fk.ref_schema not in exposed:
            continue
        if fk.table_key not in catalog.relations or fk.ref_key not in catalog.relations:
            continue
        keys.append(fk)
    return sorted(keys, key=lambda fk: -fk.oid)


class _Candidate(NamedTuple):
    """A many-to-one relationship that could give a column its ``<fk/>`` note, ordered as
    PostgREST orders them (OpenAPI.hs: tables before views, then the derived Ord of
    Relationship: foreign table by schema and name, self, constraint, columns). A tuple: one
    per key and column, and a frozen dataclass's fields cost a ``setattr`` each."""

    order: tuple[bool, str, str, bool, str, tuple[tuple[str, str], ...]]
    target: str  # the foreign table's name, as the note says it
    ends: tuple[str, str, str, str, str]  # schema, table, ref schema, ref table, constraint
    oid: int = 0  # a base key's OID (0: derived through a view)

    @property
    def name(self) -> str:
        """The relationship's printed name (built for the chosen candidate only)."""
        return relationship_name(*self.ends)


def _note_candidates(
    catalog: Catalog, keys: list[ForeignKey], exposed: Set[str], extra: Iterable[str]
) -> dict[tuple[str, str, str], list[_Candidate]]:
    """Per (relation, column): the single-column many-to-one relationships to a relation of
    the same schema, from foreign keys and through views, not replaced by a computed one."""
    found: dict[tuple[str, str, str], list[_Candidate]] = {}  # (schema, table, column)
    for fk in keys:
        # a partition is no OpenAPI table: its own keys embed but show nowhere
        if fk.openapi_note and not catalog.relations[fk.table_key].partition_of:
            order = (False, fk.ref_schema, fk.ref_table, fk.table_key == fk.ref_key, fk.name,
                     ((fk.columns[0], fk.ref_columns[0] if fk.ref_columns else ""),))  # fmt: skip
            ends = (fk.schema, fk.table, fk.ref_schema, fk.ref_table, fk.name)
            found.setdefault((fk.schema, fk.table, fk.columns[0]), []).append(
                _Candidate(order, fk.ref_table, ends, fk.oid)
            )
    derived = view_relationships(catalog.foreign_keys, catalog.view_sources, exposed, extra)
    computed = catalog.computed_pairs() if derived else frozenset()
    for rel in derived:
        schema, table = rel.table.split(".", 1)
        ref_schema, ref_table = rel.foreign_table.split(".", 1)
        if (rel.one_to_one or len(rel.columns) != 1 or schema != ref_schema
                or schema not in exposed or (rel.table, rel.foreign_table) in computed):  # fmt: skip
            continue
        order = (rel.foreign_is_view, ref_schema, ref_table, rel.table == rel.foreign_table,
                 rel.constraint, rel.columns)  # fmt: skip
        ends = (schema, table, ref_schema, ref_table, rel.constraint)
        found.setdefault((schema, table, rel.columns[0][0]), []).append(
            _Candidate(order, ref_table, ends)
        )
    return found


def _predicted_notes(
    catalog: Catalog,
    keys: list[ForeignKey],
    exposed: Set[str],
    extra: Iterable[str],
    inv: Inventory,
) -> set[int]:
    """Fill the notes OpenAPI would carry; returns the OIDs of the keys that show as one.

    Per column PostgREST writes the first many-to-one relationship of exactly that column
    to a relation of the same schema: a foreign key's, or one it infers through a view over
    either end (``view_keys``), which is how a view's columns get notes, and how a key to
    another schema or one a computed relationship replaces can leave a note to a view. A key
    whose column has another key to the same table shows by no note: either writes it, so
    only an embed tells whether the cache holds both."""
    shown = set()
    for (schema, table, column), candidates in _note_candidates(
        catalog, keys, exposed, extra
    ).items():
        if len(candidates) > 1:
            candidates.sort(key=lambda c: c.order)
        first = candidates[0]
        if all(c.target != first.target for c in candidates[1:]):
            shown.add(first.oid)  # else a second key to its table writes the same note
        note = (qualified(schema, table), column)
        inv.fk_notes[note] = first.target
        inv.note_candidates[note] = candidates
    return shown


def embed_only(
    catalog: Catalog, exposed: Iterable[str], extra: Iterable[str] = EXTRA_SEARCH_PATH
) -> list[ForeignKey]:
    """Served keys OpenAPI does not show (composite, one-to-one, to another schema, or a
    second key on a column): only an embed with ``!constraint`` tells whether the cache has
    them. Newest first, as a key created after the cache loaded holds the highest OID."""
    inv = database_inventory(catalog, exposed, extra)  # the conclusion's, built once
    # an embed looks for the parent in the request's schema: keys across schemas embed never;
    # nor do some self-referencing keys (catalog.embed_hint)
    return [fk for fk in inv.keys if fk.oid not in inv.noted and fk.schema == fk.ref_schema
            and embed_hint(fk, catalog.foreign_keys)[0]]  # fmt: skip


def embeddable_computed(catalog: Catalog, exposed: Iterable[str]) -> list[ComputedRel]:
    """Computed relationships an embed finds (Plan.hs findRel, SchemaCache.hs
    removeInternal, v11.2 and v12.0): table, function and returned relation in the request's
    exposed schemas, table and function in the same one; not one named like a relation (it
    overrides that relationship, whose notes tell). Newest function first."""
    schemas = set(exposed)
    rels = [c for c in catalog.computed_rels
            if c.schema == c.fn_schema and c.schema in schemas and c.returns_schema in schemas
            and f"{c.fn_schema}.{c.fn}" not in catalog.relations]  # fmt: skip
    return sorted(rels, key=lambda c: -c.oid)


# one inventory per (snapshot, exposed schemas, extra search path) while the snapshot lives: a
# fleet's instances share one snapshot, and the reference instance is judged twice (fleet.py,
# probes/alike.py)
_INVENTORIES: dict[tuple[int, frozenset[str], tuple[str, ...]], Inventory] = {}


def _forget(snapshot: int) -> None:
    for key in [k for k in _INVENTORIES if k[0] == snapshot]:
        del _INVENTORIES[key]


def database_inventory(
    catalog: Catalog, schemas: Iterable[str], extra: Iterable[str] = EXTRA_SEARCH_PATH
) -> Inventory:
    """What PostgREST would advertise to the role after a reload (read only: it is shared);
    ``extra``: its ``db-extra-search-path``, through which views pass on their keys."""
    key = (id(catalog), frozenset(schemas), tuple(extra))
    found = _INVENTORIES.get(key)
    if found is None:
        if not any(k[0] == key[0] for k in _INVENTORIES):
            weakref.finalize(catalog, _forget, key[0])  # before its id can be reused
        found = _INVENTORIES[key] = _database_inventory(catalog, key[1], key[2])
    return found


def _database_inventory(
    catalog: Catalog, exposed: frozenset[str], extra: tuple[str, ...]
) -> Inventory:
    inv = Inventory()
    for rel in catalog.relations.values():
        if rel.schema not in exposed or rel.partition_of:
            continue
        if not rel.visible:
            inv.hidden.add(rel.qualified)
            continue
        name = rel.qualified
        inv.tables.add(name)
        inv.oids[name] = rel.oid
        if rel.is_view:
            inv.views.add(name)
        inv.kinds[name] = (
            ObjectKind.MATERIALIZED_VIEW if rel.kind == "materialized view"
            else ObjectKind.VIEW if rel.is_view else ObjectKind.TABLE
        )  # fmt: skip
        inv.columns[name] = frozenset(rel.columns)
    for name, overloads in catalog.functions.items():
        schema, _, fn = name.partition(".")
        if schema in exposed and any(f.callable_by_name and f.executable for f in overloads):
            inv.functions.add(qualified(schema, fn))
    inv.keys = served_keys(catalog, exposed)
    inv.relationships = {fk.qualified for fk in inv.keys}
    inv.computed = {c.qualified for c in embeddable_computed(catalog, exposed)}
    inv.noted = _predicted_notes(catalog, inv.keys, exposed, extra, inv)
    for type_name, labels in catalog.enums.items():
        schema, _, typ = type_name.partition(".")
        _add_enum(inv, qualified(schema, typ), labels)
    return inv


def _add_enum(inv: Inventory, type_name: str, labels: Iterable[str]) -> None:
    inv.enum_types.add(type_name)
    inv.enum_labels.update(f"{type_name}:{label}" for label in labels)


def cache_inventory(docs: Iterable[SchemaDoc]) -> Inventory:
    """What the OpenAPI documents (one per exposed schema) advertise."""
    inv = Inventory()
    for doc in docs:
        s = doc.schema
        inv.tables.update(qualified(s, t) for t in doc.tables)
        for table, cols in doc.columns.items():
            inv.columns[qualified(s, table)] = frozenset(cols)
        inv.functions.update(qualified(s, f) for f in doc.functions)
        for table, notes in doc.fk_notes.items():
            for column, target in notes.items():
                inv.fk_notes[(qualified(s, table), column)] = target
        for fmt, labels in doc.enums.items():
            # PostgreSQL's format_type: quoted as needed, schema-qualified outside search_path
            _add_enum(inv, fmt if "." in fmt else f"{quote_ident(s)}.{fmt}", labels)
    return inv


def dump_inventory(dump: CacheDump, catalog: Catalog) -> Inventory:
    """PostgREST's own cache (admin /schema_cache). It ignores privileges, so objects the
    catalog has but the role may not use are left out, as on the database side."""
    hidden = {r.qualified for r in catalog.relations.values() if not r.visible}
    blocked = {
        qualified(*n.split(".", 1)) for n, fns in catalog.functions.items()
        if not any(f.executable and f.callable_by_name for f in fns)
    }  # fmt: skip
    inv = Inventory(by_constraint=True)
    inv.tables = dump.tables - hidden
    inv.views = dump.views - hidden
    inv.columns = {t: frozenset(names) for t, names in dump.columns.items() if t not in hidden}
    inv.functions = dump.functions - blocked
    inv.relationships = {  # keys between visible tables, as on the database side
        relationship_name(s, t, rs, rt, constraint) for s, t, rs, rt, constraint in dump.relationships
        if qualified(s, t) not in hidden and qualified(rs, rt) not in hidden
    }  # fmt: skip
    for type_name, labels in dump.enums.items():
        _add_enum(inv, type_name, labels)
    return inv


def _ends(relationship: str) -> tuple[str, str]:
    child, parent = split_unquoted(split_unquoted(relationship, "!")[0], ":")
    return child, parent


def compute(db: Inventory, cache: Inventory) -> list[StaleObject]:
    """Every object on which the database and the cache disagree, both ways.

    Columns and relationships are compared only on relations both sides know (a new table's
    columns are part of "table added", not separate findings); enum labels only for types
    both sides know.
    """
    stale: list[StaleObject] = []
    for name in db.tables - cache.tables:
        stale.append(StaleObject(db.kinds.get(name, ObjectKind.TABLE), name, Change.ADDED))
    for name in cache.tables - db.tables - db.hidden:  # in the catalog is never "dropped"
        stale.append(StaleObject(ObjectKind.TABLE, name, Change.REMOVED))

    common = db.tables & cache.tables
    none: frozenset[str] = frozenset()
    for table in common:
        ours, theirs = db.columns.get(table, none), cache.columns.get(table, none)
        if ours != theirs:
            stale += [StaleObject(ObjectKind.COLUMN, column_name(table, c), Change.ADDED)
                      for c in ours - theirs]  # fmt: skip
            stale += [StaleObject(ObjectKind.COLUMN, column_name(table, c), Change.REMOVED)
                      for c in theirs - ours]  # fmt: skip

    stale += [
        StaleObject(ObjectKind.FUNCTION, f, Change.ADDED) for f in db.functions - cache.functions
    ]
    stale += [
        StaleObject(ObjectKind.FUNCTION, f, Change.REMOVED) for f in cache.functions - db.functions
    ]

    base_tables = common - db.views
    if cache.by_constraint:  # PostgREST's dump: every key by name, both ends served
        db_rels = {r for r in db.relationships
                   if _ends(r)[0] in base_tables and _ends(r)[1] in common}  # fmt: skip
        cache_rels = {r for r in cache.relationships
                      if _ends(r)[0] in base_tables and _ends(r)[1] in common}  # fmt: skip
        stale += [StaleObject(ObjectKind.RELATIONSHIP, r, Change.ADDED)
                  for r in db_rels - cache_rels]  # fmt: skip
        stale += [StaleObject(ObjectKind.RELATIONSHIP, r, Change.REMOVED)
                  for r in cache_rels - db_rels]  # fmt: skip
    else:  # OpenAPI: its notes, like with like (views' too: PostgREST derives them)
        stale += _note_drift(db, cache, common)

    types = db.enum_types & cache.enum_types
    db_labels = {label for label in db.enum_labels if label.split(":", 1)[0] in types}
    cache_labels = {label for label in cache.enum_labels if label.split(":", 1)[0] in types}
    stale += [StaleObject(ObjectKind.ENUM, e, Change.ADDED) for e in db_labels - cache_labels]
    stale += [StaleObject(ObjectKind.ENUM, e, Change.REMOVED) for e in cache_labels - db_labels]
    return sorted(stale)


def _note_drift(db: Inventory, cache: Inventory, tables: set[str]) -> list[StaleObject]:
    """OpenAPI's ``<fk/>`` notes, column by column, on relations both sides know.

    A note shows the first relationship of its column only, so a relationship to a relation
    the cache lacks (a new view over the referenced table) would displace the cached note
    without either being drift: that relationship is part of its relation's "added", and the
    cached one still exists. So the database side's note is the first relationship to a
    relation the cache knows, and a cached note is removed only when no relationship of its
    column leads to its table any more."""
    stale = []
    for note in db.fk_notes.keys() | cache.fk_notes.keys():
        table, column = note
        if table not in tables:
            continue
        theirs = cache.fk_notes.get(note)
        candidates = db.note_candidates.get(note, [])
        if candidates and candidates[0].target == theirs:
            continue  # the common case, decided without splitting the name
        schema = split_unquoted(table, ".")[0]
        ours = next((c for c in candidates if c.target == theirs  # the cache has it, then
                     or _known(f"{schema}.{quote_ident(c.target)}", db, cache)), None)  # fmt: skip
        if ours is not None and ours.target == theirs:
            continue
        if ours is not None:
            stale.append(StaleObject(ObjectKind.RELATIONSHIP, ours.name, Change.ADDED))
        if theirs is not None and all(c.target != theirs for c in candidates):
            # named by its column: the constraint's name is not in OpenAPI
            name = f"{table}:{schema}.{quote_ident(theirs)}!{quote_ident(column)}"
            stale.append(StaleObject(ObjectKind.RELATIONSHIP, name, Change.REMOVED))
    return stale


def _known(target: str, db: Inventory, cache: Inventory) -> bool:
    """Can the cache hold a relationship to ``target``? Yes when it has the relation, and
    for a partition, which no OpenAPI document lists but whose keys PostgREST caches all the
    same (``served_keys``)."""
    return target in cache.tables or (target not in db.tables and target not in db.hidden)


def renamed_since_load(db: Inventory, cache: Inventory, stale: Iterable[StaleObject]) -> set[str]:
    """Added tables older than a table the cache holds: they existed when it loaded, under
    another name or schema (OIDs grow with creation; a rename keeps the OID). The cache has
    all tables whatever their privileges, so nothing else keeps an old table out of it."""
    held = [db.oids[t] for t in db.tables & cache.tables if t in db.oids]
    if not held:
        return set()
    newest = max(held)
    return {
        s.name for s in stale
        if s.change is Change.ADDED and s.kind in TABLE_KINDS and db.oids.get(s.name, newest) < newest
    }  # fmt: skip


TABLE_KINDS = (ObjectKind.TABLE, ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW)
