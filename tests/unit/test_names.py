"""Printed names follow PostgreSQL's quote_ident; probe names follow PostgREST's grammar."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.core.names import parse_qualified, qualified, quote_ident, signature, split_signature


def test_quote_ident_as_postgresql_does():
    # measured with SELECT quote_ident(...) on PostgreSQL 15
    cases = {"ab": "ab", "_x": "_x", "Ab": '"Ab"', "a b": '"a b"', "é": '"é"', "a$": '"a$"',
             "1a": '"1a"', "user": '"user"', "name": "name", 'a"b': '"a""b"'}  # fmt: skip
    assert {k: quote_ident(k) for k in cases} == cases


def test_qualified_names_are_unambiguous():
    assert qualified("test", "pgrst_reserved_chars", "x.y") == 'test.pgrst_reserved_chars."x.y"'
    assert qualified("test", "x.y") != qualified("test.x", "y")


@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=3))
def test_parse_qualified_reads_back_what_qualified_prints(parts):
    assert parse_qualified(qualified(*parts)) == parts


@given(
    st.lists(st.text(min_size=1, max_size=8), min_size=2, max_size=2),
    st.lists(
        st.sampled_from(
            ["integer", "text", "character varying", 'public."My T"', 'x."a,b"', "text[]"]
        ),
        max_size=3,
    ),
)
def test_split_signature_reads_back_what_signature_prints(parts, types):
    name = qualified(*parts)
    assert split_signature(signature(name, types)) == (name, tuple(types))


def test_a_name_without_arguments_is_no_signature():
    assert split_signature('public."f(x)"') == ('public."f(x)"', None)
    assert signature("public.f", ["integer", "text"]) == "public.f(integer, text)"
