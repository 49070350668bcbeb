"""What a reset would lose: every object of the live database that the migrations do not create.

Pure: two catalog snapshots (``snapshot(..., inventory=True)``) in, a list of (kind, name) out.
The live one is the target as it is; the migrated one is a scratch database with
``supabase/migrations`` applied. Schemas the reset leaves alone (the platform's) are not
compared. An object inside something already listed (a column of an unmigrated table) is not
listed again: re-creating the table re-creates it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tui.core.probes.catalog import VIEW_KINDS, Catalog
from tui.core.remedies.dump import MANAGED_SCHEMAS

# Schemas `supabase db reset` keeps: auth, storage and the managed ones (which the dump skips)
KEPT_BY_RESET = ("auth", "storage", *MANAGED_SCHEMAS)
KIND_ORDER = (
    "schema",
    "table",
    "view",
    "column",
    "type",
    "enum label",
    "function",
    "policy",
    "trigger",
    "grant",
)


@dataclass(frozen=True, order=True)
class Unmigrated:
    kind: str  # one of KIND_ORDER
    name: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name}

    @property
    def display(self) -> str:
        return f"{self.kind} {self.name}"


def _schema_of(name: str) -> str:
    return name.split(".", 1)[0]


def _compared(names: Iterable[str]) -> set[str]:
    return {n for n in names if _schema_of(n) not in KEPT_BY_RESET}


def objects_of(catalog: Catalog) -> dict[str, set[str]]:
    """Every comparable object of a snapshot, by kind (names as the doctor prints them)."""
    rels = {k: r for k, r in catalog.relations.items() if r.schema not in KEPT_BY_RESET}
    found: dict[str, set[str]] = {
        "schema": _compared(catalog.schemas),
        "table": {k for k, r in rels.items() if r.kind not in VIEW_KINDS},
        "view": {k for k, r in rels.items() if r.kind in VIEW_KINDS},
        "column": {
            f"{k}.{c}" for k, r in rels.items() if r.kind not in VIEW_KINDS for c in r.columns
        },
        "type": _compared([*catalog.enums, *catalog.types]),
        "enum label": {
            f"{t}:{label}" for t in _compared(catalog.enums) for label in catalog.enums[t]
        },
        "function": _compared(catalog.function_signatures),
        "policy": {
            f"{p.schema}.{p.table}.{p.name}"
            for ps in catalog.policies.values()
            for p in ps
            if p.schema not in KEPT_BY_RESET
        },
        "trigger": _compared(catalog.triggers),
        "grant": {g for g in catalog.grants if _schema_of(g.split(" ", 1)[1]) not in KEPT_BY_RESET},
    }
    return found


def _parent(kind: str, name: str) -> list[tuple[str, str]]:
    """The objects whose absence already covers this one."""
    if kind in ("table", "view", "type", "function"):
        return [("schema", _schema_of(name))]
    if kind in ("column", "policy", "trigger"):
        table = name.rsplit(".", 1)[0]
        return [("table", table), ("view", table), ("schema", _schema_of(name))]
    if kind == "enum label":
        return [("type", name.rsplit(":", 1)[0])]
    if kind == "grant":
        target = name.split(" ", 1)[1].rsplit(":", 1)[0]
        on = name.split(" ", 1)[0]
        if on == "schema":
            return [("schema", target)]
        return [("table", target), ("view", target), ("function", target), ("schema", _schema_of(target))]  # fmt: skip
    return []


def unmigrated(live: Catalog, migrated: Catalog) -> list[Unmigrated]:
    """Objects of ``live`` that ``migrated`` lacks, outermost first, in a stable order."""
    have, want = objects_of(live), objects_of(migrated)
    missing = {(kind, n) for kind in KIND_ORDER for n in have[kind] - want[kind]}
    kept = [
        Unmigrated(kind, name)
        for kind, name in missing
        if not any(p in missing for p in _parent(kind, name))
    ]
    return sorted(kept, key=lambda u: (KIND_ORDER.index(u.kind), u.name))


def surplus(live: Catalog, migrated: Catalog) -> list[Unmigrated]:
    """Objects the migrations create that ``live`` lacks (after a reset: none expected)."""
    return unmigrated(migrated, live)
