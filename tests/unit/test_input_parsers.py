"""Property tests for everything the user types: object specs, targets, keys, requests.

The contract for bad input: a parser returns a value or raises ``UsageError`` whose
message is one short line — never another exception, never a traceback, never a secret.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from tui.core.errors import UsageError
from tui.core.names import quote_ident
from tui.core.request import parse_request
from tui.core.specs import (
    NAMEDATALEN,
    SPEC_PARSERS,
    parse_column,
    parse_enum_value,
    parse_function,
    parse_relationship,
    parse_table,
)
from tui.core.target import (
    mask_url,
    resolve_target,
    validate_api_url,
    validate_channel,
    validate_db_url,
    validate_key,
    validate_timeout,
)

MAX_MESSAGE = 400  # "one clear line": an error never echoes a megabyte back at the user
PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that stresses a spec grammar: its separators, quotes, blanks, unicode and controls.
SPEC_ALPHABET = st.sampled_from([*list("ab.\":() ;-'\\\t\n\x00Öß漢🙂"), '""', "public."])
spec_text = st.one_of(
    st.text(),
    st.lists(SPEC_ALPHABET, max_size=40).map("".join),
    st.text(min_size=60, max_size=400),
)

# Identifiers PostgreSQL accepts: non-empty, no control characters, at most 63 bytes.
identifier = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs")),
        min_size=1,
        max_size=63,
    )
    .filter(lambda s: len(s.encode()) <= NAMEDATALEN)
    .filter(lambda s: s.strip() == s)  # bare names are stripped; quoting keeps blanks inside
)


def _calm(message: str) -> None:
    assert message, "an empty error message explains nothing"
    assert "\n" not in message and "\r" not in message, message
    assert len(message) <= MAX_MESSAGE, f"{len(message)} characters: {message[:120]}…"


def _valid_ident(name: str | None) -> None:
    assert name, "empty identifier"
    assert "\x00" not in name
    assert len(name.encode()) <= NAMEDATALEN


@pytest.mark.parametrize("kind", sorted(SPEC_PARSERS))
@PROPS
@given(text=spec_text)
@example(text='x"; DROP TABLE customers; --')
@example(text="public." + "a" * 100_000)
@example(text='"unterminated')
@example(text="\x00")
def test_spec_parsers_return_a_ref_or_one_usage_line(kind: str, text: str):
    try:
        ref = SPEC_PARSERS[kind](text)
    except UsageError as err:
        _calm(str(err))
        return
    for name in (ref.schema, ref.name, ref.column, ref.target_schema, ref.target_name):
        if name is not None:
            _valid_ident(name)


@PROPS
@given(schema=identifier, name=identifier)
def test_table_spec_round_trips_any_identifier(schema: str, name: str):
    ref = parse_table(f"{quote_ident(schema)}.{quote_ident(name)}")
    assert (ref.schema, ref.name) == (schema, name)


@PROPS
@given(schema=identifier, table=identifier, column=identifier)
def test_column_spec_round_trips_any_identifier(schema: str, table: str, column: str):
    ref = parse_column(".".join(map(quote_ident, (schema, table, column))))
    assert (ref.schema, ref.name, ref.column) == (schema, table, column)


@PROPS
@given(schema=identifier, name=identifier)
def test_function_spec_round_trips_any_identifier(schema: str, name: str):
    ref = parse_function(f"{quote_ident(schema)}.{quote_ident(name)}")
    assert (ref.schema, ref.name) == (schema, name)


@PROPS
@given(a=identifier, b=identifier, c=identifier, d=identifier)
def test_relationship_spec_round_trips_any_identifier(a: str, b: str, c: str, d: str):
    text = f"{quote_ident(a)}.{quote_ident(b)}:{quote_ident(c)}.{quote_ident(d)}"
    ref = parse_relationship(text)
    assert (ref.schema, ref.name, ref.target_schema, ref.target_name) == (a, b, c, d)


@PROPS
@given(schema=identifier, type_name=identifier, label=identifier)
def test_enum_value_spec_round_trips_a_quoted_label(schema: str, type_name: str, label: str):
    quoted = '"' + label.replace('"', '""') + '"'
    ref = parse_enum_value(f"{quote_ident(schema)}.{quote_ident(type_name)}:{quoted}")
    assert (ref.schema, ref.name, ref.label) == (schema, type_name, label)


def test_sql_injection_text_is_one_identifier_not_sql():
    ref = parse_table('public."x""; DROP TABLE customers; --"')
    assert (ref.schema, ref.name) == ("public", 'x"; DROP TABLE customers; --')


@pytest.mark.parametrize(
    "parser, text",
    [
        (parse_table, "a.b.c"),
        (parse_table, "public."),
        (parse_table, '"a"b'),
        (parse_column, "only_one"),
        (parse_relationship, "orders"),
        (parse_enum_value, "mood"),
        (parse_table, "x" * 64),
        (parse_table, "ö" * 32),  # 64 bytes in UTF-8
    ],
)
def test_malformed_and_overlong_specs_are_refused(parser, text: str):
    with pytest.raises(UsageError) as err:
        parser(text)
    _calm(str(err.value))


# -- targets ------------------------------------------------------------------------------------

URL_ALPHABET = st.sampled_from(
    [
        *list(string.ascii_letters + string.digits + ":/@?#&=%[]., -_\t\n\x00ö"),
        "postgresql://",
        "postgres://",
        "http://",
        "https://",
        "127.0.0.1",
        ":5432",
        "@",
    ]
)
url_text = st.one_of(st.text(), st.lists(URL_ALPHABET, max_size=30).map("".join))


@PROPS
@given(text=url_text)
@example(text="postgresql://u:p@host:99999/db")
@example(text="postgresql://u:p@[::1/db")
@example(text="postgresql://u:p@/db")
@example(text="http://[::1")
@example(text="http://h:0")
@example(text="postgresql://" + "h" * 200_000)
def test_url_validators_return_a_url_or_one_usage_line(text: str):
    for validate in (validate_db_url, validate_api_url):
        try:
            validate(text)
        except UsageError as err:
            _calm(str(err))


@pytest.mark.parametrize(
    "flags",
    [
        {"db_url": "postgresql://u:p@[::1/db"},
        {"db_url": "postgresql://u:p@[::1]x/db"},
        {"api_url": "http://[::1"},
        {"admin_url": "http://[::1/"},
    ],
)
def test_broken_ipv6_literals_are_one_usage_line_or_a_usable_target(flags, tmp_path):
    try:
        target = resolve_target(flags, env={}, cwd=tmp_path)
    except UsageError as err:
        _calm(str(err))
        return
    assert isinstance(target.is_loopback, bool)
    assert target.db_name


@PROPS
@given(text=st.text())
def test_key_timeout_and_channel_validators_never_crash(text: str):
    for validate in (lambda t: validate_key(t, "--api-key"), validate_timeout, validate_channel):
        try:
            validate(text)
        except UsageError as err:
            _calm(str(err))


PASSWORD = "pw-Zq81xKc7"  # planted; must never appear in a message or a masked URL
password_in_url = st.tuples(
    st.sampled_from(["postgresql", "postgres", "http", "https", "mysql", ""]),
    st.sampled_from(["", "host", "127.0.0.1", "[::1]", "[::1", "h1,h2"]),
    st.sampled_from(["", ":5432", ":99999", ":abc", ":0", ":"]),
    st.sampled_from(["", "/postgres", "/db?sslmode=require", "/db#x", "/a/b"]),
    st.text(alphabet="@:/?#%&= ", max_size=3),
)


@PROPS
@given(parts=password_in_url)
def test_a_password_in_a_db_url_never_reaches_a_message_or_a_mask(parts):
    scheme, host, port, path, noise = parts
    prefix = f"{scheme}://" if scheme else ""
    url = f"{prefix}user:{PASSWORD}{noise}@{host}{port}{path}"
    assert PASSWORD not in mask_url(url)
    for flag in ("db_url", "api_url", "admin_url"):
        try:
            resolve_target({flag: url}, env={}, cwd=None)
        except UsageError as err:
            _calm(str(err))
            assert PASSWORD not in str(err)


@PROPS
@given(
    flags=st.fixed_dictionaries(
        {},
        optional={
            "db_url": url_text,
            "api_url": url_text,
            "admin_url": url_text,
            "api_key": st.text(max_size=80),
            "service_key": st.text(max_size=80),
            "timeout": st.one_of(st.text(max_size=8), st.floats(), st.integers()),
            "channel": st.text(max_size=80),
        },
    )
)
def test_resolve_target_returns_a_target_or_one_usage_line(flags, tmp_path_factory):
    cwd = tmp_path_factory.mktemp("nowhere")
    try:
        target = resolve_target(flags, env={}, cwd=cwd)
    except UsageError as err:
        _calm(str(err))
        return
    assert target.timeout > 0
    # the derived views of a validated target never raise either
    assert isinstance(target.is_loopback, bool)
    assert target.db_name and target.db_host is not None and target.api_host is not None
    shown = target.masked()
    for flag, secret in (("api_key", target.api_key), ("service_key", target.service_key)):
        if secret and len(secret) > 8:
            assert secret not in shown[flag]


# -- the failing request ------------------------------------------------------------------------

REQUEST_ALPHABET = st.sampled_from(
    [
        *list("GET POST /orders?select=*,c(*) {}\"'\\$`;|&<>\n\t\x00"),
        "curl ",
        "-H ",
        "-X ",
        "-d ",
        "--json ",
        "http://127.0.0.1:3000",
        "'",
    ]
)
request_text = st.one_of(st.text(), st.lists(REQUEST_ALPHABET, max_size=30).map("".join))


@PROPS
@given(text=request_text)
@example(text="curl -H 'unterminated")
@example(text="curl http://evil.example/orders")
@example(text="GET /" + "a" * 100_000)
def test_parse_request_returns_a_request_or_one_usage_line(text: str):
    try:
        request = parse_request(text, "http://127.0.0.1:3000")
    except UsageError as err:
        _calm(str(err))
        return
    assert request.path.startswith("/")


TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.planted-signature"


@PROPS
@given(
    header=st.sampled_from(["Authorization: Bearer ", "apikey: ", "Cookie: sb=", "X-Api-Key: "]),
    path=st.sampled_from(["/orders", "/rpc/fn?x=1", "/t?select=*"]),
    param=st.sampled_from(["", "apikey", "access_token", "token"]),
)
def test_secrets_in_a_pasted_curl_are_dropped(header: str, path: str, param: str):
    url = f"http://127.0.0.1:3000{path}"
    if param:
        url += ("&" if "?" in url else "?") + f"{param}={TOKEN}"
    request = parse_request(f"curl '{url}' -H '{header}{TOKEN}'", "http://127.0.0.1:3000")
    assert TOKEN not in repr(request)
    assume(request.path)  # always set; keeps hypothesis from calling this test trivial
