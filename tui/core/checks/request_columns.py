"""Which columns of which relation a pasted request makes PostgreSQL check, and for which
privilege, for the SQL PostgREST 11.2 and 12.0 build from it (QueryBuilder.hs
readPlanToQuery and mutatePlanToQuery; Plan.hs mutatePlan and inferColsEmbedNeeds).

PostgreSQL checks SELECT on every column a statement reads: the select list, but also each
column a WHERE, an ORDER BY, a RETURNING or an ON CONFLICT target names, and the columns an
embed joins on. The knowledge is in tables (``WRITES`` here; the query grammar's
``RESERVED``, ``EMBEDDABLE`` and ``OPERATORS`` in cache_only); this module reads the request
only: what only the catalog knows (the primary key, the keys an embed joins on) is passed
in or added by the checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote

from tui.core.probes.cache_only import (
    RESERVED,
    body_keys,
    content_type,
    has_operator,
    is_filter_key,
)

if TYPE_CHECKING:
    from tui.core.request import FailingRequest

STAR = "*"  # every column of the relation (``select=*``, no ``select=``, ``RETURNING *``)


@dataclass(frozen=True)
class Write:
    """What PostgreSQL checks for one kind of statement PostgREST sends: ``privileges`` on
    the table and on each column the body writes; whether it reads its conflict target
    (``ON CONFLICT (cols)``: SELECT on them, DO NOTHING too); whether the root filters are
    its WHERE; and when its ORDER BY reads the table ("always", "ranged": only with
    limit/offset, through ``pgrst_affected_rows``; "never")."""

    privileges: tuple[str, ...]
    conflict: bool = False
    where: bool = False
    order: str = "never"


# (method, Prefer resolution) -> the statement. POST is INSERT; resolution=ignore-duplicates
# adds ON CONFLICT (on_conflict= or the primary key) DO NOTHING; merge-duplicates, and PUT
# always (on the primary key), DO UPDATE SET c = EXCLUDED.c for each written column, which
# PostgreSQL checks as UPDATE and SELECT on c. Without a resolution, PostgREST drops
# on_conflict= (``(,) <$> preferResolution <*> Just confCols``); PUT ignores it (its target
# is the primary key) and applies its filters to the body, not the table. PATCH is UPDATE
# ... WHERE <filters>, DELETE is DELETE ... WHERE <filters>: SELECT on the filtered columns.
WRITES: dict[tuple[str, str | None], Write] = {
    ("POST", None): Write(("INSERT",)),
    ("POST", "ignore-duplicates"): Write(("INSERT",), conflict=True),
    ("POST", "merge-duplicates"): Write(("INSERT", "UPDATE", "SELECT"), conflict=True),
    ("PUT", None): Write(("INSERT", "UPDATE", "SELECT"), conflict=True),
    ("PATCH", None): Write(("UPDATE",), where=True, order="ranged"),
    ("DELETE", None): Write(("DELETE",), where=True, order="ranged"),
    ("OPTIONS", None): Write(()),  # answered by PostgREST alone
}
READ = Write(("SELECT",), where=True, order="always")
# An upsert with no conflict target (no on_conflict=, no primary key) has no ON CONFLICT
# clause at all: QueryBuilder.hs writes it only for a non-empty column list.
PLAIN_INSERT = WRITES[("POST", None)]
# Prefer return= values after which PostgREST adds RETURNING <select= columns, the embeds'
# key columns and the primary key, or *> (Plan.hs mutatePlan: any but minimal)
RETURNING = frozenset({"representation", "headers-only"})
COLUMN_PRIVILEGES = ("SELECT", "INSERT", "UPDATE")  # the privileges a column can be granted

LOGIC = frozenset({"and", "or"})
# an embed's head: [...][alias:]name[!hint...]; an aggregate: [alias:]column.func()
_EMBED = re.compile(r"^(?:\.\.\.)?(?:(?P<alias>[\w-]+):)?(?P<name>[\w-]+)(?P<hints>(?:![\w-]+)*)$")
# what a select list's first item may start with (QueryParams.hs pFieldForest: a name's
# letter, digit, ``_``, ``$`` or blank, a quote, ``*``, a spread); the parse needs no end of
# input, so ``select=(`` is an empty list, read as ``*``
_ITEM_START = re.compile(r'^(?:[\w $"*]|\.\.\.)')
_AGGREGATE = re.compile(r"^(?P<field>.+)\.(?:count|sum|avg|min|max)\(\)$")
# ``order=child(col).desc``: a column of a to-one embed
_ORDER_EMBED = re.compile(r"^(?P<embed>[\w-]+)\((?P<field>[^)]*)\)")


def top_level(text: str) -> list[str]:
    """Split a list on commas outside parentheses and double quotes (embeds and logic
    trees hold their own lists)."""
    items: list[str] = []
    current: list[str] = []
    depth, quoted = 0, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            depth += (char == "(") - (char == ")")
        if char == "," and depth == 0 and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [i.strip() for i in items if i.strip()]


def field_column(text: str) -> str | None:
    """The column a field names: ``"a b"`` -> ``a b``, ``doc->a->>b`` -> ``doc``."""
    text = text.strip()
    if text.startswith('"'):
        end = text.find('"', 1)
        return text[1:end] if end > 0 else None
    name = text.split("->", 1)[0].strip()
    return name or None


def field_of(item: str) -> str:
    """A select item's field: ``alias:field::cast`` -> ``field`` (quotes kept)."""
    quoted, start = False, 0
    for i, char in enumerate(item):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            if item[i + 1 : i + 2] == ":":  # the cast
                return item[start:i]
            if start == 0 and i > 0 and item[i - 1] != ":":
                start = i + 1  # after the alias
    return item[start:]


