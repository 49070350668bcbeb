"""A throwaway PostgreSQL cluster: initdb in a temp dir, one free loopback port, fast settings."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

from tui.core.errors import SandboxError
from tui.core.tools import pg_binaries
from tui.sandbox import processes

SUPERUSER = "postgres"
CONNECT_TIMEOUT = 10  # seconds; a local cluster answers in milliseconds or not at all
# Fast and isolated: nothing here survives the sandbox, so durability is off.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
}


class Cluster:
    """One PostgreSQL server; databases inside it isolate tests and sandboxes from each other."""

    def __init__(self, *, base_dir: Path | None = None, port: int | None = None) -> None:
        self.bins = pg_binaries()
        self._own_dir = base_dir is None
        self.base_dir = Path(base_dir or tempfile.mkdtemp(prefix="pgrst-doctor-"))
        self.data_dir = self.base_dir / "pgdata"
        self.socket_dir = self.base_dir / "sock"
        self.log_path = self.base_dir / "postgres.log"
        self.port = port or processes.free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> Cluster:
        """initdb, then postgres until it accepts connections; on any failure everything this
        cluster made (process, temp dir) is gone again before the error is raised."""
        try:
            return self._start(timeout)
        except BaseException:
            self.stop()
            raise

    def _start(self, timeout: float) -> Cluster:
        if processes.port_in_use(self.port):
            raise SandboxError(f"port {self.port} on 127.0.0.1 is already taken: choose another")
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.base_dir.chmod(0o755)
        processes.hand_over(self.base_dir)
        processes.run(
            [
                str(self.bins.tool("initdb")),
                "--no-sync",
                "-A",
                "trust",
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                "--locale",
                "C",
                "-D",
                str(self.data_dir),
            ],
            timeout=120,
        )
        argv = [str(self.bins.tool("postgres")), "-D", str(self.data_dir), "-p", str(self.port)]
        argv += ["-k", str(self.socket_dir)]
        for key, value in SERVER_SETTINGS.items():
            argv += ["-c", f"{key}={value}"]
        self._proc = processes.spawn(argv, log=self.log_path)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise SandboxError(f"postgres exited at start-up: {self._log_tail()}")
            try:
                with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                time.sleep(0.05)
        raise SandboxError(f"postgres did not accept connections within {timeout:.0f}s")

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1] if lines else "no log"

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then remove the temp dir. Safe to call twice."""
        import signal

        processes.stop(self._proc, sig=signal.SIGINT, grace=15)
        self._proc = None
        if self._own_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- databases ---------------------------------------------------------------------------
    def dsn(self, dbname: str, user: str = SUPERUSER, password: str | None = None) -> str:
        auth = user if password is None else f"{user}:{password}"
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{dbname}"

    def _connect(self, dbname: str) -> psycopg.Connection:
        """A superuser autocommit connection that gives up rather than hang the test run."""
        return psycopg.connect(self.dsn(dbname), autocommit=True, connect_timeout=CONNECT_TIMEOUT)

    def create_database(self, name: str, *, template: str | None = None) -> None:
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
        with self._connect("postgres") as conn:
            conn.execute(query)

    def drop_database(self, name: str) -> None:
        with self._connect("postgres") as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def execute(self, dbname: str, statements: str | sql.Composable) -> None:
        """Run SQL as the superuser with autocommit (DDL, drift, seeds)."""
        with self._connect(dbname) as conn:
            conn.execute(statements)  # type: ignore[arg-type]
