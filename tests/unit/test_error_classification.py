"""PostgREST error answers per version family. 11/12 bodies are the ones real PostgREST 11.2.2
and 12.0.2 answered in the sandbox here (drift applied, no NOTIFY); 13/14 bodies follow the
documented error table and messages."""

from __future__ import annotations

import json

import pytest

from tui.core.knowledge.errors import (
    EMPTY_404,
    ERROR_TABLES,
    classify,
    exposed_schemas_from_pgrst106,
    version_family,
)
from tui.core.model import Cause, ObjectKind

# -- measured on PostgREST 12.0.2 and 11.2.2 (identical bodies on both) -------------------------
MEASURED = {
    "new_column_write": (
        400,
        '{"code":"PGRST204","details":null,"hint":null,'
        "\"message\":\"Column 'loyalty_tier' of relation 'customers' does not exist\"}",
    ),
    "new_fk_embed": (
        400,
        '{"code":"PGRST200","details":"Searched for a foreign key relationship between '
        "'order_items' and 'products' in the schema 'public', but no matches were found.\","
        "\"hint\":\"Perhaps you meant 'orders' instead of 'products'.\","
        "\"message\":\"Could not find a relationship between 'order_items' and 'products' in "
        'the schema cache"}',
    ),
    "new_function": (
        404,
        '{"code":"PGRST202","details":"Searched for the function public.order_total with '
        'parameter order_id, but no matches were found in the schema cache.",'
        '"hint":"Perhaps you meant to call the function public.customer_order_count",'
        '"message":"Could not find the function public.order_total(order_id) in the schema '
        'cache"}',
    ),
    "bad_enum": (
        400,
        '{"code":"22P02","details":null,"hint":null,'
        '"message":"invalid input value for enum order_status: \\"nope\\""}',
    ),
    "dropped_table_read": (
        404,
        '{"code":"42P01","details":null,"hint":null,'
        '"message":"relation \\"public.invoices\\" does not exist"}',
    ),
    "missing_column_read": (
        400,
        '{"code":"42703","details":null,"hint":null,'
        '"message":"column customers.nocol does not exist"}',
    ),
    "schema_not_exposed": (
        406,
        '{"code":"PGRST106","details":null,"hint":null,'
        '"message":"The schema must be one of the following: public"}',
    ),
    "bad_jwt": (
        401,
        '{"code":"PGRST301","details":null,"hint":null,'
        '"message":"JWSError (JSONDecodeError \\"Not valid base64url\\")"}',
    ),
    "revoked": (
        401,
        '{"code":"42501","details":null,"hint":null,'
        '"message":"permission denied for table products"}',
    ),
    "new_table_write": (404, "{}"),
}


@pytest.mark.parametrize("version", ["12.0.2", "11.2.2"])
def test_measured_stale_answers(version: str) -> None:
    col = classify(version, *MEASURED["new_column_write"])
    assert (col.code, col.object_kind, col.may_be_stale) == ("PGRST204", ObjectKind.COLUMN, True)
    assert col.object_name() == "public.customers.loyalty_tier"

    rel = classify(version, *MEASURED["new_fk_embed"])
    assert rel.object_kind is ObjectKind.RELATIONSHIP and rel.may_be_stale
    assert rel.object_name() == "public.order_items:public.products"

    fn = classify(version, *MEASURED["new_function"])
    assert fn.object_kind is ObjectKind.FUNCTION and fn.may_be_stale
    assert fn.names["function"] == "public.order_total"
    assert fn.names["args"] == "order_id"
    assert fn.object_name() == "public.order_total"

    table = classify(version, *MEASURED["new_table_write"])
    assert (table.code, table.object_kind, table.may_be_stale) == (
        EMPTY_404,
        ObjectKind.TABLE,
        True,
    )
    assert table.cause_if_not_stale is Cause.OBJECT_MISSING


