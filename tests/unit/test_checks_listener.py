"""Listener, delivery, auto-reload and pooler checks from evidence."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tui.core.checks import listening
from tui.core.checks.evidence import Evidence
from tui.core.model import Cause, Status
from tui.core.probes.db import ServerInfo
from tui.core.probes.listener import EventTrigger, ListenerInfo, Session, listen_regex


def ev(info: ListenerInfo, *, url_port=5432, server_port=5432, pids=(), replication="origin"):
    from tui.core.target import Target

    target = Target(db_url=f"postgresql://u@127.0.0.1:{url_port}/db", api_url="http://x")
    server = ServerInfo("15.8", 150008, False, "db", "u", server_port, replication, False,
                        "PostgreSQL", None)  # fmt: skip
    return Evidence(target, "anon", server=server, listener=info, local_pids=list(pids))


def test_listening_instance_passes():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    info = ListenerInfo(
        "pgrst", True, [Session(1, "authenticator", "PostgREST 12.0.2", start, True)]
    )
    f = listening.listener(ev(info), stale=False)
    assert f.status is Status.PASS and "1 PostgREST instance" in f.summary


def test_hidden_queries_mean_unknown_not_absent():
    f = listening.listener(ev(ListenerInfo("pgrst", None, hidden_sessions=3)), stale=True)
    assert f.status is Status.WARN and f.cause is None


def test_channel_disabled_in_the_postgrest_config_is_said_not_guessed():
    from dataclasses import replace

    info = ListenerInfo("pgrst", False)
    evidence = ev(info)
    evidence.target = replace(evidence.target, channel_enabled=False)
    f = listening.listener(evidence, stale=True)
    assert f.cause is Cause.NO_LISTENER and "db-channel-enabled = false" in f.summary
    assert "db-channel-enabled" not in listening.listener(ev(info), stale=True).summary


def test_no_listener_fails_only_when_something_is_stale():
    info = ListenerInfo("pgrst", False)
    assert listening.listener(ev(info), stale=False).status is Status.WARN
    f = listening.listener(ev(info, pids=[7]), stale=True)
    assert (f.status, f.cause, f.fix) == (Status.FAIL, Cause.NO_LISTENER, "kill -USR1 7")


def trigger(enabled="O", event="ddl_command_end", notifies=True) -> EventTrigger:
    return EventTrigger("pgrst_ddl_watch", event, enabled, "extensions.pgrst_ddl_watch()", notifies)


def test_auto_reload_needs_an_enabled_notifying_trigger():
    ok = ListenerInfo("pgrst", True, event_triggers=[trigger()])
    assert listening.auto_reload(ev(ok)).status is Status.PASS
    off = listening.auto_reload(ev(ListenerInfo("pgrst", True, event_triggers=[trigger("D")])))
    assert (
        off.cause is Cause.AUTO_RELOAD_OFF
        and off.fix == "ALTER EVENT TRIGGER pgrst_ddl_watch ENABLE;"
    )
    replica = listening.auto_reload(ev(ok, replication="replica"))
    assert replica.status is Status.WARN and replica.fix.endswith("ENABLE ALWAYS;")
    none = listening.auto_reload(
        ev(ListenerInfo("pgrst", True, event_triggers=[trigger(notifies=False)]))
    )
    assert none.status is Status.WARN and none.fix.startswith("pgrst-doctor install-trigger")
    assert "pgrst_ddl_watch and pgrst_drop_watch" in none.fix


def test_pooler_port_is_a_warning():
    info = ListenerInfo("pgrst", True)
    assert listening.pooler(ev(info)) is None
    assert listening.pooler(ev(info, url_port=6543, server_port=5432)).status is Status.WARN


def test_listen_query_pattern():
    pattern = re.compile(listen_regex("pgrst"), re.IGNORECASE)
    assert pattern.match('LISTEN "pgrst"') and pattern.match("listen pgrst;")
    assert not pattern.match('LISTEN "pgrst2"')
