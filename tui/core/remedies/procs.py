"""Find the local PostgREST that serves the target, by reading /proc (Linux).

A process counts when its executable is named ``postgrest`` and its config file or environment
points at the target's API port, or at the target's database (port and name).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tui.core.target import Target

PROC = Path("/proc")
_LINE = re.compile(r'^\s*([a-z0-9-]+)\s*=\s*"?([^"\n]*)"?\s*$', re.M)


@dataclass(frozen=True)
class PostgrestProcess:
    """A PostgREST process on this machine and the ports it serves and uses."""

    pid: int
    server_port: int | None
    db_port: int | None
    db_name: str | None


def parse_config(text: str) -> dict[str, str]:
    """``key = value`` lines of a postgrest.conf (quotes stripped)."""
    return {m.group(1): m.group(2) for m in _LINE.finditer(text)}


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def describe(pid: int) -> PostgrestProcess | None:
    """What a postgrest process serves, or None when ``pid`` is not PostgREST."""
    base = PROC / str(pid)
    try:
        exe = os.readlink(base / "exe")
    except OSError:
        exe = ""
    argv = [a.decode(errors="replace") for a in _read(base / "cmdline").split(b"\0") if a]
    if not argv or "postgrest" not in {Path(exe).name, Path(argv[0]).name}:
        return None
    settings: dict[str, str] = {}
    for arg in argv[1:]:
        if arg.startswith("-"):
            continue
        conf = Path(arg)
        if not conf.is_absolute():
            try:
                conf = Path(os.readlink(base / "cwd")) / conf
            except OSError:
                continue
        settings.update(parse_config(_read(conf).decode(errors="replace")))
    for item in _read(base / "environ").split(b"\0"):
        key, _, value = item.decode(errors="replace").partition("=")
        if key.startswith("PGRST_"):
            settings[key[6:].lower().replace("_", "-")] = value
    db = urlsplit(settings.get("db-uri", ""))
    try:
        db_port = db.port or (5432 if db.hostname else None)
    except ValueError:
        db_port = None
    port = settings.get("server-port", "3000")
    return PostgrestProcess(
        pid,
        int(port) if port.isdigit() else None,
        db_port,
        db.path.lstrip("/") or None,
    )


def find_postgrest(target: Target) -> list[PostgrestProcess]:
    """Local PostgREST processes serving the target's API port or database."""
    return serving(target, postgrest_processes())


def postgrest_processes() -> list[PostgrestProcess]:
    """Every PostgREST process on this machine (one reading of /proc: a fleet shares it)."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (proc := describe(int(entry.name))) is not None:
            found.append(proc)
    return found


def serving(target: Target, procs: list[PostgrestProcess]) -> list[PostgrestProcess]:
    """Pure: those of ``procs`` serving the target's API port, else its database."""
    api = urlsplit(target.api_url)
    db = urlsplit(target.db_url)
    api_port = api.port or (443 if api.scheme == "https" else 80)
    by_api, by_db = [], []
    for proc in procs:
        if proc.server_port == api_port:
            by_api.append(proc)
        elif proc.db_port == (db.port or 5432) and proc.db_name == target.db_name:
            by_db.append(proc)
    # the process on the API port is the one meant; several instances share the database
    return by_api or by_db
