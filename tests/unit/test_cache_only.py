"""The requests PostgREST answers from its cache alone (pure parts; on the real stack with an
audit trap: tests/integration/test_no_execute.py)."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote

import pytest

from tui.core.probes.cache_only import (
    MADE_UP_SUFFIX,
    NO_SUCH_EMBED,
    body_keys,
    cache_only,
    function,
    made_up_column,
    planned,
    relationship,
    table,
)
from tui.core.request import FailingRequest


def params(path: str) -> dict[str, str]:
    return dict(parse_qsl(path.partition("?")[2], keep_blank_values=True))


def columns_of(path: str) -> list[str]:
    return [c.strip('"') for c in params(path)["columns"].split(",")]


@pytest.mark.parametrize(
    "columns", [(), ("a",), ("zeta", "alpha"), ("~", "é", "Z"), ("x.y", 'q"uote')]
)
def test_the_made_up_column_sorts_after_every_real_one(columns):
    """PostgREST checks ?columns= in sorted order and names the first unknown one: the
    made-up name must come last, or a stale real column would hide behind it."""
    made_up = made_up_column(columns)
    assert made_up not in columns and made_up.endswith(MADE_UP_SUFFIX)
    assert sorted([*columns, made_up])[-1] == made_up


def test_writes_keep_method_filters_and_body_and_name_every_key_plus_the_made_up_column():
    req = FailingRequest("PATCH", "/orders?id=eq.1&select=*,customers(*)", b'{"status":"x"}')
    sent = cache_only(req)
    assert (sent.method, sent.body) == ("PATCH", b'{"status":"x"}')
    p = params(sent.path)
    assert p["id"] == "eq.1" and p["select"] == "*,customers(*)"
    assert columns_of(sent.path) == ["status", made_up_column(["status"])]


def test_a_given_columns_list_wins_over_the_body_and_put_keeps_its_filters():
    req = FailingRequest("PUT", "/t?id=eq.1&columns=id,b", b'{"id":1,"b":2,"c":3}')
    sent = cache_only(req)
    assert sent.method == "PUT" and params(sent.path)["id"] == "eq.1"
    assert columns_of(sent.path) == ["id", "b", made_up_column(["id", "b"])]


@pytest.mark.parametrize(
    ("content_type", "body", "keys"),
    [
        ("application/json", b'[{"a":1},{"b":2}]', ["a", "b"]),
        ("application/x-www-form-urlencoded", b"a=1&b=2", ["a", "b"]),
        ("text/csv", b"a,b\n1,2\n", ["a", "b"]),
        ("application/json", b"not json", []),
    ],
)
def test_body_keys_of_every_body_postgrest_takes(content_type, body, keys):
    assert body_keys(body, content_type) == keys


def test_a_delete_asks_for_its_table_only():
    sent = cache_only(FailingRequest("DELETE", "/orders?id=eq.1", headers={"Prefer": "x"}))
    assert (sent.method, sent.body) == ("POST", b"[]")
    assert columns_of(sent.path) == [made_up_column([])]
    assert "Prefer" not in sent.headers


@pytest.mark.parametrize(
    ("method", "path", "order"),
    [
        ("GET", "/orders?select=*,customers(*)", f"{NO_SUCH_EMBED}(x)"),
        ("HEAD", "/orders", f"{NO_SUCH_EMBED}(x)"),
        ("GET", "/orders?order=id.desc", f"id.desc,{NO_SUCH_EMBED}(x)"),
        ("GET", "/rpc/total?order_id=1", f"{NO_SUCH_EMBED}(x)"),
        ("POST", "/rpc/total", f"{NO_SUCH_EMBED}(x)"),
    ],
)
def test_reads_and_calls_fail_on_an_order_by_an_embed_that_is_not_there(method, path, order):
    req = FailingRequest(method, path, b'{"order_id": 1}' if method == "POST" else None)
    sent = cache_only(req)
    assert sent.method == ("GET" if method == "HEAD" else method)
    assert params(sent.path)["order"] == order
    assert sent.body == req.body  # an RPC's body names its arguments: kept for the lookup


def test_options_is_sent_as_it_is():
    req = FailingRequest("OPTIONS", "/orders")
    assert cache_only(req) == req


def test_shapes_quote_names_and_read_answers():
    t = table("s", "we ird", ("a.b",))
    assert unquote(t.path).startswith("/we ird?columns=")
    assert columns_of(unquote(t.path))[0] == "a.b"
    assert t.read(404, {}) is False
    assert t.read(400, {"code": "PGRST204", "message": f"Column 'a.b{MADE_UP_SUFFIX}'"}) is True
    assert t.read(400, {"code": "PGRST204", "message": "Column 'a.b' of relation"}) is False
    assert t.read(401, {"code": "PGRST301"}) is None
    r = relationship("s", "child", "parent", "fk")
    assert params(r.path)["select"] == '"parent"!"fk"(*)'
    assert r.read(400, {"code": "PGRST200", "message": "between 'child' and 'parent'"}) is False
    assert r.read(400, {"code": "PGRST108", "message": f"'{NO_SUCH_EMBED}' is not"}) is True
    f = function("s", "f", ("a",))
    assert params(f.path) == {'"a"': "0", "order": f"{NO_SUCH_EMBED}(x)"}
    # quoted, an argument named like a reserved parameter or a path is an argument still
    reserved = function("s", "f", ("select", "a.b", "x.limit"))
    assert list(params(reserved.path)) == ['"select"', '"a.b"', '"x.limit"', "order"]
    assert f.read(404, {"code": "PGRST202"}) is False
    assert f.read(400, {"code": "PGRST108", "message": f"'{NO_SUCH_EMBED}' is not"}) is True
    assert planned({"code": "PGRST200", "details": f"between 'f' and '{NO_SUCH_EMBED}'"})


def test_the_request_panel_says_nothing_ran_unless_sent_for_real():
    from tui.core.knowledge.errors import classify
    from tui.core.probes.replay import ReplayResult, summary

    body = {"code": "PGRST108", "message": f"'{NO_SUCH_EMBED}' is not an embedded resource"}
    resolved = ReplayResult("GET /t", 400, body, classify("12.0.2", 400, body), 1.0, "12.0.2",
                            planned=True)  # fmt: skip
    assert (
        resolved.ok
        and summary(resolved) == "GET /t: resolved by the cache (cache only, nothing ran)"
    )
    miss = {"code": "PGRST200", "message": "Could not find a relationship"}
    stale = ReplayResult("GET /t", 400, miss, classify("12.0.2", 400, miss), 1.0, "12.0.2")
    assert not stale.ok and summary(stale) == "GET /t: 400 PGRST200 (cache only, nothing ran)"
    real = ReplayResult("POST /t", 201, "", None, 1.0, "12.0.2", for_real=True)
    assert summary(real) == "POST /t -> 201 (sent for real, once)"
