"""PostgREST's own schema cache, from the admin server's ``/schema_cache`` (v12.2+): the
exact cache, not a view of it, so dropped tables and functions show up too.

Shape (aeson's generic encoding, read from PostgREST's SchemaCache*.hs at v12.2 and v14):
``dbTables`` is a list of ``[{qiSchema, qiName}, {tableSchema, tableName, tableIsView,
tableColumns: {name: {colName, colNominalType, colEnum}}}]`` pairs; ``dbRoutines`` pairs a
qualified name with ``[{pdSchema, pdName, ...}]``; ``dbRelationships`` pairs a key with
``[{tag: "Relationship", relTable, relForeignTable, relCardinality: {tag, isParent?},
relTableIsView, relFTableIsView}]`` where the cardinality carries ``relCons``, the foreign
key's name. Names come out quoted as psql prints them (``names.qualified``). Like the OpenAPI parser, an ``object_hook`` shrinks every
object as it is built, so a 10,000-table dump is never held as Python objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from tui.core.names import qualified
from tui.core.probes.base import OPENAPI_BODY, send


@dataclass
class CacheDump:
    """The admin server's schema cache dump, reduced to the names it holds."""

    tables: set[str] = field(default_factory=set)  # "schema.name"
    views: set[str] = field(default_factory=set)
    columns: dict[str, set[str]] = field(default_factory=dict)  # "schema.table" -> names
    functions: set[str] = field(default_factory=set)
    # foreign keys: (schema, child, schema, parent, constraint), raw names
    relationships: set[tuple[str, str, str, str, str]] = field(default_factory=set)
    enums: dict[str, set[str]] = field(default_factory=dict)  # "schema.type" -> labels


@dataclass(frozen=True)
class _Table:
    """A table or view of the dump, with its columns as dumped."""

    name: str
    is_view: bool
    columns: tuple[Any, ...]


def _compact(obj: dict[str, Any]) -> Any:
    if "dbTables" in obj:
        return obj
    if "qiSchema" in obj and "qiName" in obj:
        return ("qi", str(obj["qiSchema"]), str(obj["qiName"]))
    if "colName" in obj:
        enum = obj.get("colEnum") or []
        return (obj["colName"], obj.get("colNominalType") if enum else None, tuple(enum))
    if "tableName" in obj:
        cols = obj.get("tableColumns") or {}
        values = cols.values() if isinstance(cols, dict) else cols
        return _Table(qualified(str(obj.get("tableSchema")), str(obj["tableName"])),
                      bool(obj.get("tableIsView")),
                      tuple(c for c in values if isinstance(c, tuple)))  # fmt: skip
    if "pdName" in obj:
        return ("routine", qualified(str(obj.get("pdSchema")), str(obj["pdName"])))
    if obj.get("tag") == "Relationship":
        card: Any = obj.get("relCardinality")  # a tagged tuple, as the dump decodes it
        to_parent = isinstance(card, tuple) and (
            card[0] == "M2O" or (card[0] == "O2O" and not card[1])
        )
        views = obj.get("relTableIsView") or obj.get("relFTableIsView")
        ends: tuple[Any, Any] = (obj.get("relTable"), obj.get("relForeignTable"))  # tagged tuples
        if to_parent and not views and all(isinstance(e, tuple) and e[0] == "qi" for e in ends):
            return ("fk", *ends[0][1:], *ends[1][1:], card[2])
        return None
    if obj.get("tag") in ("M2O", "O2M", "O2O", "M2M"):
        return (obj["tag"], bool(obj.get("isParent")), str(obj.get("relCons") or ""))
    if obj and all(isinstance(v, tuple) for v in obj.values()):
        return obj  # a table's column map, already compacted
    return None


def parse(raw: bytes | str) -> CacheDump:
    document = json.loads(raw, object_hook=_compact)
    dump = CacheDump()
    if not isinstance(document, dict):
        raise ValueError("not a schema cache dump")
    for pair in document.get("dbTables") or ():
        table = pair[1] if isinstance(pair, list) and len(pair) == 2 else pair
        if not isinstance(table, _Table):
            continue
        dump.tables.add(table.name)
        if table.is_view:
            dump.views.add(table.name)
        for col_name, type_name, labels in table.columns:
            dump.columns.setdefault(table.name, set()).add(col_name)
            if type_name and labels:
                dump.enums.setdefault(type_name, set()).update(labels)
    for pair in document.get("dbRoutines") or ():
        for item in pair[1] if isinstance(pair, list) and len(pair) == 2 else ():
            if isinstance(item, tuple) and item[0] == "routine":
                dump.functions.add(item[1])
    for pair in document.get("dbRelationships") or ():
        for item in pair[1] if isinstance(pair, list) and len(pair) == 2 else ():
            if isinstance(item, tuple) and item[0] == "fk":
                dump.relationships.add(item[1:])
    return dump


async def fetch(client: httpx.AsyncClient) -> CacheDump | None:
    """The dump, or None where the admin server has no /schema_cache (before v12.2)."""
    response, raw = await send(client, "GET", "/schema_cache", cap=OPENAPI_BODY)
    if response.status_code != 200 or not raw:
        return None
    try:
        return parse(raw)
    except (ValueError, TypeError, IndexError):
        return None
