"""`check` human output rendered from hand-built Reports, and the check command's usage errors
(which all happen before any I/O)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from tui.cli import main
from tui.cli.check_cmd import parse_symptoms
from tui.cli.render import render_report
from tui.core.knowledge.symptoms import ALL_SYMPTOMS
from tui.core.model import (
    Cause,
    Change,
    Finding,
    ObjectKind,
    Report,
    StaleObject,
    Status,
    Verdict,
)
from tui.core.target import resolve_target

SECRET_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.dG9wLXNlY3JldC1zaWc"


def stale_report() -> Report:
    return Report(
        verdict=Verdict.STALE_CACHE,
        postgrest_version="12.0.2",
        listening=True,
        stale_objects=[
            StaleObject(ObjectKind.TABLE, "public.invoices", Change.ADDED),
            StaleObject(ObjectKind.COLUMN, "public.customers.[red]tier", Change.ADDED),
        ],
        findings=[
            Finding("api", Status.PASS, "PostgREST 12.0.2 answers", elapsed_ms=3.0),
            Finding(
                "drift",
                Status.FAIL,
                "2 objects in the database are missing from PostgREST's schema cache",
                cause=Cause.STALE_CACHE,
                objects=["public.invoices", "public.customers.[red]tier"],
                fix="NOTIFY pgrst, 'reload schema';",
                runbook_note="RUN-002 counts top-level OpenAPI keys; names are compared here",
            ),
            Finding(
                "auto-reload",
                Status.WARN,
                "no event trigger sends NOTIFY after DDL",
                cause=Cause.AUTO_RELOAD_OFF,
                fix="CREATE EVENT TRIGGER pgrst_watch ON ddl_command_end\n"
                "  EXECUTE PROCEDURE public.pgrst_watch();",
            ),
            Finding("openapi", Status.SKIPPED, "skipped: the API did not answer"),
        ],
        remedies=["notify", "signal", "restart"],
        elapsed_ms=42.0,
        server_version="15.8",
    )


def render(report: Report, width: int = 120, **kwargs) -> str:
    """As `check` prints it (crop=False: fixes are never cut)."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, no_color=True, highlight=False).print(
        render_report(report, **kwargs), crop=False
    )
    return buffer.getvalue()


def test_quiet_output_shows_problems_warnings_fix_and_verdict() -> None:
    text = render(stale_report())
    assert "✗ problem" in text
    assert "NOTIFY pgrst, 'reload schema';" in text
    assert "[stale-cache]" in text
    assert "Verdict: ✗ stale cache: PostgREST serves an old picture" in text
    assert "Remedies, best first: notify, signal, restart" in text
    assert "✓ ok" not in text
    assert "! warning" in text and "no event trigger sends NOTIFY after DDL" in text
    assert "not shown: 1 ok, 1 skipped (-v shows every check)" in text


def test_a_security_exposure_is_shown_first_even_as_a_warning() -> None:
    report = stale_report()
    report.findings.append(
        Finding("rls", Status.WARN, "policies exist but RLS is not enabled on public.customers",
                cause=Cause.RLS_DISABLED, objects=["public.customers"],
                fix="ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;")
    )  # fmt: skip
    text = render(report)
    assert text.index("RLS is not enabled") < text.index("✗ problem") < text.index("no event")


def test_verbose_output_shows_every_check_with_glyph_and_word() -> None:
    text = render(stale_report(), verbose=True)
    for label in ("✓ ok", "✗ problem", "! warning", "- skipped"):
        assert label in text
    assert "CREATE EVENT TRIGGER pgrst_watch ON ddl_command_end" in text
    assert "EXECUTE PROCEDURE public.pgrst_watch();" in text
    assert "not shown" not in text


def test_names_from_the_database_are_not_markup() -> None:
    assert "public.customers.[red]tier" in render(stale_report())


def test_stale_objects_are_listed() -> None:
    text = render(stale_report())
    assert "Stale objects (2):" in text
    assert "public.invoices" in text
    assert "added" in text


def test_healthy_report() -> None:
    report = Report(
        verdict=Verdict.HEALTHY,
        postgrest_version="11.2.2",
        listening=None,
        stale_objects=[],
        findings=[Finding("drift", Status.PASS, "cache matches")],
        remedies=[],
        elapsed_ms=12.0,
    )
    text = render(report)
    assert "Verdict: ✓ healthy" in text
    assert "listener unknown" in text
    assert "Remedies" not in text


def test_verbose_target_banner_masks_secrets(tmp_path: Path) -> None:
    target = resolve_target(
        {
            "db_url": "postgresql://postgres:hunter2@127.0.0.1:5432/shop",
            "api_url": "http://127.0.0.1:3000",
            "api_key": SECRET_KEY,
        },
        env={},
        cwd=tmp_path,
    )
    text = render(stale_report(), verbose=True, target=target)
    assert "postgres:***@127.0.0.1:5432/shop" in text
    assert "hunter2" not in text
    assert SECRET_KEY not in text
    assert "eyJh…(redacted)" in text


def test_json_of_a_report_is_the_contract() -> None:
    data = json.loads(json.dumps(stale_report().to_json()))
    assert set(data) == {
        "schema_version",
        "verdict",
        "postgrest_version",
        "listening",
        "stale_objects",
        "findings",
        "remedies",
        "elapsed_ms",
    }


