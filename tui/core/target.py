"""Where the doctor looks: the database, the API, the keys. Resolution order: flags, then
environment, then Supabase project files, then the Supabase local defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", ""})


@dataclass(frozen=True)
class Target:
    """A resolved target. Secrets live here only; anything shown goes through ``masked()``."""

    db_url: str
    api_url: str  # PostgREST root, e.g. http://127.0.0.1:3000 or http://127.0.0.1:54321/rest/v1
    api_key: str | None = None  # the key/JWT the failing client sends (apikey + Bearer)
    service_key: str | None = None  # optional, for privileged listing
    admin_url: str | None = None  # PostgREST admin server
    project_dir: Path | None = None  # folder holding supabase/config.toml
    timeout: float = 5.0  # seconds, per probe
    channel: str = "pgrst"  # db-channel PostgREST listens on
    schemas_hint: tuple[str, ...] = ()  # exposed schemas according to project files
    sources: dict[str, str] = field(default_factory=dict)  # value name -> "flag"/"env:X"/...

    @property
    def db_host(self) -> str:
        return urlsplit(self.db_url).hostname or ""

    @property
    def api_host(self) -> str:
        return urlsplit(self.api_url).hostname or ""

    @property
    def is_loopback(self) -> bool:
        """True when both database and API are on this machine (the banner warns otherwise)."""
        return self.db_host in LOOPBACK_HOSTS and self.api_host in LOOPBACK_HOSTS

    @property
    def db_name(self) -> str:
        return urlsplit(self.db_url).path.lstrip("/") or "postgres"
