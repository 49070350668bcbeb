"""The reload rungs on the real sandbox: each one fixes a stale cache, verified by the probes."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.integration.remedy_helpers import CACHE_DRIFTS, Events, run_cli, stale_objects, target_of
from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.remedies.events import EventKind, StepClock, StepStatus
from tui.core.remedies.notify import NotifyCliStep, NotifyStep
from tui.core.remedies.runner import ReloadOptions, reload
from tui.core.remedies.verify import Verifier, VerifyStep
from tui.core.tools import supabase_cli

pytestmark = pytest.mark.integration


async def test_verifier_sees_every_stale_kind_only_after_notify(make_sandbox) -> None:
    box = make_sandbox("12", drift=CACHE_DRIFTS)
    target = target_of(box)
    objects = stale_objects(*CACHE_DRIFTS)
    verifier = Verifier(target, objects)
    await verifier.prepare()
    assert sorted(await verifier.state()) == sorted(o.name for o in objects)

    events = Events()
    not_yet = await verifier.wait_visible(time.perf_counter(), 0.3, StepClock("t", events))
    assert not not_yet.converged and not_yet.requests >= 5
    assert not_yet.requests <= 0.3 * 50 + 1  # never more than 50 requests a second

    step = NotifyStep(target)
    sent = await step.run(events)
    assert sent.status is StepStatus.OK
    assert sent.kpis[0].kpi == "notify_execution"
    checked = await VerifyStep(verifier, since=step.sent_at, timeout=5.0).run(events)
    assert checked.status is StepStatus.OK, checked.summary
    assert await verifier.state() == []
    assert {k.kpi for k in checked.kpis} == {
        "schema_reload",
        "api_response_p50",
        "api_response_p95",
    }
    # the probes are side-effect free: nothing was inserted by the column probe
    box.execute(
        "DO $$ BEGIN IF (SELECT count(*) FROM public.customers) <> 2 THEN RAISE 'wrote rows'; END IF; END $$"
    )


async def test_sigusr1_fixes_a_stale_relationship_on_postgrest_11(make_sandbox) -> None:
    box = make_sandbox("11", drift=("missing-relationship",))
    events = Events()
    outcome = await reload(
        target_of(box),
        objects=stale_objects("missing-relationship"),
        options=ReloadOptions(method="signal", reload_config=True),
        emit=events,
    )
    assert outcome.fixed, events.text()
    assert outcome.steps[0].details["pid"] == box.postgrest.pid
    assert "sent SIGUSR2" in events.text() and "sent SIGUSR1" in events.text()


async def test_notify_is_refused_when_no_postgrest_listens(make_sandbox) -> None:
    box = make_sandbox(
        "12", drift=("missing-table",), postgrest_extra={"db-channel-enabled": False}
    )
    events = Events()
    outcome = await reload(
        target_of(box),
        objects=stale_objects("missing-table"),
        options=ReloadOptions(method="notify"),
        emit=events,
    )
    assert outcome.steps[0].status is StepStatus.REFUSED
    assert "no PostgREST session listens" in outcome.steps[0].summary
    assert outcome.exit_code == 4
    assert outcome.proposal is not None and outcome.proposal.id == "signal"
    # without --method the ladder moves on by itself to SIGUSR1, which reaches PostgREST
    events = Events()
    outcome = await reload(target_of(box), objects=stale_objects("missing-table"), emit=events)
    assert [(s.step, str(s.status)) for s in outcome.steps] == [
        ("notify", "refused"),
        ("signal", "ok"),
        ("verify", "ok"),
    ]
    assert outcome.fixed and outcome.exit_code == 0


async def test_supabase_cli_notify_runs_the_real_cli_and_fixes_it(make_sandbox) -> None:
    box = make_sandbox("12", drift=("missing-function",))
    target = target_of(box)
    events = Events()
    step = NotifyCliStep(target, cli=str(supabase_cli()))
    result = await step.run(events)
    assert result.status is StepStatus.OK, result.summary
    assert box.connection().db_url not in events.text()  # the URL with its password never shows
    verifier = Verifier(target, stale_objects("missing-function"))
    await verifier.prepare()
    checked = await VerifyStep(verifier, since=step.sent_at, timeout=5.0).run(events)
    assert checked.status is StepStatus.OK, checked.summary


RESTART_SCRIPT = """
import os, signal, socket, subprocess, sys, time
pidfile, binary, conf, log, port = sys.argv[1:6]
os.kill(int(open(pidfile).read()), signal.SIGTERM)
deadline = time.time() + 20
while time.time() < deadline:  # the old process has let go of its port
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", int(port))) != 0:
            break
    time.sleep(0.02)