# -- usage errors: one line on stderr, exit 2, nothing on stdout (the error object with --json) --
def test_symptom_ids() -> None:
    assert parse_symptoms([]) == ALL_SYMPTOMS
    assert parse_symptoms(["all"]) == ALL_SYMPTOMS
    assert parse_symptoms(["missing-function", "missing-table"]) == (
        "missing-table",
        "missing-function",
    )
    assert parse_symptoms(["missing-table,enum-rejected"]) == ("missing-table", "enum-rejected")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--symptom", "slow-api"], "unknown symptom 'slow-api'"),
        (["--table", "a.b.c"], "--table 'a.b.c'"),
        (["--column", "customers"], "--column 'customers'"),
        (["--relationship", "orders"], "--relationship 'orders'"),
        (["--enum-value", "status"], "--enum-value 'status'"),
        (["--db-url", "mysql://root:hunter2@h/db"], "--db-url must be a postgresql://"),
        (["--api-url", "localhost:3000"], "--api-url must be an http://"),
        (["--timeout", "0"], "--timeout must be a positive"),
        (["--api-key", "two words"], "--api-key does not look like a key"),
        (["--request", "GET"], "--request GET: a path is missing"),
        (["--request", "https://elsewhere.example/t"], "not at the API"),
        (["--json", "--symptom", "nope"], "unknown symptom"),
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    assert code == 2
    if "--json" in argv:
        error = err.removeprefix("pgrst-doctor: ").rstrip()
        assert json.loads(out) == {"schema_version": 1, "error": error, "exit_code": 2}
    else:
        assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("pgrst-doctor: ")
    assert message in err
    assert "hunter2" not in err
    assert "Traceback" not in err


def test_flags_become_the_engines_request(tmp_path: Path) -> None:
    """Every object flag (repeatable) and --request reach DiagnosisRequest, parsed."""
    from tui.cli import build_parser
    from tui.cli.check_cmd import build_request
    from tui.cli.common import target_from_args
    from tui.core.specs import ObjectRef

    args = build_parser().parse_args(
        [
            "check",
            "--api-url",
            "http://127.0.0.1:54321/rest/v1",
            "--symptom",
            "missing-relationship",
            "--table",
            "invoices",
            "--table",
            "api.orders",
            "--column",
            "customers.loyalty_tier",
            "--function",
            "public.order_total(order_id)",
            "--relationship",
            "order_items:products",
            "--enum-value",
            "order_status:refunded",
            "--request",
            "http://127.0.0.1:54321/rest/v1/order_items?select=*,products(*)",
        ]
    )
    request = build_request(args, target_from_args(args, env={}, cwd=tmp_path))
    assert request.symptoms == ("missing-relationship",)
    assert [ref.display for ref in request.objects] == [
        "public.invoices",
        "api.orders",
        "public.customers.loyalty_tier",
        "public.order_total",
        "public.order_items:public.products",
        "public.order_status:refunded",
    ]
    assert all(isinstance(ref, ObjectRef) for ref in request.objects)
    assert request.request.display == "GET /order_items?select=*,products(*)"


def test_quiet_output_names_the_target_masked(tmp_path: Path) -> None:
    target = resolve_target(
        {"db_url": "postgresql://postgres:hunter2@db.internal:5432/shop"}, env={}, cwd=tmp_path
    )
    text = render(stale_report(), target=target)
    assert "checked API http://127.0.0.1:54321/rest/v1 and DB" in text
    assert "postgres:***@db.internal:5432/shop" in text
    assert "hunter2" not in text


LONG_FIX = (
    "CREATE OR REPLACE FUNCTION public.pgrst_watch() RETURNS event_trigger LANGUAGE plpgsql "
    "AS $$ BEGIN NOTIFY pgrst, 'reload schema'; END; $$;"
)


@pytest.mark.parametrize("width", [40, 80])
def test_fixes_and_names_are_never_wrapped_or_cut(width: int) -> None:
    """Piped or at 80 columns: a newline inside 'reload schema' would install a trigger whose
    payload PostgREST ignores; a cut name cannot be pasted either."""
    report = stale_report()
    report.findings[1].fix = LONG_FIX
    long_name = "public.order_items_with_a_long_name:public.products_with_a_long_name"
    report.stale_objects.append(StaleObject(ObjectKind.RELATIONSHIP, long_name, Change.ADDED))
    lines = render(report, width=width).splitlines()
    assert any(line.strip() == LONG_FIX for line in lines)
    assert any(long_name in line for line in lines)


def test_each_cause_is_shown_once_with_the_objects_of_every_finding() -> None:
    report = stale_report()
    report.findings.append(
        Finding("object", Status.FAIL, "public.invoices exists but the cache is behind",
                cause=Cause.STALE_CACHE, objects=["public.invoices", "public.extra"],
                fix="NOTIFY pgrst, 'reload schema';", title="table: public.invoices")
    )  # fmt: skip
    text = render(report)
    assert text.count("[stale-cache]") == 1
    assert text.count("NOTIFY pgrst, 'reload schema';") == 1
    assert "public.extra" in text and "also table: public.invoices" in text
