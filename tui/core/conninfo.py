"""A database conninfo as libpq reads it: where it connects, and how it reaches child programs
without its secret.

Where: a URL's visible host and path are not the whole story. ``?host=`` and ``?dbname=``
override them, ``hostaddr`` (parameter or ``PGHOSTADDR``) is the address actually dialled, a
multi-host list tries each host, and ``PGHOST`` / ``PGDATABASE`` / ``PGSERVICE`` fill in what
the URL leaves out (precedence as in libpq's ``conninfo_add_defaults``: the conninfo, the
service file entry, the ``PG*`` environment, the built-in defaults). The reset's guards (typed
name, remote host) judge that connection, never the URL's text.

A child's command line is readable by every local user (``ps``, ``/proc/PID/cmdline``); its
environment only by the same user. So children (``pg_dump``, ``pg_restore``, ``psql``,
``supabase db dump/query/reset --db-url``) get every parameter of the conninfo through libpq's
``PG*`` variables and a bare ``postgresql://`` on their command line. Not only the password
moves: libpq ends a URL's user info at the FIRST ``@``, so the rest of a password holding a raw
``@`` or ``/`` lands in the host, port or database name, which would be just as visible.
Both libpq and the Supabase CLI (3.1.0, measured: ``db query``, ``db reset``) read the
``PG*`` variables when the URL leaves a value out.

Secret parameters without a ``PG*`` variable (``sslpassword``, ``oauth_client_secret``,
``scram_*_key``) go into a temporary 0600 service file named by ``PGSERVICEFILE``. So does
everything when a service is named (in the conninfo or ``PGSERVICE``): libpq ranks a service
over ``PG*`` variables, so the child's file holds the user's section with the conninfo laid
over it, as libpq ranks them for the doctor's own connection.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import ipaddress
import os
import pwd
import shutil
import socket
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

from psycopg import pq
from psycopg.conninfo import conninfo_to_dict

from tui.core.errors import UsageError

BARE_URL = "postgresql://"  # every value comes from the environment
SERVICE_NAME = "pgrst_doctor"
_URL_SCHEMES = ("postgresql://", "postgres://")
MIN_FRAGMENT = 3  # shorter pieces of a password are not worth masking (they match everything)


@cache
def _keywords() -> dict[str, tuple[str | None, bool]]:
    """libpq's keywords: keyword -> (environment variable or None, holds a secret)."""
    out: dict[str, tuple[str | None, bool]] = {}
    for opt in pq.Conninfo.get_defaults():
        name = opt.keyword.decode()
        secret = opt.dispchar == b"*" or name.startswith("scram_")
        out[name] = (opt.envvar.decode() if opt.envvar else None, secret)
    return out


def parse(conninfo: str) -> dict[str, str]:
    """The conninfo's parameters exactly as libpq reads them (``PQconninfoParse``).

    Raises UsageError (its message holds no part of the conninfo: libpq quotes it back).
    """
    try:
        return {k: str(v) for k, v in conninfo_to_dict(conninfo).items() if v is not None}
    except Exception:  # psycopg.ProgrammingError; libpq's message may quote the secret
        raise UsageError("the database URL is not a valid libpq connection string") from None


def is_secret_keyword(name: str) -> bool:
    return _keywords().get(name, (None, name.endswith("password")))[1]


def secret_values(conninfo: str) -> list[str]:
    """Every string that is, or is a piece of, a secret of ``conninfo``, for masking.

    libpq's reading (password, sslpassword, ... as parsed) and the reading a person meant when
    a password holds a raw ``@``, ``:`` or ``/`` (user info up to the LAST ``@``): libpq puts
    the rest in the host ("failed to resolve host 'RawF6@127.0.0.1'"), so each piece between
    those characters is a secret too. Raw and percent-decoded forms, longest first.
    """
    found: set[str] = set()
    with contextlib.suppress(UsageError):
        found.update(v for k, v in parse(conninfo).items() if is_secret_keyword(k) and v)
    meant = _meant_password(conninfo)
    if meant:
        found.update((meant, unquote(meant)))
    for value in list(found):
        for piece in _pieces(value):
            found.update((piece, unquote(piece)))
    found.update(quote(v, safe="") for v in list(found))  # as it sits in a URL
    return sorted((s for s in found if len(s) >= MIN_FRAGMENT), key=len, reverse=True)


