"""Where the doctor looks: the database, the API, the keys. Resolution order: flags, then
environment, then Supabase project files, then the Supabase local defaults.

Every value remembers where it came from (``Target.sources``) so the banner can say
"API from supabase/config.toml" and a surprised user can see why.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.core.errors import UsageError

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", ""})

# Supabase local stack defaults (supabase/config.toml template).
DEFAULT_API_PORT = 54321
DEFAULT_DB_PORT = 54322
DEFAULT_TIMEOUT = 5.0
DEFAULT_CHANNEL = "pgrst"
REST_PATH = "/rest/v1"
REST_ADMIN_PATH = "/rest-admin/v1"

DB_SCHEMES = frozenset({"postgres", "postgresql"})
API_SCHEMES = frozenset({"http", "https"})
NAMEDATALEN = 63  # PostgreSQL identifiers: at most 63 bytes

# Environment variables per value, first match wins.
ENV_NAMES: dict[str, tuple[str, ...]] = {
    "db_url": ("PGRST_DOCTOR_DB_URL", "SUPABASE_DB_URL", "DATABASE_URL", "DB_URL"),
    "api_url": ("PGRST_DOCTOR_API_URLS", "PGRST_DOCTOR_API_URL", "API_URL"),
    "admin_url": ("PGRST_DOCTOR_ADMIN_URL",),
    "api_key": ("ANON_KEY", "SUPABASE_ANON_KEY"),
    "service_key": ("SERVICE_ROLE_KEY", "SUPABASE_SERVICE_ROLE_KEY"),
}
SUPABASE_URL_ENV = "SUPABASE_URL"  # gateway root; PostgREST lives under /rest/v1
REST_URL_ENV = "REST_URL"  # `supabase status -o env`: PostgREST's root behind the gateway

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SECRET_QUERY = re.compile(r"(?i)([?&;](?:password|apikey|api_key|access_token|token|key)=)[^&#;]*")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)(.*)$", re.S)


@dataclass(frozen=True)
class Target:
    """A resolved target. Secrets live here only; anything shown goes through ``masked()``."""

    db_url: str
    api_url: str  # PostgREST root, e.g. http://127.0.0.1:3000 or http://127.0.0.1:54321/rest/v1
    api_key: str | None = None  # the key/JWT the failing client sends (apikey + Bearer)
    service_key: str | None = None  # optional, for privileged listing
    admin_url: str | None = None  # PostgREST admin server
    project_dir: Path | None = None  # folder holding supabase/config.toml
    timeout: float = DEFAULT_TIMEOUT  # seconds, per probe
    channel: str = DEFAULT_CHANNEL  # db-channel PostgREST listens on
    # db-schemas as PostgREST's environment, its config file or the project say
    # (sources["schemas"]); PostgREST's own answer (PGRST106) wins over it
    schemas_hint: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)  # value name -> "flag"/"env:X"/...
    # db-extra-search-path as PostgREST's environment, config file or the project's
    # config.toml say (sources["extra_search_path"]); None: unset (PostgREST's default)
    extra_search_path: tuple[str, ...] | None = None
    pre_config: str | None = None  # db-pre-config (environment, config file); never called
    anon_role: str | None = None  # db-anon-role (requests without a key); None: unknown
    channel_enabled: bool | None = None  # db-channel-enabled per --postgrest-config; None: unset
    db_config: bool = True  # PostgREST reads its in-database settings (db-config, default on)
    api_urls: tuple[str, ...] = ()  # every PostgREST instance, when several were named

    @property
    def instances(self) -> tuple[str, ...]:
        """The API URLs to probe, one PostgREST instance each (``api_url`` first)."""
        return self.api_urls or (self.api_url,)

    def with_api(self, api_url: str, first: Target, source: str) -> Target:
        """This target pointed at the PostgREST ``api_url`` (the wizard's edit), the admin
        server with it. ``first`` (as the wizard started) comes back whole when its API is
        typed back: its fleet and its admin server. Otherwise one instance, and the admin
        server follows only where the URL says where it is: a Supabase gateway serves it
        beside the API (``…/rest/v1`` -> ``…/rest-admin/v1``). PostgREST's own admin server
        listens on ``admin-server-port``, which an API URL does not tell: then it is none
        (never the old instance's, which would answer for another PostgREST)."""
        sources = {**self.sources, "api_url": source}
        if api_url == first.api_url:
            sources["admin_url"] = first.sources.get("admin_url", "default")
            return replace(self, api_url=api_url, api_urls=first.api_urls,
                           admin_url=first.admin_url, sources=sources)  # fmt: skip
        beside = self.admin_url is not None and self.admin_url == _gateway_admin(self.api_url)
        admin = _gateway_admin(api_url) if beside else None
        sources.pop("admin_url", None)
        if admin is not None:
            sources["admin_url"] = source
        return replace(self, api_url=api_url, api_urls=(), admin_url=admin, sources=sources)

    def for_instance(self, api_url: str) -> Target:
        """This target narrowed to one instance (the admin server belongs to the first)."""
        admin = self.admin_url if api_url == self.api_url else None
        return replace(self, api_url=api_url, api_urls=(), admin_url=admin)

    @property
    def db_host(self) -> str:
        return urlsplit(self.db_url).hostname or ""

    @property
    def api_host(self) -> str:
        return urlsplit(self.api_url).hostname or ""

    @property
    def is_loopback(self) -> bool:
        """True when both database and API are on this machine (the banner warns otherwise)."""
        api_hosts = {urlsplit(u).hostname or "" for u in self.instances}
        return self.db_host in LOOPBACK_HOSTS and api_hosts <= LOOPBACK_HOSTS

    @property
    def db_name(self) -> str:
        """The database libpq connects to: ``?dbname=`` and ``PGDATABASE`` count, not only
        the URL's path (a reset confirmed by name must name the database it resets)."""
        from tui.core.conninfo import database_name

        try:
            return database_name(self.db_url)
        except UsageError:
            return urlsplit(self.db_url).path.lstrip("/") or "postgres"

    def masked(self) -> dict[str, str]:
        """Display strings for banners and output: passwords and keys never appear."""
        shown = {
            "db_url": mask_url(self.db_url),
            "api_url": mask_url(self.api_url),
            "admin_url": mask_url(self.admin_url) if self.admin_url else "(none)",
            "api_key": mask_key(self.api_key),
            "service_key": mask_key(self.service_key),
            "project_dir": str(self.project_dir) if self.project_dir else "(none)",
            "timeout": f"{self.timeout:g}s",
            "channel": self.channel,
        }
        if self.schemas_hint:
            shown["schemas"] = ", ".join(self.schemas_hint)
        return shown


EDITED_SOURCE = "wizard"  # a value typed on the wizard's connect screen
# sources named in words as they are (the others: flag, env:NAME, project:PATH, default)
SOURCE_WORDS = {
    EDITED_SOURCE: "the wizard's connect screen",
    "sandbox": "the embedded sandbox",
}


def origin_words(source: str, flag: str) -> str:
    """Where a setting came from, in words a person can act on: the flag, the environment
    variable's name, the config.toml path, the wizard's edit, the sandbox, or the built-in
    default."""
    if source in SOURCE_WORDS:
        return SOURCE_WORDS[source]
    if source == "flag":
        return f"the {flag} flag"
    if source.startswith("env:"):
        return f"the environment variable {source[4:]}"
    if source.startswith("project:"):
        return source[len("project:") :]
    return f"the Supabase local default (nothing set {flag})"


# -- masking ------------------------------------------------------------------------------------
def mask_url(url: str | None) -> str:
    """``url`` with any password (userinfo or ``password=`` / ``apikey=`` parameter) replaced by
    ``***``. Robust to malformed input: when in doubt it masks more, never less."""
    if not url:
        return ""
    text = _SECRET_QUERY.sub(r"\1***", url)
    match = _SCHEME.match(text)
    if not match:
        # not a URL (e.g. a libpq keyword DSN): hide every password=... value, and a
        # "user:password@host" pasted without its scheme
        text = re.sub(r"(?i)(password\s*=\s*)('[^']*'|\S+)", r"\1***", text)
        return re.sub(r"^([^:/@\s]*):.*@", r"\1:***@", text, flags=re.S)
    scheme, rest = match.groups()
    # The last "@" ends the userinfo: raw passwords may contain "@", "/" or ":".
    userinfo, at, hostpart = rest.rpartition("@")
    if not at:
        return text
    user, colon, _password = userinfo.partition(":")
    return f"{scheme}{user}{':***' if colon else ''}@{hostpart}"


def mask_key(key: str | None) -> str:
    """``eyJh…(redacted)``: enough to recognise which key, never enough to use it."""
    if not key:
        return "(none)"
    return f"{key[:4]}…(redacted)"


# -- validation ---------------------------------------------------------------------------------
def _echo_url(url: str) -> str:
    """A URL for an error message: masked, and shortened when overlong (one clear line)."""
    shown = mask_url(url)
    return shown if len(shown) <= 120 else f"{shown[:100]}…{shown[-12:]}"


def _netloc_hosts(netloc: str) -> list[tuple[str, str]]:
    """(host, port) pairs of a possibly multi-host netloc ("h1:5432,h2:5433")."""
    hostpart = netloc.rpartition("@")[2]
    pairs: list[tuple[str, str]] = []
    for item in hostpart.split(","):
        if item.startswith("["):  # IPv6 literal
            host, _, tail = item[1:].partition("]")
            port = tail[1:] if tail.startswith(":") else ""
            if tail and not tail.startswith(":"):
                port = tail  # malformed; reported as a bad port
        else:
            host, _, port = item.partition(":")
        pairs.append((host, port))
    return pairs


def _check_port(port: str, what: str) -> None:
    if port and (not port.isdigit() or not 0 < int(port) < 65536):
        raise UsageError(f"{what}: port must be a number from 1 to 65535")


def validate_db_url(url: str, what: str = "--db-url") -> str:
    """A postgres:// or postgresql:// URL with a host and numeric ports; returns it unchanged."""
    url = url.strip()
    if not url:
        raise UsageError(f"{what} is empty")
    if _CONTROL.search(url):
        raise UsageError(f"{what} contains control characters")
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme not in DB_SCHEMES:
        got = f"scheme {scheme!r}" if scheme else "no scheme"
        raise UsageError(
            f"{what} must be a postgresql://user:password@host:port/dbname URL (got {got})"
        )
    netloc = url.partition("://")[2]
    netloc = re.split(r"[/?#]", netloc.rpartition("@")[2] if "@" in netloc else netloc)[0]
    # a host may also come from ?host=/path (unix socket)
    has_host_param = re.search(r"[?&]host=[^&]+", url) is not None
    for host, port in _netloc_hosts(netloc):
        _check_port(port, f"{what} ({_echo_url(url)})")
        if not host and not has_host_param:
            raise UsageError(f"{what} has no host ({_echo_url(url)})")
    try:
        urlsplit(url)  # Target.db_host / db_name parse it later: it must parse now
    except ValueError:  # e.g. an unclosed IPv6 bracket: "postgresql://u@[::1/db"
        raise UsageError(f"{what} has a malformed host ({_echo_url(url)})") from None
    return url


def validate_api_url(url: str, what: str = "--api-url") -> str:
    """An http(s) URL with a host and a numeric port; returned without a trailing slash."""
    url = url.strip()
    if not url:
        raise UsageError(f"{what} is empty")
    if _CONTROL.search(url) or " " in url:
        raise UsageError(f"{what} contains spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket: "http://[::1"
        raise UsageError(f"{what} has a malformed host ({_echo_url(url)})") from None
    scheme = parts.scheme.lower()
    if scheme not in API_SCHEMES or "://" not in url:
        got = f"scheme {scheme!r}" if scheme else "no scheme"
        raise UsageError(f"{what} must be an http:// or https:// URL (got {got})")
    try:
        port = parts.port
    except ValueError:
        raise UsageError(
            f"{what}: port must be a number from 1 to 65535 ({_echo_url(url)})"
        ) from None
    if not parts.hostname:
        raise UsageError(f"{what} has no host ({_echo_url(url)})")
    if port == 0:
        raise UsageError(f"{what}: port must be a number from 1 to 65535 ({_echo_url(url)})")
    if parts.query or parts.fragment:
        raise UsageError(f"{what} must be the API root, without ?query or #fragment")
    return url.rstrip("/")


def validate_key(key: str, what: str) -> str:
    """Strip surrounding blanks and a pasted ``Bearer`` prefix; refuse inner blanks/controls."""
    key = key.strip()
    if key.lower().startswith("bearer "):
        key = key[7:].strip()
    if not key:
        raise UsageError(f"{what} is empty")
    if any(ch.isspace() for ch in key) or _CONTROL.search(key) or not key.isascii():
        raise UsageError(
            f"{what} does not look like a key: it contains spaces, control or non-ASCII "
            "characters (was it pasted with a line break?)"
        )
    return key


def validate_timeout(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"--timeout must be a number of seconds (got {value!r})") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise UsageError(f"--timeout must be a positive number of seconds (got {value!r})")
    return seconds


def validate_channel(channel: str) -> str:
    channel = channel.strip()
    if not channel or _CONTROL.search(channel) or len(channel.encode()) > NAMEDATALEN:
        raise UsageError("--channel must be a channel name of 1 to 63 bytes")
    return channel


# -- Supabase project files ---------------------------------------------------------------------
@dataclass(frozen=True)
class ProjectConfig:
    """What supabase/config.toml says about the local stack."""

    path: Path  # the config.toml itself
    api_port: int | None = None
    db_port: int | None = None
    schemas: tuple[str, ...] = ()
    extra_search_path: tuple[str, ...] | None = None  # None: not in the file

    @property
    def project_dir(self) -> Path:
        return self.path.parent.parent


def find_project_config(start: Path) -> Path | None:
    """The nearest supabase/config.toml at or above ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "supabase" / "config.toml"
        if candidate.is_file():
            return candidate
    return None


def _config_path_for(project_dir: Path) -> Path:
    for candidate in (project_dir / "supabase" / "config.toml", project_dir / "config.toml"):
        if candidate.is_file():
            return candidate
    raise UsageError(f"--project-dir {project_dir}: no supabase/config.toml there")


def _port(section: Mapping[str, Any], path: Path, name: str) -> int | None:
    value = section.get("port")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
        raise UsageError(f"{path}: [{name}] port must be a number from 1 to 65535")
    return value


def _names(section: Mapping[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{path}: [api] {key} must be a list of schema names")
    return tuple(value)


def read_project_config(path: Path) -> ProjectConfig:
    import tomllib  # only when a project has a config: most checks never parse one

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise UsageError(f"{path}: cannot read ({err.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: not valid TOML ({err})") from None
    api: dict[str, Any] = data["api"] if isinstance(data.get("api"), dict) else {}
    db: dict[str, Any] = data["db"] if isinstance(data.get("db"), dict) else {}
    return ProjectConfig(
        path=path,
        api_port=_port(api, path, "api"),
        db_port=_port(db, path, "db"),
        schemas=_names(api, "schemas", path),
        extra_search_path=(
            _names(api, "extra_search_path", path) if "extra_search_path" in api else None
        ),
    )


# -- resolution ---------------------------------------------------------------------------------
def _flag(flags: Mapping[str, Any], name: str) -> Any:
    value = flags.get(name)
    return None if value is None or value == "" else value


def _from_env(env: Mapping[str, str], name: str) -> tuple[str, str] | None:
    for var in ENV_NAMES[name]:
        value = env.get(var, "").strip()
        if value:
            return value, f"env:{var}"
    return None


def _gateway_admin(api_url: str) -> str | None:
    """The admin server a local Supabase gateway serves beside PostgREST at ``api_url``
    (``…/rest/v1`` -> ``…/rest-admin/v1``, loopback only); None for any other URL."""
    if (_path_of(api_url) or "").rstrip("/") != REST_PATH or _host_of(
        api_url
    ) not in LOOPBACK_HOSTS:
        return None
    return api_url.rstrip("/")[: -len(REST_PATH)] + REST_ADMIN_PATH


def _path_of(url: str) -> str | None:
    try:
        return urlsplit(url).path
    except ValueError:  # malformed: validation reports it later, with its source
        return None


def _host_of(url: str) -> str | None:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return None


def _supabase_env(env: Mapping[str, str], values: dict[str, str], sources: dict[str, str]) -> None:
    """The Supabase names: ``supabase status -o env`` sets API_URL to the gateway root and
    REST_URL to PostgREST's, so REST_URL wins when API_URL is that bare root; SUPABASE_URL is
    the gateway root too. On a loopback gateway the admin server is under /rest-admin/v1."""
    rest = env.get(REST_URL_ENV, "").strip()
    api = values.get("api_url", "")
    bare_root = sources.get("api_url") == "env:API_URL" and _path_of(api) in ("", "/")
    if bare_root and rest and rest.rstrip("/").startswith(api.rstrip("/")):
        values["api_url"], sources["api_url"] = rest, f"env:{REST_URL_ENV}"
    if "api_url" not in values and (base := env.get(SUPABASE_URL_ENV, "").strip()):
        values["api_url"] = validate_api_url(base, SUPABASE_URL_ENV) + REST_PATH
        sources["api_url"] = f"env:{SUPABASE_URL_ENV}"
    source = sources.get("api_url", "")
    if "admin_url" in values or source not in (f"env:{REST_URL_ENV}", f"env:{SUPABASE_URL_ENV}"):
        return
    if (admin := _gateway_admin(values["api_url"])) is not None:
        values["admin_url"], sources["admin_url"] = admin, source


def resolve_target(
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] = os.environ,
    cwd: Path | None = None,
) -> Target:
    """Flags > environment > supabase/config.toml (searched upward from ``cwd``) > Supabase
    local defaults. ``flags`` holds db_url, api_url, api_key, service_key, admin_url,
    project_dir, timeout, channel (missing or None = not given). Raises UsageError, whose
    message never contains a secret.
    """
    from tui.core.postgrest_config import (
        db_config_enabled,
        read_postgrest_config,
        resolve_anon_role,
        resolve_extra_search_path,
        resolve_pre_config,
        resolve_schemas,
    )

    flags = flags or {}
    cwd = cwd or Path.cwd()
    values: dict[str, str] = {}
    sources: dict[str, str] = {}

    for name in ("db_url", "api_url", "admin_url", "api_key", "service_key"):
        if (given := _flag(flags, name)) is not None:
            # a repeated --api-url arrives as a list: one comma-separated value, split later
            given = ",".join(map(str, given)) if isinstance(given, list | tuple) else given
            values[name], sources[name] = str(given), "flag"
        elif (found := _from_env(env, name)) is not None:
            values[name], sources[name] = found
    _supabase_env(env, values, sources)

    project_flag = _flag(flags, "project_dir")
    if project_flag is not None:
        config_path: Path | None = _config_path_for(Path(project_flag).expanduser())
    else:
        config_path = find_project_config(cwd)
    project = read_project_config(config_path) if config_path else None
    if project:
        origin = f"project:{project.path}"
        sources["project_dir"] = "flag" if project_flag is not None else origin
        if "db_url" not in values and project.db_port:
            values["db_url"] = _local_db_url(project.db_port)
            sources["db_url"] = origin
        if "api_url" not in values and project.api_port:
            values["api_url"] = f"http://127.0.0.1:{project.api_port}{REST_PATH}"
            sources["api_url"] = origin
            # the admin server is the same gateway's; only paired with an API from here
            if "admin_url" not in values:
                values["admin_url"] = f"http://127.0.0.1:{project.api_port}{REST_ADMIN_PATH}"
                sources["admin_url"] = origin

    if "db_url" not in values:
        values["db_url"] = _local_db_url(DEFAULT_DB_PORT)
        sources["db_url"] = "default"
    if "api_url" not in values:
        values["api_url"] = f"http://127.0.0.1:{DEFAULT_API_PORT}{REST_PATH}"
        sources["api_url"] = "default"
        if "admin_url" not in values:
            values["admin_url"] = f"http://127.0.0.1:{DEFAULT_API_PORT}{REST_ADMIN_PATH}"
            sources["admin_url"] = "default"

    def what(name: str, flag: str) -> str:
        source = sources[name]
        return flag if source == "flag" else f"{flag} (from {source})"

    db_url = validate_db_url(values["db_url"], what("db_url", "--db-url"))
    api_urls = _api_urls(values["api_url"], what("api_url", "--api-url"))
    admin_url = (
        validate_api_url(values["admin_url"], what("admin_url", "--admin-url"))
        if "admin_url" in values
        else None
    )
    api_key = (
        validate_key(values["api_key"], what("api_key", "--api-key"))
        if "api_key" in values
        else None
    )
    service_key = (
        validate_key(values["service_key"], what("service_key", "--service-key"))
        if "service_key" in values
        else None
    )
    timeout = validate_timeout(
        DEFAULT_TIMEOUT if _flag(flags, "timeout") is None else flags["timeout"]
    )
    pgrst_flag = _flag(flags, "postgrest_config")
    pgrst = read_postgrest_config(Path(pgrst_flag).expanduser()) if pgrst_flag else None
    anon_role, sources["anon_role"] = resolve_anon_role(
        _flag(flags, "anon_role"), env, pgrst, project.path if project else None
    )
    sources["timeout"] = "default" if _flag(flags, "timeout") is None else "flag"
    channel_given = _flag(flags, "channel")
    if channel_given is None and pgrst is not None and pgrst.channel:
        channel_given, sources["channel"] = pgrst.channel, f"postgrest-config:{pgrst.path}"
    channel = validate_channel(str(channel_given or DEFAULT_CHANNEL))
    sources.setdefault("channel", "default" if channel_given is None else "flag")
    schemas, sources["schemas"] = resolve_schemas(
        env, pgrst, *((project.schemas, project.path) if project else ())
    )
    extra_search_path, sources["extra_search_path"] = resolve_extra_search_path(
        env, pgrst, *((project.extra_search_path, project.path) if project else ())
    )
    pre_config, sources["pre_config"] = resolve_pre_config(env, pgrst)
    return Target(
        db_url=db_url,
        api_url=api_urls[0],
        api_urls=api_urls if len(api_urls) > 1 else (),
        api_key=api_key,
        service_key=service_key,
        admin_url=admin_url,
        project_dir=project.project_dir if project else None,
        timeout=timeout,
        channel=channel,
        schemas_hint=schemas,
        extra_search_path=extra_search_path,
        pre_config=pre_config,
        sources=sources,
        anon_role=anon_role,
        channel_enabled=pgrst.channel_enabled if pgrst is not None else None,
        db_config=db_config_enabled(env, pgrst),
    )


def _api_urls(value: str | list[str], what: str) -> tuple[str, ...]:
    """One URL per PostgREST instance: a repeated ``--api-url`` or a comma-separated list
    (``PGRST_DOCTOR_API_URLS``), each validated, duplicates dropped, order kept."""
    items = value if isinstance(value, list) else [value]
    urls = [u for item in items for u in str(item).split(",") if u.strip()]
    if not urls:
        raise UsageError(f"{what} is empty")
    return tuple(dict.fromkeys(validate_api_url(u, what) for u in urls))


def _local_db_url(port: int) -> str:
    return f"postgresql://postgres:postgres@127.0.0.1:{port}/postgres"
