"""`--request` parsing: METHOD + path (+ body), bare paths, full URLs, pasted curl commands.
Credentials in the pasted text never survive into the FailingRequest or an error message."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.errors import UsageError
from tui.core.request import FailingRequest, parse_request

SUPABASE = "http://127.0.0.1:54321/rest/v1"
PLAIN = "http://127.0.0.1:3000"
SECRET = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.aHVudGVyMg"


def test_method_and_path() -> None:
    req = parse_request("GET /orders?select=*,customers(*)", PLAIN)
    assert req == FailingRequest("GET", "/orders?select=*,customers(*)")
    assert req.display == "GET /orders?select=*,customers(*)"


def test_method_is_case_insensitive() -> None:
    assert parse_request("delete /orders?id=eq.1", PLAIN).method == "DELETE"


def test_body_after_the_path() -> None:
    req = parse_request('POST /invoices {"order_id": 1, "amount_cents": 100}', PLAIN)
    assert req.method == "POST"
    assert req.path == "/invoices"
    assert req.body == b'{"order_id": 1, "amount_cents": 100}'
    assert req.headers == {"Content-Type": "application/json"}


def test_bare_path_defaults_to_get_and_gets_a_slash() -> None:
    assert parse_request("/customers", PLAIN) == FailingRequest("GET", "/customers")
    assert parse_request("customers?select=id", PLAIN) == FailingRequest(
        "GET", "/customers?select=id"
    )


def test_bare_path_with_body_is_a_write() -> None:
    req = parse_request('/customers {"name": "x"}', PLAIN)
    assert (req.method, req.body) == ("POST", b'{"name": "x"}')


def test_api_root_is_stripped_from_paths_and_urls() -> None:
    assert parse_request("GET /rest/v1/orders", SUPABASE).path == "/orders"
    url = "http://127.0.0.1:54321/rest/v1/rpc/order_total?order_id=1"
    assert parse_request(url, SUPABASE) == FailingRequest("GET", "/rpc/order_total?order_id=1")
    assert parse_request("http://127.0.0.1:54321/rest/v1", SUPABASE).path == "/"


def test_full_url_on_another_host_is_refused() -> None:
    with pytest.raises(UsageError, match=r"xyz\.supabase\.co:443, not at the API 127\.0\.0\.1"):
        parse_request("https://xyz.supabase.co/rest/v1/orders", SUPABASE)


def test_full_url_on_another_port_is_refused() -> None:
    with pytest.raises(UsageError, match="not at the API"):
        parse_request("http://127.0.0.1:3001/orders", PLAIN)


def test_full_url_outside_the_api_root_is_refused() -> None:
    with pytest.raises(UsageError, match="not under the API root /rest/v1/"):
        parse_request("http://127.0.0.1:54321/auth/v1/user", SUPABASE)


def test_apikey_query_parameter_is_dropped() -> None:
    req = parse_request(f"GET /orders?apikey={SECRET}&select=id", PLAIN)
    assert req.path == "/orders?select=id"
    assert SECRET not in repr(req)


def test_supabase_js_curl() -> None:
    text = f"""curl 'http://127.0.0.1:54321/rest/v1/invoices' \\
      -X POST \\
      -H 'apikey: {SECRET}' \\
      -H "Authorization: Bearer {SECRET}" \\
      -H 'Content-Type: application/json' \\
      -H 'Prefer: return=minimal' \\
      -H 'Cookie: session={SECRET}' \\
      --data-raw '{{"order_id": 1, "amount_cents": 100}}'"""
    req = parse_request(text, SUPABASE)
    assert req.method == "POST"
    assert req.path == "/invoices"
    assert req.body == b'{"order_id": 1, "amount_cents": 100}'
    assert req.headers == {"Content-Type": "application/json", "Prefer": "return=minimal"}
    assert SECRET not in repr(req)


def test_curl_data_without_method_is_a_post_form() -> None:
    req = parse_request("curl -s http://127.0.0.1:3000/customers -d name=Linus", PLAIN)
    assert (req.method, req.body) == ("POST", b"name=Linus")
    assert req.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_curl_attached_values_and_combined_flags() -> None:
    req = parse_request(
        "curl -sSXPATCH -H'Accept-Profile: api' 'http://127.0.0.1:3000/t?id=eq.1' --json '{}'",
        PLAIN,
    )
    assert req.method == "PATCH"
    assert req.headers == {
        "Accept-Profile": "api",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    assert req.body == b"{}"


def test_curl_get_with_data_moves_it_to_the_query() -> None:
    req = parse_request("curl -G http://127.0.0.1:3000/t -d select=id -d id=eq.1", PLAIN)
    assert req == FailingRequest("GET", "/t?select=id&id=eq.1")


def test_curl_head() -> None:
    assert parse_request("curl -I http://127.0.0.1:3000/t", PLAIN).method == "HEAD"


def test_curl_user_password_is_dropped() -> None:
    req = parse_request(f"curl -u admin:{SECRET} http://127.0.0.1:3000/t", PLAIN)
    assert req == FailingRequest("GET", "/t")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("GET", "path is missing"),
        ("curl -H 'apikey: x'", "no URL"),
        ("curl 'http://127.0.0.1:3000/t", "unbalanced quote"),
        ("curl -X BREW http://127.0.0.1:3000/t", "unsupported HTTP method"),
        ("curl -d @body.json http://127.0.0.1:3000/t", "paste the body"),
        ("curl -F f=@x http://127.0.0.1:3000/t", "uploads"),
        ("ftp://127.0.0.1:3000/t", "http:// or https://"),
        ("GET /t\x00x", "control characters"),
        ("http://127.0.0.1:30x0/t", "port"),
    ],
)
def test_bad_requests_are_one_line(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as err:
        parse_request(text, PLAIN)
    assert "\n" not in str(err.value)


def test_errors_never_echo_pasted_secrets() -> None:
    with pytest.raises(UsageError) as err:
        parse_request(f"curl -H 'apikey: {SECRET}' https://evil.example/rest/v1/t", PLAIN)
    assert SECRET not in str(err.value)


@given(st.text(max_size=120))
def test_parser_never_crashes(text: str) -> None:
    try:
        req = parse_request(text, SUPABASE)
    except UsageError:
        return
    assert req.path.startswith("/")
    assert req.method in {"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"}


def test_overlong_path_and_control_characters_in_the_body() -> None:
    with pytest.raises(UsageError, match="longer than 16 KiB"):
        parse_request("GET /" + "p" * 20_000, PLAIN)
    with pytest.raises(UsageError, match="body contains control characters"):
        parse_request('POST /t {"a": "\x01"}', PLAIN)
    assert parse_request('POST /t {"a":\n 1}', PLAIN).body == b'{"a":\n 1}'


def test_word_in_capitals_is_an_unknown_method_not_a_path() -> None:
    with pytest.raises(UsageError, match="unsupported HTTP method 'FETCH'"):
        parse_request("FETCH /orders", PLAIN)
    assert parse_request("/FETCH", PLAIN).path == "/FETCH"


def test_loopback_spellings_are_the_same_host() -> None:
    req = parse_request("http://localhost:54321/rest/v1/orders", SUPABASE)
    assert req.path == "/orders"


def test_malformed_url_host_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="malformed"):
        parse_request("http://[::1/orders", PLAIN)


@given(
    st.sampled_from(["", "GET ", "POST /t ", "curl ", "curl -X ", "http://", "https://[", "/"]),
    st.text(max_size=60),
)
def test_parser_never_crashes_on_request_shaped_text(prefix: str, tail: str) -> None:
    with contextlib.suppress(UsageError):
        parse_request(prefix + tail, SUPABASE)


def test_malformed_curl_header_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="header is malformed"):
        parse_request("curl -H 'Bad Name: x' http://127.0.0.1:3000/t", PLAIN)
    with pytest.raises(UsageError, match="header is malformed"):
        parse_request("curl -H 'Prefer: a\x01b' http://127.0.0.1:3000/t", PLAIN)


def test_raw_http_request_keeps_profile_headers_and_drops_credentials() -> None:
    raw = (
        "POST /rest/v1/zone?columns=id HTTP/1.1\r\n"
        "Host: 127.0.0.1:54321\r\n"
        f"Authorization: Bearer {SECRET}\r\n"
        f"apikey: {SECRET}\r\n"
        "Content-Profile: test\r\n"
        "\r\n"
        '{"id": 1}'
    )
    req = parse_request(raw, SUPABASE)
    assert (req.method, req.path, req.body) == ("POST", "/zone?columns=id", b'{"id": 1}')
    assert req.headers == {"Content-Profile": "test", "Content-Type": "application/json"}
    assert SECRET not in repr(req)


def test_raw_http_get_without_body_and_a_malformed_header() -> None:
    req = parse_request("GET /zone?select=id HTTP/1.1\nAccept-Profile: test\n", PLAIN)
    assert (req.path, req.body, req.headers) == (
        "/zone?select=id",
        None,
        {"Accept-Profile": "test"},
    )
    with pytest.raises(UsageError, match="header line"):
        parse_request(f"GET /zone HTTP/1.1\nnot a header {SECRET}", PLAIN)
