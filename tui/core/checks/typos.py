"""Typos: an object "does not exist" that is one letter from one that does. The catalog's
names (and, for a scoped check, the names that start or end alike) give "did you mean
public.invoices?" instead of a migration to run. The CLI's findings and the wizard's object
field (its completion and its warning) ask the same functions here: ``catalog_names`` for the
names, ``did_you_mean`` / ``complete`` for the match.
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Iterable

from tui.core.model import Cause, Finding, Status
from tui.core.names import parse_qualified, qualified, quote_ident, split_unquoted, unquote
from tui.core.probes.catalog import Catalog

CUTOFF = 0.8  # difflib ratio: "invoice" ~ "invoices" (0.93), "username" !~ "name" (0.67)
FLAG_OF_NEAR = {"table": "--table", "function": "--function"}  # an enum type alone is no spec


def _parts(name: str) -> tuple[str, str]:
    """(parent, last part): ``public.customers.name`` -> (``public.customers``, ``name``);
    after a ``:`` (an enum label, a relationship's other end) the part after it counts:
    ``public.order_status:refundd`` -> (``public.order_status:``, ``refundd``)."""
    left, colon, right = name.partition(":")
    if colon:
        parent, _, bare = right.rpartition(".")
        return f"{left}:{parent}", bare
    parent, _, bare = name.rpartition(".")
    return parent, bare


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The closest other name when one is close enough to be a typo of ``name``. Names are
    compared by their last part ("invoice" ~ "invoices"), since a shared schema or table
    prefix makes any two names look alike ("customers.username" is not "customers.name");
    a column is only compared with the columns of the same table, an enum label with the
    labels of the same type."""
    parent, bare = _parts(name)  # compared as names, not spellings (U&"..." escapes)
    scoped = name.count(".") >= 2 or ":" in name
    best: tuple[float, str] | None = None
    for other in dict.fromkeys(candidates):
        other_parent, other_bare = _parts(other)
        if other == name or (scoped and other_parent != parent):
            continue
        score = difflib.SequenceMatcher(None, unquote(bare), unquote(other_bare)).ratio()
        if score >= CUTOFF and (best is None or score > best[0]):
            best = (score, other)
    return best[1] if best else None


def complete(typed: str, names: Iterable[str]) -> str | None:
    """What the wizard's object field offers for ``typed``: the first name that starts with
    it (case aside), else the close name a typo missed, else nothing."""
    if not typed:
        return None
    folded = typed.casefold()
    listed = list(names)
    for name in listed:
        if name.casefold().startswith(folded) and name != typed:
            return name
    if typed in listed:
        return None
    return did_you_mean(typed, listed)


def catalog_names(catalog: Catalog | None) -> dict[str, list[str]]:
    """Every name the catalog read, per ``check`` flag (--table, --column, ...), in the
    grammar the flags parse (a part that would not read back bare is quoted). A scoped
    catalog adds the names that start or end like the ones asked about."""
    if catalog is None:
        return {}
    relations = catalog.relations.values()
    near: dict[str, set[str]] = {}
    for name, kind in catalog.near:
        if kind in FLAG_OF_NEAR:
            near.setdefault(FLAG_OF_NEAR[kind], set()).add(qualified(*name.split(".", 1)))
    fks = catalog.foreign_keys
    return {
        "--table": sorted(
            {qualified(r.schema, r.name) for r in relations} | near.get("--table", set())
        ),
        "--column": sorted(qualified(r.schema, r.name, c) for r in relations for c in r.columns),
        "--function": sorted(
            {qualified(f.schema, f.name) for fs in catalog.functions.values() for f in fs}
            | near.get("--function", set())
        ),
        "--relationship": sorted(
            {f"{qualified(k.schema, k.table)}:{qualified(k.ref_schema, k.ref_table)}" for k in fks}
        ),
        "--enum-value": sorted(
            f"{qualified(*key.split('.', 1))}:{quote_ident(label)}"
            for key, labels in catalog.enums.items()
            for label in labels
        ),
    }


def _enum_match(name: str, catalog: Catalog) -> str | None:
    """``schema.type:label`` one typo from a real type (same label) or, for a real type,
    from one of its labels; in the --enum-value grammar."""
    type_part, *rest = split_unquoted(name, ":")
    label = ":".join(rest)
    key = ".".join(parse_qualified(type_part))
    labels = catalog.enums.get(key)
    if labels is None:
        types = [qualified(*k.split(".", 1)) for k in catalog.enums]
        types += [qualified(*n.split(".", 1)) for n, kind in catalog.near if kind == "enum"]
        other = did_you_mean(type_part, types)
        return f"{other}:{quote_ident(label)}" if other else None
    close = did_you_mean(f"x:{label}", [f"x:{lab}" for lab in labels])
    return f"{type_part}:{quote_ident(close[2:])}" if close else None


SUGGESTED = frozenset({Cause.OBJECT_MISSING, Cause.ENUM_VALUE_MISSING})


def suggest(findings: list[Finding], catalog: Catalog | None) -> None:
    """A failing object-missing (or enum-label-missing) finding one typo from a real name
    says so, and its fix checks the real name instead of creating the misspelt one."""
    if catalog is None:
        return
    candidates: dict[str, str] | None = None
    for finding in findings:
        if finding.cause not in SUGGESTED or finding.status is not Status.FAIL:
            continue
        if candidates is None:
            candidates = {n: flag for flag, ns in catalog_names(catalog).items() for n in ns}
        for name in finding.objects:
            match, flag = _match(name, catalog, candidates)
            if match is not None:
                finding.summary = f"{finding.summary}: did you mean {match}?"
                finding.fix = f"pgrst-doctor check {flag} {shlex.quote(match)}"
                break


def _match(name: str, catalog: Catalog, candidates: dict[str, str]) -> tuple[str | None, str]:
    """The close name and the flag that checks it. An enum value (``schema.type:label``)
    is told from a relationship (``schema.a:schema.b``) by its bare right-hand side."""
    pieces = split_unquoted(name, ":")
    if len(pieces) > 1 and len(split_unquoted(":".join(pieces[1:]), ".")) == 1:
        return _enum_match(name, catalog), "--enum-value"
    match = did_you_mean(name, candidates)
    return match, candidates.get(match or "", "--table")
