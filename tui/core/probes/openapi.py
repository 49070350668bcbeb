"""PostgREST's OpenAPI document: what its schema cache advertises to this role.

Documents reach tens of megabytes at 10,000 tables, so parsing keeps only names: an
``object_hook`` shrinks every nested object as soon as it is built (operations and parameters
become None, column schemas become a small tuple), and the result is reduced to sets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tui.core.probes import openapi_prefetch
from tui.core.probes.base import OPENAPI_BODY, SMALL_BODY, BodyTooLarge, json_or_text
from tui.core.probes.openapi_stream import DocumentStream

# PostgREST writes names into the note unescaped: a quote may be part of a name. The note is
# its own only after its "Note:" line (OpenAPI.hs makeProperty, v11.2 and v12.0: the column's
# comment, a blank line, "Note:", the primary key's line, then the foreign key's); a comment
# alone is the whole description, whatever it says
_FK_NOTE = re.compile(
    r"(?:^|\n\n)Note:\n(?:This is a Primary Key\.<pk/>\n)?This is a Foreign Key to `.*`\."
    r"<fk table='(?P<table>.+?)' column='(?P<column>.*?)'/>$",
    re.DOTALL,
)
_OPERATION_KEYS = frozenset({"get", "post", "patch", "delete", "put", "tags", "responses", "in"})
KEPT_MEMBERS = frozenset({"info", "paths", "definitions"})  # "parameters" is skipped
NAMES_ONLY = frozenset({"paths"})  # only the path names tell; their operations are dropped


@dataclass
class SchemaDoc:
    """What the cache advertises in one schema (names relative to the schema)."""

    schema: str
    version: str | None = None
    tables: set[str] = field(default_factory=set)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # table -> columns
    functions: set[str] = field(default_factory=set)
    # table -> column -> the table its <fk table='...'/> note names (one note per column)
    fk_notes: dict[str, dict[str, str]] = field(default_factory=dict)
    enums: dict[str, set[str]] = field(default_factory=dict)  # "schema.type" -> labels


class OpenApiUnavailable(Exception):
    """The root did not answer with an OpenAPI document (disabled, or an error)."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body


def _compact(obj: dict[str, Any]) -> Any:
    """Called bottom-up for every JSON object: keep only what drift needs.

    A definition's ``properties`` map is named by columns, and a column may be called
    ``description``, ``type`` or ``properties``: the map is told by its values, which are
    column schemas already compacted to None or a tuple (a column schema's own values are
    strings, numbers and lists)."""
    if obj and all(v is None or isinstance(v, tuple) for v in obj.values()):
        return obj
    if "swagger" in obj or "paths" in obj or "definitions" in obj:
        return obj
    if "title" in obj and "version" in obj:  # info
        return {"version": obj["version"]}
    if "properties" in obj:  # a definition (or an RPC body schema)
        return {"properties": obj["properties"]}
    if "$ref" in obj or _OPERATION_KEYS.intersection(obj):
        return None
    if "format" in obj or "type" in obj or "description" in obj:
        return _column(obj)
    return obj  # info, and the paths / definitions maps themselves


def _column(obj: dict[str, Any]) -> tuple[tuple[Any, ...] | None, Any, str | None] | None:
    """A column schema: (enum labels, the enum type's name, the table its ``<fk/>`` note
    names), or None when it has neither."""
    enum = obj.get("enum")
    note = obj.get("description")
    fk = _FK_NOTE.search(note) if isinstance(note, str) and "<fk " in note else None
    if enum is None and fk is None:
        return None
    return (
        tuple(enum) if isinstance(enum, list) else None,
        obj.get("format") if enum is not None else None,
        fk.group("table") if fk else None,
    )


def _definition(value: Any) -> Any:
    """One ``definitions`` entry, decoded without the hook: its columns, each compacted as
    ``_compact`` would (a definition's shape is known here, so nothing is told by values).
    Calling the hook for each of its objects took about as long as decoding them."""
    props = value.get("properties") if isinstance(value, dict) else None
    if not isinstance(props, dict):
        return None
    return {"properties": {name: _column(column) if isinstance(column, dict) else None
                           for name, column in props.items()}}  # fmt: skip


# members whose entries are decoded plainly, then read by these (the rest go through _compact)
ENTRY_READERS: dict[str, Callable[[Any], Any]] = {"definitions": _definition}


