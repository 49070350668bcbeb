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
