"""The wizard as a user starts it: `pgrst-doctor wizard` in a real terminal (tmux), timed from
spawn to the first screen's text being on the pane; then its CPU use while it waits idle.
Measured once per run on a small sandbox: start-up does not depend on the schema's size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.check_cost import doctor_executable, target_env
from benchmarks.results import RunResults
from tui.sandbox import Sandbox

FIRST_SCREEN_TEXT = "Next: symptoms"  # the connect screen's primary button
POLL = 0.005
START_LIMIT = 30.0
IDLE_SETTLE = 1.0  # let the first screen finish its start-up work
IDLE_WINDOW = 5.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _tmux(socket: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["tmux", "-L", socket, *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        env=env,
    )
    return done.stdout


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc (clock ticks, 10 ms resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def measure(results: RunResults, runs: int, box: Sandbox) -> None:
    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is not installed")
    socket = f"pgrst-bench-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="bench-wizard-") as tmp:
        env = target_env(box, Path(tmp))
        env["TERM"] = "xterm-256color"
        env.pop("NO_COLOR", None)
        # a tmux server that is already up, so its own start-up is not counted
        _tmux(socket, "new-session", "-d", "-s", "idle", "-x", "120", "-y", "40", env=env)
        try:
            for i in range(runs):
                name = f"wizard{i}"
                start = time.monotonic()
                _tmux(
                    socket, "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                    "-c", tmp, str(doctor_executable()), "wizard", env=env,
                )  # fmt: skip
                while True:
                    pane = _tmux(socket, "capture-pane", "-p", "-t", name)
                    if FIRST_SCREEN_TEXT in pane:
                        break
                    if time.monotonic() - start > START_LIMIT:
                        raise RuntimeError(f"no first screen within {START_LIMIT:.0f}s")
                    time.sleep(POLL)
                results.global_samples.setdefault("wizard_start_s", []).append(
                    time.monotonic() - start
                )
                pid = int(_tmux(socket, "display-message", "-p", "-t", name, "#{pane_pid}"))
                time.sleep(IDLE_SETTLE)
                before, t0 = cpu_seconds(pid), time.monotonic()
                time.sleep(IDLE_WINDOW)
                used, wall = cpu_seconds(pid) - before, time.monotonic() - t0
                results.global_samples.setdefault("wizard_idle_cpu_pct", []).append(
                    100 * used / wall
                )
                _tmux(socket, "send-keys", "-t", name, "C-q")
                time.sleep(0.5)
                subprocess.run(
                    ["tmux", "-L", socket, "kill-session", "-t", name],
                    capture_output=True,
                    timeout=10,
                    check=False,
                )
        finally:
            subprocess.run(
                ["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10, check=False
            )