def document_stream() -> DocumentStream:
    """A streaming decoder of the document: what ``parse`` keeps, read as it arrives."""
    return DocumentStream(_compact, KEPT_MEMBERS, NAMES_ONLY, ENTRY_READERS)


def parse(raw: bytes | str, schema: str) -> SchemaDoc:
    return summarize(json.loads(raw, object_hook=_compact), schema)


def summarize(document: Any, schema: str) -> SchemaDoc:
    """The names in a decoded (compacted) document."""
    doc = SchemaDoc(schema)
    if not isinstance(document, dict):
        return doc
    info = document.get("info")
    if isinstance(info, dict) and isinstance(info.get("version"), str):
        doc.version = info["version"]
    for path in document.get("paths") or {}:
        if path.startswith("/rpc/"):
            doc.functions.add(path[5:])
        elif path != "/":
            doc.tables.add(path.lstrip("/"))
    for table, definition in (document.get("definitions") or {}).items():
        props = definition.get("properties") if isinstance(definition, dict) else None
        if not isinstance(props, dict):
            continue
        doc.tables.add(table)
        doc.columns[table] = tuple(props)
        for column, value in props.items():
            if not isinstance(value, tuple):
                continue
            enum, fmt, fk_table = value
            if fk_table:
                doc.fk_notes.setdefault(table, {})[column] = fk_table
            if enum is not None and fmt:  # the type's name, schema-qualified by PostgREST
                doc.enums.setdefault(fmt, set()).update(str(label) for label in enum)
    return doc


async def fetch(client: httpx.AsyncClient, schema: str | None) -> SchemaDoc:
    """GET / for one schema (``Accept-Profile``; None: the default schema, named later);
    raises OpenApiUnavailable when there is no document."""
    if schema is None and (early := openapi_prefetch.take(str(client.base_url), _key(client))):
        doc = await _from_prefetch(early)
        if doc is not None:
            return doc
    headers = {"Accept": "application/openapi+json, application/json"}
    if schema is not None:
        headers["Accept-Profile"] = schema
    async with client.stream("GET", "/", headers=headers) as response:
        ctype = response.headers.get("content-type", "")
        if response.status_code != 200 or "json" not in ctype:
            raw = b""
            async for chunk in response.aiter_bytes():
                raw += chunk
                if len(raw) > SMALL_BODY:
                    break
            raise OpenApiUnavailable(response.status_code, json_or_text(raw[:SMALL_BODY]))
        # decoded while it streams in (PostgREST sends 43 MB over seconds at 10,000 tables),
        # so little is left after the last byte and the whole body is never held
        stream = document_stream()
        size = 0
        try:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > OPENAPI_BODY:
                    raise BodyTooLarge(f"the answer to GET / exceeds {OPENAPI_BODY // 1048576} MB")
                stream.feed(chunk)
                if stream.finished:  # the rest ("parameters") is not needed
                    break
            document = stream.close()
        except ValueError as exc:
            raise OpenApiUnavailable(response.status_code, f"not JSON: {exc}") from None
    return summarize(document, schema or "")


def _key(client: httpx.AsyncClient) -> str | None:
    key: str | None = client.headers.get("apikey")
    return key


async def _from_prefetch(early: openapi_prefetch.Prefetch) -> SchemaDoc | None:
    """The document `check` asked for at start-up (openapi_prefetch.py); None when it did not
    come as a 200 JSON answer, so the caller asks (and classifies the answer) itself."""
    try:
        head = await early.next_item_async()
        if (
            not isinstance(head, tuple)
            or head[0] != 200
            or "json" not in head[1].get("content-type", "")
        ):
            return None
        stream = document_stream()
        size = 0
        while not stream.finished and not openapi_prefetch.is_end(
            item := await early.next_item_async()
        ):
            if isinstance(item, TimeoutError):
                raise item
            if isinstance(item, BaseException):
                raise httpx.ReadError(f"reading the OpenAPI document: {type(item).__name__}")
            size += len(item)
            if size > OPENAPI_BODY:
                raise BodyTooLarge(f"the answer to GET / exceeds {OPENAPI_BODY // 1048576} MB")
            stream.feed(item)
    finally:
        early.close()  # done, failed or cancelled: the prefetch thread stops reading
    try:
        document = stream.close()
    except ValueError as exc:
        raise OpenApiUnavailable(200, f"not JSON: {exc}") from None
    return summarize(document, "")
