"""Pure pieces of the remedies: probe reading, percentiles, dump parsing, guards, scrubbing."""

from __future__ import annotations

import json
import re

import pytest

from tui.core.errors import GuardRefused
from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.probes.cache_only import MADE_UP_SUFFIX, NO_SUCH_EMBED
from tui.core.remedies.copytext import copy_row_counts, parse_qualified, read_data_section
from tui.core.remedies.fingerprint import Fingerprint, differences
from tui.core.remedies.io import scrub, without_password
from tui.core.remedies.metrics import parse_loads
from tui.core.remedies.procs import parse_config
from tui.core.remedies.reset import ResetRequest, check_confirmation
from tui.core.remedies.verify import input_arg_names, percentile
from tui.core.remedies.visibility import Answer, build_probes, openapi_has
from tui.core.target import Target

LOCAL = Target(
    db_url="postgresql://postgres:s3cret-pw@127.0.0.1:5432/shop", api_url="http://127.0.0.1:3000"
)


def obj(kind: str, name: str, change: str = "added") -> StaleObject:
    return StaleObject(ObjectKind(kind), name, Change(change))


def test_probes_read_the_measured_answers_of_postgrest() -> None:
    objects = [
        obj("table", "public.invoices"),
        obj("column", "public.customers.loyalty_tier"),
        obj("relationship", "public.order_items:public.products"),
        obj("function", "public.order_total"),
        obj("enum", "public.order_status:refunded"),
    ]
    probes, rest = build_probes(objects, {"public.order_total": ["order_id"]})
    assert rest == [objects[-1]]  # enum labels: OpenAPI only
    table, column, rel, fn = probes
    made_up = f"Column 'x{MADE_UP_SUFFIX}' of relation 'x' does not exist"
    planned = json.dumps({"code": "PGRST204", "message": made_up}).encode()
    assert (table.method, table.body) == ("POST", b"[]")
    assert table.path.startswith("/invoices?columns=")
    assert not table.converged(Answer(404, b"{}"))
    assert table.converged(Answer(400, planned))
    assert column.method == "POST" and "loyalty_tier" in column.path and column.body == b"[]"
    stale_column = b'{"code":"PGRST204","message":"Column \'loyalty_tier\' of relation"}'
    assert not column.converged(Answer(400, stale_column))
    assert column.converged(Answer(400, planned))
    assert not column.converged(Answer(401, b'{"code":"42501"}'))  # tells nothing
    assert not rel.converged(Answer(400, b'{"code":"PGRST200","message":"order_items"}'))
    embed = f"'{NO_SUCH_EMBED}' is not an embedded resource in this request"
    assert rel.converged(Answer(400, json.dumps({"code": "PGRST108", "message": embed}).encode()))
    assert fn.path == f"/rpc/order_total?%22order_id%22=0&order={NO_SUCH_EMBED}(x)"
    assert not fn.converged(Answer(404, b'{"code":"PGRST202"}'))
    assert fn.converged(Answer(400, json.dumps({"code": "PGRST108", "message": embed}).encode()))
    assert not fn.converged(Answer(400, b'{"code":"PGRST200"}'))  # not the answer planned


def test_a_removed_object_converges_when_it_is_gone_from_the_cache() -> None:
    (probe,), _ = build_probes([obj("table", "public.old", "removed")], {})
    assert probe.converged(Answer(404, b"{}"))
    made_up = f"Column 'x{MADE_UP_SUFFIX}' of relation 'old' does not exist"
    assert not probe.converged(
        Answer(400, json.dumps({"code": "PGRST204", "message": made_up}).encode())
    )
    assert not probe.converged(Answer(502, b"<html>bad gateway</html>"))  # tells nothing


def test_dropped_functions_fall_back_to_openapi() -> None:
    probes, rest = build_probes([obj("function", "public.gone", "removed")], {})
    assert probes == [] and len(rest) == 1


def test_openapi_shows_enum_labels_by_type_format() -> None:
    doc = {
        "definitions": {
            "orders": {
                "properties": {
                    "status": {"format": "public.order_status", "enum": ["paid", "refunded"]}
                }
            }
        }
    }
    assert openapi_has(doc, obj("enum", "public.order_status:refunded"))
    assert not openapi_has(doc, obj("enum", "public.order_status:lost"))


def test_input_arg_names_skip_out_params_and_give_up_on_unnamed_ones() -> None:
    assert input_arg_names(0, None, None) == []
    assert input_arg_names(1, ["order_id"], None) == ["order_id"]
    assert input_arg_names(1, ["a", "total"], ["i", "o"]) == ["a"]
    assert input_arg_names(1, None, None) is None
    assert input_arg_names(2, ["a", ""], None) is None


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 50) == 10.0
    assert percentile(values, 95) == 19.0
    assert percentile([3.0], 95) == 3.0


