"""Relationships PostgREST infers through views (SchemaCache.hs ``addViewM2OAndO2ORels`` and
its view key-dependency query, v11.2 and v12.0), derived from the catalog alone.

PostgREST reads, for each view in the exposed schemas, where each of its columns comes from:
the top-level query's target list in the view's rule (``pg_rewrite.ev_action``, a
``pg_node_tree``: each ``TARGETENTRY`` names its origin as ``:resorigtbl`` and
``:resorigcol``), followed through views over views as long as the view it passes is in an
exposed schema or the extra search path. A foreign key whose columns a view exposes in full
gives the view the key's relationship: view to referenced table (the key's columns), table to
view (the referenced columns), and view to view; each column a key column appears under gives
its own relationship. Views get these notes in OpenAPI like tables (``OpenAPI.hs``
``makeProperty``), which is why drift must predict them.

The node tree is read here, not executed: one pass of a regular expression finds the braces
(node depth) and the three fields, so a view costs its text's length, not a parser's.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

# A backslash escapes the next character in a node tree (names with braces or blanks); the
# three TARGETENTRY fields are followed by one blank and a number.
_TOKENS = re.compile(r"\\.|[{}]|:(resno|resorigtbl|resorigcol) (\d+)")
_TOP_ENTRY_DEPTH = 2  # ({QUERY ... :targetList ({TARGETENTRY ...} ...) ...})


def target_origins(tree: str) -> list[tuple[int, int, int]]:
    """(column number, origin relation OID, origin column number) of each output column of
    the view's top-level query that comes straight from a relation's column.

    Only entries at brace depth 2 are the view's own: the query is at depth 1, and the nodes
    of its range table, CTEs and sublinks (whose queries have target lists of their own) sit
    deeper. Set operations and expressions have origin 0 and are left out. The scan starts
    at the query's own ``:targetList`` (its range table, often most of the text, is skipped).
    """
    start = _top_target_list(tree)
    depth = 1 if start else 0
    found: list[tuple[int, int, int]] = []
    entry: dict[str, int] = {}
    for match in _TOKENS.finditer(tree, start):
        text = match.group(0)
        if text == "{":
            depth += 1
            if depth == _TOP_ENTRY_DEPTH:
                entry = {}
        elif text == "}":
            if depth == _TOP_ENTRY_DEPTH and entry.get("resorigtbl"):
                found.append((entry["resno"], entry["resorigtbl"], entry.get("resorigcol", 0)))
            depth -= 1
        elif match.group(1) and depth == _TOP_ENTRY_DEPTH:
            entry[match.group(1)] = int(match.group(2))
    return [f for f in found if f[2] > 0]


def _depth(tree: str, end: int) -> int:
    """Brace depth at ``end``: braces before it, less the escaped ones (C-speed counts)."""
    opened = tree.count("{", 0, end) - tree.count("\\{", 0, end)
    return opened - (tree.count("}", 0, end) - tree.count("\\}", 0, end))


def _top_target_list(tree: str) -> int:
    """Where the top-level query's ``:targetList`` field starts (depth 1), or 0."""
    at = tree.find(" :targetList ")
    while at != -1:
        if _depth(tree, at) == 1:
            return at
        at = tree.find(" :targetList ", at + 1)
    return 0


@dataclass(frozen=True)
class ViewSource:
    """One view or materialized view: where each of its columns comes from (one hop)."""

    schema: str
    name: str
    origins: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # col -> (rel key, col)

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}"


class KeyLike(Protocol):
    """What a derived relationship needs of a foreign key (``catalog.ForeignKey`` has it)."""

    @property
    def table_key(self) -> str: ...
    @property
    def ref_key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def columns(self) -> tuple[str, ...]: ...
    @property
    def ref_columns(self) -> tuple[str, ...]: ...
    @property
    def one_to_one(self) -> bool: ...


@dataclass(frozen=True)
class ViewRelationship:
    """A many-to-one (or one-to-one) relationship with a view at one end or both."""

    table: str  # relation key, "schema.name" unquoted
    foreign_table: str
    constraint: str
    columns: tuple[tuple[str, str], ...]  # (column here, column there)
    one_to_one: bool
    table_is_view: bool
    foreign_is_view: bool