def _head(text: str, stop: str) -> str:
    """``text`` up to the first ``stop`` outside double quotes."""
    quoted = False
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == stop and not quoted:
            return text[:i]
    return text


@dataclass
class Embed:
    """One embed of a select list: its relation's name as written, the alias filters may
    name it by, its ``!hint``, its own select list and the embeds in it."""

    name: str
    alias: str | None = None
    hint: str | None = None
    columns: list[str] = field(default_factory=list)  # STAR for ``*``
    embeds: list[Embed] = field(default_factory=list)
    spread: bool = False

    def find(self, label: str) -> Embed | None:
        """The embed a filter path names at this level: by its name or alias (Plan.hs)."""
        return next((e for e in self.embeds if label in (e.name, e.alias)), None)


def parse_select(select: str, name: str = "") -> Embed:
    """A select list as a tree: the columns it reads (``alias:col::cast`` -> col, a JSON
    path's column, an aggregate's column; ``*``) and its embeds; ``count()`` reads none.
    An empty list (``select=``, ``child()``) reads ``*``, as QueryBuilder.hs's defSelect."""
    node = Embed(name)
    items = top_level(select)
    if not items:
        node.columns.append(STAR)
    for item in items:
        head, paren, rest = item.partition("(")
        if paren and rest.endswith(")") and (m := _EMBED.match(head.strip())):
            if m["name"] == "count" and not rest[:-1].strip():
                continue  # count(): an aggregate of rows
            embed = parse_select(rest[:-1], m["name"])
            hints = [h for h in m["hints"].split("!") if h and h not in ("inner", "left")]
            embed.alias, embed.hint = m["alias"], hints[0] if hints else None
            embed.spread = item.startswith("...")
            node.embeds.append(embed)
            continue
        field_text = field_of(item)
        if (aggregate := _AGGREGATE.match(field_text)) is not None:
            field_text = aggregate["field"]
        if field_text.strip() == STAR:
            node.columns.append(STAR)
        elif (column := field_column(field_text)) is not None and "(" not in column:
            node.columns.append(column)
    return node