def test_copy_blocks_are_parsed_with_quoted_names() -> None:
    text = [
        "COPY public.customers (id, name) FROM stdin;",
        "1\tAda",
        "2\tGrace",
        "\\.",
        'COPY "internal".flags (n) FROM stdin;',
        "\\.",
        'COPY public."order ""lines"" 2" ("line id") FROM stdin;',
        "",
        "7",
        "\\.",
        "SELECT pg_catalog.setval('public.customers_id_seq', 2, true);",
    ]
    assert copy_row_counts(text) == {
        "public.customers": 2,
        "internal.flags": 0,
        'public.order "lines" 2': 2,
    }
    section = read_data_section(iter(text))
    assert [b.table for b in section.blocks][-1] == ("public", 'order "lines" 2')
    assert section.blocks[-1].rows == ["", "7"]
    assert section.statements == [text[-1]]
    assert parse_qualified('"a.b".c x') == (("a.b", "c"), 7)


def test_metrics_success_counter_is_read_from_prometheus_text() -> None:
    text = '# HELP x\npgrst_schema_cache_loads_total{status="FAIL"} 1\npgrst_schema_cache_loads_total{status="SUCCESS"} 7\n'
    assert parse_loads(text) == 7.0
    assert parse_loads("nothing here") is None


@pytest.mark.parametrize("typed", [None, "", "SHOP", " shop", "shop ", "sho", "shopx"])
def test_reset_needs_the_exact_database_name(typed: str | None) -> None:
    with pytest.raises(GuardRefused, match="--confirm shop"):
        check_confirmation(LOCAL, ResetRequest(confirm=typed))


def test_a_pasted_name_with_its_newline_is_accepted() -> None:
    check_confirmation(LOCAL, ResetRequest(confirm="shop\n"))


def test_remote_reset_needs_allow_remote_and_the_host_typed() -> None:
    remote = Target(
        db_url="postgresql://u@db.example.test/shop", api_url="https://api.example.test"
    )
    with pytest.raises(
        GuardRefused, match=re.escape("--allow-remote --confirm-host db.example.test")
    ):
        check_confirmation(remote, ResetRequest(confirm="shop"))
    with pytest.raises(GuardRefused, match="--confirm-host"):
        check_confirmation(
            remote, ResetRequest(confirm="shop", allow_remote=True, confirm_host="db")
        )
    check_confirmation(
        remote, ResetRequest(confirm="shop", allow_remote=True, confirm_host="db.example.test")
    )


def test_fingerprint_differences_ignore_what_one_side_could_not_read() -> None:
    now = Fingerprint("shop", "15.18", 16388, 5432, None)
    assert (
        differences({"database": "shop", "server_version": "15.18", "system_identifier": "7"}, now)
        == []
    )
    assert differences({"database": "other", "server_version": "15.18"}, now) == [
        "database: other -> shop"
    ]
    assert differences(Fingerprint("shop", "15.18", 1, 5432, None), now) == [
        "database_oid: 1 -> 16388"
    ]


def test_passwords_never_survive_scrubbing() -> None:
    line = "could not connect to postgresql://postgres:s3cret-pw@127.0.0.1:5432/shop (s3cret-pw)"
    out = scrub(line, ["s3cret-pw"])
    assert "s3cret-pw" not in out and "postgresql://postgres:****@127.0.0.1" in out
    # children get every parameter through PG* variables: nothing of the URL in their argv
    assert without_password(LOCAL.db_url) == "postgresql://"


def test_postgrest_config_lines_are_parsed() -> None:
    conf = 'db-uri = "postgresql://a:b@127.0.0.1:5433/shop"\nserver-port = 3001\n# comment\n'
    assert parse_config(conf) == {
        "db-uri": "postgresql://a:b@127.0.0.1:5433/shop",
        "server-port": "3001",
    }


def test_notify_is_refused_on_a_standby_and_without_listeners_but_not_when_unknown() -> None:
    from tui.core.remedies.notify import Audience, refusal

    assert "standby" in refusal(Audience(standby=True, listeners=1), None, "pgrst")
    assert "no PostgREST session listens" in refusal(Audience(False, 0), None, "pgrst")
    assert "no PostgREST session listens" in refusal(Audience(False, None), False, "pgrst")
    assert refusal(Audience(False, None), None, "pgrst") is None  # hidden sessions: not refused
    assert refusal(Audience(False, 2), True, "pgrst") is None
