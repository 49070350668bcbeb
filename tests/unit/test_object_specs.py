"""Object spec parsers (--table, --column, --function, --relationship, --enum-value)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.errors import UsageError
from tui.core.model import ObjectKind
from tui.core.names import quote_ident
from tui.core.specs import (
    ObjectRef,
    parse_column,
    parse_enum_value,
    parse_function,
    parse_relationship,
    parse_table,
)


def test_table_with_and_without_schema() -> None:
    assert parse_table("api.orders") == ObjectRef(ObjectKind.TABLE, "api", "orders")
    assert parse_table("orders") == ObjectRef(ObjectKind.TABLE, "public", "orders")
    assert parse_table("  orders ").display == "public.orders"


def test_names_are_taken_as_written() -> None:
    assert parse_table("Public.Orders") == ObjectRef(ObjectKind.TABLE, "Public", "Orders")


def test_quoted_identifiers_may_hold_dots_quotes_and_colons() -> None:
    assert parse_table('"My.Schema"."My.Table"') == ObjectRef(
        ObjectKind.TABLE, "My.Schema", "My.Table"
    )
    assert parse_table('"say ""hi"""').name == 'say "hi"'
    assert parse_column('"a:b"."c.d"."e f"') == ObjectRef(
        ObjectKind.COLUMN, "a:b", "c.d", column="e f"
    )


def test_unicode_names() -> None:
    assert parse_table("öffentlich.bestellungen_äöü").schema == "öffentlich"
    assert parse_column("注文.数量").display == 'public."注文"."数量"'  # quoted as psql does
    assert parse_column('"注文"."数量"') == parse_column("注文.数量")


def test_relationship_by_constraint() -> None:
    ref = parse_relationship('test.zone:space!"zone_type_fk"')
    assert (ref.schema, ref.name, ref.target_schema, ref.target_name, ref.hint) == (
        "test", "zone", "test", "space", "zone_type_fk")  # fmt: skip
    assert ref.display == "test.zone:test.space!zone_type_fk"
    assert parse_relationship('a:"b!c"').target_name == "b!c"  # quoted: not a hint
    assert parse_relationship("a:b").hint is None


def test_column() -> None:
    assert parse_column("public.customers.email").display == "public.customers.email"
    assert parse_column("customers.email") == ObjectRef(
        ObjectKind.COLUMN, "public", "customers", column="email"
    )


def test_function_accepts_pgrst202_argument_list() -> None:
    assert parse_function("public.order_total") == ObjectRef(
        ObjectKind.FUNCTION, "public", "order_total"
    )
    assert parse_function("public.order_total(order_id)").display == "public.order_total"
    assert parse_function("order_total()").display == "public.order_total"


def test_relationship() -> None:
    ref = parse_relationship("public.order_items:public.products")
    assert ref.display == "public.order_items:public.products"
    # a missing target schema is the source's
    assert parse_relationship("api.a:b").display == "api.a:api.b"
    assert parse_relationship("a:b").display == "public.a:public.b"
    assert parse_relationship('"x:y":z').name == "x:y"


def test_enum_value() -> None:
    ref = parse_enum_value("public.order_status:refunded")
    assert (ref.schema, ref.name, ref.label) == ("public", "order_status", "refunded")
    assert parse_enum_value("mood:v1.2:beta").label == "v1.2:beta"  # label after first colon
    assert parse_enum_value('mood:" padded "').label == " padded "
    assert parse_enum_value("mood:é").display == "public.mood:é"


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        (parse_table, "", "needs a name"),
        (parse_table, "public.", "empty name"),
        (parse_table, ".orders", "empty name"),
        (parse_table, "a..b", "empty name"),
        (parse_table, "a.b.c", r"\[SCHEMA\.\]NAME"),
        (parse_table, '"unterminated', "unterminated"),
        (parse_table, 'or"ders', "double quote"),
        (parse_table, '"a"b', "after a quoted name"),
        (parse_table, '""', "empty name"),
        (parse_table, "x" * 64, "63-byte"),
        (parse_table, "é" * 32, "63-byte"),  # 64 bytes in UTF-8
        (parse_table, "ord\x00ers", "control"),
        (parse_table, '"tab\tname"', "control"),
        (parse_column, "customers", "TABLE.COLUMN"),
        (parse_column, "a.b.c.d", "TABLE.COLUMN"),
        (parse_function, "a.b.c", "NAME"),
        (parse_relationship, "orders", "FROM:"),
        (parse_relationship, "orders:", "FROM:"),
        (parse_relationship, ":orders", "FROM:"),
        (parse_enum_value, "order_status", "TYPE:LABEL"),
        (parse_enum_value, "order_status:", "empty name"),
        (parse_enum_value, ":x", "TYPE:LABEL"),
        (parse_enum_value, "t:" + "l" * 64, "63-byte"),
    ],
)
def test_malformed_specs_are_one_line_usage_errors(parser, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as err:
        parser(text)
    assert "\n" not in str(err.value)


def test_error_names_the_flag() -> None:
    with pytest.raises(UsageError, match=r"^--column "):
        parse_column("customers")


# -- properties ---------------------------------------------------------------------------------
identifiers = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30
).filter(lambda s: len(s.encode()) <= 63)


@given(identifiers, identifiers)
def test_table_round_trip(schema: str, name: str) -> None:
    ref = parse_table(f"{quote_ident(schema)}.{quote_ident(name)}")
    assert (ref.schema, ref.name) == (schema, name)


@given(identifiers, identifiers, identifiers)
def test_column_round_trip(schema: str, table: str, column: str) -> None:
    text = ".".join(quote_ident(p) for p in (schema, table, column))
    ref = parse_column(text)
    assert (ref.schema, ref.name, ref.column) == (schema, table, column)


@given(identifiers, identifiers, identifiers, identifiers)
def test_relationship_round_trip(s1: str, n1: str, s2: str, n2: str) -> None:
    text = f"{quote_ident(s1)}.{quote_ident(n1)}:{quote_ident(s2)}.{quote_ident(n2)}"
    ref = parse_relationship(text)
    assert (ref.schema, ref.name, ref.target_schema, ref.target_name) == (s1, n1, s2, n2)


@given(identifiers, identifiers, identifiers)
def test_enum_value_round_trip(schema: str, type_name: str, label: str) -> None:
    text = f"{quote_ident(schema)}.{quote_ident(type_name)}:{quote_ident(label)}"
    ref = parse_enum_value(text)
    assert (ref.schema, ref.name, ref.label) == (schema, type_name, label)


@given(st.text(max_size=80))
def test_parsers_never_crash(text: str) -> None:
    """Any input either parses or raises UsageError: never another exception."""
    for parser in (parse_table, parse_column, parse_function, parse_relationship, parse_enum_value):
        with contextlib.suppress(UsageError):
            parser(text)
