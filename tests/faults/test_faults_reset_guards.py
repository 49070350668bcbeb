"""The reset's hold on its database, through the real command line on the real stack: the typed
name is the database libpq reaches, every host libpq may dial must be this machine (a remote one
lives in a network namespace the test creates), and two resets of one database never overlap.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tui.core.conninfo import is_this_machine
from tui.core.errors import GuardRefused
from tui.core.remedies.guard import TargetGuard
from tui.core.target import resolve_target

pytestmark = pytest.mark.integration


def rows(box) -> tuple[int, bool]:
    with psycopg.connect(box.db_url) as conn:
        customers = conn.execute("SELECT count(*) FROM public.customers").fetchone()[0]
        invoices = conn.execute("SELECT to_regclass('public.invoices') IS NOT NULL").fetchone()[0]
    return customers, invoices


def dumps() -> list[Path]:
    return sorted(p for p in Path(os.environ["XDG_DATA_HOME"]).rglob("dump-*") if p.is_file())


@pytest.fixture
def drifted(drifted_box):
    return drifted_box


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[str]:
    """An address that is not this machine: the far end of a veth pair inside a network
    namespace made for this test (never an outside address)."""
    name = f"pgrd{secrets.token_hex(3)}"
    octet = 16 + secrets.randbelow(200)
    near, far = f"10.231.{octet}.1", f"10.231.{octet}.2"
    run = lambda *a: subprocess.run(["ip", *a], check=True, timeout=10, capture_output=True)  # noqa: E731
    run("netns", "add", name)
    try:
        run("link", "add", f"{name}a", "type", "veth", "peer", "name", f"{name}b")
        run("link", "set", f"{name}b", "netns", name)
        run("addr", "add", f"{near}/30", "dev", f"{name}a")
        run("link", "set", f"{name}a", "up")
        run("-n", name, "addr", "add", f"{far}/30", "dev", f"{name}b")
        run("-n", name, "link", "set", f"{name}b", "up")
        assert is_this_machine(near), "our end of the veth is a local interface"
        assert not is_this_machine(far)
        yield far
    finally:
        subprocess.run(["ip", "link", "del", f"{name}a"], check=False, timeout=10)
        subprocess.run(["ip", "netns", "del", name], check=False, timeout=10)


def reset_argv(box, *extra: str) -> list[str]:
    project = str(box.connection().project_dir)
    # the drift table is in no migration: its loss is accepted, these tests are about the guards
    return ["reset", "--project-dir", project, "--timeout", "5", "--drop-unmigrated", *extra]


def env_with(box, db_url: str | None = None, **extra: str) -> dict[str, str]:
    env = box.connection().env()
    if db_url:
        env["PGRST_DOCTOR_DB_URL"] = db_url
    return {**env, **extra}


def test_a_dbname_parameter_cannot_borrow_the_confirmation_of_the_paths_database(
    doctor, drifted, cluster
) -> None:
    """``/scratch?dbname=<real>`` goes to <real>: confirming "scratch" must not reset it."""
    url = drifted.db_url.rsplit("/", 1)[0] + f"/scratch?dbname={drifted.dbname}"
    run = doctor(*reset_argv(drifted, "--confirm", "scratch"), env=env_with(drifted, url))
    run.assert_one_line_error(4, "reset refused", f"--confirm {drifted.dbname}")
    # PGDATABASE picks the database when the URL names none: the name typed must be that one
    bare = drifted.db_url.rsplit("/", 1)[0]
    env = env_with(drifted, bare, PGDATABASE=drifted.dbname)
    run = doctor(*reset_argv(drifted, "--confirm", "postgres"), env=env)
    run.assert_one_line_error(4, "reset refused", f"--confirm {drifted.dbname}")
    assert rows(drifted) == (2, True) and dumps() == []


async def test_the_typed_name_is_checked_against_current_database_on_the_connection(
    drifted,
) -> None:
    """Below the CLI's parse: the guard asks the server which database it is connected to."""
    conn = drifted.connection()
    target = resolve_target({"db_url": conn.db_url, "api_url": conn.api_url}, env={})
    with pytest.raises(GuardRefused, match=f"reaches database '{drifted.dbname}'"):
        async with TargetGuard(target, "postgres"):
            pass
    async with TargetGuard(target, drifted.dbname) as guard:
        assert guard.fingerprint is not None and guard.fingerprint.system_identifier


@pytest.mark.parametrize(
    "spell",
    [
        "host-param",
        "hostaddr-param",
        "pghostaddr-env",
        "second-of-a-list",
        "service-file",
    ],
)
def test_a_remote_host_hidden_from_the_url_host_is_refused(
    doctor, drifted, elsewhere, tmp_path, spell
) -> None:
    port = drifted.cluster.port
    base = f"postgresql://postgres:postgres@127.0.0.1:{port}/{drifted.dbname}"
    extra: dict[str, str] = {}
    if spell == "host-param":
        url = f"{base}?host={elsewhere}"
    elif spell == "hostaddr-param":
        url = f"{base}?hostaddr={elsewhere}"
    elif spell == "pghostaddr-env":
        url, extra = base, {"PGHOSTADDR": elsewhere}
    elif spell == "second-of-a-list":
        url = f"postgresql://postgres:postgres@127.0.0.1:{port},{elsewhere}:{port}/{drifted.dbname}"
    else:
        services = tmp_path / "services.conf"
        services.write_text(f"[shop]\nhostaddr={elsewhere}\n")
        url, extra = base, {"PGSERVICEFILE": str(services), "PGSERVICE": "shop"}
    env = env_with(drifted, url, **extra)
    run = doctor(*reset_argv(drifted, "--confirm", drifted.dbname), env=env, budget=20)
    run.assert_one_line_error(4, "reset refused", elsewhere, "not this machine")
    assert rows(drifted) == (2, True) and dumps() == []
    # the same trick against restore (it truncates): refused as well
    dump = tmp_path / "some.pgdump"
    dump.write_bytes(b"PGDMP")
    run = doctor("restore", str(dump), "--confirm", drifted.dbname, env=env, budget=20)
    run.assert_one_line_error(4, "restore refused", elsewhere)