def _meant_password(conninfo: str) -> str | None:
    """The password of a URL read with the user info ending at the last ``@`` (raw form)."""
    text = conninfo.strip()
    scheme = next((s for s in _URL_SCHEMES if text.lower().startswith(s)), None)
    if scheme is None:
        return None
    rest = text[len(scheme) :]
    # the authority ends at the first "?" or "#"; a "/" may sit inside a raw password
    authority = rest.split("?", 1)[0].split("#", 1)[0]
    userinfo, at, _ = authority.rpartition("@")
    if not at or ":" not in userinfo:
        return None
    return userinfo.partition(":")[2] or None


def _pieces(value: str) -> list[str]:
    """The parts of a password between raw ``@``, ``:`` and ``/`` (where libpq may cut it)."""
    parts = [value]
    for sep in "@:/":
        parts = [p for part in parts for p in part.split(sep)]
    return [p for p in parts if p and p != value]


def child_env(conninfo: str, base: Mapping[str, str] | None = None) -> tuple[str, dict[str, str]]:
    """(conninfo for the child's argv, the child's environment).

    The conninfo for argv is ``postgresql://`` plus only the parameters that can be neither
    secret nor put in a variable (``keepalives`` and the like); everything else travels in
    ``PG*`` variables that override the inherited ones, so the child connects where the
    doctor connects. A secret without a variable goes into a 0600 service file.
    """
    env = dict(os.environ if base is None else base)
    params = parse(conninfo)
    service = params.get("service") or env.get("PGSERVICE")
    if service:
        return BARE_URL, _with_service(service, params, env)
    in_argv: dict[str, str] = {}
    in_file: dict[str, str] = {}
    for name, value in params.items():
        var, secret = _keywords().get(name, (None, False))
        if var:
            env[var] = value
        elif secret:
            in_file[name] = value
        else:
            in_argv[name] = value
    if in_file:
        env["PGSERVICEFILE"] = str(_service_file(in_file))
        env["PGSERVICE"] = SERVICE_NAME
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in in_argv.items())
    return (BARE_URL + ("?" + query if query else "")), env


def _with_service(service: str, params: Mapping[str, str], env: dict[str, str]) -> dict[str, str]:
    """A service is in play: libpq ranks the conninfo over the service over ``PG*`` variables,
    so ``PG*`` variables could not override the service for the child. Its own service file
    holds the user's section with the conninfo's parameters laid over it instead."""
    merged = {**(service_entry(service, env) or {}), **params}
    merged.pop("service", None)
    env["PGSERVICEFILE"] = str(_service_file(merged))
    env["PGSERVICE"] = SERVICE_NAME
    return env


def without_password(conninfo: str) -> str:
    """The conninfo a child's argv may show (see ``child_env``)."""
    return child_env(conninfo, base={})[0]


_private_dir: Path | None = None


def _service_file(values: Mapping[str, str]) -> Path:
    """A 0600 service file in a 0700 directory of this process, removed at exit."""
    global _private_dir
    if _private_dir is None:
        _private_dir = Path(tempfile.mkdtemp(prefix="pgrst-doctor-conn-"))
        atexit.register(shutil.rmtree, _private_dir, True)
    lines = [f"[{SERVICE_NAME}]"]
    for name, value in values.items():
        if "\n" in value or "\r" in value:
            raise UsageError(f"the database URL's {name} holds a line break")
        lines.append(f"{name}={value}")
    fd, path = tempfile.mkstemp(dir=_private_dir, suffix=".conf")  # mkstemp: 0600, O_EXCL
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return Path(path)


# -- where it connects: the reset's guards judge the connection libpq will make -------------
# conninfo keyword -> its environment variable (the ones that decide where and as whom)
ENV_OF = {
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "service": "PGSERVICE",
}
RESOLVE_TIMEOUT_S = 3.0
SYSCONFDIRS = ("/etc/postgresql-common", "/etc/postgresql", "/usr/local/pgsql/etc")


