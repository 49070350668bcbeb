"""The real `pgrst-doctor demo` in a real terminal (tmux, 100x32): pasted error -> diagnosis ->
findings -> NOTIFY -> verified healthy, driven by send-keys and read with capture-pane. Killing
the session (SIGHUP, as a closed terminal does) must tear the sandbox down: no orphans.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tui.sandbox.processes import port_in_use

pytestmark = pytest.mark.integration
SESSION = "demo"


class Tmux:
    """A private tmux server (its own socket), so the demo inherits this test's environment."""

    def __init__(self) -> None:
        self.base = ["tmux", "-L", f"pgrst-e2e-{uuid.uuid4().hex[:8]}"]

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [*self.base, *args], capture_output=True, text=True, timeout=10, check=True
        )
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", SESSION)

    def send(self, *keys: str) -> None:
        self.run("send-keys", "-t", SESSION, *keys)

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not on screen within {timeout:.0f} s:\n{screen}")

    def kill(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True, timeout=10, check=False)


def postgres_on(port: int) -> list[int]:
    """PIDs of postgres servers started with ``-p <port>`` (the demo's cluster)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"postgres") and str(port).encode() in argv:
            pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is part of the test machine")
def test_demo_in_tmux_reaches_healthy_and_tears_down_on_hangup(tmp_path):
    tmux = Tmux()
    command = f"cd {shlex.quote(str(tmp_path))} && exec {shlex.quote(sys.executable)} -m tui demo"
    subprocess.run(
        [*tmux.base, "new-session", "-d", "-s", SESSION, "-x", "100", "-y", "32", command],
        env={**os.environ, "TERM": "xterm-256color"},
        timeout=10,
        check=True,
    )
    try:
        first = tmux.wait_for("Next: symptoms", timeout=120)
        db_port = int(re.search(r"DB \S+ · postgresql://\S+@127\.0\.0\.1:(\d+)/", first)[1])
        api_port = int(re.search(r"API http://127\.0\.0\.1:(\d+)", first)[1])
        assert postgres_on(db_port) and port_in_use(api_port)  # the demo's own stack is up
        assert "***" in first and "postgres:postgres@" not in first  # password masked

        tmux.send("C-n")
        tmux.wait_for("What do you see?")
        # on-call starts from the error in hand: typed into the first field, diagnosed at once
        tmux.send("-l", "Column 'loyalty_tier' of relation 'customers' does not exist")
        tmux.send("Enter")
        tmux.wait_for("stale cache: PostgREST serves", timeout=90)
        tmux.send("Enter")  # the Findings button has focus
        tmux.wait_for("Stale objects")
        tmux.send("C-n")  # fix it
        tmux.wait_for("1. NOTIFY")
        tmux.send("Enter")  # run the best rung
        tmux.wait_for("Verified healthy", timeout=90)
    finally:
        tmux.kill()  # SIGHUP to the demo, as closing the terminal would send

    deadline = time.monotonic() + 30
    while (postgres_on(db_port) or port_in_use(api_port)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert postgres_on(db_port) == [], "the demo left its PostgreSQL running"
    assert not port_in_use(api_port), "the demo left its PostgREST running"
