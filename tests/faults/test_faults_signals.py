"""SIGTERM and SIGHUP (and SIGINT) in the middle of a remedy, sent to the real CLI: the children
(in sessions of their own) are stopped, one line says what had happened, the exit code is
128 + signal, and the journal exports afterwards with the same truth (dump kept or not, reset
started or not). Every child is looked for in /proc afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tui.core.transcript.journal import read_events

pytestmark = pytest.mark.integration
CODES = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}


@pytest.fixture
def box(drifted_box):
    return drifted_box


def rows(box) -> tuple[int, bool]:
    with psycopg.connect(box.db_url) as conn:
        customers = conn.execute("SELECT count(*) FROM public.customers").fetchone()[0]
        invoices = conn.execute("SELECT to_regclass('public.invoices') IS NOT NULL").fetchone()[0]
    return customers, invoices


def processes_with(token: str) -> list[str]:
    """Every live process whose command line holds ``token`` (zombies have none)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if token in text:
                found.append(f"{cmdline.parent.name}: {text}")
    return found


def commands_with(token: str) -> list[str]:
    """The processes of the command itself (sh, sleep) holding ``token``: not the doctor,
    whose argv names the command too, nor a child it forked that has not exec'd yet (it
    still shows the doctor's argv: seen once, during the unmigrated step's dump, so the
    signal came before the reset command ran)."""
    return [p for p in processes_with(token) if " -m tui " not in p]


def _stat(pid: str) -> tuple[int, int] | None:
    """(parent pid, session id) of a live process, None once it is gone or a zombie."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    if fields[0] == "Z":
        return None
    return int(fields[1]), int(fields[3])


def sessions_of_children(pid: int) -> set[int]:
    """The sessions the doctor's children run in (each starts one of its own)."""
    found = set()
    for entry in Path("/proc").glob("[0-9]*"):
        stat = _stat(entry.name)
        if stat and stat[0] == pid:
            found.add(stat[1])
    return found


def alive_in(sessions: set[int]) -> list[int]:
    """Live processes of those sessions: the children and everything they started."""
    return [int(e.name) for e in Path("/proc").glob("[0-9]*")
            if (stat := _stat(e.name)) and stat[1] in sessions]  # fmt: skip


def journal_events() -> list[dict]:
    events: list[dict] = []
    for path in Path(os.environ["XDG_DATA_HOME"]).rglob("journal.jsonl"):
        found, warnings = read_events(path)
        assert warnings == [], warnings
        events += found
    return events


def slow_command() -> tuple[str, str]:
    """A command that runs for minutes, and the token its processes (sh and sleep) carry."""
    token = f"{300 + secrets.randbelow(10**6) / 10**6:.6f}"
    return f"sh -c 'sleep {token}; echo never'", token


def start(box, *args: str) -> subprocess.Popen:
    env = {**os.environ, **box.connection().env()}
    return subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(check, what: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if proc.poll() is not None:
            pytest.fail(f"the command ended before {what}: {proc.communicate()}")
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.05)


ORPHAN_GRACE = 5.0  # seconds a killed child of the doctor may take to die


def stop(proc: subprocess.Popen, sig: signal.Signals) -> tuple[str, str]:
    """Send ``sig``, collect the output; then no process of the children's sessions lives."""
    sessions = sessions_of_children(proc.pid) - {os.getsid(0)}
    assert sessions, "the doctor had no child running"
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # SIGKILL to a process group is asynchronous: under load a killed child can take a
    # moment to die (a child that was never signalled is still there after the grace)
    deadline = time.monotonic() + ORPHAN_GRACE
    while alive_in(sessions) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive_in(sessions) == [], f"orphans after {sig.name}: {alive_in(sessions)}"
    return out, err


