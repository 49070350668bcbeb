"""`pgrst-doctor reload` under faults: nothing listens to NOTIFY, PostgREST restarts while the
doctor verifies, and a --restart-cmd full of shell metacharacters (run without a shell).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tui.core.transcript.journal import read_events

pytestmark = pytest.mark.integration  # the real PostgreSQL / PostgREST stack

RECORDER = """
import json, os, signal, sys
with open(sys.argv[1], "w") as fh:
    json.dump(sys.argv[2:], fh)
os.kill(int(os.environ["SANDBOX_POSTGREST_PID"]), signal.SIGUSR1)  # a real reload
sys.stdout.write("x" * 200000)  # one 200 KB line without a newline, then exit 0
"""


def target_env(box) -> dict[str, str]:
    return box.connection().env()


def journal_events() -> list[dict]:
    events: list[dict] = []
    for path in Path(os.environ["XDG_DATA_HOME"]).rglob("journal.jsonl"):
        found, warnings = read_events(path)
        assert warnings == []
        events += found
    return events


def test_notify_with_nothing_listening_is_refused_not_sent(doctor, make_sandbox):
    box = make_sandbox("12", drift=["missing-relationship"],
                       postgrest_extra={"db-channel-enabled": False})  # fmt: skip
    run = doctor("reload", "--method", "notify", "--json", "--timeout", "3",
                 env=target_env(box), budget=30)  # fmt: skip
    run.assert_calm(4)
    outcome = run.json()
    step = outcome["steps"][0]
    assert step["status"] == "refused", step
    assert "no PostgREST session listens" in step["summary"]
    assert not any(s["step"] == "verify" for s in outcome["steps"])
    assert any(e["kind"] == "step-end" for e in journal_events())


def test_ladder_moves_past_a_notify_nobody_hears(doctor, make_sandbox):
    """Without --method the ladder skips NOTIFY (the diagnosis saw no listener) for SIGUSR1."""
    box = make_sandbox("12", drift=["missing-relationship"],
                       postgrest_extra={"db-channel-enabled": False})  # fmt: skip
    run = doctor("reload", "--json", "--timeout", "3", env=target_env(box), budget=60)
    run.assert_calm(0)
    steps = run.json()["steps"]
    assert not any(s["step"] == "notify" and s["status"] == "ok" for s in steps), steps
    assert steps[0]["step"] == "signal" and steps[0]["status"] == "ok", steps


def test_postgrest_restarting_during_verification(make_sandbox):
    """PostgREST is killed the moment verification starts and comes back a second later."""
    box = make_sandbox("12", drift=["missing-relationship"])
    assert box.postgrest is not None
    argv = [sys.executable, "-m", "tui", "reload", "--method", "notify", "--timeout", "3"]
    proc = subprocess.Popen(argv, env={**os.environ, **target_env(box)}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    seen: list[str] = []
    restarted = threading.Event()

    def watch() -> None:
        assert proc.stderr is not None and box.postgrest is not None
        for line in proc.stderr:
            seen.append(line)
            if line.startswith("▶ verify") and not restarted.is_set():
                box.postgrest.send_signal(signal.SIGKILL)
                time.sleep(1.0)
                box.postgrest.start()
                restarted.set()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        out = proc.stdout.read() if proc.stdout else ""
        proc.wait(timeout=60)
        watcher.join(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = "".join(seen)
    assert restarted.is_set(), err
    assert "Traceback" not in out + err, err
    assert proc.returncode == 0, out + err
    assert "fixed" in out


def test_restart_cmd_metacharacters_reach_the_program_literally(doctor, make_sandbox, tmp_path):
    box = make_sandbox("12", drift=["missing-relationship"])
    assert box.postgrest is not None and box.postgrest.pid is not None
    script = tmp_path / "recorder.py"
    script.write_text(RECORDER)
    record = tmp_path / "argv.json"
    canary = tmp_path / "pwned"
    hostile = ["a;b", f"$(touch {canary})", f"`touch {canary}`", "|", "&&", ">out", "*", "$HOME"]
    command = " ".join([sys.executable, str(script), str(record)] + [f"'{h}'" for h in hostile])
    env = {**target_env(box), "SANDBOX_POSTGREST_PID": str(box.postgrest.pid)}
    run = doctor("reload", "--method", "restart", "--restart-cmd", command, "--json",
                 "--timeout", "3", env=env, budget=90)  # fmt: skip
    run.assert_calm(0)
    assert json.loads(record.read_text()) == hostile
    assert not canary.exists()
    assert not (Path.cwd() / "out").exists()
    restart = next(s for s in run.json()["steps"] if s["step"] == "restart")
    assert restart["status"] == "ok", restart


async def test_a_journal_that_fills_the_disk_does_not_abort_a_running_step(sandbox12, tmp_path):
    """The session journal sits on a real 64 KB tmpfs; the restart command prints ~150 KB.
    The command must run to its end (it writes a marker last), the step must succeed, and the
    lost transcript is said once, as an output line of the step."""
    from test_faults_reset import tiny_disk

    from tui.core.remedies.events import EventKind, StepStatus
    from tui.core.remedies.record import journaled
    from tui.core.remedies.restart import RestartStep
    from tui.core.target import resolve_target
    from tui.core.transcript.journal import Journal

    marker = tmp_path / "finished"
    chatty = (
        "import sys, time\n"
        "for i in range(1500):\n"
        "    print(f'line {i} ' + 'x' * 90, flush=True)\n"
        f"open({str(marker)!r}, 'w').write('done')\n"
    )
    conn = sandbox12.connection()
    target = resolve_target(
        {"db_url": conn.db_url, "api_url": conn.api_url, "admin_url": conn.admin_url}, env={}
    )
    with tiny_disk(tmp_path / "disk") as disk:
        journal = Journal.start("reload", root=disk / "sessions")
        events: list = []
        step = RestartStep(target, command=[sys.executable, "-c", chatty])
        result = await step.run(journaled(journal, events.append))
        journal.close()
        found, warnings = read_events(journal.path)
    assert result.status is StepStatus.OK, result.summary
    assert marker.read_text() == "done"
    stopped = [
        e for e in events if e.kind is EventKind.OUTPUT and "transcript stopped" in e.message
    ]
    assert len(stopped) == 1 and "No space left on device" in stopped[0].message
    assert warnings == [] and any(e["kind"] == "step-output" for e in found)


async def test_a_hung_program_is_killed_at_its_timeout_with_its_children():
    """The kill-on-timeout path every remedy program goes through (restart, dump, reset)."""
    from tui.core.remedies.io import run_program

    code = "import subprocess, time; subprocess.Popen(['sleep', '300']); time.sleep(300)"
    done = await run_program([sys.executable, "-c", code], timeout=1.0)
    assert done.returncode == 124
    assert "timed out after 1s and was stopped" in done.tail
    time.sleep(0.2)
    leftovers = [
        p for p in Path("/proc").glob("[0-9]*/cmdline")
        if p.exists() and p.read_bytes().startswith(b"sleep\0300\0")
    ]  # fmt: skip
    assert leftovers == [], "the program's own child survived the kill"


def test_reload_and_reset_against_a_dead_database_are_one_line(doctor, sandbox12, db_down_url):
    env = {**target_env(sandbox12), "PGRST_DOCTOR_DB_URL": db_down_url}
    reload = doctor("reload", "--timeout", "2", env=env, budget=10)
    reload.assert_last_line_error(3, "unreachable")
    reset = doctor("reset", "--confirm", "postgres", "--project-dir",
                   str(sandbox12.connection().project_dir), "--timeout", "2", env=env, budget=10)  # fmt: skip
    reset.assert_last_line_error(4, "reset refused")


def test_export_of_a_corrupt_journal_warns_and_an_unknown_session_is_one_line(doctor, sandbox12):
    conn = sandbox12.connection()
    env = {"PGRST_DOCTOR_DB_URL": conn.db_url, "PGRST_DOCTOR_API_URL": conn.api_url,
           "ANON_KEY": conn.anon_key}  # fmt: skip
    doctor("check", "--timeout", "3", env=env, budget=3).assert_calm(0)
    (journal,) = Path(os.environ["XDG_DATA_HOME"]).rglob("journal.jsonl")
    with journal.open("ab") as fh:  # a crash mid-line, binary garbage, a foreign JSON line
        fh.write(
            b'{"ts": "2026-11-24T00:00:00.000Z", "seq": 99, "ki\n\xff\xfe\x00garbage\n[1, 2]\n{"ts"'
        )
    exported = doctor("export", "--last", "--format", "md", budget=10)
    exported.assert_calm(0)
    assert "healthy" in exported.stdout.lower()
    assert exported.stderr.count("pgrst-doctor: warning:") == 4, exported.stderr
    journal.unlink()  # the autouse check would (rightly) flag the corruption we planted
    missing = doctor("export", "no-such-session", budget=10)
    missing.assert_one_line_error(2, "no-such-session")


def test_ctrl_c_while_verification_polls_a_dead_postgrest(make_sandbox):
    box = make_sandbox("12", drift=["missing-relationship"])
    assert box.postgrest is not None
    argv = [sys.executable, "-m", "tui", "reload", "--method", "notify", "--timeout", "3"]
    proc = subprocess.Popen(argv, env={**os.environ, **target_env(box)}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    lines: list[str] = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("▶ verify"):
                box.postgrest.send_signal(signal.SIGKILL)  # and it never comes back
                time.sleep(1.0)
                proc.send_signal(signal.SIGINT)
                break
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = "".join(lines) + err
    assert "Traceback" not in out + err, err
    assert proc.returncode == 130, (proc.returncode, err)
    assert err.strip().splitlines()[-1] == (
        "pgrst-doctor: interrupted: the reload was sent; its verification was stopped: run "
        "`pgrst-doctor check`"
    )
    events = journal_events()
    assert any(e["kind"] == "step-start" and e["payload"]["step"] == "verify" for e in events)


CANCELLED_PROGRAM = """
import asyncio, gc
from tui.core.remedies.io import run_program

