"""Rung 1: ask PostgREST to reload over its LISTEN channel, from psycopg or the Supabase CLI.

Refused before sending when nothing can hear it: no PostgREST session listens on the channel
in this database, or the target is a standby (NOTIFY cannot run during recovery).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import psycopg
from psycopg import sql

from tui.core.remedies.events import Emit, KpiFigure, StepResult, StepStatus, running
from tui.core.remedies.io import (
    connect,
    libpq_env,
    run_program,
    scrub,
    secrets_of,
    without_password,
)
from tui.core.target import Target

RELOAD_SCHEMA = "reload schema"
RELOAD_CONFIG = "reload config"  # re-reads config only: never the schema cache
# PostgREST sends `LISTEN "pgrst"`; match quoted and bare spellings of the channel.
LISTENERS_SQL = """
SELECT count(*) FILTER (WHERE query IN ('LISTEN ' || quote_ident(%(ch)s),
                                        'LISTEN "' || replace(%(ch)s, '"', '""') || '"')),
       count(*) FILTER (WHERE query = '<insufficient privilege>')
FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend'
"""


def notify_statement(channel: str, payload: str) -> sql.Composed:
    return sql.SQL("NOTIFY {}, {}").format(sql.Identifier(channel), sql.Literal(payload))


@dataclass(frozen=True)
class Audience:
    """Who would hear a NOTIFY: ``listeners`` is None when the sessions are hidden from us."""

    standby: bool
    listeners: int | None


async def audience(conn: psycopg.AsyncConnection, channel: str) -> Audience:
    cur = await conn.execute("SELECT pg_is_in_recovery()")
    standby = bool((await cur.fetchone())[0])  # type: ignore[index]
    cur = await conn.execute(LISTENERS_SQL, {"ch": channel})
    seen, hidden = (await cur.fetchone()) or (0, 0)
    return Audience(standby, None if (not seen and hidden) else int(seen))


def refusal(aud: Audience, listening: bool | None, channel: str) -> str | None:
    """Why a NOTIFY would be pointless, or None. ``listening`` is the diagnosis's verdict."""
    if aud.standby:
        return (
            "the target is a standby (in recovery): NOTIFY cannot run there; "
            "send it to the primary, or use --method signal / restart"
        )
    if listening is False or aud.listeners == 0:
        return (
            f'no PostgREST session listens on channel "{channel}" in this database: '
            "NOTIFY would be lost (db-channel-enabled off, another db-channel, or a pooler "
            "in between); use --method signal or --method restart"
        )
    return None


class NotifyStep:
    """``NOTIFY <channel>, 'reload schema'`` (optionally 'reload config' first) via psycopg."""

    id = "notify"
    kpi_id: str | None = "notify_execution"

    def __init__(
        self,
        target: Target,
        *,
        reload_config: bool = False,
        listening: bool | None = None,
        attempt: int = 1,
    ) -> None:
        self.target = target
        self.payloads = (RELOAD_CONFIG, RELOAD_SCHEMA) if reload_config else (RELOAD_SCHEMA,)
        self.listening = listening
        self.attempt = attempt
        self.title = f"NOTIFY {target.channel}, '{RELOAD_SCHEMA}'" + (
            f" (attempt {attempt})" if attempt > 1 else ""
        )
        self.sent_at: float | None = None  # perf_counter of the reload-schema commit

    async def run(self, emit: Emit) -> StepResult:
        async with running(self.id, self.title, emit, self.kpi_id) as clock:
            try:
                conn = await connect(self.target)
            except (psycopg.Error, TimeoutError) as exc:
                reason = scrub(f"cannot connect to the database: {exc}", secrets_of(self.target))
                return clock.result(StepStatus.FAILED, reason.splitlines()[0])
            async with conn:
                try:
                    aud = await audience(conn, self.target.channel)
                    if why := refusal(aud, self.listening, self.target.channel):
                        return clock.result(StepStatus.REFUSED, why)
                    if aud.listeners:
                        clock.output(f"{aud.listeners} PostgREST session(s) listen on the channel")
                    figures = []
                    for payload in self.payloads:
                        t0 = time.perf_counter()
                        await conn.execute(notify_statement(self.target.channel, payload))
                        took = time.perf_counter() - t0
                        self.sent_at = time.perf_counter()
                        clock.output(
                            f"NOTIFY {self.target.channel}, '{payload}' ({took * 1000:.1f} ms)"
                        )
                        figures.append(
                            clock.kpi(KpiFigure.measure("notify_execution", took, payload))
                        )
                except (psycopg.Error, TimeoutError) as exc:
                    reason = scrub(f"NOTIFY failed: {exc}", secrets_of(self.target))
                    return clock.result(StepStatus.FAILED, reason.splitlines()[0])
            return clock.result(
                StepStatus.OK,
                f"sent '{self.payloads[-1]}' on channel {self.target.channel}",
                kpis=figures,
                details={"payloads": list(self.payloads), "listeners": aud.listeners},
            )


class NotifyCliStep(NotifyStep):
    """The same NOTIFY through the real Supabase CLI (``supabase db query --db-url ... --yes``),
    as the runbook asks; costs the CLI's own start-up, about half a second.
    """

    id = "notify-cli"

    def __init__(self, target: Target, *, cli: str, **kwargs: object) -> None:
        super().__init__(target, **kwargs)  # type: ignore[arg-type]
        self.cli = cli
        self.title = f"supabase db query \"NOTIFY {target.channel}, '{RELOAD_SCHEMA}'\""

    async def run(self, emit: Emit) -> StepResult:
        secrets = secrets_of(self.target)
        async with running(self.id, self.title, emit, self.kpi_id) as clock:
            try:
                async with await connect(self.target) as conn:
                    aud = await audience(conn, self.target.channel)
            except (psycopg.Error, TimeoutError) as exc:
                reason = scrub(f"cannot connect to the database: {exc}", secrets)
                return clock.result(StepStatus.FAILED, reason.splitlines()[0])
            if why := refusal(aud, self.listening, self.target.channel):
                return clock.result(StepStatus.REFUSED, why)
            figures = []
            for payload in self.payloads:
                statement = notify_statement(self.target.channel, payload).as_string(None)
                # the password travels in PGPASSWORD: argv is visible to every local user (ps)
                url = without_password(self.target.db_url)
                argv = [self.cli, "db", "query", "--db-url", url, "--yes", statement]
                t0 = time.perf_counter()
                done = await run_program(
                    argv,
                    timeout=max(30.0, self.target.timeout),
                    on_line=clock.output,
                    secrets=secrets,
                    env=libpq_env(self.target.db_url),
                )
                took = time.perf_counter() - t0
                if done.returncode != 0:
                    return clock.result(StepStatus.FAILED, f"supabase db query failed: {done.tail}")
                self.sent_at = time.perf_counter()
                note = f"{payload}; includes the Supabase CLI's start-up"
                figures.append(clock.kpi(KpiFigure.measure("notify_execution", took, note)))
            return clock.result(
                StepStatus.OK,
                f"the Supabase CLI sent '{self.payloads[-1]}' on channel {self.target.channel}",
                kpis=figures,
                details={"payloads": list(self.payloads), "listeners": aud.listeners},
            )
