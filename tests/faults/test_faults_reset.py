"""Destructive paths through the real `pgrst-doctor reset` command line: every refusal exits 4
with one line and leaves the data alone, a full disk and a Ctrl+C during the dump drop nothing,
and what a confirmed reset leaves behind is private (0600) and free of planted secrets.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tui.core.transcript.journal import read_events

pytestmark = pytest.mark.integration  # the real PostgreSQL / PostgREST stack

TIMEOUT = "3"


def rows(box) -> tuple[int, bool]:
    """(customers rows, does the drift table public.invoices exist)."""
    with psycopg.connect(box.db_url) as conn:
        customers = conn.execute("SELECT count(*) FROM public.customers").fetchone()[0]
        invoices = conn.execute("SELECT to_regclass('public.invoices') IS NOT NULL").fetchone()[0]
    return customers, invoices


def target_env(box, db_url: str | None = None) -> dict[str, str]:
    env = box.connection().env()
    return {**env, "PGRST_DOCTOR_DB_URL": db_url} if db_url else env


def reset_argv(box, *extra: str) -> list[str]:
    project = str(box.connection().project_dir)
    # the drift table is in no migration: these tests are about the other guards
    return ["reset", "--project-dir", project, "--timeout", TIMEOUT, "--drop-unmigrated", *extra]


def dumps(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("dump-*") if p.is_file())


def journals_readable(root: Path) -> list[dict]:
    """Every journal under ``root`` parses without a skipped line; returns all events."""
    events: list[dict] = []
    for path in root.rglob("journal.jsonl"):
        found, warnings = read_events(path)
        assert warnings == [], warnings
        events += found
    return events


@pytest.fixture
def drifted(sandbox12):
    sandbox12.apply_drift(["missing-table"])
    assert rows(sandbox12) == (2, True)
    return sandbox12


@pytest.mark.parametrize("typed", ["", "SHOP", "shop_other", "x; DROP DATABASE postgres"])
def test_reset_without_the_exact_name_is_refused(doctor, drifted, typed):
    run = doctor(*reset_argv(drifted, "--confirm", typed), env=target_env(drifted), budget=20)
    run.assert_one_line_error(4, "reset refused", f"--confirm {drifted.dbname}")
    assert rows(drifted) == (2, True)
    assert dumps(Path(os.environ["XDG_DATA_HOME"])) == []


def test_reset_off_a_terminal_without_confirm_is_refused(doctor, drifted):
    run = doctor(*reset_argv(drifted), env=target_env(drifted), budget=20)
    run.assert_one_line_error(4, "refused", f"--confirm {drifted.dbname}")
    assert rows(drifted) == (2, True)


def _remote_url(box) -> str:
    """The same database spelled with a name that is not loopback (it resolves to nothing)."""
    return box.db_url.replace("127.0.0.1", "db.remote.invalid")


def test_reset_of_a_remote_host_is_refused_without_allow_remote(doctor, drifted):
    env = target_env(drifted, _remote_url(drifted))
    run = doctor(*reset_argv(drifted, "--confirm", drifted.dbname), env=env, budget=20)
    run.assert_one_line_error(4, "db.remote.invalid", "--allow-remote")
    assert rows(drifted) == (2, True)


def test_reset_of_a_remote_host_needs_the_host_typed_too(doctor, drifted):
    env = target_env(drifted, _remote_url(drifted))
    argv = reset_argv(
        drifted, "--confirm", drifted.dbname, "--allow-remote", "--confirm-host", "db.remote"
    )
    run = doctor(*argv, env=env, budget=20)
    run.assert_one_line_error(4, "--confirm-host")
    assert rows(drifted) == (2, True)


def test_reset_whose_dump_fails_is_refused_with_nothing_dropped(doctor, drifted):
    """A login that may connect but not read the tables: the real pg_dump fails."""
    url = drifted.cluster.dsn(
        drifted.dbname, user="authenticator", password="authenticator-sandbox"
    )
    run = doctor(
        *reset_argv(drifted, "--confirm", drifted.dbname), env=target_env(drifted, url), budget=60
    )
    line = run.assert_last_line_error(4, "reset refused", "nothing was dropped")
    assert "authenticator-sandbox" not in run.output, line
    assert rows(drifted) == (2, True)
    assert dumps(Path(os.environ["XDG_DATA_HOME"])) == []
    journals_readable(Path(os.environ["XDG_DATA_HOME"]))


@contextlib.contextmanager
def tiny_disk(path: Path, size: str = "64k") -> Iterator[Path]:
    """A real tmpfs of ``size`` bytes (we are root): writes beyond it fail with ENOSPC."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
                   check=True, timeout=30)  # fmt: skip
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, timeout=30)


@pytest.mark.parametrize("already_full", [False, True], ids=["fills-up", "already-full"])
def test_reset_on_a_full_disk_is_refused_with_nothing_dropped(
    doctor, drifted, tmp_path, already_full
):
    """The session folder (dump and journal) is on a 64 KB tmpfs; the dump needs more. When
    the disk is full from the start, the journal cannot even begin: one warning line says so."""
    drifted.execute(
        "CREATE TABLE public.bulk AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS pad "
        "FROM generate_series(1, 20000) g"
    )
    with tiny_disk(tmp_path / "full") as disk:
        if already_full:
            with contextlib.suppress(OSError), (disk / "filler").open("wb") as filler:
                filler.write(b"\0" * 128 * 1024)
        env = {**target_env(drifted), "XDG_DATA_HOME": str(disk)}
        run = doctor(*reset_argv(drifted, "--confirm", drifted.dbname), env=env, budget=60)
        leftovers = dumps(disk)
        events = journals_readable(disk)
    run.assert_calm(4)
    lines = run.stderr.strip().splitlines()
    assert lines[-1].startswith("pgrst-doctor: reset refused: "), run.stderr
    assert "No space left on device" in lines[-1] and "nothing was dropped" in lines[-1]
    if already_full:
        assert lines[0].startswith("pgrst-doctor: no transcript: "), run.stderr
    else:
        assert events, "the journal of the refused reset is readable"
    assert rows(drifted) == (2, True)
    assert leftovers == []


