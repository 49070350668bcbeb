"""Did-you-mean: close names are offered, distant ones are not, and only for failing
object-missing findings (a stale or passing finding keeps its words and fix)."""

from __future__ import annotations

from types import SimpleNamespace

from tui.core.checks.typos import catalog_names, complete, did_you_mean, suggest
from tui.core.model import Cause, Finding, Status
from tui.core.probes.catalog import Catalog, RoleInfo
from tui.core.specs import (
    parse_column,
    parse_enum_value,
    parse_function,
    parse_relationship,
    parse_table,
)


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


def _snapshot(schema: str, table: str, column: str, function: str, enum: str, label: str):
    """Only the fields the pickers read (the catalog probe's own tests cover the rest)."""
    rel = SimpleNamespace(schema=schema, name=table, columns=(column,))
    fn = SimpleNamespace(schema=schema, name=function)
    fk = SimpleNamespace(schema=schema, table=table, ref_schema="public", ref_table="orders")
    return SimpleNamespace(
        relations={f"{schema}.{table}": rel},
        functions={f"{schema}.{function}": [fn]},
        foreign_keys=[fk],
        enums={f"{schema}.{enum}": (label,)},
        near=(),
    )


def test_catalog_names_per_object_flag():
    snap = _snapshot("public", "order_items", "id", "order_total", "order_status", "paid")
    names = catalog_names(snap)
    assert names["--table"] == ["public.order_items"]
    assert names["--column"] == ["public.order_items.id"]
    assert names["--function"] == ["public.order_total"]
    assert names["--relationship"] == ["public.order_items:public.orders"]
    assert names["--enum-value"] == ["public.order_status:paid"]
    assert catalog_names(None) == {}


def test_completed_names_parse_back_to_the_catalog_objects():
    """A completion is typed into the object field as is: odd names must be quoted."""
    snap = _snapshot("Sales Data", 'My.Table "x"', "a:b", "f(x)", "st.atus", " two words")
    names = catalog_names(snap)
    table = parse_table(names["--table"][0])
    assert (table.schema, table.name) == ("Sales Data", 'My.Table "x"')
    assert parse_column(names["--column"][0]).column == "a:b"
    assert parse_function(names["--function"][0]).name == "f(x)"
    rel = parse_relationship(names["--relationship"][0])
    assert (rel.name, rel.target_name) == ('My.Table "x"', "orders")
    enum = parse_enum_value(names["--enum-value"][0])
    assert (enum.schema, enum.name, enum.label) == ("Sales Data", "st.atus", " two words")


def test_completion_begins_with_the_prefix_then_offers_a_close_name() -> None:
    names = ["public.invoices", "public.orders"]
    assert complete("public.inv", names) == "public.invoices"
    assert complete("PUBLIC.ORD", names) == "public.orders"
    assert complete("public.invoces", names) == "public.invoices"  # a typo, not a prefix
    assert complete("public.invoices", names) is None  # complete already
    assert complete("public.zzz", names) is None


def test_an_enum_label_typo_suggests_the_label_and_its_check() -> None:
    """The CLI's enum-value finding: a label one typo from a real one is answered with the
    check of that label, not ALTER TYPE ... ADD VALUE for the misspelt one."""
    catalog = Catalog(role=RoleInfo("anon", True),
                      enums={"public.order_status": ("pending", "paid", "refunded")})  # fmt: skip
    typo = Finding("object", Status.FAIL, "no label 'refundd'", cause=Cause.ENUM_VALUE_MISSING,
                   objects=["public.order_status:refundd"], fix="ALTER TYPE ...")  # fmt: skip
    new = Finding("object", Status.FAIL, "no label 'cancelled'", cause=Cause.ENUM_VALUE_MISSING,
                  objects=["public.order_status:cancelled"], fix="ALTER TYPE ...")  # fmt: skip
    wrong_type = Finding("object", Status.FAIL, "enum type does not exist",
                         cause=Cause.OBJECT_MISSING, objects=["public.order_statu:paid"], fix="x")  # fmt: skip
    suggest([typo, new, wrong_type], catalog)
    assert typo.summary.endswith("did you mean public.order_status:refunded?")
    assert typo.fix == "pgrst-doctor check --enum-value public.order_status:refunded"
    assert new.fix == "ALTER TYPE ..."  # no close label: the real fix stays
    assert wrong_type.fix == "pgrst-doctor check --enum-value public.order_status:paid"
    assert catalog_names(catalog)["--enum-value"][-1] == "public.order_status:refunded"


def test_near_names_are_needed_only_for_names_not_found_as_asked() -> None:
    """catalog.unfound: a table found by its name (in any schema) is what a typo of it would
    be matched to anyway; an enum type needs an enum of that name; a function always reads the
    near names; a name nobody said how it was asked reads them too."""
    from tui.core.probes.catalog import unfound

    rel = SimpleNamespace(name="orders")
    snap = SimpleNamespace(relations={"api.orders": rel}, enums={"public.status": ("a",)})
    names = frozenset({"orders", "status", "invoice", "order_total"})
    asked = {"orders": {"relation"}, "status": {"enum"}, "invoice": {"relation"},
             "order_total": {"function"}}  # fmt: skip
    assert unfound(names, asked, snap) == {"invoice", "order_total"}
    assert unfound(names, {**asked, "orders": {"relation", "enum"}}, snap) == {
        "orders", "invoice", "order_total"
    }  # fmt: skip
    assert unfound(names, {}, snap) == set(names)
