"""Reading a pasted error: every form on-call may hold (bare message in each version's
wording, JSON body, log line, supabase-js object as console.log prints it, JSON escaped in a
JSON log) gives the code, the symptom and the objects; unqualified names are qualified
through the exposed schemas; text without an error is one clear line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.errors import UsageError
from tui.core.pasted_error import extract_fields, parse_error, qualify

# text -> (code, symptom, objects before qualification)
CASES = {
    # v11.0 - v12.0.2 wording (measured on 11.2.2 / 12.0.2)
    "Column 'loyalty_tier' of relation 'customers' does not exist":
        ("PGRST204", "missing-column", ["public.customers.loyalty_tier"]),
    # v12.0.3+ and v13+ wording
    "Could not find the 'loyalty_tier' column of 'customers' in the schema cache":
        ("PGRST204", "missing-column", ["public.customers.loyalty_tier"]),
    "Could not find a relationship between 'order_items' and 'products' in the schema cache":
        ("PGRST200", "missing-relationship", ["public.order_items:public.products"]),
    "Could not find the function public.order_total(order_id) in the schema cache":
        ("PGRST202", "missing-function", ["public.order_total"]),
    "Could not find the function api.ping without parameters in the schema cache":
        ("PGRST202", "missing-function", ["api.ping"]),
    "Could not find the table 'api.invoices' in the schema cache":
        ("PGRST205", "missing-table", ["api.invoices"]),
    # PostgreSQL's own answers passed through, and the bare 404 {} of 11-12
    "function public.f(integer) does not exist": ("42883", "missing-function", ["public.f"]),
    'column customers.nocol does not exist': ("42703", "missing-column", ["public.customers.nocol"]),
    'invalid input value for enum order_status: "refunded"':
        ("22P02", "enum-rejected", ["public.order_status:refunded"]),
    "POST /rest/v1/invoices 404 {}": ("404{}", "missing-table", []),
    # JSON body, log line, supabase-js objects, escaped JSON inside a JSON log
    '{"code":"PGRST205","details":null,"hint":"Perhaps you meant the table \'public.invoice\'",'
    '"message":"Could not find the table \'public.invoices\' in the schema cache"}':
        ("PGRST205", "missing-table", ["public.invoices"]),
    "12:01:09 ERROR insert failed: {\"code\":\"PGRST204\",\"message\":\"Could not find the "
    "'tier' column of 'customers' in the schema cache\"}":
        ("PGRST204", "missing-column", ["public.customers.tier"]),
    "{ code: 'PGRST200', details: \"Searched for a foreign key relationship between 'a' and "
    "'b' in the schema 'api', but no matches were found.\", hint: null, message: \"Could not "
    "find a relationship between 'a' and 'b' in the schema cache\" }":
        ("PGRST200", "missing-relationship", ["api.a:api.b"]),
    "PostgrestError: Could not find the function public.f(x) in the schema cache\n"
    "    at fetch (x.js:1:1) {\n  code: 'PGRST202',\n  details: 'Searched for the function '"
    " +\n    'public.f with parameter x',\n  hint: null\n}":
        ("PGRST202", "missing-function", ["public.f"]),
    '{"level":"error","body":"{\\"code\\":\\"PGRST202\\",\\"message\\":\\"Could not find the '
    'function api.f(a) in the schema cache\\"}"}':
        ("PGRST202", "missing-function", ["api.f"]),
}  # fmt: skip


@pytest.mark.parametrize("text", list(CASES), ids=[f"case{i}" for i in range(len(CASES))])
def test_every_form_gives_code_symptom_and_objects(text: str) -> None:
    code, symptom, objects = CASES[text]
    error = parse_error(text)
    assert (error.code, error.symptom) == (code, symptom)
    assert [o.display for o in error.objects] == objects


def test_js_strings_are_unescaped_and_joined() -> None:
    fields = extract_fields("{ code: 'X', message: 'it\\'s ' +\n 'split', hint: undefined }")
    assert fields == {"code": "X", "message": "it's split", "hint": None}


def test_unqualified_names_take_the_first_exposed_schema_that_holds_them() -> None:
    error = parse_error("Could not find the 'tier' column of 'customers' in the schema cache")
    assert [o.display for o in qualify(error, ["api", "shop"], {"shop.customers"})] == [
        "shop.customers.tier"
    ]
    # nowhere in the catalog: PostgREST looked in the request's default, the first exposed
    assert [o.display for o in qualify(error, ["api", "shop"], set())] == ["api.customers.tier"]


def test_a_qualified_name_is_kept() -> None:
    error = parse_error("Could not find the table 'public.invoices' in the schema cache")
    assert qualify(error, ["api"], {"api.invoices"}) == error.objects


def test_a_relationship_is_qualified_on_both_ends() -> None:
    error = parse_error("Could not find a relationship between 'a' and 'b' in the schema cache")
    assert [o.display for o in qualify(error, ["api"], {"api.a"})] == ["api.a:api.b"]


@pytest.mark.parametrize("text", ["", "   ", "the site is down", "x" * 70_000])
def test_text_without_an_error_is_one_clear_line(text: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_error(text)
    assert "\n" not in str(err.value) and len(str(err.value)) < 200


@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_any_text_is_an_error_or_one_usage_line(text: str) -> None:
    try:
        error = parse_error(text)
    except UsageError as err:
        assert "\n" not in str(err) and len(str(err)) <= 400
    else:
        assert error.code