@pytest.mark.parametrize("version", ["12.0.2", "11.2.2"])
def test_measured_answers_that_are_never_the_cache(version: str) -> None:
    enum = classify(version, *MEASURED["bad_enum"])
    assert not enum.may_be_stale
    assert enum.object_kind is ObjectKind.ENUM
    assert enum.cause_if_not_stale is Cause.ENUM_VALUE_MISSING
    assert enum.object_name() == "public.order_status:nope"

    dropped = classify(version, *MEASURED["dropped_table_read"])
    assert (dropped.code, dropped.may_be_stale) == ("42P01", False)
    assert dropped.cause_if_not_stale is Cause.OBJECT_MISSING
    assert dropped.object_name() == "public.invoices"

    column = classify(version, *MEASURED["missing_column_read"])
    assert not column.may_be_stale
    assert column.object_name() == "public.customers.nocol"

    schema = classify(version, *MEASURED["schema_not_exposed"])
    assert schema.cause_if_not_stale is Cause.SCHEMA_NOT_EXPOSED
    assert not schema.may_be_stale

    jwt = classify(version, *MEASURED["bad_jwt"])
    assert jwt.cause_if_not_stale is Cause.AUTH_REJECTED

    grant = classify(version, *MEASURED["revoked"])
    assert grant.cause_if_not_stale is Cause.MISSING_PRIVILEGE
    assert grant.object_kind is ObjectKind.TABLE
    assert grant.object_name() == "public.products"


# -- v13 / v14 / v16: documented messages -------------------------------------------------------
PGRST205 = {
    "code": "PGRST205",
    "details": None,
    "hint": "Perhaps you meant the table 'public.orders'",
    "message": "Could not find the table 'public.invoices' in the schema cache",
}


@pytest.mark.parametrize("version", ["13.0.0", "13.0.7", "14.6", "14.12", "16.0"])
def test_pgrst205_is_a_table_missing_from_the_cache(version: str) -> None:
    result = classify(version, 404, PGRST205)
    assert result.family == "13"
    assert result.object_kind is ObjectKind.TABLE
    assert result.may_be_stale  # a new table; the catalog tells it from "never existed"
    assert result.cause_if_not_stale is Cause.OBJECT_MISSING
    assert result.object_name() == "public.invoices"


def test_pgrst205_is_unknown_to_the_12_table_but_found_by_fallback() -> None:
    assert "PGRST205" not in ERROR_TABLES["12"]
    assert classify("12.0.2", 404, PGRST205).code == "PGRST205"


def test_v12_0_3_and_later_pgrst204_wording() -> None:
    body = {
        "code": "PGRST204",
        "details": None,
        "hint": None,
        "message": "Could not find the 'loyalty_tier' column of 'customers' in the schema cache",
    }
    for version in ("12.2.3", "14.12", None):
        result = classify(version, 400, body)
        assert result.object_name() == "public.customers.loyalty_tier"
        assert result.may_be_stale


def test_v13_empty_404_is_not_a_stale_write() -> None:
    """On 13+ a stale write answers PGRST205; a bare 404 {} comes from something else."""
    assert EMPTY_404 not in ERROR_TABLES["13"]
    result = classify("14.6", 404, {})
    assert not result.may_be_stale
    assert result.object_kind is None


def test_v13_jwt_expired_is_pgrst303() -> None:
    body = {"code": "PGRST303", "details": None, "hint": None, "message": "JWT expired"}
    assert classify("13.0.1", 401, body).cause_if_not_stale is Cause.AUTH_REJECTED


def test_cache_load_failure_and_connection_errors() -> None:
    pgrst002 = {
        "code": "PGRST002",
        "details": None,
        "hint": None,
        "message": "Could not query the database for the schema cache. Retrying.",
    }
    result = classify("14.0", 503, pgrst002)
    assert result.cause_if_not_stale is Cause.CACHE_LOAD_FAILED and not result.may_be_stale
    pgrst000 = {"code": "PGRST000", "details": "connection refused", "hint": None,
                "message": "Database connection error. Retrying the connection."}  # fmt: skip
    assert classify("12.0.2", 503, pgrst000).cause_if_not_stale is Cause.DB_UNREACHABLE