def _logic_columns(tree: str) -> list[str]:
    """The columns a logic tree's conditions name: ``(a.eq.1,not.and(b.gt.2,c.is.null))``."""
    tree = tree.strip()
    if tree.startswith("(") and tree.endswith(")"):
        tree = tree[1:-1]
    found: list[str] = []
    for item in top_level(tree):
        item = item.removeprefix("not.")
        head, paren, rest = item.partition("(")
        if paren and head in LOGIC:
            found += _logic_columns("(" + rest)
        elif (column := field_column(_head(item, "."))) is not None:
            found.append(column)
    return found


def _order_columns(value: str) -> list[tuple[str | None, str]]:
    """(embed label or None, column) of each ``order=`` term."""
    found: list[tuple[str | None, str]] = []
    for term in top_level(value):
        if (m := _ORDER_EMBED.match(term)) is not None:
            if (column := field_column(m["field"])) is not None:
                found.append((m["embed"], column))
        elif (column := field_column(_head(term, "."))) is not None:
            found.append((None, column))
    return found


# (relation name, column) -> privilege -> why (the first part of the request that needs it)
Uses = dict[tuple[str, str], dict[str, str]]


@dataclass
class RequestColumns:
    """What one request makes PostgreSQL check, column by column, and its embeds."""

    table: str  # the path's relation
    write: Write  # the statement on it (PLAIN_INSERT for an upsert with no conflict target)
    returning: bool  # it returns rows (RETURNING)
    tree: Embed
    uses: Uses = field(default_factory=dict)
    reads_tree: bool = True  # the select list and its embeds are read (a read, or RETURNING)

    def need(self, relation: str, column: str, privilege: str, why: str) -> None:
        self.uses.setdefault((relation, column), {}).setdefault(privilege, why)

    def of(self, relation: str) -> dict[str, dict[str, str]]:
        """Column -> privilege -> why, for one relation."""
        return {c: p for (r, c), p in self.uses.items() if r == relation}


def prefer(request: FailingRequest) -> dict[str, str]:
    """The request's Prefer header as PostgREST splits it (comma-separated key=value)."""
    values = [v for k, v in request.headers.items() if k.lower() == "prefer"]
    pairs = (p.strip().partition("=") for v in values for p in v.split(","))
    return {k.strip().lower(): v.strip().lower() for k, _, v in pairs}


def path_table(request: FailingRequest) -> str:
    """The relation the request's path names (percent-decoded)."""
    path = request.path.partition("?")[0].rstrip("/")
    return unquote(path.split("/")[-1])


def statement(request: FailingRequest, table: str) -> tuple[Write, bool]:
    """The request as a statement on ``table`` (READ when it reads it) and whether it
    returns rows (RETURNING)."""
    if path_table(request) != table:
        return READ, False  # an embedded or other table: read
    method, prefers = request.method.upper(), prefer(request)
    resolution = prefers.get("resolution") if method == "POST" else None
    write = WRITES.get((method, resolution)) or WRITES.get((method, None), READ)
    return write, write is not READ and prefers.get("return") in RETURNING


def column_list(listed: str) -> list[str]:
    """``a, "b,c"`` -> [a, b,c]: the names of ``columns=`` or ``on_conflict=`` (commas in
    double quotes belong to the name, QueryParams.hs pColumns)."""
    return [c for item in top_level(listed) if (c := field_column(item)) is not None]


