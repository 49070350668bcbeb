"""RUN-002's manual diagnosis, scripted the way the runbook prescribes it, step after step.

Two variants of the same steps: SQL through the Supabase CLI (``supabase db query --db-url URL
--yes "SQL"``, what the runbook asks for; its ``db execute`` does not exist) and bare ``psql``.
HTTP steps are ``curl`` with the anon key, piped into ``jq`` where the runbook pipes. Only the
diagnosis is scripted (Verification Steps, Troubleshooting "Diagnosis" blocks, the health-check
script); the remedies (NOTIFY, restart, reset) are not, since ``pgrst-doctor check`` changes
nothing either. Subprocesses only, never a shell.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.core.tools import supabase_cli

STEP_TIMEOUT = 120.0  # seconds; the OpenAPI document alone takes ~11 s at 10,000 tables

# The objects the sandbox's drift table changes (tui/sandbox/drift.py): the runbook's
# `your_new_table`, `your_table`, `new_column`, `your_new_function`, `your_enum`.
NEW_TABLE = "invoices"
COLUMN_TABLE = "customers"
NEW_COLUMN = "loyalty_tier"
NEW_FUNCTION = "order_total"
ENUM_TYPE = "order_status"
ENUM_TABLE = "orders"
FK_TABLE = "order_items"
FK_TARGET = "products"

FK_QUERY = f"""SELECT
  tc.table_name,
  kcu.column_name,
  ccu.table_name AS foreign_table_name,
  ccu.column_name AS foreign_column_name
FROM information_schema.table_constraints AS tc
JOIN information_schema.key_column_usage AS kcu
  ON tc.constraint_name = kcu.constraint_name
JOIN information_schema.constraint_column_usage AS ccu
  ON ccu.constraint_name = tc.constraint_name
WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = '{FK_TABLE}';"""


@dataclass(frozen=True)
class Step:
    """One command a person types: SQL, an HTTP request (optionally piped into jq), or a file grep."""

    section: str
    sql: str | None = None
    method: str = "GET"
    path: str | None = None  # HTTP path under the API root
    body: str | None = None
    jq: str | None = None  # jq filter the runbook pipes the answer into
    grep_config: bool = False


# In the runbook's order. Sections name where each step comes from.
STEPS: tuple[Step, ...] = (
    Step("Verification 1: schema cache status", path="/?select=*", jq="."),
    Step("Verification 2: list all tables", path="/"),
    Step("Verification 2: check specific table", path=f"/{NEW_TABLE}?select=*"),
    Step("Verification 3: column visibility", path=f"/{COLUMN_TABLE}?select={NEW_COLUMN}&limit=1"),
    Step(
        "Verification 4: RLS enforcement",
        method="POST",
        path=f"/{COLUMN_TABLE}",
        body='{"data": "test"}',
    ),
    Step(
        "Verification 5: RPC function",
        method="POST",
        path=f"/rpc/{NEW_FUNCTION}",
        body='{"order_id": 1}',
    ),
    Step("NOTIFY has no effect: listening channels", sql="SELECT * FROM pg_listening_channels();"),
    Step(
        "Not visible after restart: table exists",
        sql=f"SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = '{NEW_TABLE}';",
    ),
    Step("Not visible after restart: PostgREST config", grep_config=True),
    Step(
        "Not visible after restart: RLS enabled",
        sql=f"SELECT tablename, rowsecurity FROM pg_tables WHERE tablename = '{COLUMN_TABLE}';",
    ),
    Step(
        "Enum values: definition",
        sql=f"SELECT enumlabel FROM pg_enum WHERE enumtypid = '{ENUM_TYPE}'::regtype ORDER BY enumsortorder;",
    ),
    Step("Enum values: in the API", path=f"/{ENUM_TABLE}?select=status"),
    Step("Relationships: foreign keys", sql=FK_QUERY),
    Step("Relationships: embedding", path=f"/{FK_TABLE}?select=*,{FK_TARGET}(*)"),
    Step(
        "Health check script: database table count",
        sql="SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public';",
    ),
    Step("Health check script: API table count", path="/", jq=". | length"),
)


@dataclass(frozen=True)
class RunbookTarget:
    db_url: str
    api_url: str
    anon_key: str
    project_dir: Path  # holds supabase/config.toml


def sql_argv(variant: str, db_url: str, sql: str) -> list[str]:
    """The command line for one SQL step: ``supabase`` (as the runbook asks) or ``psql``."""
    if variant == "supabase":
        return [str(supabase_cli()), "db", "query", "--db-url", db_url, "--yes", sql]
    if variant == "psql":
        return ["psql", db_url, "-c", sql]
    raise ValueError(f"unknown variant {variant!r}")


def http_argv(target: RunbookTarget, step: Step) -> list[str]:
    argv = ["curl", "-s", "-H", f"Authorization: Bearer {target.anon_key}"]
    if step.method != "GET":
        argv += ["-X", step.method]
    if step.body is not None:
        argv += ["-H", "Content-Type: application/json", "-d", step.body]
    return [*argv, f"{target.api_url}{step.path}"]


def _run(argv: Sequence[str], *, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
    proc = subprocess.run(
        list(argv), input=stdin, capture_output=True, timeout=STEP_TIMEOUT, check=False
    )
    if proc.returncode not in ok:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"runbook step {argv[0]} failed: {tail[0]}")
    return proc.stdout


def run_step(variant: str, target: RunbookTarget, step: Step) -> None:
    if step.sql is not None:
        _run(sql_argv(variant, target.db_url, step.sql))
    elif step.grep_config:
        config = target.project_dir / "supabase" / "config.toml"
        _run(["grep", "-A", "5", "postgrest", str(config)], ok=(0, 1))  # 1: no match
    else:
        out = _run(http_argv(target, step))
        if step.jq is not None:
            _run(["jq", step.jq], stdin=out)


def run_procedure(variant: str, target: RunbookTarget) -> tuple[float, dict[str, float]]:
    """Run every step once; return total seconds and seconds per step section."""
    per_step: dict[str, float] = {}
    start = time.perf_counter()
    for step in STEPS:
        t0 = time.perf_counter()
        run_step(variant, target, step)
        per_step[step.section] = time.perf_counter() - t0
    return time.perf_counter() - start, per_step


def counts() -> dict[str, int]:
    """How many commands of each kind the procedure types."""
    return {
        "sql": sum(1 for s in STEPS if s.sql is not None),
        "http": sum(1 for s in STEPS if s.path is not None),
        "openapi": sum(1 for s in STEPS if s.path is not None and s.path.split("?")[0] == "/"),
        "jq": sum(1 for s in STEPS if s.jq is not None),
        "other": sum(1 for s in STEPS if s.grep_config),
    }