def test_function_missing_in_database() -> None:
    body = {"code": "42883", "details": None, "hint": None,
            "message": "function public.order_total(bigint) does not exist"}  # fmt: skip
    result = classify("12.0.2", 404, body)
    assert result.object_kind is ObjectKind.FUNCTION
    assert result.names["function"] == "public.order_total"
    operator = {"code": "42883", "message": "operator does not exist: text = integer"}
    assert classify("12.0.2", 404, operator).object_kind is None


def test_non_enum_22p02_is_not_an_enum_problem() -> None:
    body = {"code": "22P02", "message": 'invalid input syntax for type uuid: "x"'}
    result = classify("12.0.2", 400, body)
    assert result.object_kind is None and result.cause_if_not_stale is None


def test_gateway_answers_without_a_code() -> None:
    body = {"message": "No API key found in request", "hint": "No `apikey` request header"}
    assert classify(None, 401, body).cause_if_not_stale is Cause.AUTH_REJECTED
    assert classify(None, 502, "<html>Bad Gateway</html>").cause_if_not_stale is (
        Cause.API_UNREACHABLE
    )


def test_unknown_code_is_marked_unknown() -> None:
    result = classify("12.0.2", 418, {"code": "XX999", "message": "teapot"})
    assert not result.known
    assert result.meaning == "teapot"


def test_body_may_be_bytes_text_or_dict() -> None:
    status, text = MEASURED["new_function"]
    as_dict = classify("12", status, json.loads(text))
    assert classify("12", status, text.encode()) == as_dict == classify("12", status, text)


@pytest.mark.parametrize(
    ("version", "family"),
    [
        ("12.0.2", "12"),
        ("11.2.2", "11"),
        ("10.1.2", "11"),
        ("13.0.7", "13"),
        ("14.6", "13"),
        ("16.0", "13"),
        ("v12.2.3", "12"),
        (None, "any"),
        ("", "any"),
        ("nightly", "any"),
    ],
)
def test_version_family(version: str | None, family: str) -> None:
    assert version_family(version) == family


def test_unknown_version_uses_the_most_general_table() -> None:
    assert classify(None, 404, {}).code == EMPTY_404  # from 11/12
    assert classify(None, 404, PGRST205).code == "PGRST205"  # from 13+


def test_every_table_entry_is_a_lookup_key() -> None:
    for family, table in ERROR_TABLES.items():
        for code, answer in table.items():
            assert code == answer.code, family
            assert answer.meaning


# -- PGRST106: exposed schemas, both message forms ----------------------------------------------
def test_exposed_schemas_up_to_v13_0_6() -> None:
    body = {
        "code": "PGRST106",
        "details": None,
        "hint": None,
        "message": "The schema must be one of the following: public, graphql_public",
    }
    assert exposed_schemas_from_pgrst106(body) == ["public", "graphql_public"]
    assert exposed_schemas_from_pgrst106(MEASURED["schema_not_exposed"][1]) == ["public"]


def test_exposed_schemas_from_v13_0_7_hint() -> None:
    body = {
        "code": "PGRST106",
        "details": None,
        "hint": "Only the following schemas are exposed: public, graphql_public",
        "message": "Invalid schema: nope",
    }
    assert exposed_schemas_from_pgrst106(body) == ["public", "graphql_public"]
    result = classify("13.0.7", 406, body)
    assert result.names["schema"] == "nope"
    assert result.cause_if_not_stale is Cause.SCHEMA_NOT_EXPOSED


def test_exposed_schemas_of_other_answers_is_empty() -> None:
    assert exposed_schemas_from_pgrst106(PGRST205) == []
    assert exposed_schemas_from_pgrst106("not json") == []
    assert exposed_schemas_from_pgrst106(None) == []