async def main():
    task = asyncio.create_task(run_program(["sleep", "30"], timeout=60))
    await asyncio.sleep(0.3)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass

asyncio.run(main())
gc.collect()
print("done")
"""


def test_a_cancelled_program_leaves_nothing_to_complain_about_at_exit():
    """Ctrl+C's path: the killed program is reaped before the event loop closes (left to the
    garbage collector, it printed 'Exception ignored … Event loop is closed' with a traceback)."""
    proc = subprocess.run([sys.executable, "-c", CANCELLED_PROGRAM], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert proc.stdout.strip() == "done"
    assert "Traceback" not in proc.stderr and "Event loop is closed" not in proc.stderr, proc.stderr


def test_notify_sent_to_a_listener_that_is_not_postgrest_is_not_resent_then_escalated(
    doctor, make_sandbox
):
    """Something LISTENs on "pgrst" under PostgREST's application_name, but the real PostgREST
    has db-channel-enabled off: the NOTIFY is sent and lost. The socket table shows the LISTEN
    session is not the PostgREST's own, so the NOTIFY is not sent again (it used to be, on a
    guess); the reason is given and the next rung proposed; never a wait without end."""
    import psycopg

    box = make_sandbox("12", drift=["missing-relationship"],
                       postgrest_extra={"db-channel-enabled": False})  # fmt: skip
    with psycopg.connect(box.db_url, autocommit=True, application_name="PostgREST 12.0.2") as fake:
        fake.execute('LISTEN "pgrst"')
        run = doctor("reload", "--method", "notify", "--json", "--timeout", "3",
                     env=target_env(box), budget=40)  # fmt: skip
    run.assert_calm(1)
    outcome = run.json()
    assert outcome["fixed"] is False
    kinds = [(s["step"], s["status"]) for s in outcome["steps"]]
    assert kinds.count(("notify", "ok")) == 1, kinds
    assert all(s["status"] != "ok" for s in outcome["steps"] if s["step"] == "verify"), kinds
    assert "does not LISTEN" in outcome["why_not_reached"], outcome
    assert outcome["proposal"]["id"] == "signal", outcome["proposal"]
