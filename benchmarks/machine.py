"""What the numbers were measured on: cores, memory, CPU model, load, versions."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from pathlib import Path

HOST_LOOP = 5_000_000  # additions in the host-speed probe


def cpu_model(cpuinfo: str) -> str:
    """The first ``model name`` line of /proc/cpuinfo (``unknown`` when absent)."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            return value.strip()
    return "unknown"


def mem_total_gib(meminfo: str) -> float:
    for line in meminfo.splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / (1024 * 1024)
    return 0.0


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _version(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def describe(postgrest: Path, postgres_bindir: Path, supabase: Path) -> dict[str, str]:
    load1, load5, _ = os.getloadavg()
    return {
        "cores (nproc)": str(os.cpu_count()),
        "RAM": f"{mem_total_gib(_read('/proc/meminfo')):.1f} GiB",
        "CPU model": cpu_model(_read("/proc/cpuinfo")),
        "kernel": platform.release(),
        "Python": platform.python_version(),
        "PostgreSQL": _version([str(postgres_bindir / "postgres"), "--version"]),
        "PostgREST": _version([str(postgrest), "--version"]),
        "Supabase CLI": _version([str(supabase), "--version"]),
        "load average at start (1 min, 5 min)": f"{load1:.2f}, {load5:.2f}",
    }


def host_loop_seconds() -> float:
    """A fixed pure-Python loop, timed: how fast this (virtual) machine runs Python right now.
    Start-up-bound numbers (a 100-table check) follow it; on this host it varied 1.5x within
    an hour while the load average stayed below 1."""
    start = time.perf_counter()
    total = 0
    for i in range(HOST_LOOP):
        total += i
    return time.perf_counter() - start