def _codes(*ranges: tuple[int, int]) -> set[str]:
    return {f"PGRST{n:03d}" for lo, hi in ranges for n in range(lo, hi + 1)}


def test_every_documented_code_has_an_entry() -> None:
    """PGRST000-003, 100-128, 200-205, 300-303 per family (gone: 104 by v12, 113 by v12,
    109/110/119 in v13; new: 121-123 in v12, 125-128/205/303 in v13)."""
    v13 = _codes((0, 3), (100, 128), (200, 205), (300, 303)) - _codes(
        (104, 104), (109, 110), (113, 113), (119, 119)
    )
    assert v13 <= set(ERROR_TABLES["13"])
    v12 = _codes((0, 3), (100, 124), (200, 204), (300, 302)) - _codes((104, 104), (113, 113))
    assert v12 <= set(ERROR_TABLES["12"])
    assert not {"PGRST205", "PGRST303", "PGRST125"} & set(ERROR_TABLES["12"])
    for pg_code in ("42P01", "42703", "42883", "42501", "22P02"):
        assert all(pg_code in table for table in ERROR_TABLES.values())


def test_22023_is_auth_only_for_a_missing_jwt_role() -> None:
    role = {"code": "22023", "message": 'role "ghost" does not exist'}
    result = classify("13.0.1", 401, role)
    assert result.cause_if_not_stale is Cause.AUTH_REJECTED
    assert result.names["role"] == "ghost"
    other = {"code": "22023", "message": "invalid value for parameter"}
    assert classify("14.0", 400, other).cause_if_not_stale is None


def test_pool_timeout() -> None:
    body = {"code": "PGRST003", "message": "Timed out acquiring connection from connection pool."}
    assert classify("12.0.2", 504, body).cause_if_not_stale is Cause.DB_UNREACHABLE


# measured on 12.0.2 and 11.2.2 (LedgerSMB's entity_note has two keys to entity)
AMBIGUOUS_EMBED = {
    "code": "PGRST201",
    "details": [
        {"cardinality": "many-to-one", "embedding": "entity_note with entity",
         "relationship": "entity_note_entity_id_fkey using entity_note(entity_id) and entity(id)"},
        {"cardinality": "many-to-one", "embedding": "entity_note with entity",
         "relationship": "entity_note_ref_key_fkey using entity_note(ref_key) and entity(id)"},
    ],
    "hint": "Try changing 'entity' to one of the following: 'entity!entity_note_entity_id_fkey', "
    "'entity!entity_note_ref_key_fkey'. Find the desired relationship in the 'details' key.",
    "message": "Could not embed because more than one relationship was found for 'entity_note' "
    "and 'entity'",
}  # fmt: skip


@pytest.mark.parametrize("version", ["12.0.2", "11.2.2"])
def test_an_ambiguous_embed_is_an_error_that_names_its_keys(version: str) -> None:
    """PostgREST answers PGRST201 and PGRST203 with 300 Multiple Choices (Error.hs:
    status300): errors, not answers. An embed is ambiguous in the cache; stale only when one
    of its keys is gone from the database (``may_be_stale``: the drift check decides)."""
    from tui.core.probes.replay import is_error

    assert is_error(300, AMBIGUOUS_EMBED) and is_error(400, {}) and not is_error(200, [])
    assert not is_error(300, "<html>a proxy's page</html>")
    rel = classify(version, 300, AMBIGUOUS_EMBED)
    assert (rel.code, rel.object_kind, rel.may_be_stale) == (
        "PGRST201",
        ObjectKind.RELATIONSHIP,
        True,
    )
    assert rel.object_name() == "public.entity_note:public.entity"
    assert rel.names["choices"] == (
        "'entity!entity_note_entity_id_fkey', 'entity!entity_note_ref_key_fkey'"
    )
