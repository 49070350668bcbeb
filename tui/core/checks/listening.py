"""Will a reload reach PostgREST? Listener, delivery, event triggers, standby, poolers."""

from __future__ import annotations

import shlex
from urllib.parse import urlsplit

from tui.core.checks.evidence import Evidence
from tui.core.checks.fixes import fix
from tui.core.model import Cause, Finding, Status

POOLER_PORTS = {6543}


def listener(ev: Evidence, stale: bool) -> Finding:
    title = "Reload listener"
    info = ev.listener
    if info is None:
        why = ev.errors.get("listener", "no evidence")
        return Finding("listener", Status.SKIPPED, f"needs the database: {why}", title=title)
    if info.listening is None:
        return Finding(
            "listener",
            Status.WARN,
            f"unknown: {info.hidden_sessions} sessions' queries are hidden from this user "
            "(grant pg_read_all_stats to see whether PostgREST LISTENs)",
            title=title,
            evidence={"listening": None},
        )
    if info.listening:
        n = len(info.listeners)
        since = info.since.isoformat(timespec="seconds") if info.since else "unknown"
        return Finding(
            "listener",
            Status.PASS,
            f'{n} PostgREST instance{"s" if n != 1 else ""} LISTEN on "{info.channel}" '
            f"(since {since})",
            evidence={"instances": n, "since": since,
                      "applications": sorted({s.application_name for s in info.listeners})},
            title=title,
        )  # fmt: skip
    variant = "signal" if ev.local_pids else "config"
    pid = ev.local_pids[0] if ev.local_pids else None
    pool = [s for s in info.sessions if s.application_name.lower().startswith("postgrest")]
    summary = f'no PostgREST session LISTENs on "{info.channel}": NOTIFY reaches nobody'
    if ev.target.channel_enabled is False:  # the deployment's config file says so
        summary += " (db-channel-enabled = false in the PostgREST config)"
    elif pool:
        summary += f" ({len(pool)} PostgREST pool sessions seen: db-channel-enabled is off?)"
    return Finding(
        "listener",
        Status.FAIL if stale else Status.WARN,
        summary,
        cause=Cause.NO_LISTENER,
        fix=fix(Cause.NO_LISTENER, variant, pid=pid),
        title=title,
        runbook_note="RUN-002's `pg_listening_channels()` only shows your own session; "
        "pg_stat_activity shows PostgREST's LISTEN.",
    )


def delivery(ev: Evidence) -> Finding | None:
    info = ev.listener
    if info is None or info.delivery_ok is None:
        return None
    title = "NOTIFY delivery"
    if info.delivery_ok:
        return Finding(
            "delivery",
            Status.PASS,
            f'a test NOTIFY on "{info.channel}" came back in {info.delivery_ms:.0f} ms '
            "(payload PostgREST ignores)",
            title=title,
        )
    standby = ev.server is not None and ev.server.in_recovery
    detail = info.delivery_error or "did not arrive within the timeout"
    summary = f"a test NOTIFY was not delivered: {detail}"
    if standby:
        summary += " (this is a standby: LISTEN/NOTIFY cannot run in recovery)"
    elif info.queue_usage is not None:
        summary += f"; notification queue usage {info.queue_usage:.1%}"
    return Finding(
        "delivery",
        Status.WARN,
        summary,
        fix=None if standby else "SELECT pg_notification_queue_usage();",
        title=title,
    )


def auto_reload(ev: Evidence) -> Finding | None:
    info = ev.listener
    if info is None:
        return None
    title = "Automatic reload after DDL"
    replication_role = ev.server.session_replication_role if ev.server else "origin"
    notifying = [t for t in info.event_triggers if t.notifies]
    working = [t for t in notifying if t.event == "ddl_command_end" and t.fires(replication_role)]
    if working:
        names = ", ".join(t.name for t in notifying)
        return Finding("auto-reload", Status.PASS,
                       f"event triggers send NOTIFY after DDL ({names})", title=title)  # fmt: skip
    channel = ev.target.channel
    if notifying:
        t = notifying[0]
        if t.enabled == "D":
            summary, variant = f"event trigger {t.name} exists but is disabled", "enable"
        else:
            summary = (f"event trigger {t.name} does not fire with session_replication_role "
                       f"= {replication_role}")  # fmt: skip
            variant = "replica"
        fix_text = fix(Cause.AUTO_RELOAD_OFF, variant, name=t.name, channel=channel)
    else:
        summary = "no event trigger sends NOTIFY after DDL: every schema change needs a reload"
        fix_text = fix(Cause.AUTO_RELOAD_OFF, "create", channel=shlex.quote(channel))
    return Finding(
        "auto-reload",
        Status.WARN,
        summary,
        cause=Cause.AUTO_RELOAD_OFF,
        fix=fix_text,
        title=title,
        runbook_note="RUN-002 says the Supabase CLI reloads after migrations; it sends no "
        "NOTIFY. Event triggers (pgrst_ddl_watch / pgrst_drop_watch) do.",
    )


def standby(ev: Evidence) -> Finding | None:
    if ev.server is None or not ev.server.in_recovery:
        return None
    return Finding(
        "standby",
        Status.WARN,
        "the database is a standby (pg_is_in_recovery): NOTIFY cannot reach PostgREST here; "
        "send it on the primary",
        fix=f"NOTIFY {ev.target.channel}, 'reload schema';  -- on the primary",
        title="Standby",
    )


def pooler(ev: Evidence) -> Finding | None:
    if ev.server is None:
        return None
    url_port = urlsplit(ev.target.db_url).port or 5432
    if url_port == ev.server.server_port and url_port not in POOLER_PORTS:
        return None
    return Finding(
        "pooler",
        Status.WARN,
        f"the DB URL's port {url_port} is not the server's own port {ev.server.server_port}: "
        "a connection pooler is in the path; LISTEN/NOTIFY may not pass through it",
        title="Connection pooler",
        fix=None,
    )