def export(box, fmt: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tui", "export", "--last", "--format", fmt],
        env={**os.environ, **box.connection().env()},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_signal_during_the_reset_command_stops_it_and_tells_the_dump_and_the_reset(box, sig):
    command, token = slow_command()
    project = str(box.connection().project_dir)
    proc = start(box, "reset", "--project-dir", project, "--confirm", box.dbname, "--drop-unmigrated",
                 "--reset-cmd", command)  # fmt: skip
    wait_for(lambda: len(commands_with(token)) >= 1, "the reset command", proc)
    out, err = stop(proc, sig)
    assert "Traceback" not in out + err, err
    assert proc.returncode == CODES[sig], err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"pgrst-doctor: interrupted by {sig.name}: dump kept at "), last
    assert "the reset had started and was stopped" in last
    assert f"--confirm {box.dbname}" in last  # how to put the database back
    assert sum(line.startswith("pgrst-doctor: ") for line in err.splitlines()) == 1, err
    assert processes_with(token) == [], "the reset command outlived the doctor"
    verdict = [e for e in journal_events() if e["kind"] == "verdict"][-1]["payload"]
    assert verdict["interrupted"] == sig.name and verdict["reset_started"] is True
    assert verdict["reset_finished"] is False and verdict["during"] == "reset"
    dump = Path(verdict["dump"])
    assert dump.is_file()
    markdown = export(box, "md")
    assert "No dump was taken" not in markdown and str(dump) in markdown
    assert f"interrupted by {sig.name}" in markdown and "reset had started" in markdown
    assert json.loads(export(box, "json"))
    assert rows(box) == (2, True)  # `sleep` dropped nothing


def _waiting_on_lock(box, application: str, query: str = "%") -> int:
    """Sessions of ``application`` (a LIKE pattern) in the box's database waiting on a lock,
    their query text LIKE ``query``."""
    with psycopg.connect(box.db_url, autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE %s "
            "AND wait_event_type = 'Lock' AND datname = %s AND query LIKE %s",
            (application, box.dbname, query),
        ).fetchone()
    return int(row[0]) if row else 0


def _pg_dump_waiting(box) -> bool:
    return _waiting_on_lock(box, "pg_dump") > 0


def test_sigterm_during_the_dump_stops_pg_dump_and_keeps_no_dump(box, hold_lock):
    hold_lock(box.db_url, sql.Identifier("pg_catalog", "pg_description"))
    project = str(box.connection().project_dir)
    proc = start(
        box, "reset", "--project-dir", project, "--confirm", box.dbname, "--drop-unmigrated"
    )
    wait_for(lambda: _pg_dump_waiting(box), "pg_dump at work", proc)
    out, err = stop(proc, signal.SIGTERM)
    assert "Traceback" not in out + err, err
    assert proc.returncode == 143, err
    last = err.strip().splitlines()[-1]
    assert last == (
        "pgrst-doctor: interrupted by SIGTERM: the dump was stopped and removed; "
        "nothing was dropped"
    ), err
    assert not list(Path(os.environ["XDG_DATA_HOME"]).rglob("dump-*"))
    verdict = [e for e in journal_events() if e["kind"] == "verdict"][-1]["payload"]
    assert verdict["during"] == "dump" and verdict["dump"] is None
    assert verdict["reset_started"] is False
    assert "No dump was taken" in export(box, "md")
    assert rows(box) == (2, True)


def test_sighup_during_a_restart_command_stops_it(box):
    command, token = slow_command()
    proc = start(box, "reload", "--method", "restart", "--restart-cmd", command)
    wait_for(lambda: len(commands_with(token)) >= 1, "the restart command", proc)
    out, err = stop(proc, signal.SIGHUP)
    assert proc.returncode == 129, err
    assert "Traceback" not in out + err, err
    last = err.strip().splitlines()[-1]
    assert last == (
        "pgrst-doctor: interrupted by SIGHUP: the restart command was stopped: PostgREST may "
        "be down, check it"
    ), err
    assert processes_with(token) == [], "the restart command outlived the doctor"
    verdict = [e for e in journal_events() if e["kind"] == "verdict"][-1]["payload"]
    assert verdict["interrupted"] == "SIGHUP" and verdict["during"] == "restart"
    assert "interrupted by SIGHUP" in export(box, "md")


