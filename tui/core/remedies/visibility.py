"""Cheap requests that tell whether PostgREST's cache holds an object, answered from the cache
alone: nothing reaches PostgreSQL, nothing is written, no trigger or function runs (the
shapes, read from PostgREST's source and measured on 12.0.2 and 11.2.2: ``cache_only``).

| kind | request | not cached | cached |
|---|---|---|---|
| table / view | ``POST /t?columns=<made up>``, body ``[]`` | 404 ``{}`` | PGRST204 naming the made-up column |
| column | ``POST /t?columns=c,<made up>``, body ``[]`` | 404 ``{}`` or PGRST204 naming ``c`` | PGRST204 naming the made-up column |
| relationship | ``GET /child?select=parent(*)&order=<no such embed>(x)`` | PGRST200 | PGRST108 |
| function | ``GET /rpc/fn?arg=0&order=<no such embed>(x)`` | PGRST202 | PGRST108: resolved, never executed |
| enum label | only the OpenAPI document shows it | | |

Any other answer (an auth error, a gateway's page) tells nothing and never counts as converged.
One positive answer means a reload happened after the drift: a reload is atomic, so the whole
cache is new. Enum labels are checked in OpenAPI only when nothing else can be probed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.names import parse_qualified, split_signature, split_unquoted, unquote
from tui.core.probes import cache_only


@dataclass(frozen=True)
class Answer:
    """An HTTP answer to a visibility probe: status and raw body."""

    status: int
    body: bytes

    @property
    def data(self) -> object:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    @property
    def code(self) -> str | None:
        data = self.data
        return data.get("code") if isinstance(data, dict) else None

    @property
    def empty_404(self) -> bool:
        return self.status == 404 and self.body.strip() in (b"{}", b"")


@dataclass(frozen=True)
class Probe:
    """One request and how to read its answer: ``cached(answer)`` -> is the object in the cache
    (None: the answer does not tell)."""

    obj: StaleObject
    method: str
    path: str
    cached: Callable[[Answer], bool | None]
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    @classmethod
    def of(cls, obj: StaleObject, shape: cache_only.Shape) -> Probe:
        return cls(obj, shape.method, shape.path, lambda a: shape.read(a.status, a.data),
                   shape.headers, shape.body)  # fmt: skip

    @property
    def want_cached(self) -> bool:
        """Converged when an added object is cached and a removed one is gone."""
        return self.obj.change is Change.ADDED

    def converged(self, answer: Answer) -> bool:
        return self.cached(answer) is self.want_cached


def _split(name: str, parts: int) -> list[str]:
    """The raw names in a printed (quote_ident'ed) name."""
    pieces = parse_qualified(name)
    if len(pieces) != parts:
        raise ValueError(name)
    return pieces


def table_probe(obj: StaleObject, _args: dict[str, list[str]]) -> Probe:
    """Unlike ``OPTIONS /t`` (also answered from the cache alone) it is not answered early by
    a gateway's CORS preflight handling."""
    schema, table = _split(obj.name, 2)
    return Probe.of(obj, cache_only.table(schema, table))


def column_probe(obj: StaleObject, _args: dict[str, list[str]]) -> Probe:
    schema, table, column = _split(obj.name, 3)
    return Probe.of(obj, cache_only.table(schema, table, (column,)))


def relationship_probe(obj: StaleObject, _args: dict[str, list[str]]) -> Probe:
    pair, *hint = split_unquoted(obj.name, "!")
    source, dest = split_unquoted(pair, ":")
    schema, table = _split(source, 2)
    _dest_schema, dest_table = _split(dest, 2)
    return Probe.of(obj, cache_only.relationship(schema, table, dest_table,
                                                 unquote(hint[0]) if hint else None))  # fmt: skip


def function_probe(obj: StaleObject, args: dict[str, list[str]]) -> Probe | None:
    if obj.name not in args:  # a dropped function's parameters are unknown: use OpenAPI
        return None
    schema, fn = _split(split_signature(obj.name)[0], 2)
    return Probe.of(obj, cache_only.function(schema, fn, args[obj.name]))


BUILDERS: dict[ObjectKind, Callable[[StaleObject, dict[str, list[str]]], Probe | None]] = {
    ObjectKind.TABLE: table_probe,
    ObjectKind.VIEW: table_probe,
    ObjectKind.MATERIALIZED_VIEW: table_probe,
    ObjectKind.COLUMN: column_probe,
    ObjectKind.RELATIONSHIP: relationship_probe,
    ObjectKind.FUNCTION: function_probe,
}


def build_probes(
    objects: list[StaleObject], function_args: dict[str, list[str]]
) -> tuple[list[Probe], list[StaleObject]]:
    """Probes for what can be probed cheaply; the rest must be read from OpenAPI."""
    probes: list[Probe] = []
    rest: list[StaleObject] = []
    for obj in objects:
        builder = BUILDERS.get(obj.kind)
        try:
            probe = builder(obj, function_args) if builder else None
        except ValueError:
            probe = None
        if probe is None:
            rest.append(obj)
        else:
            probes.append(probe)
    return probes, rest


# -- OpenAPI: enum labels and dropped functions ------------------------------------------------
def openapi_has(doc: dict[str, Any], obj: StaleObject) -> bool:
    """Does the OpenAPI document show the object? (enum label, function, table, column)."""
    if obj.kind is ObjectKind.ENUM:
        type_name, label = obj.name.split(":", 1)  # the type's printed name has no colon
        bare = split_unquoted(type_name, ".")[-1]
        for definition in (doc.get("definitions") or {}).values():
            for prop in (definition.get("properties") or {}).values():
                if prop.get("format") in (type_name, bare) and label in (prop.get("enum") or []):
                    return True
        return False
    paths = doc.get("paths") or {}
    parts = parse_qualified(split_signature(obj.name)[0])
    if obj.kind is ObjectKind.FUNCTION:
        return f"/rpc/{parts[-1]}" in paths
    if obj.kind in (ObjectKind.TABLE, ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW):
        return f"/{parts[-1]}" in paths
    if obj.kind is ObjectKind.COLUMN and len(parts) == 3:
        _schema, table, column = parts
        props = ((doc.get("definitions") or {}).get(table) or {}).get("properties") or {}
        return column in props
    return False


def openapi_converged(doc: dict[str, Any], objects: list[StaleObject]) -> bool:
    return all(openapi_has(doc, o) is (o.change is Change.ADDED) for o in objects)
