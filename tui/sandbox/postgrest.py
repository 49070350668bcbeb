"""A real PostgREST process on loopback ports, configured by a file, ready when admin /ready is."""

from __future__ import annotations

import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tui.core.errors import SandboxError
from tui.core.tools import DEFAULT_POSTGREST, POSTGREST_PINS, postgrest_binary
from tui.sandbox import processes

AUTHENTICATOR_PASSWORD = "authenticator-sandbox"


@dataclass
class PostgrestConfig:
    """What the sandbox writes into ``postgrest.conf``; ``extra`` overrides any key."""

    db_port: int
    db_name: str
    jwt_secret: str
    schemas: tuple[str, ...] = ("public",)
    anon_role: str = "anon"  # db-anon-role: the role of requests without a JWT
    server_port: int = 0
    admin_port: int = 0
    extra: dict[str, str | int | bool] = field(default_factory=dict)

    def render(self) -> str:
        values: dict[str, str | int | bool] = {
            "db-uri": (
                f"postgresql://authenticator:{AUTHENTICATOR_PASSWORD}"
                f"@127.0.0.1:{self.db_port}/{self.db_name}"
            ),
            "db-schemas": ",".join(self.schemas),
            "db-anon-role": self.anon_role,
            "db-pool": 4,
            "jwt-secret": self.jwt_secret,
            "server-host": "127.0.0.1",
            "server-port": self.server_port,
            "admin-server-port": self.admin_port,
            "log-level": "info",
            **self.extra,
        }
        lines = []
        for key, value in values.items():
            if isinstance(value, bool):
                lines.append(f"{key} = {str(value).lower()}")
            elif isinstance(value, int):
                lines.append(f"{key} = {value}")
            else:
                escaped = value.replace("\\", "\\\\").replace('"', '\\"')
                lines.append(f'{key} = "{escaped}"')
        return "\n".join(lines) + "\n"


# what a server logs when another process took its port first (retry on new ports)
PORT_TAKEN = ("Address in use", "Address already in use")


class PostgrestServer:
    """One PostgREST; ``start`` returns once the admin server says /ready (cache loaded)."""

    def __init__(self, config: PostgrestConfig, *, workdir: Path, major: str = DEFAULT_POSTGREST):
        self.binary = postgrest_binary(major)
        self.expected_version = POSTGREST_PINS[major].version
        self.config = config
        self.workdir = workdir
        self.config_path = workdir / "postgrest.conf"
        self.log_path = workdir / "postgrest.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.config.server_port}"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.config.admin_port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    def start(self, timeout: float = 30.0) -> PostgrestServer:
        for _attempt in range(3):
            self.config.server_port = self.config.server_port or processes.free_port()
            self.config.admin_port = self.config.admin_port or processes.free_port()
            for port in (self.config.server_port, self.config.admin_port):
                if processes.port_in_use(port):
                    raise SandboxError(f"port {port} on 127.0.0.1 is already taken")
            self.workdir.mkdir(parents=True, exist_ok=True)
            self.config_path.write_text(self.config.render())
            self.config_path.chmod(0o600)  # holds the JWT secret
            binary = processes.runnable_copy(self.binary, self.workdir)
            processes.hand_over(self.workdir)
            self._proc = processes.spawn([str(binary), str(self.config_path)], log=self.log_path)
            if self._wait_ready(timeout):
                return self
            # lost a port race with another process: pick new ports and retry
            processes.stop(self._proc)
            self.config.server_port = self.config.admin_port = 0
        raise SandboxError(f"PostgREST did not start: {self.log_tail()}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=1.0) as client:
            while time.monotonic() < deadline:
                if self._proc is not None and self._proc.poll() is not None:
                    # PostgREST says "resource busy (Address in use)"; others "already"
                    if any(m in self.log_text() for m in PORT_TAKEN):
                        return False
                    raise SandboxError(f"PostgREST exited at start-up: {self.log_tail()}")
                try:
                    if client.get(f"{self.admin_url}/ready").status_code == 200:
                        return True
                except httpx.HTTPError:
                    pass
                time.sleep(0.02)
        raise SandboxError(f"PostgREST not ready within {timeout:.0f}s: {self.log_tail()}")

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self) -> str:
        lines = self.log_text().strip().splitlines()
        return lines[-1] if lines else "no log output"

    def send_signal(self, sig: int) -> None:
        if self._proc is None or self._proc.poll() is not None:
            raise SandboxError("PostgREST is not running")
        self._proc.send_signal(sig)

    def stop(self) -> None:
        processes.stop(self._proc, sig=signal.SIGTERM, grace=10)
        self._proc = None

    def restart(self, timeout: float = 30.0) -> PostgrestServer:
        self.stop()
        return self.start(timeout)

    def __enter__(self) -> PostgrestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