def _doctor_reading_enums(box) -> int:
    """The doctor's sessions whose catalog read waits on the lock on pg_enum (a session
    waiting at start-up has no query: PostgreSQL cannot be asked to cancel that one)."""
    return _waiting_on_lock(box, "pgrst-doctor", "%pg_enum%")


def interrupt_check(box, sig: signal.Signals, waiting, what: str, settle: float = 0.0) -> None:
    """Run `check --json --timeout 60`, send ``sig`` once ``waiting()`` (and ``settle``
    seconds more): it ends at once with one line, 128 + signal, no traceback."""
    proc = start(box, "check", "--json", "--timeout", "60")
    try:
        wait_for(waiting, f"{what} waiting on the lock", proc)
        time.sleep(settle)
        proc.send_signal(sig)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in out + err, err
    assert proc.returncode == CODES[sig], err
    said = "interrupted" if sig == signal.SIGINT else f"interrupted by {sig.name}"
    assert err.strip().splitlines() == [f"pgrst-doctor: {said}"], err
    assert json.loads(out)["exit_code"] == CODES[sig]
    assert took < 10, f"{took:.1f}s to stop (--timeout 60)"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_a_signal_while_check_reads_the_catalog_cancels_the_read(box, hold_lock, sig):
    """`check` reads the database while it is still loading, in a thread of its own
    (probes/db_prefetch.py). A signal while that read waits on a lock ends the check at once
    (one line, 128 + signal) and cancels the query on the server: a backend waiting on a
    lock does not notice its client has gone, so without the cancel it would wait on."""
    hold_lock(box.db_url, sql.Identifier("pg_catalog", "pg_enum"))
    interrupt_check(box, sig, lambda: _doctor_reading_enums(box) > 0, "the catalog read")
    deadline = time.monotonic() + 10  # the lock is still held: only a cancel ends the wait
    while _doctor_reading_enums(box) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _doctor_reading_enums(box) == 0, "the catalog read outlived the doctor"


def _postgrest_waiting_on_lock(box) -> int:
    """PostgREST's sessions waiting on a lock: its OpenAPI answer reads pg_description."""
    return _waiting_on_lock(box, "PostgREST %")


def test_stop_ends_an_early_openapi_request_the_server_has_not_answered(box, hold_lock):
    """`check` asks for the OpenAPI document before the engine loads (probes/
    openapi_prefetch.py). When the command ends with nobody having taken it, ``stop`` shuts
    the socket down: the thread waiting for PostgREST's answer ends at once, not after the
    timeout, and nothing is left for a later diagnosis to take."""
    from tui.core.probes import openapi_prefetch

    hold_lock(box.db_url, sql.Identifier("pg_catalog", "pg_description"))
    conn = box.connection()
    openapi_prefetch.start(conn.api_url, conn.anon_key, 60.0, openapi=True)
    early = openapi_prefetch._pending[conn.api_url.rstrip("/"), openapi_prefetch.OPENAPI]
    deadline = time.monotonic() + 30
    while not _postgrest_waiting_on_lock(box):
        assert time.monotonic() < deadline, "PostgREST's OpenAPI answer never waited on the lock"
        time.sleep(0.05)
    assert early._thread.is_alive()
    sent = time.monotonic()
    openapi_prefetch.stop()
    assert not early._thread.is_alive(), "the early request outlived stop()"
    assert time.monotonic() - sent < 1.5
    assert openapi_prefetch._pending == {} and openapi_prefetch.take(conn.api_url, None) is None


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_a_signal_while_the_early_openapi_request_waits_ends_the_check(box, hold_lock, sig):
    """A signal while PostgREST has not answered the early OpenAPI request (its answer
    waits on a lock) ends the check at once: one line, 128 + signal, no traceback."""
    hold_lock(box.db_url, sql.Identifier("pg_catalog", "pg_description"))
    waiting = lambda: _postgrest_waiting_on_lock(box) > 0  # noqa: E731
    # settle: the engine loads meanwhile and takes the request over, still unanswered
    interrupt_check(box, sig, waiting, "the OpenAPI request", settle=0.3)
