"""Prevention: the event-trigger auto-reload (PostgREST's documented pgrst_ddl_watch +
pgrst_drop_watch) and the runbook's pre-commit reminder, both installed without clobbering.
"""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from tui.core.errors import GuardRefused, UsageError
from tui.core.remedies.io import connect
from tui.core.target import Target

DDL_FUNCTION = """
CREATE OR REPLACE FUNCTION public.pgrst_ddl_watch() RETURNS event_trigger
LANGUAGE plpgsql AS $pgrst_doctor$
DECLARE
  cmd record;
BEGIN
  FOR cmd IN SELECT * FROM pg_event_trigger_ddl_commands()
  LOOP
    IF cmd.command_tag IN (
      'CREATE SCHEMA', 'ALTER SCHEMA', 'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO',
      'ALTER TABLE', 'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE', 'CREATE VIEW',
      'ALTER VIEW', 'CREATE MATERIALIZED VIEW', 'ALTER MATERIALIZED VIEW', 'CREATE FUNCTION',
      'ALTER FUNCTION', 'CREATE TRIGGER', 'CREATE TYPE', 'ALTER TYPE', 'CREATE RULE', 'COMMENT'
    ) AND cmd.schema_name IS DISTINCT FROM 'pg_temp'
    THEN
      NOTIFY {channel}, 'reload schema';
    END IF;
  END LOOP;
END; $pgrst_doctor$
"""
DROP_FUNCTION = """
CREATE OR REPLACE FUNCTION public.pgrst_drop_watch() RETURNS event_trigger
LANGUAGE plpgsql AS $pgrst_doctor$
DECLARE
  obj record;
BEGIN
  FOR obj IN SELECT * FROM pg_event_trigger_dropped_objects()
  LOOP
    IF obj.object_type IN (
      'schema', 'table', 'foreign table', 'view', 'materialized view', 'function',
      'trigger', 'type', 'rule'
    ) AND obj.is_temporary IS false
    THEN
      NOTIFY {channel}, 'reload schema';
    END IF;
  END LOOP;
END; $pgrst_doctor$
"""
TRIGGERS = (
    ("pgrst_ddl_watch", "ddl_command_end", "public.pgrst_ddl_watch"),
    ("pgrst_drop_watch", "sql_drop", "public.pgrst_drop_watch"),
)
STATUS_SQL = "SELECT evtname, evtevent, evtenabled FROM pg_event_trigger WHERE evtname = ANY(%s)"


@dataclass(frozen=True)
class TriggerStatus:
    present: dict[str, bool]  # trigger name -> installed and enabled

    @property
    def installed(self) -> bool:
        return all(self.present.values())


async def trigger_status(conn: psycopg.AsyncConnection) -> TriggerStatus:
    cur = await conn.execute(STATUS_SQL, ([name for name, _e, _f in TRIGGERS],))
    rows = {name: (event, enabled) for name, event, enabled in await cur.fetchall()}
    return TriggerStatus(
        {
            name: name in rows and rows[name][0] == event and rows[name][1] != "D"
            for name, event, _f in TRIGGERS
        }
    )


def install_statements(channel: str) -> list[sql.Composed]:
    """Idempotent: functions replaced, each event trigger dropped and created again."""
    ident = sql.Identifier(channel)
    statements = [
        sql.SQL(DDL_FUNCTION).format(channel=ident),
        sql.SQL(DROP_FUNCTION).format(channel=ident),
    ]
    for name, event, function in TRIGGERS:
        statements.append(sql.SQL("DROP EVENT TRIGGER IF EXISTS {}").format(sql.Identifier(name)))
        statements.append(
            sql.SQL("CREATE EVENT TRIGGER {} ON {} EXECUTE FUNCTION {}()").format(
                sql.Identifier(name), sql.SQL(event), sql.Identifier(*function.split("."))
            )
        )
    return statements


async def install_trigger(target: Target) -> tuple[TriggerStatus, TriggerStatus]:
    """Install in one transaction; returns (before, after). Needs a superuser (or Supabase's
    postgres role): anything else gets one clear line."""
    if "$" in target.channel:
        raise UsageError("--channel must not contain '$'")
    async with await connect(target) as conn:
        before = await trigger_status(conn)
        try:
            async with conn.transaction():
                for statement in install_statements(target.channel):
                    await conn.execute(statement)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise GuardRefused(
                f"the database refused: {exc.diag.message_primary} (event triggers need a superuser)"
            ) from None
        return before, await trigger_status(conn)


# -- the pre-commit reminder ------------------------------------------------------------------
HOOK_MARKER = "# pgrst-doctor: schema cache reminder"
HOOK_BODY = f"""{HOOK_MARKER}
# RUN-002's reminder, corrected: migrations applied with psql or `supabase ... --db-url` send
# no NOTIFY; unless the pgrst_ddl_watch event triggers are installed, reload PostgREST after.
if git diff --cached --name-only | grep -q 'supabase/migrations/'; then
  echo "Migration detected. After applying it, reload PostgREST's schema cache:"
  echo "  pgrst-doctor reload   (or: NOTIFY pgrst, 'reload schema';)"
  echo "  prevent it for good:   pgrst-doctor install-trigger"
fi
"""


def hook_path(start: Path) -> Path:
    """Where git runs the pre-commit hook from (honours core.hooksPath and worktrees)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--git-path", "hooks/pre-commit"],
            cwd=start,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        out = None
    if out is None or out.returncode != 0 or not out.stdout.strip():
        raise UsageError(
            f"{start} is not inside a git repository: run install-hook in your project"
        )
    path = Path(out.stdout.strip())
    return path if path.is_absolute() else start / path


def install_hook(start: Path, *, append: bool = False) -> tuple[Path, str]:
    """Write the reminder; never clobber. Returns (path, "created"|"appended"|"present")."""
    path = hook_path(start)
    if path.exists():
        existing = path.read_text(errors="replace")
        if HOOK_MARKER in existing:
            return path, "present"
        if not append:
            raise GuardRefused(
                f"{path} already exists and is not ours: left untouched; "
                "re-run with --append to add the reminder at its end"
            )
        with path.open("a") as fh:
            fh.write(("" if existing.endswith("\n") else "\n") + "\n" + HOOK_BODY)
        return path, "appended"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o755)
    with os.fdopen(fd, "w") as fh:
        fh.write("#!/bin/sh\n" + HOOK_BODY)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path, "created"
