"""Which columns a pasted request makes PostgreSQL check, and which of them the role may not
use: the request's own columns (request_columns), the columns its embeds join on (foreign
keys, junctions, keys PostgREST infers through views) and whole rows computed fields take.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.checks.request_columns import (
    COLUMN_PRIVILEGES,
    STAR,
    Embed,
    RequestColumns,
    path_table,
    request_columns,
)
from tui.core.model import ObjectKind
from tui.core.names import quote_ident

if TYPE_CHECKING:
    from tui.core.checks.evidence import Evidence
    from tui.core.probes.catalog import Catalog, Relation
    from tui.core.specs import ObjectRef
    from tui.core.view_keys import ViewRelationship

Gaps = dict[tuple[str, str], dict[str, str]]  # (relation, privilege) -> column -> why


def request_columns_for(ev: Evidence, ref: ObjectRef) -> RequestColumns | None:
    """What the user's request makes PostgreSQL check, when it goes to ref's schema and
    names ref (its path's table, or an embed of it); None without a request."""
    if ev.failing is None:
        return None
    table = path_table(ev.failing)
    assert ev.catalog is not None
    found = request_columns(ev.failing, ev.catalog.primary_keys.get(f"{ref.schema}.{table}"))
    if ref.name != table and not any(r == ref.name for r, _c in found.uses):
        return None
    return found


def needed_privileges(ev: Evidence, ref: ObjectRef) -> list[str]:
    """What the user's request needs on the table it targets (SELECT for a read), at table
    level or on some column (``Relation.may``); which columns is ``column_gaps``'s."""
    found = request_columns_for(ev, ref)
    if found is None or ref.name != found.table:
        return ["SELECT"]
    reads = found.write.conflict or found.returning
    return list(dict.fromkeys([*found.write.privileges, *(["SELECT"] if reads else [])]))


def holds(catalog: Catalog, rel: Relation, column: str, privilege: str) -> bool:
    """PostgreSQL's rule for one column: the table-level grant or one on the column."""
    named = catalog.column_privileges.get(f"{rel.key}.{column}")
    if named is not None and privilege in COLUMN_PRIVILEGES:
        return named[COLUMN_PRIVILEGES.index(privilege)]
    return rel.may(privilege, column)


def column_gaps(ev: Evidence, ref: ObjectRef) -> tuple[Gaps, bool] | None:
    """The request's columns (filters, order, ``*``, the conflict target, RETURNING, the
    embeds' columns and join keys) the role may not use, on the path's table and on the
    tables it embeds, and whether ``*`` asked for them; columns with a finding of their own
    (named in ``select=`` or the body) are judged there. None when nothing is missing."""
    found = request_columns_for(ev, ref)
    if found is None or ref.name != found.table:
        return None
    assert ev.catalog is not None
    _join_keys(ev, ref.schema, found)
    _computed_rows(ev, ref.schema, found)
    named = {(o.name, o.column) for o in ev.objects
             if o.kind is ObjectKind.COLUMN and o.schema == ref.schema}  # fmt: skip
    gaps: Gaps = {}
    for (relation, column), privileges in found.uses.items():
        rel = ev.catalog.relation(ref.schema, relation)
        if rel is None or (relation, column) in named:
            continue  # an embed through a key or function; a column judged on its own
        columns = rel.columns if column == STAR else (column,) if column in rel.columns else ()
        for privilege, why in privileges.items():
            for name in columns:
                if not holds(ev.catalog, rel, name, privilege):
                    gaps.setdefault((relation, privilege), {}).setdefault(name, why)
    if not gaps:
        return None
    star = any(w in ("select=*", "RETURNING *") for p in found.uses.values() for w in p.values())
    return gaps, star


def _computed_rows(ev: Evidence, schema: str, found: RequestColumns) -> None:
    """A computed field a request selects, filters or orders by is ``field(relation)``: a
    whole-row reference, for which PostgreSQL checks SELECT on every column."""
    assert ev.catalog is not None
    path = [schema, *ev.extra_search_path]
    for relation, column in list(found.uses):
        fields = ev.catalog.computed_fields.get(f"{schema}.{relation}.{column}", [])
        if any(f[0] in path for f in fields):
            found.need(relation, STAR, "SELECT", f"the row {quote_ident(column)}() takes")


def _join_keys(ev: Evidence, schema: str, found: RequestColumns) -> None:
    """The columns each embed joins on (Plan.hs: the lateral subquery's WHERE names both
    ends' key columns), when one key relates the two (a foreign key, or one PostgREST infers
    through a view); an ambiguous or unknown embed is left to PostgREST's own answer."""
    if not found.reads_tree:
        return

    assert ev.catalog is not None
    computed = {(c.table, c.fn) for c in ev.catalog.computed_rels if c.schema == schema}

    def walk(parent: str, node: Embed) -> None:
        for embed in node.embeds:
            if (parent, embed.name) in computed:  # function(parent): a whole-row reference
                found.need(parent, STAR, "SELECT", f"the row {quote_ident(embed.name)}() takes")
            pairs = _embed_columns(ev, schema, parent, embed.name, embed.hint)
            for here, there in pairs:
                found.need(parent, here, "SELECT", "join key")
                found.need(embed.name, there, "SELECT", "join key")
            for relation, column in () if pairs else _junction_columns(ev, schema, parent, embed):
                found.need(relation, column, "SELECT", "join key")
            walk(embed.name, embed)

    walk(found.table, found.tree)


def _embed_columns(
    ev: Evidence, schema: str, parent: str, child: str, hint: str | None
) -> tuple[tuple[str, str], ...]:
    """(parent column, child column) of the one key an embed of ``child`` under ``parent``
    joins on; () when none or several (PGRST200/201 are PostgREST's to say)."""
    assert ev.catalog is not None
    a, b = f"{schema}.{parent}", f"{schema}.{child}"
    found: list[tuple[tuple[str, str], ...]] = []
    for fk in ev.catalog.foreign_keys:
        if hint is not None and hint != fk.name and (hint,) != fk.columns:
            continue
        if (fk.table_key, fk.ref_key) == (a, b):
            found.append(tuple(zip(fk.columns, fk.ref_columns, strict=False)))
        elif (fk.table_key, fk.ref_key) == (b, a):
            found.append(tuple(zip(fk.ref_columns, fk.columns, strict=False)))
    for rel in view_relationships_between(ev, a, b):
        if hint is None or hint == rel.constraint:
            found.append(rel.columns if rel.table == a else tuple((y, x) for x, y in rel.columns))
    return found[0] if len(set(found)) == 1 else ()


def _junction_columns(
    ev: Evidence, schema: str, parent: str, embed: Embed
) -> tuple[tuple[str, str], ...]:
    """(relation, column) a many-to-many embed joins on: the junction's two keys' columns
    and the columns they reference (SchemaCache.hs addM2MRels: a table of ``schema`` with a
    key to each end, both keys' columns in its primary key where the snapshot read it; the
    hint, when given, names the junction). () unless exactly one junction qualifies."""
    assert ev.catalog is not None
    a, b = f"{schema}.{parent}", f"{schema}.{embed.name}"
    found: set[tuple[tuple[str, str], ...]] = set()
    for one in (fk for fk in ev.catalog.foreign_keys if fk.ref_key == a and fk.schema == schema):
        for two in ev.catalog.foreign_keys:
            if two.ref_key != b or two.table_key != one.table_key or two.name == one.name:
                continue
            key = ev.catalog.primary_keys.get(one.table_key)
            if key is not None and not {*one.columns, *two.columns} <= set(key):
                continue
            if embed.hint is not None and embed.hint not in (one.table, one.name, two.name):
                continue
            found.add((*((parent, c) for c in one.ref_columns),
                       *((one.table, c) for c in (*one.columns, *two.columns)),
                       *((embed.name, c) for c in two.ref_columns)))  # fmt: skip
    return found.pop() if len(found) == 1 else ()


def view_relationships_between(ev: Evidence, a: str, b: str) -> list[ViewRelationship]:
    """The relationships PostgREST infers between ``a`` and ``b`` through views (view_keys:
    a view's columns traced to its base tables' foreign keys), when either is a view and the
    snapshot read the views' sources (unscoped)."""
    assert ev.catalog is not None
    rels = [ev.catalog.relations.get(k) for k in (a, b)]
    if not any(r is not None and r.is_view for r in rels) or not ev.catalog.view_sources:
        return []
    from tui.core.view_keys import view_relationships

    derived = view_relationships(ev.catalog.foreign_keys, ev.catalog.view_sources, ev.exposed,
                                 ev.extra_search_path)  # fmt: skip
    return [r for r in derived if {r.table, r.foreign_table} == {a, b}]