proc = subprocess.Popen([binary, conf], stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL, start_new_session=True)
open(pidfile, "w").write(str(proc.pid))
print("started postgrest", proc.pid)
"""


async def test_restart_through_a_configured_command_restarts_the_process(
    make_sandbox, tmp_path: Path
) -> None:
    box = make_sandbox("12", drift=("missing-table",))
    server = box.postgrest
    old_pid = server.pid
    pidfile = tmp_path / "postgrest.pid"
    pidfile.write_text(str(old_pid))
    script = tmp_path / "restart_postgrest.py"
    script.write_text(RESTART_SCRIPT)
    command = [
        sys.executable,
        str(script),
        str(pidfile),
        str(server.binary),
        str(server.config_path),
        str(tmp_path / "new.log"),
        str(server.config.server_port),
    ]
    events = Events()
    try:
        outcome = await reload(
            target_of(box),
            objects=stale_objects("missing-table"),
            options=ReloadOptions(method="restart", restart_cmd=command),
            emit=events,
        )
        new_pid = int(pidfile.read_text())
        assert new_pid != old_pid
        assert outcome.fixed, events.text()
        assert outcome.steps[0].kpis[0].kpi == "postgrest_restart"
        # the command's own output is streamed (the sandbox password "postgres" is masked in it)
        assert any(f"started ****t {new_pid}" == e.message for e in events.of(EventKind.OUTPUT))
    finally:
        new_pid = int(pidfile.read_text())
        if new_pid != old_pid:
            os.kill(new_pid, signal.SIGTERM)


def test_cli_reload_json_lists_steps_with_kpi_verdicts_and_journals_them(
    make_sandbox, tmp_path
) -> None:
    box = make_sandbox("12", drift=("missing-relationship",))
    c = box.connection()
    proc = run_cli(
        "reload",
        "--json",
        "--request",
        "GET /order_items?select=*,products(*)",
        cwd=tmp_path,
        env=c.env(),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema_version"] == 1
    assert data["fixed"] and data["verdict"] == "healthy"
    assert [s["step"] for s in data["steps"]] == ["notify", "verify"]
    verdicts = {k["kpi"]: k["verdict"] for s in data["steps"] for k in s["kpis"]}
    assert set(verdicts) == {
        "notify_execution",
        "schema_reload",
        "api_response_p50",
        "api_response_p95",
    }
    assert data["steps"][1]["details"]["request"]["ok"] is True  # resolved from the cache
    assert c.anon_key not in proc.stdout + proc.stderr
    journal = next(Path(os.environ["XDG_DATA_HOME"]).rglob("journal.jsonl"))
    kinds = [json.loads(line)["kind"] for line in journal.read_text().splitlines()]
    assert {"step-start", "step-output", "step-end", "kpi", "verdict"} <= set(kinds)


async def test_a_notify_without_effect_is_resent_once_then_the_ladder_climbs(sandbox12) -> None:
    # an object no reload can show: every rung runs out its KPI alert threshold (5 s)
    never = [StaleObject(ObjectKind.TABLE, "public.never_created", Change.ADDED)]
    events = Events()
    outcome = await reload(target_of(sandbox12), objects=never, emit=events)
    assert [(s.step, str(s.status)) for s in outcome.steps] == [
        ("notify", "ok"),
        ("verify", "failed"),
        ("notify", "ok"),
        ("verify", "failed"),
        ("signal", "ok"),
        ("verify", "failed"),
    ]
    assert "(attempt 2)" in events.text()
    assert not outcome.fixed and outcome.exit_code == 1
    assert outcome.proposal is not None and outcome.proposal.id == "restart"
