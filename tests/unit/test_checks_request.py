"""The failing request: the objects it names, and the key's role (its cache-only form:
test_cache_only.py)."""

from __future__ import annotations

import base64
import json

from tui.core.checks.request import objects_in
from tui.core.model import ObjectKind
from tui.core.probes.base import redact
from tui.core.probes.cache_only import rpc_args
from tui.core.probes.roles import request_role
from tui.core.request import FailingRequest
from tui.core.target import Target


def jwt(claims: dict) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return f"{b64(b'{}')}.{b64(json.dumps(claims).encode())}.signature"


def test_objects_of_a_write_with_an_embed():
    req = FailingRequest("POST", "/orders?select=*,customers(*),items:order_items!fk(id)",
                         b'{"status": "paid", "note": "x"}')  # fmt: skip
    refs = {(str(r.kind), r.display) for r in objects_in(req, "public")}
    assert refs == {
        ("table", "public.orders"),
        ("relationship", "public.orders:public.customers"),
        ("relationship", "public.orders:public.order_items"),
        ("column", "public.orders.status"),
        ("column", "public.orders.note"),
    }


def test_nested_and_spread_embeds_belong_to_the_embed_that_holds_them():
    """PostgREST resolves ``a(b(c))`` as a->b, then b->c: an embed's parent is the embed
    around it, not the path's table; ``...x(...)`` spreads an embed; ``count()`` is none."""
    req = FailingRequest(
        "GET",
        "/film?select=title,film_actor(actor!inner(first_name)),...language(name),"
        "n:count(),store(staff(id,address(*)))",
    )
    rels = [r.display for r in objects_in(req, "public") if r.kind is ObjectKind.RELATIONSHIP]
    assert rels == [
        "public.film:public.film_actor", "public.film_actor:public.actor",
        "public.film:public.language", "public.film:public.store", "public.store:public.staff",
        "public.staff:public.address",
    ]  # fmt: skip


def test_select_lists_name_plain_columns_only():
    req = FailingRequest(
        "GET", "/customers?select=id,nick:username::text,doc->a,total:count(),x(*)"
    )
    cols = [r.column for r in objects_in(req, "public") if r.kind is ObjectKind.COLUMN]
    assert cols == ["id", "username"]


def test_a_form_or_csv_body_names_the_columns_it_writes():
    """PostgREST reads a body by its Content-Type: a form's keys and a CSV header line are
    the columns written, as a JSON object's keys are."""
    for body, media in [(b"v=1&id=2", "application/x-www-form-urlencoded"),
                        (b"v,id\n1,2\n", "text/csv")]:  # fmt: skip
        req = FailingRequest("POST", "/t", body, headers={"Content-Type": media})
        cols = [r.column for r in objects_in(req, "app") if r.kind is ObjectKind.COLUMN]
        assert cols == ["v", "id"], media


def test_objects_of_an_rpc_call_and_a_profile():
    req = FailingRequest("GET", "/rpc/total?order_id=1", headers={"Accept-Profile": "api"})
    [ref] = objects_in(req, "public")
    assert (ref.kind, ref.display) == (ObjectKind.FUNCTION, "api.total")
    assert rpc_args(req, "total") == ("order_id",)
    # filters on a SETOF result are no arguments (they carry an operator); on POST the
    # arguments are the body's keys only
    req = FailingRequest("GET", "/rpc/total?order_id=john.doe&secret=eq.x&c.n=in.(1)&c.order=n")
    assert rpc_args(req, "total") == ("order_id",)
    req = FailingRequest("POST", "/rpc/total?secret=eq.x", b'{"a": 1}',
                         {"Content-Type": "application/json"})  # fmt: skip
    assert rpc_args(req, "total") == ("a",)


def test_request_role_from_the_key_without_verifying_it():
    assert request_role(None, "anon") == "anon"
    assert request_role(None, "web_anon") == "web_anon"
    assert request_role(None, None) is None  # no key, anon role unknown: never guessed
    assert request_role(jwt({"role": "service_role"}), None) == "service_role"
    assert request_role(jwt({"sub": "x"}), "web_anon") == "web_anon"
    assert request_role("not-a-jwt", "anon") == "anon"
    assert request_role("sb_secret_abc", None) == "service_role"
    assert request_role("sb_publishable_abc", None) == "anon"


def test_secrets_never_survive_redaction():
    key = jwt({"role": "anon"})
    target = Target(db_url="postgresql://postgres:hunter22@db:5432/x", api_url="http://a",
                    api_key=key)  # fmt: skip
    text = redact(f"failed for {key} with password hunter22", target)
    assert key not in text and "hunter22" not in text