Sources = dict[tuple[str, str], dict[str, list[str]]]


def _column_sources(
    views: Mapping[str, ViewSource], exposed: set[str], passable: set[str]
) -> Sources:
    """(relation key, column) -> view key -> the view's columns coming from it, through
    views in ``passable`` schemas; only views in ``exposed`` schemas are listed. Keyed by
    origin, so a key finds its views in one lookup (10,000 keys, 1,000 views)."""
    found: Sources = {}
    for view in views.values():
        if view.schema not in exposed:
            continue
        for column, origin in view.origins.items():
            seen: set[str] = set()
            hop: tuple[str, str] | None = origin
            while hop is not None:
                found.setdefault(hop, {}).setdefault(view.key, []).append(column)
                source = views.get(hop[0])
                if source is None or hop[0] in seen or source.schema not in passable:
                    break
                seen.add(hop[0])
                hop = source.origins.get(hop[1])
    return found


def _exposing(
    sources: Sources, table: str, columns: tuple[str, ...]
) -> list[tuple[str, list[tuple[str, ...]]]]:
    """Views exposing every one of ``columns`` of ``table``: (view, each choice of its
    columns, one per key column, as PostgREST expands repeated references)."""
    per_column = [sources.get((table, c), {}) for c in columns]
    hits = []
    for view in per_column[0]:
        lists = [found.get(view) for found in per_column]
        if all(lists):
            hits.append((view, list(itertools.product(*lists))))  # type: ignore[arg-type]
    return hits


def view_relationships(
    keys: Iterable[KeyLike],
    views: Mapping[str, ViewSource],
    exposed: Iterable[str],
    extra_search_path: Iterable[str] = ("public",),
) -> list[ViewRelationship]:
    """Every relationship PostgREST adds through views for ``keys`` (all foreign keys, of
    every schema: the exposure of both ends is decided by the caller, as PostgREST removes
    relationships to unexposed schemas after deriving them)."""
    shown = set(exposed)
    sources = _column_sources(views, shown, shown | set(extra_search_path))
    if not sources:
        return []
    rels: list[ViewRelationship] = []
    for fk in keys:
        if len(fk.columns) != len(fk.ref_columns):  # not read: nothing to pair them with
            continue
        children = _exposing(sources, fk.table_key, fk.columns)
        parents = _exposing(sources, fk.ref_key, fk.ref_columns)
        for view, choices in children:
            rels += [ViewRelationship(view, fk.ref_key, fk.name, tuple(zip(c, fk.ref_columns, strict=True)),
                                      fk.one_to_one, True, False) for c in choices]  # fmt: skip
        for view, choices in parents:
            rels += [ViewRelationship(fk.table_key, view, fk.name, tuple(zip(fk.columns, c, strict=True)),
                                      fk.one_to_one, False, True) for c in choices]  # fmt: skip
        for (child, child_choices), (parent, parent_choices) in itertools.product(
            children, parents
        ):
            rels += [
                ViewRelationship(
                    child, parent, fk.name, tuple(zip(a, b, strict=True)), fk.one_to_one, True, True
                )
                for a in child_choices
                for b in parent_choices
            ]
    return rels


def view_primary_key(
    view: str, views: Mapping[str, ViewSource], primary_keys: Mapping[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """A view's primary key as PostgREST infers it (SchemaCache.hs ``addViewPrimaryKeys``):
    for each primary key column of a table its columns come from (through views over
    views), the first of its columns that shows it; a key column it does not show is left
    out. ``primary_keys``: the base tables' keys."""
    source = views.get(view)
    if source is None:
        return ()
    shown: dict[tuple[str, str], str] = {}  # (table, key column) -> the view's first column
    for column, origin in source.origins.items():
        hop, seen = origin, {view}
        while hop[0] in views and hop[0] not in seen:  # a view over a view: one hop more
            seen.add(hop[0])
            nxt = views[hop[0]].origins.get(hop[1])
            if nxt is None:
                break
            hop = nxt
        if hop[1] in primary_keys.get(hop[0], ()):
            shown.setdefault(hop, column)
    tables = dict.fromkeys(table for table, _ in shown)
    return tuple(shown[(t, c)] for t in tables for c in primary_keys[t] if (t, c) in shown)