def _service_files(env: Mapping[str, str]) -> list[Path]:
    user = Path(env["PGSERVICEFILE"]) if env.get("PGSERVICEFILE") else None
    if user is None and env.get("HOME"):
        user = Path(env["HOME"]) / ".pg_service.conf"
    dirs = [env["PGSYSCONFDIR"]] if env.get("PGSYSCONFDIR") else list(SYSCONFDIRS)
    return [p for p in (user, *(Path(d) / "pg_service.conf" for d in dirs)) if p is not None]


def service_entry(name: str, env: Mapping[str, str]) -> dict[str, str] | None:
    """The ``[name]`` section of the first service file that has one (None: not found)."""
    for path in _service_files(env):
        try:
            lines = path.read_text(errors="replace").splitlines()
        except OSError:
            continue
        found: dict[str, str] | None = None
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                if found is not None:
                    return found
                found = {} if line.rstrip("]")[1:] == name else None
            elif found is not None and "=" in line:
                key, _, value = line.partition("=")
                found.setdefault(key.strip(), value.strip())
        if found is not None:
            return found
    return None


def effective(conninfo: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The parameters libpq will use: conninfo, then service file, then ``PG*``, then defaults.

    Raises UsageError when the conninfo does not parse or names a service that no service
    file defines (libpq refuses to connect then too).
    """
    env = os.environ if env is None else env
    params = parse(conninfo)
    service = params.get("service") or env.get("PGSERVICE")
    if service:
        entry = service_entry(service, env)
        if entry is None:
            raise UsageError(f'definition of service "{service[:60]}" not found')
        for key, value in entry.items():
            params.setdefault(key, value)
    for key, var in ENV_OF.items():
        if key not in params and env.get(var):
            params[key] = env[var]
    if "user" not in params:
        params["user"] = _os_user()
    params.setdefault("dbname", params["user"])
    return params


def _os_user() -> str:
    """libpq's default user: the effective user's login name (not $USER)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return ""


def dialled(params: Mapping[str, str]) -> list[str]:
    """What libpq dials, one entry per host of the list: the ``hostaddr`` where one is given
    for that position (the host name then only serves TLS and auth), else the host; an empty
    entry is the default Unix socket."""
    hosts = params.get("host", "").split(",")
    addrs = params.get("hostaddr", "").split(",") if params.get("hostaddr") else []
    count = max(len(hosts), len(addrs))
    out = []
    for i in range(count):
        addr = addrs[i].strip() if i < len(addrs) else ""
        host = hosts[i].strip() if i < len(hosts) else ""
        out.append(addr or host)
    return out


def _nonlocal_bind_allowed() -> bool:
    for path in ("/proc/sys/net/ipv4/ip_nonlocal_bind", "/proc/sys/net/ipv6/ip_nonlocal_bind"):
        try:
            if Path(path).read_text().strip() not in ("", "0"):
                return True
        except OSError:
            continue
    return False


def is_local_address(address: str) -> bool:
    """A loopback address, or one assigned to an interface of this machine (in this network
    namespace): the kernel lets us bind a socket to it only then."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.is_loopback:
        return True
    if ip.is_unspecified or ip.is_multicast or _nonlocal_bind_allowed():
        return False
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind((address, 0))
        except OSError:
            return False
    return True


def _resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_this_machine(host: str) -> bool:
    """An entry of the host list that stays on this machine: the default socket, a socket
    directory or abstract socket, or a name/address whose every address is local."""
    if host == "" or host.startswith(("/", "@")):
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return is_local_address(host)
    except ValueError:
        pass
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        addresses = pool.submit(_resolve, host).result(timeout=RESOLVE_TIMEOUT_S)
    except (OSError, UnicodeError, concurrent.futures.TimeoutError):
        return False  # not resolvable here: not known to be this machine
    finally:
        pool.shutdown(wait=False)
    return bool(addresses) and all(is_local_address(a) for a in addresses)


def remote_hosts(conninfo: str, env: Mapping[str, str] | None = None) -> list[str]:
    """Every host (or hostaddr) of the effective conninfo that is not this machine."""
    params = effective(conninfo, env)
    return [h for h in dialled(params) if not is_this_machine(h)]


def database_name(conninfo: str, env: Mapping[str, str] | None = None) -> str:
    """The database libpq connects to (``?dbname=`` and ``PGDATABASE`` included)."""
    return effective(conninfo, env)["dbname"]