def _pg_dump_waiting(admin: psycopg.Connection) -> bool:
    row = admin.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump' "
        "AND wait_event_type = 'Lock'"
    ).fetchone()
    return bool(row and row[0])


def _pg_dump_processes(dbname: str) -> list[int]:
    """pg_dump processes working on ``dbname`` (their backend may outlive them on a lock)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            argv = cmdline.read_bytes().split(b"\0")
            if argv and argv[0].endswith(b"pg_dump") and any(dbname.encode() in a for a in argv):
                found.append(int(cmdline.parent.name))
    return found


def test_ctrl_c_during_the_dump_drops_nothing_and_keeps_the_journal(drifted, hold_lock):
    """A real SIGINT to the CLI while pg_dump waits (a lock on pg_description holds it)."""
    hold_lock(drifted.db_url, sql.Identifier("pg_catalog", "pg_description"))
    argv = [sys.executable, "-m", "tui", *reset_argv(drifted, "--confirm", drifted.dbname)]
    env = {**os.environ, **target_env(drifted)}
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        with psycopg.connect(drifted.db_url, autocommit=True) as admin:
            deadline = time.monotonic() + 60
            while not _pg_dump_waiting(admin) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _pg_dump_waiting(admin), "pg_dump never started"
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
            assert _pg_dump_processes(drifted.dbname) == [], "pg_dump left running after Ctrl+C"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in out + err, err
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == (
        "pgrst-doctor: interrupted: the dump was stopped and removed; nothing was dropped"
    )
    assert rows(drifted) == (2, True)
    root = Path(os.environ["XDG_DATA_HOME"])
    assert dumps(root) == []
    events = journals_readable(root)
    assert any(e["kind"] == "confirmation" for e in events)
    assert any(e["kind"] == "step-start" and e["payload"].get("step") == "dump" for e in events)


def test_confirmed_reset_leaves_private_files_without_planted_secrets(doctor, drifted):
    """Secrets planted in every input; every artifact and every process title scanned."""
    from test_faults_secrets import watching

    password = "Planted-Reset-Pw-41x"  # trust auth ignores it
    url = drifted.db_url.replace(":postgres@", f":{password}@")
    conn = drifted.connection()
    env = {
        **target_env(drifted, url),
        "SERVICE_ROLE_KEY": conn.service_key,
        "PGPASSWORD": password,
    }
    planted = [password, conn.anon_key, conn.service_key]
    with watching(*planted) as titles:
        run = doctor(
            *reset_argv(drifted, "--confirm", drifted.dbname, "--json"), env=env, budget=300
        )
    run.assert_calm(0)
    assert rows(drifted) == (2, False)
    root = Path(os.environ["XDG_DATA_HOME"])
    export_md = doctor("export", "--last", "--format", "md", env=env, budget=20)
    export_json = doctor("export", "--last", "--format", "json", env=env, budget=20)
    export_md.assert_calm(0)
    export_json.assert_calm(0)
    files = [p for p in root.rglob("*") if p.is_file()]
    assert any(p.name == "journal.jsonl" for p in files) and dumps(root)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for directory in [p for p in root.rglob("*") if p.is_dir() and "sessions" in p.parts]:
        assert stat.S_IMODE(directory.stat().st_mode) & 0o077 == 0, directory
    texts = {str(p): p.read_bytes().decode("utf-8", "replace") for p in files}
    texts |= {"stdout": run.stdout, "stderr": run.stderr}
    texts |= {"export.md": export_md.stdout, "export.json": export_json.stdout}
    for where, text in texts.items():
        for secret in planted:
            assert secret not in text, f"a planted secret in {where}"
            assert secret[-16:] not in text, f"a planted secret's tail in {where}"
    assert titles.samples > 3 and titles.seen == [], titles.seen
    report = json.loads(run.stdout)
    assert report["dump"]["sha256"] and report["reset"] is True


async def test_dump_verifies_a_row_longer_than_the_pipe_buffer(drifted, tmp_path):
    """A 300 KB value makes one COPY line longer than asyncio's 64 KB line limit."""
    from tui.core.remedies.dump import DumpStep
    from tui.core.remedies.events import StepStatus
    from tui.core.target import resolve_target
    from tui.core.tools import pg_binaries

    drifted.execute("CREATE TABLE public.big AS SELECT 1 AS id, repeat('y', 300000) AS body")
    conn = drifted.connection()
    target = resolve_target({"db_url": conn.db_url, "api_url": conn.api_url}, env={})
    step = DumpStep(target, out_dir=tmp_path / "session", pg_bindir=pg_binaries().bindir)
    events: list = []
    result = await step.run(events.append)
    assert result.status is StepStatus.OK, result.summary
    assert step.dump is not None
    assert step.dump.rows["public.big"] == 1 and step.dump.rows["public.customers"] == 2
    assert stat.S_IMODE(step.dump.path.stat().st_mode) == 0o600
