"""Typos: an object "does not exist" that is one letter from one that does. The catalog's
names (and, for a scoped check, the names that start or end alike) give "did you mean
public.invoices?" instead of a migration to run; the same matcher serves the wizard's picker.
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Iterable

from tui.core.model import Cause, Finding, Status
from tui.core.probes.catalog import Catalog

CUTOFF = 0.8  # difflib ratio: "invoice" ~ "invoices" (0.93), "username" !~ "name" (0.67)


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The closest other name when one is close enough to be a typo of ``name``. Names are
    compared by their last part ("invoice" ~ "invoices"), since a shared schema or table
    prefix makes any two names look alike ("customers.username" is not "customers.name");
    a column is only compared with the columns of the same table."""
    parent, _, bare = name.rpartition(".")
    best: tuple[float, str] | None = None
    for other in dict.fromkeys(candidates):
        other_parent, _, other_bare = other.rpartition(".")
        if other == name or (name.count(".") >= 2 and other_parent != parent):
            continue
        score = difflib.SequenceMatcher(None, bare, other_bare).ratio()
        if score >= CUTOFF and (best is None or score > best[0]):
            best = (score, other)
    return best[1] if best else None


def catalog_candidates(catalog: Catalog) -> dict[str, str]:
    """Every name the catalog read, in the naming findings use (columns as schema.table.col),
    each with the `check` flag that names it."""
    flags = {"table": "--table", "function": "--function"}  # an enum type alone is no spec
    names: dict[str, str] = {name: flags[kind] for name, kind in catalog.near if kind in flags}
    names.update(dict.fromkeys(catalog.relations, "--table"))
    names.update(dict.fromkeys(catalog.functions, "--function"))
    names.update(
        {
            f"{key}.{col}": "--column"
            for key, rel in catalog.relations.items()
            for col in rel.columns
        }
    )
    return names


def suggest(findings: list[Finding], catalog: Catalog | None) -> None:
    """A failing object-missing finding one typo from a real name says so, and its fix
    checks the real name instead of creating the misspelt one."""
    if catalog is None:
        return
    candidates: dict[str, str] | None = None
    for finding in findings:
        if finding.cause is not Cause.OBJECT_MISSING or finding.status is not Status.FAIL:
            continue
        candidates = candidates if candidates is not None else catalog_candidates(catalog)
        for name in finding.objects:
            if (match := did_you_mean(name, candidates)) is not None:
                finding.summary = f"{finding.summary}: did you mean {match}?"
                finding.fix = f"pgrst-doctor check {candidates[match]} {shlex.quote(match)}"
                break