def test_profile_headers_choose_the_schema_of_a_request() -> None:
    """A request goes to db-schemas' first schema unless Accept-Profile (reads) or
    Content-Profile (writes) names another."""
    plain = objects_in(FailingRequest("GET", "/zone?select=id"), "test")
    assert {r.schema for r in plain} == {"test"}
    read = FailingRequest("GET", "/zone?select=id", headers={"Accept-Profile": "api"})
    write = FailingRequest("POST", "/zone", b'{"id": 1}', {"Content-Profile": "api"})
    assert {r.schema for r in objects_in(read, "test")} == {"api"}
    assert {r.schema for r in objects_in(write, "test")} == {"api"}


# (method, path, body, Prefer, primary key or None, every (relation, column, privilege))
COLUMN_USES = [
    ("GET", "/t?select=id,kids:c(name)&kids.age=gt.3&order=e.desc,kids(f)", None, "", None,
     {("t", "id", "SELECT"), ("c", "name", "SELECT"), ("c", "age", "SELECT"),
      ("t", "e", "SELECT"), ("c", "f", "SELECT")}),
    ("GET", '/t?select=a:x::text,doc->>k,n.sum()&or=(a.eq.1,not.and(b.gt.2,"c d".is.null))', None,
     "", None, {("t", c, "SELECT") for c in ("x", "doc", "n", "a", "b", "c d")}),
    ("GET", "/t?g=not.eq.1&h->>k=eq.2&arg=plain&limit=1", None, "", None,
     {("t", "*", "SELECT"), ("t", "g", "SELECT"), ("t", "h", "SELECT")}),
    # PATCH/DELETE: the filters are the WHERE; ORDER BY only with a limit
    ("PATCH", "/t?id=eq.1&order=x", b'{"v": 1}', "", None,
     {("t", "v", "UPDATE"), ("t", "id", "SELECT")}),
    ("DELETE", "/t?id=eq.1&order=x&limit=1", None, "", None,
     {("t", "id", "SELECT"), ("t", "x", "SELECT")}),
    # RETURNING: the select list and the primary key
    ("POST", "/t?select=v", b'{"v": 1}', "return=representation", ("id",),
     {("t", "v", "INSERT"), ("t", "v", "SELECT"), ("t", "id", "SELECT")}),
    # on_conflict= counts only with a resolution; without one, the primary key is the target
    ("POST", "/t?on_conflict=k", b'{"v": 1}', "", ("id",), {("t", "v", "INSERT")}),
    ("POST", "/t", b'{"v": 1}', "resolution=ignore-duplicates", ("id",),
     {("t", "v", "INSERT"), ("t", "id", "SELECT")}),
    ("POST", "/t?on_conflict=k", b'{"v": 1}', "resolution=merge-duplicates", ("id",),
     {("t", "k", "SELECT"), *(("t", "v", p) for p in ("INSERT", "UPDATE", "SELECT"))}),
    # no primary key, no on_conflict: no ON CONFLICT clause, a plain INSERT
    ("POST", "/t", b'{"v": 1}', "resolution=merge-duplicates", (), {("t", "v", "INSERT")}),
    # an empty select= reads every column (defSelect), in an embed too; RETURNING, the key
    ("GET", "/t?select=", None, "", None, {("t", "*", "SELECT")}),
    ("GET", "/t?select=id,c()", None, "", None, {("t", "id", "SELECT"), ("c", "*", "SELECT")}),
    ("GET", "/t?select=c(name)", None, "", None, {("c", "name", "SELECT")}),
    ("GET", "/t?select=(x", None, "", None, {("t", "*", "SELECT")}),
    ("GET", "/t?select= $a,...c(b)", None, "", None, {("t", "$a", "SELECT"), ("c", "b", "SELECT")}),
    ("POST", "/t?select=", b'{"v": 1}', "return=representation", ("id",),
     {("t", "v", "INSERT"), ("t", "id", "SELECT")}),
    # a value without an operator is no filter (an RPC argument): john.doe is no operator
    ("GET", "/t?select=id&e=john.doe&f=fts(english).x&g=eq(any).{1}", None, "", None,
     {("t", "id", "SELECT"), ("t", "f", "SELECT"), ("t", "g", "SELECT")}),
    # columns= names the columns written, a comma inside double quotes is the name's
    ("POST", '/t?columns="a,b",c', b'{"z": 1}', "", None, {("t", "a,b", "INSERT"), ("t", "c", "INSERT")}),
    # PUT: its target is the primary key; its filters apply to the body, not the table
    ("PUT", "/t?id=eq.1&on_conflict=k", b'{"id": 1}', "", ("id",),
     {("t", "id", p) for p in ("SELECT", "INSERT", "UPDATE")}),
]  # fmt: skip


def test_the_columns_a_request_makes_postgresql_check():
    from tui.core.checks.request_columns import request_columns

    for method, path, body, prefer, key, wanted in COLUMN_USES:
        headers = {"Prefer": prefer} if prefer else {}
        found = request_columns(FailingRequest(method, path, body, headers), key)
        got = {(r, c, p) for (r, c), privileges in found.uses.items() for p in privileges}
        assert got == wanted, (method, path)