def _guard_sessions(box) -> list[str]:
    with psycopg.connect(box.db_url, autocommit=True) as conn:
        cur = conn.execute(
            "SELECT application_name FROM pg_stat_activity WHERE datname = %s "
            "AND application_name LIKE 'pgrst-doctor-guard-%%'",
            (box.dbname,),
        )
        return [r[0] for r in cur.fetchall()]


@contextlib.contextmanager
def first_reset(box, release: Path) -> Iterator[subprocess.Popen]:
    """A real reset whose reset command waits until ``release`` exists: it holds the database
    meanwhile."""
    argv = [sys.executable, "-m", "tui", *reset_argv(box, "--confirm", box.dbname)]
    wait = f"while [ ! -e {release} ]; do sleep 0.05; done"
    argv += ["--reset-cmd", f"sh -c '{wait}'"]
    proc = subprocess.Popen(
        argv,
        env={**os.environ, **env_with(box)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _guard_sessions(box) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        assert _guard_sessions(box), "the first reset never took its hold"
        yield proc
    finally:
        release.touch()
        if proc.poll() is None:
            proc.wait(timeout=120)


def test_a_second_reset_or_restore_of_the_same_database_is_refused(
    doctor, drifted, tmp_path
) -> None:
    with first_reset(drifted, tmp_path / "release") as first:
        # the same machine: the lock file names the holder
        run = doctor(*reset_argv(drifted, "--confirm", drifted.dbname), env=env_with(drifted),
                     budget=30)  # fmt: skip
        run.assert_last_line_error(4, "reset refused", "another reset", f"pid {first.pid}")
        # another lock directory (another user, another machine): the server's lock refuses
        other = tmp_path / "other-tmp"
        other.mkdir()
        env = env_with(drifted, TMPDIR=str(other))
        run = doctor(*reset_argv(drifted, "--confirm", drifted.dbname), env=env, budget=30)
        run.assert_last_line_error(4, "reset refused", "lock on the server")
        deadline = time.monotonic() + 60
        while not (made := list(Path(os.environ["XDG_DATA_HOME"]).rglob("*.manifest.json"))):
            assert time.monotonic() < deadline, "the first reset never finished its dump"
            time.sleep(0.1)
        dump = made[0].with_name(made[0].name.removesuffix(".manifest.json"))
        run = doctor("restore", str(dump), "--confirm", drifted.dbname, env=env, budget=30)
        run.assert_one_line_error(4, "restore refused", "another reset or restore")
        (tmp_path / "release").touch()
        _out, err = first.communicate(timeout=120)
    # it ran to its end, not refused (its `sh` re-applies nothing: the proof step says so)
    assert first.returncode == 1 and "Traceback" not in err, err
    assert len([p for p in dumps() if p.suffix == ".pgdump"]) == 1, "the refused took no dump"
    assert _guard_sessions(drifted) == []  # released with the first reset


class Writer(threading.Thread):
    """An application writing one row every 20 ms, reconnecting after any error; ``acked``
    holds the rows whose COMMIT returned (acknowledged to the application)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.acked: list[str] = []
        self.errors = 0
        self.done = threading.Event()

    def run(self) -> None:
        conn = None
        n = 0
        while not self.done.is_set():
            n += 1
            try:
                if conn is None:
                    conn = psycopg.connect(self.url, autocommit=True, connect_timeout=2,
                                           options="-c statement_timeout=120000")  # fmt: skip
                conn.execute("INSERT INTO public.customers (name) VALUES (%s)", (f"w-{n}",))
                self.acked.append(f"w-{n}")
            except psycopg.Error:
                self.errors += 1
                with contextlib.suppress(Exception):
                    conn.close()  # type: ignore[union-attr]
                conn = None
            time.sleep(0.02)
        if conn is not None:
            conn.close()


def names(box) -> set[str]:
    with psycopg.connect(box.db_url) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM public.customers")}


def test_a_writer_committing_every_20_ms_through_a_reset_loses_no_acknowledged_row(
    doctor, sandbox12
) -> None:
    """Every acknowledged row is in the dump (restored) or was written after the reset; the
    writer's errors are the fence at work (it was held, then its session ended)."""
    box = sandbox12
    writer = Writer(box.db_url)
    writer.start()
    try:
        deadline = time.monotonic() + 10
        while len(writer.acked) < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        run = doctor(*reset_argv(box, "--confirm", box.dbname, "--json"), env=env_with(box),
                     budget=300)  # fmt: skip
        time.sleep(0.5)  # a few rows into the reset database
    finally:
        writer.done.set()
        writer.join(timeout=30)
    run.assert_calm(0)
    report = json.loads(run.stdout)
    after_reset = names(box)
    restored = doctor("restore", report["dump"]["path"], "--confirm", box.dbname,
                      env=env_with(box), budget=120)  # fmt: skip
    restored.assert_calm(0)
    in_dump = names(box)
    lost = [n for n in writer.acked if n not in after_reset | in_dump]
    assert lost == [], f"{len(lost)} acknowledged rows lost: {lost[:10]}"
    assert writer.errors > 0, "the writer was never held off"
    assert any(n in in_dump for n in writer.acked), "rows from before the dump are restored"