def request_columns(
    request: FailingRequest, primary_key: tuple[str, ...] | None = None
) -> RequestColumns:
    """What the request makes PostgreSQL check on its path's relation and on the relations
    it embeds (by the names the select list gives them). ``primary_key``: the path table's,
    when the catalog read it (None: unknown), which PostgREST takes as an upsert's conflict
    target without ``on_conflict=``, adds to RETURNING, and is a PUT's target."""
    table = path_table(request)
    write, returning = statement(request, table)
    pairs = parse_qsl(request.path.partition("?")[2], keep_blank_values=True)
    params = dict(pairs)
    select = params.get("select", STAR)
    if not _ITEM_START.match(select):
        select = ""  # PostgREST's parse stops before the first item: an empty list
    tree = parse_select(select, table)
    if write is not READ and not top_level(select):
        tree.columns = []  # RETURNING of an empty select= is the key alone (inferColsEmbedNeeds)
    found = RequestColumns(table, write, returning, tree, reads_tree=write is READ or returning)
    # ``columns=`` names the columns inserted or updated; without it, the body's keys
    written = column_list(params.get("columns", "")) or body_keys(
        request.body, content_type(request)
    )
    if write.conflict:
        if request.method.upper() == "PUT":  # the primary key its filters name
            target = list(primary_key) if primary_key is not None else [
                k for k, _ in pairs if is_filter_key(k)]  # fmt: skip
        else:
            target = column_list(params.get("on_conflict", "")) or list(primary_key or ())
        if not target and primary_key is not None:
            write = found.write = PLAIN_INSERT  # no ON CONFLICT clause: a plain INSERT
        for column in target:
            found.need(table, column, "SELECT", "the conflict target")
    for column in written:
        for privilege in write.privileges:
            if privilege in COLUMN_PRIVILEGES:
                found.need(table, column, privilege, "written")
    if found.reads_tree:
        _tree_reads(found, found.tree, table, returning, primary_key)
    ranged = any(k.split(".")[-1] in ("limit", "offset") for k, _ in pairs)
    for key, value in pairs:
        _param_reads(found, write, key, value, table, ranged)
    return found


def _tree_reads(
    found: RequestColumns, tree: Embed, table: str, returning: bool, key: tuple[str, ...] | None
) -> None:
    """The select list's columns: read by the SELECT, or by RETURNING (with the primary
    key); the embeds' columns by their own subqueries."""
    why = "returned" if returning else "selected"
    columns = list(tree.columns)
    if returning and STAR not in columns:
        columns += list(key or ())  # inferColsEmbedNeeds: pk columns, for Location
    for column in columns:
        star = "RETURNING *" if returning else "select=*"
        found.need(table, column, "SELECT", star if column == STAR else why)

    def embedded(node: Embed) -> None:
        for embed in node.embeds:
            for column in embed.columns:
                found.need(embed.name, column, "SELECT", "embedded")
            embedded(embed)

    embedded(tree)


def _param_reads(
    found: RequestColumns, write: Write, key: str, value: str, table: str, ranged: bool
) -> None:
    """A filter, logic tree or order parameter: the WHERE / ORDER BY of the path's
    relation (when the statement has one) or of an embed's subquery (when it is read)."""
    words = key.split(".")
    if key in RESERVED or words[-1] in ("limit", "offset"):
        return
    if words[-1] in LOGIC and words[-2:-1] == ["not"]:
        words = words[:-2] + words[-1:]
    path, last = words[:-1], words[-1]
    if last in LOGIC:
        columns: list[tuple[str | None, str]] = [(None, c) for c in _logic_columns(value)]
        why = "filter"
    elif last == "order":
        columns, why = _order_columns(value), "order"
    elif has_operator(value):
        column = field_column(last)
        columns, why = ([(None, column)] if column else []), "filter"
    else:
        return  # no operator: an RPC argument
    if not path:
        applies = write.where if why == "filter" else (
            write.order == "always" or (write.order == "ranged" and ranged))  # fmt: skip
        if not applies:
            return
        for embed_label, column in columns:
            embed = found.tree.find(embed_label) if embed_label else None
            relation = embed.name if embed is not None else table
            if embed_label is None or embed is not None:
                found.need(relation, column, "SELECT", why)
        return
    if not found.reads_tree:
        return
    node: Embed | None = found.tree
    for label in path:
        node = node.find(label) if node is not None else None
    if node is not None:
        for _label, column in columns:
            found.need(node.name, column, "SELECT", f"embedded {why}")
