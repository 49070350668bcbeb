"""`pgrst-doctor check` as a user runs it: a fresh process, target from the environment.

Wall time from spawn to exit, and the child's peak RSS from GNU time (its own wait4 rusage:
neither this harness nor other helpers' processes count).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tui.sandbox import Sandbox

CHECK_TIMEOUT = 300.0
TIME = "/usr/bin/time"  # GNU time: the child's own peak RSS
PYCACHE = Path(tempfile.gettempdir()) / "pgrst-doctor-bench-pycache"
# per-probe timeout: the default 5 s cuts off the OpenAPI document at 10,000 tables (6-25 s)
CHECK_PROBE_TIMEOUT = "120"


@dataclass(frozen=True)
class CheckRun:
    seconds: float
    max_rss_mb: float
    exit_code: int
    report: dict | None  # the --json object, None when the output was not JSON
    stderr: str


def doctor_executable() -> Path:
    """The installed console script next to this interpreter (what `pgrst-doctor` runs)."""
    return Path(sys.executable).with_name("pgrst-doctor")


def target_env(sandbox: Sandbox, xdg_root: Path) -> dict[str, str]:
    """A clean environment naming the sandbox, the way a user exports it."""
    conn = sandbox.connection()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PGRST_DOCTOR_", "SUPABASE_")) and "KEY" not in key
    }
    env.update(
        PGRST_DOCTOR_DB_URL=conn.db_url,
        PGRST_DOCTOR_API_URL=conn.api_url,
        PGRST_DOCTOR_ADMIN_URL=conn.admin_url,
        ANON_KEY=conn.anon_key,
        SERVICE_ROLE_KEY=conn.service_key,
        NO_COLOR="1",
    )
    for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env[var] = str(xdg_root / var.lower())
    # Bytecode cached as after any install; this machine's shell sets PYTHONDONTWRITEBYTECODE,
    # which would recompile every tui module on each start. The cache lives outside the repo.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def warm_up(sandbox: Sandbox) -> None:
    """One unmeasured check and wizard import, so the bytecode cache is filled."""
    run_check(sandbox)
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        subprocess.run(
            [sys.executable, "-c", "import tui.ui.app, tui.ui.screens.connect, tui.cli.wizard_cmd"],
            env=target_env(sandbox, Path(tmp)),
            capture_output=True,
            timeout=120,
            check=True,
        )


def run_check(sandbox: Sandbox, *args: str) -> CheckRun:
    """One ``pgrst-doctor check --json [args]``; the verdict's exit code (0/1) is not an error."""
    argv = [str(doctor_executable()), "check", "--json", "--timeout", CHECK_PROBE_TIMEOUT, *args]
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        root = Path(tmp)
        env = target_env(sandbox, root)
        # Peak RSS through GNU time: a child forked from this (large) harness would count the
        # harness's resident pages in its own ru_maxrss until it execs.
        rss_path = root / "maxrss"
        argv = [TIME, "-f", "%M", "-o", str(rss_path), *argv]
        out_path, err_path = root / "stdout", root / "stderr"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=root
            )
            deadline = start + CHECK_TIMEOUT
            while True:
                pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    proc.kill()
                    os.wait4(proc.pid, 0)
                    raise TimeoutError(f"pgrst-doctor check took over {CHECK_TIMEOUT:.0f}s")
                time.sleep(0.002)
            elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout = out_path.read_text(errors="replace")
        stderr = err_path.read_text(errors="replace").strip()
        max_rss_kb = int(rss_path.read_text().split()[-1])
    try:
        report = json.loads(stdout)
    except ValueError:
        report = None
    return CheckRun(elapsed, max_rss_kb / 1024, proc.returncode, report, stderr)
