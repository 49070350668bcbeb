"""Did-you-mean: close names are offered, distant ones are not, and only for failing
object-missing findings (a stale or passing finding keeps its words and fix)."""

from __future__ import annotations

from tui.core.checks.typos import did_you_mean, suggest
from tui.core.model import Cause, Finding, Status
from tui.core.probes.catalog import Catalog, RoleInfo


def test_close_names_only() -> None:
    names = ["public.invoices", "public.orders", "public.products"]
    assert did_you_mean("public.invoice", names) == "public.invoices"
    assert did_you_mean("public.invoices", names) is None  # itself is not a suggestion
    assert did_you_mean("public.zzz", names) is None


def test_only_failing_missing_objects_get_a_suggestion() -> None:
    catalog = Catalog(role=RoleInfo("anon", True), near=(("public.invoices", "table"),))
    missing = Finding(
        "object",
        Status.FAIL,
        "public.invoice does not exist",
        cause=Cause.OBJECT_MISSING,
        objects=["public.invoice"],
        fix="x",
    )
    stale = Finding("drift", Status.FAIL, "stale", cause=Cause.STALE_CACHE,
                    objects=["public.invoice"], fix="NOTIFY")  # fmt: skip
    suggest([missing, stale], catalog)
    assert missing.summary.endswith("did you mean public.invoices?")
    assert missing.fix == "pgrst-doctor check --table public.invoices"
    assert stale.summary == "stale" and stale.fix == "NOTIFY"
