"""Production topologies for the sandbox: a round-robin load balancer (Debian's nginx) in front
of several PostgREST instances, a transaction-mode pooler (Debian's PgBouncer) between
PostgREST and PostgreSQL, and a hot standby made by ``pg_basebackup``.

They exist so the doctor can be shown and tested against the incident shapes that a single
PostgREST on a direct connection never produces: "sometimes the column is there" (one stale
instance behind the balancer) and "NOTIFY was sent, nothing reloaded" (a pooler or a standby
between PostgREST and the primary). Every part runs unprivileged (PgBouncer refuses root) on
free loopback ports and is stopped for sure.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from tui.core.errors import MissingPart, SandboxError
from tui.sandbox import processes
from tui.sandbox.cluster import SERVER_SETTINGS, SUPERUSER, Cluster

NGINX_CANDIDATES = ("/usr/sbin/nginx", "nginx")
PGBOUNCER_CANDIDATES = ("/usr/sbin/pgbouncer", "pgbouncer")
INSTALL_HINT = "install Debian's {package} (`just setup` does: apt-get install -y {package})"


def _binary(candidates: tuple[str, ...], package: str) -> str:
    for name in candidates:
        found = shutil.which(name)
        if found:
            return found
    raise MissingPart(f"{package} not found: " + INSTALL_HINT.format(package=package))


def nginx_binary() -> str:
    return _binary(NGINX_CANDIDATES, "nginx")


def pgbouncer_binary() -> str:
    return _binary(PGBOUNCER_CANDIDATES, "pgbouncer")


def _wait_port(port: int, proc: subprocess.Popen, log: Path, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise SandboxError(f"{what} exited at start-up: {tail[0]}")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise SandboxError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f}s")


class LoadBalancer:
    """nginx round-robin over PostgREST instances: each request goes to the next upstream,
    with no retry on another one (a stale instance's answer reaches the client as it is)."""

    def __init__(self, upstreams: list[str], workdir: Path) -> None:
        self.upstreams = upstreams  # "127.0.0.1:PORT"
        self.workdir = workdir
        self.port = 0
        self._proc: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def render(self) -> str:
        servers = "".join(f"    server {u};\n" for u in self.upstreams)
        temp = "".join(
            f"  {kind}_temp_path {self.workdir / 'tmp' / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        return (
            f"worker_processes 1;\ndaemon off;\npid {self.workdir / 'nginx.pid'};\n"
            f"error_log {self.workdir / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            "http {\n  access_log off;\n" + temp + "  upstream postgrest {\n" + servers + "  }\n"
            f"  server {{\n    listen 127.0.0.1:{self.port};\n"
            "    location / {\n      proxy_pass http://postgrest;\n"
            "      proxy_next_upstream off;\n      proxy_set_header Host $host;\n    }\n  }\n}\n"
        )

    def start(self, timeout: float = 15.0) -> LoadBalancer:
        binary = nginx_binary()
        (self.workdir / "tmp").mkdir(parents=True, exist_ok=True)
        self.port = processes.free_port()
        conf = self.workdir / "nginx.conf"
        conf.write_text(self.render())
        processes.hand_over(self.workdir)
        log = self.workdir / "nginx.out"
        argv = [binary, "-p", str(self.workdir), "-e", str(self.workdir / "error.log")]
        self._proc = processes.spawn([*argv, "-c", str(conf)], log=log)
        _wait_port(self.port, self._proc, log, "nginx", timeout)
        return self

    def stop(self) -> None:
        processes.stop(self._proc, grace=5)
        self._proc = None


class Pooler:
    """PgBouncer in transaction mode in front of the cluster: server connections are shared
    between clients, so a LISTEN issued through it is held by whichever backend ran it."""

    def __init__(self, db_port: int, workdir: Path, users: tuple[str, ...]) -> None:
        self.db_port = db_port
        self.workdir = workdir
        self.users = users
        self.port = 0
        self._proc: subprocess.Popen | None = None

    def render(self) -> str:
        return (
            "[databases]\n"
            f"* = host=127.0.0.1 port={self.db_port}\n\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.workdir / 'userlist.txt'}\n"
            "pool_mode = transaction\nmax_client_conn = 200\ndefault_pool_size = 4\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {self.workdir / 'pgbouncer.log'}\n"
        )

    def start(self, timeout: float = 15.0) -> Pooler:
        binary = pgbouncer_binary()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = processes.free_port()
        (self.workdir / "userlist.txt").write_text("".join(f'"{u}" ""\n' for u in self.users))
        conf = self.workdir / "pgbouncer.ini"
        conf.write_text(self.render())
        processes.hand_over(self.workdir)
        log = self.workdir / "pgbouncer.out"
        self._proc = processes.spawn([binary, str(conf)], log=log)
        _wait_port(self.port, self._proc, log, "pgbouncer", timeout)
        return self

    def stop(self) -> None:
        processes.stop(self._proc, grace=5)
        self._proc = None


class Standby(Cluster):
    """A streaming hot standby of ``primary``: ``pg_basebackup -R`` instead of initdb, so
    LISTEN cannot run on it and NOTIFY on the primary never reaches it."""

    def __init__(self, primary: Cluster) -> None:
        super().__init__()
        self.primary = primary

    def _start(self, timeout: float) -> Cluster:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.base_dir.chmod(0o755)
        processes.hand_over(self.base_dir)
        processes.run(
            [
                str(self.bins.tool("pg_basebackup")),
                "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", SUPERUSER,
                "-D", str(self.data_dir), "-R", "-X", "stream", "-c", "fast", "--no-sync",
            ],
            timeout=120,
        )  # fmt: skip
        argv = [str(self.bins.tool("postgres")), "-D", str(self.data_dir), "-p", str(self.port)]
        argv += ["-k", str(self.socket_dir)]
        for key, value in {**SERVER_SETTINGS, "hot_standby": "on"}.items():
            argv += ["-c", f"{key}={value}"]
        self._proc = processes.spawn(argv, log=self.log_path)
        self._wait_ready(timeout)
        return self

    def wait_replayed(self, timeout: float = 10.0) -> None:
        """Until the standby has replayed everything the primary wrote so far."""
        import psycopg

        with psycopg.connect(self.primary.dsn("postgres"), autocommit=True) as conn:
            row = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
        target = row[0] if row else "0/0"
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            while time.monotonic() < deadline:
                done = conn.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
                ).fetchone()
                if done and done[0]:
                    return
                time.sleep(0.05)
        raise SandboxError(f"the standby did not replay {target} within {timeout:.0f}s")
