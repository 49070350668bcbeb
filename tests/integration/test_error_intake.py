"""`check --error TEXT`: start from the error in hand. The real answers PostgREST 12.0.2 and
11.2.2 give for each drift (captured live, pasted as body, as a log line and as the object
supabase-js logs) and the v13+ wording of PGRST200/202/204/205 (from PostgREST's Error.hs at
v13/v14), each diagnosed at once: the symptom and the stale object come from the error."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tui.cli import main
from tui.sandbox import Cluster, Sandbox

pytestmark = pytest.mark.integration

DRIFT = ["missing-table", "missing-column", "missing-relationship", "missing-function"]
# what the live API is asked -> (symptom, stale object) the pasted answer must lead to
LIVE = {
    "PGRST204": ("POST", "/customers", {"name": "x", "loyalty_tier": "gold"},
                 "missing-column", "public.customers.loyalty_tier"),
    "PGRST200": ("GET", "/order_items?select=*,products(*)", None,
                 "missing-relationship", "public.order_items:public.products"),
    "PGRST202": ("GET", "/rpc/order_total?order_id=1", None,
                 "missing-function", "public.order_total"),
}  # fmt: skip
# v13+ wording (v14.0:src/PostgREST/Error.hs); 204's is also v12.0.3+'s
V13 = {
    "PGRST204": ("Could not find the 'loyalty_tier' column of 'customers' in the schema cache",
                 "missing-column", "public.customers.loyalty_tier"),
    "PGRST200": ("Could not find a relationship between 'order_items' and 'products' in the "
                 "schema cache", "missing-relationship", "public.order_items:public.products"),
    "PGRST202": ("Could not find the function public.order_total(order_id) in the schema cache",
                 "missing-function", "public.order_total"),
    "PGRST205": ("Could not find the table 'public.invoices' in the schema cache",
                 "missing-table", "public.invoices"),
}  # fmt: skip


@pytest.fixture(scope="module", params=["12", "11"], ids=["pgrst12", "pgrst11"])
def drifted(request: pytest.FixtureRequest, cluster: Cluster) -> Iterator[Sandbox]:
    """One drifted shop per PostgREST version for the whole module (check only reads)."""
    box = Sandbox(postgrest_version=request.param, cluster=cluster, template="shop_template")
    box.start()
    try:
        box.apply_drift(DRIFT)
        yield box
    finally:
        box.stop()


def target(box: Sandbox) -> list[str]:
    c = box.connection()
    return ["--db-url", c.db_url, "--api-url", c.api_url, "--api-key", c.anon_key]


def check_error(capsys: pytest.CaptureFixture[str], box: Sandbox, text: str) -> tuple[int, dict]:
    code = main(["check", "--json", "--error", text, *target(box)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, json.loads(out)


def assert_led_to(code: int, data: dict, symptom: str, name: str) -> None:
    assert data["pasted_error"]["symptom"] == symptom
    assert name in data["pasted_error"]["objects"]
    assert data["verdict"] == "stale-cache", data
    # a relationship is reported by its key (``pair!fk_name``); the error names only the pair
    stale = {o["name"].split("!", 1)[0] if o["kind"] == "relationship" else o["name"]
             for o in data["stale_objects"]}  # fmt: skip
    assert name in stale
    assert code == 1


def live_body(box: Sandbox, method: str, path: str, body: dict | None) -> tuple[int, str]:
    c = box.connection()
    headers = {"apikey": c.anon_key, "Authorization": f"Bearer {c.anon_key}"}
    answer = httpx.request(method, c.api_url + path, json=body, headers=headers, timeout=5)
    return answer.status_code, answer.text


def js_logged(body: dict) -> str:
    """How console.log prints the error supabase-js returns: bare keys, single quotes unless
    the string holds one, over several lines."""

    def js(value: object) -> str:
        if value is None:
            return "null"
        text = str(value)
        return json.dumps(text) if "'" in text else "'" + text + "'"

    fields = ",\n".join(f"  {k}: {js(body.get(k))}" for k in ("code", "details", "hint", "message"))
    return "{\n" + fields + "\n}"


@pytest.mark.parametrize("code_id", sorted(LIVE))
def test_the_live_answer_pasted_in_every_form(
    capsys: pytest.CaptureFixture[str], drifted: Sandbox, code_id: str
) -> None:
    method, path, body, symptom, name = LIVE[code_id]
    status, text = live_body(drifted, method, path, body)
    parsed = json.loads(text)
    assert parsed["code"] == code_id, text  # the drift really produces this answer
    forms = {
        "body": text,
        "log line": f"2026-12-07T03:12:09Z ERROR {method} {path} -> {status} {text}",
        "supabase-js": js_logged(parsed),
        "message": parsed["message"],
    }
    for form, pasted in forms.items():
        code, data = check_error(capsys, drifted, pasted)
        assert data["pasted_error"]["code"] == code_id, form
        assert_led_to(code, data, symptom, name)


def test_the_empty_404_of_a_write_leads_to_the_table_symptom(
    capsys: pytest.CaptureFixture[str], drifted: Sandbox
) -> None:
    status, text = live_body(drifted, "POST", "/invoices", {"order_id": 1, "amount_cents": 1})
    assert (status, text.strip()) == (404, "{}")  # PostgREST 11-12's answer
    _code, data = check_error(capsys, drifted, f"POST /invoices {status} {text}")
    assert data["pasted_error"]["symptom"] == "missing-table"
    assert "public.invoices" in {o["name"] for o in data["stale_objects"]}


@pytest.mark.parametrize("code_id", sorted(V13))
def test_v13_wording(capsys: pytest.CaptureFixture[str], drifted: Sandbox, code_id: str) -> None:
    message, symptom, name = V13[code_id]
    body = json.dumps({"code": code_id, "details": None, "hint": None, "message": message})
    for pasted in (message, body):
        code, data = check_error(capsys, drifted, pasted)
        assert_led_to(code, data, symptom, name)


def test_text_without_an_error_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], drifted: Sandbox
) -> None:
    code = main(["check", "--error", "the site is down", *target(drifted)])
    _out, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and "no PostgREST or PostgreSQL error found" in err


@pytest.mark.parametrize(
    ("flag", "typed", "meant"),
    [("--table", "public.invoice", "public.invoices"),
     ("--column", "public.customers.loyalty_teir", "public.customers.loyalty_tier"),
     ("--function", "public.order_totl", "public.order_total"),
     ("--enum-value", "public.order_status:shiped", "public.order_status:shipped")],
)  # fmt: skip
def test_a_typo_is_answered_with_the_close_name_not_a_migration(
    capsys: pytest.CaptureFixture[str], drifted: Sandbox, flag: str, typed: str, meant: str
) -> None:
    """The scoped catalog reads only the names asked about, and those that start or end alike:
    enough to say "did you mean" at any schema size."""
    code = main(["check", "--json", flag, typed, *target(drifted)])
    data = json.loads(capsys.readouterr().out)
    [missing] = [
        f for f in data["findings"] if f["cause"] in ("object-missing", "enum-value-missing")
    ]
    assert missing["summary"].endswith(f"did you mean {meant}?")
    assert missing["fix"] == f"pgrst-doctor check {flag} {meant}"
    assert code == 1
