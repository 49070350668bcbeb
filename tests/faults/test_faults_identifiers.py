"""Hostile identifiers, created for real and diagnosed: quotes, semicolons, SQL comments and
unicode in --table, --column, --function and --enum-value reach PostgreSQL only as quoted
identifiers or parameters. If any were spliced into SQL text, the DROP inside would run (or
the statement would break) and the diagnosis could not name the object back.
"""

from __future__ import annotations

import psycopg
import pytest

from tui.core.names import quote_ident

pytestmark = pytest.mark.integration  # the real PostgreSQL / PostgREST stack

EVIL_TABLE = 'x"; DROP TABLE customers; --'
EVIL_COLUMN = "c'); DELETE FROM customers; --"
UNICODE_TABLE = "Ölpreis 漢字 🙂"
EVIL_FUNCTION = "f; DROP TABLE orders"
EVIL_ENUM = 'mood"; DROP TYPE order_status; --'


def q(name: str) -> str:
    """SQL identifier quoting for the test's own DDL (the doctor's input is the spec below)."""
    return '"' + name.replace('"', '""') + '"'


def survivors(box) -> tuple[int, int, bool]:
    with psycopg.connect(box.db_url) as conn:
        customers = conn.execute("SELECT count(*) FROM public.customers").fetchone()[0]
        orders = conn.execute("SELECT count(*) FROM public.orders").fetchone()[0]
        enum = conn.execute("SELECT to_regtype('public.order_status') IS NOT NULL").fetchone()[0]
    return customers, orders, enum


def test_hostile_identifiers_are_diagnosed_as_names_not_run_as_sql(doctor, sandbox12):
    box = sandbox12
    before = survivors(box)
    box.execute(
        f"CREATE TABLE public.{q(EVIL_TABLE)} (id int PRIMARY KEY, {q(EVIL_COLUMN)} text);"
        f"CREATE TABLE public.{q(UNICODE_TABLE)} (id int);"
        f"CREATE FUNCTION public.{q(EVIL_FUNCTION)}() RETURNS int LANGUAGE sql AS 'SELECT 1';"
        f"CREATE TYPE public.{q(EVIL_ENUM)} AS ENUM ('a');"
        f"GRANT SELECT ON public.{q(EVIL_TABLE)}, public.{q(UNICODE_TABLE)} TO anon;"
    )  # created after PostgREST loaded its cache: all of them are really stale
    conn = box.connection()
    run = doctor(
        "check", "--json", "--timeout", "3",
        "--db-url", conn.db_url, "--api-url", conn.api_url, "--api-key", conn.anon_key,
        "--table", f"public.{quote_ident(EVIL_TABLE)}",
        "--table", quote_ident(UNICODE_TABLE),
        "--column", f"public.{quote_ident(EVIL_TABLE)}.{quote_ident(EVIL_COLUMN)}",
        "--function", f"public.{quote_ident(EVIL_FUNCTION)}",
        "--enum-value", f"public.{quote_ident(EVIL_ENUM)}:\"b'; --\"",
        budget=3,
    )  # fmt: skip
    run.assert_calm(1)
    report = run.json()
    assert survivors(box) == before  # nothing dropped, nothing deleted
    stale = {(o["kind"], o["name"]) for o in report["stale_objects"]}
    # named as psql prints them: quoted, so the name reads back unambiguously
    assert ("table", f"public.{q(EVIL_TABLE)}") in stale, report["stale_objects"]
    assert ("table", f"public.{q(UNICODE_TABLE)}") in stale, report["stale_objects"]
    named = " ".join(" ".join(f["objects"]) + f["summary"] for f in report["findings"])
    assert q(EVIL_FUNCTION) in named, report["findings"]
    # the fix an administrator copies quotes the hostile names: running it adds the label
    enum_fix = next(f["fix"] for f in report["findings"] if f["cause"] == "enum-value-missing")
    assert enum_fix == f"ALTER TYPE public.{q(EVIL_ENUM)} ADD VALUE 'b''; --';"
    box.execute(enum_fix)
    assert survivors(box) == before
    with psycopg.connect(box.db_url) as conn:
        labels = conn.execute(
            "SELECT array_agg(enumlabel ORDER BY enumsortorder) FROM pg_enum "
            "WHERE enumtypid = to_regtype(%s)",
            (f"public.{q(EVIL_ENUM)}",),
        ).fetchone()[0]
    assert labels == ["a", "b'; --"]


def test_fixes_quote_catalog_names_in_every_sql_template():
    """Unit check of the quoting table itself, for names a tenant can choose."""
    from tui.core.checks.fixes import fix
    from tui.core.model import Cause

    name = f"public.{EVIL_TABLE}"
    assert fix(Cause.RLS_DISABLED, "table", name=name) == (
        f"ALTER TABLE public.{q(EVIL_TABLE)} ENABLE ROW LEVEL SECURITY;"
    )
    assert fix(Cause.RLS_BYPASSED, "permissive", policy='p"; --', name="public.user") == (
        'DROP POLICY "p""; --" ON public."user";'
    )
    assert fix(Cause.MISSING_PRIVILEGE, "column", privilege="SELECT", table="public.orders",
               column=EVIL_COLUMN, role="anon") == (
        f"GRANT SELECT ({q(EVIL_COLUMN)}) ON public.orders TO anon;"
    )  # fmt: skip
    assert fix(Cause.SCHEMA_NOT_EXPOSED, "in-db", authenticator="authenticator",
               schemas="public, it's", channel="pgrst") == (
        "ALTER ROLE authenticator SET pgrst.db_schemas = 'public, it''s'; "
        "NOTIFY pgrst, 'reload schema';"
    )  # fmt: skip
