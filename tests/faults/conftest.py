"""Fixtures for the fault matrix: broken databases, a real hot standby, a calm-CLI runner.

Every fault here is real: a port nobody listens on, a database that refuses connections, a
role whose password is checked with SCRAM, a lock held in another session, a standby made with
``pg_basebackup -R``. Each is torn down after its test.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fault_servers import dead_port
from psycopg import sql
from shared_cluster import cluster_lock

from tui.sandbox import Cluster, Sandbox
from tui.sandbox.topology import Standby

HANG_MARGIN = 10.0  # seconds on top of the command's own --timeout before we call it a hang


# -- running the CLI like a user does --------------------------------------------------------


@dataclass
class Run:
    argv: list[str]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> dict:
        return json.loads(self.stdout)

    def assert_calm(self, code: int) -> None:
        """The exit code, and no traceback anywhere in what the user sees."""
        assert "Traceback" not in self.output, self.output
        assert self.code == code, f"exit {self.code} != {code}\n{self.output}"

    def assert_one_line_error(self, code: int, *needles: str) -> str:
        """Exit ``code``, stderr is exactly one ``pgrst-doctor: ...`` line naming ``needles``."""
        self.assert_calm(code)
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, self.stderr
        assert lines[0].startswith("pgrst-doctor: "), lines[0]
        for needle in needles:
            assert needle.lower() in lines[0].lower(), lines[0]
        return lines[0]

    def assert_last_line_error(self, code: int, *needles: str) -> str:
        """Like ``assert_one_line_error`` after progress lines: the last stderr line is the one
        clear ``pgrst-doctor: ...`` line, and no other line claims to be an error line."""
        self.assert_calm(code)
        lines = self.stderr.strip().splitlines()
        assert lines, "no message at all"
        last = lines[-1]
        assert last.startswith("pgrst-doctor: "), last
        assert sum(line.startswith("pgrst-doctor: ") for line in lines) == 1, self.stderr
        for needle in needles:
            assert needle.lower() in last.lower(), last
        return last


Doctor = Callable[..., Run]


@pytest.fixture
def doctor() -> Doctor:
    """Run ``pgrst-doctor ARGS`` in a child process; a run past its timeout fails as a hang.

    ``budget`` is the command's own time budget (its ``--timeout``, or what a remedy needs);
    the child gets that plus ``HANG_MARGIN`` before the test calls it hung.
    """

    def run(
        *args: str,
        budget: float = 5.0,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
    ) -> Run:
        argv = [sys.executable, "-m", "tui", *args]
        child_env = {**os.environ, **(env or {})}
        child_env.pop("PYTHONWARNINGS", None)
        try:
            proc = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                input=stdin,
                env=child_env,
                timeout=budget + HANG_MARGIN,
                cwd=os.getcwd(),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(
                f"pgrst-doctor hung: no exit within {budget + HANG_MARGIN:.0f}s: {args}\n{exc.stdout}\n{exc.stderr}"
            )
        return Run(list(args), proc.returncode, proc.stdout, proc.stderr)

    return run


def data_home() -> Path:
    return Path(os.environ["XDG_DATA_HOME"])


def journal_files() -> list[Path]:
    return sorted(data_home().rglob("journal.jsonl"))


@pytest.fixture(autouse=True)
def _journals_stay_readable() -> Iterator[None]:
    """After every fault test: each session journal written parses, line by line."""
    yield
    from tui.core.transcript.journal import read_events

    for path in journal_files():
        _events, warnings = read_events(path)
        assert warnings == [], f"{path}: {warnings}"


# -- database faults -------------------------------------------------------------------------


@pytest.fixture
def db_down_url() -> str:
    """A DSN whose port nobody listens on: connection refused at once."""
    return f"postgresql://postgres:postgres@127.0.0.1:{dead_port()}/postgres"


@pytest.fixture
def db_missing_database_url(cluster: Cluster) -> str:
    return cluster.dsn(f"no_such_db_{uuid.uuid4().hex[:6]}", password="postgres")


@pytest.fixture
def db_unknown_user_url(cluster: Cluster) -> str:
    return cluster.dsn("postgres", user=f"nobody_{uuid.uuid4().hex[:6]}", password="x")


@pytest.fixture
def db_refusing_url(cluster: Cluster) -> Iterator[str]:
    """A real database that exists but does not accept connections (ALLOW_CONNECTIONS false)."""
    name = f"closed_{uuid.uuid4().hex[:8]}"
    cluster.execute(
        "postgres",
        sql.SQL("CREATE DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name)),
    )
    yield cluster.dsn(name, password="postgres")
    cluster.execute(
        "postgres", sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(name))
    )
    cluster.drop_database(name)


@dataclass(frozen=True)
class ScramUser:
    user: str
    password: str
    cluster: Cluster

    def dsn(self, dbname: str, password: str | None = None) -> str:
        return self.cluster.dsn(dbname, user=self.user, password=password or self.password)


@pytest.fixture
def scram_user(cluster: Cluster) -> Iterator[ScramUser]:
    """A login role whose password PostgreSQL really checks (SCRAM), in the trust cluster.

    One ``pg_hba.conf`` line for this role alone goes before the trust lines; the file is
    restored and reloaded afterwards, so nothing else in the session is affected; edits hold
    the cluster's ``pg_hba`` lock (xdist workers share the cluster).
    """
    user = f"pw_{uuid.uuid4().hex[:8]}"
    password = f"right-{uuid.uuid4().hex}"
    cluster.execute(
        "postgres",
        sql.SQL("CREATE ROLE {} LOGIN SUPERUSER PASSWORD {}").format(
            sql.Identifier(user), sql.Literal(password)
        ),
    )
    hba = cluster.data_dir / "pg_hba.conf"
    with cluster_lock(cluster, "pg_hba"):
        original = hba.read_text()
        line = f"host all {user} 127.0.0.1/32 scram-sha-256\n"
        hba.write_text(line + original)
        cluster.execute("postgres", "SELECT pg_reload_conf()")
    _wait_for(lambda: _rejects(cluster.dsn("postgres", user=user, password="wrong")))
    try:
        yield ScramUser(user, password, cluster)
    finally:
        with cluster_lock(cluster, "pg_hba"):
            hba.write_text(hba.read_text().replace(line, ""))
            cluster.execute("postgres", "SELECT pg_reload_conf()")
        with contextlib.suppress(psycopg.Error):
            cluster.execute("postgres", sql.SQL("DROP ROLE {}").format(sql.Identifier(user)))


def _rejects(dsn: str) -> bool:
    try:
        with psycopg.connect(dsn, connect_timeout=2):
            return False
    except psycopg.OperationalError as exc:
        return "password authentication failed" in str(exc)


def _wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


class LockHolder:
    """Another session holding ``LOCK ... ACCESS EXCLUSIVE`` until released (or 120 s)."""

    def __init__(self, dsn: str, relation: sql.Composable) -> None:
        self.conn = psycopg.connect(dsn, autocommit=False)
        self.conn.execute("SET idle_in_transaction_session_timeout = '120s'")
        self.conn.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(relation))
        self.pid = self.conn.info.backend_pid

    def release(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self.conn.rollback()
        self.conn.close()


@pytest.fixture
def hold_lock() -> Iterator[Callable[[str, sql.Composable], LockHolder]]:
    holders: list[LockHolder] = []

    def take(dsn: str, relation: sql.Composable) -> LockHolder:
        holder = LockHolder(dsn, relation)
        holders.append(holder)
        return holder

    yield take
    for holder in holders:
        holder.release()


# -- a real hot standby ------------------------------------------------------------------------


@pytest.fixture
def standby(cluster: Cluster) -> Iterator[Standby]:
    """A hot standby of the session cluster (``pg_basebackup -R``) on its own port: the
    sandbox's own (``tui.sandbox.topology.Standby``), so the fault tests and the topologies
    run the same part."""
    replica = Standby(cluster).start()
    try:
        yield replica
    finally:
        replica.stop()


@pytest.fixture(scope="module")
def drifted_box(cluster: Cluster) -> Iterator[Sandbox]:
    """One sandbox (PostgREST 12, drift ``missing-table``) for a whole module, for tests that
    leave its data alone (each asserts it): refusals, interrupted steps."""
    from tests.conftest import TEMPLATE_DB

    box = Sandbox(postgrest_version="12", cluster=cluster, template=TEMPLATE_DB)
    box.start()
    try:
        box.apply_drift(["missing-table"])
        yield box
    finally:
        box.stop()
