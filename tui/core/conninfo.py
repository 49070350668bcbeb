"""A database conninfo as libpq reads it, and how it reaches child programs without its secret.

A child's command line is readable by every local user (``ps``, ``/proc/PID/cmdline``); its
environment only by the same user. So children (``pg_dump``, ``pg_restore``, ``psql``,
``supabase db dump/query/reset --db-url``) get every parameter of the conninfo through libpq's
``PG*`` variables and a bare ``postgresql://`` on their command line. Not only the password
moves: libpq ends a URL's user info at the FIRST ``@``, so the rest of a password holding a raw
``@`` or ``/`` lands in the host, port or database name, which would be just as visible.
Both libpq and the Supabase CLI (3.1.0, measured: ``db query``, ``db reset``) read the
``PG*`` variables when the URL leaves a value out.

Secret parameters without a ``PG*`` variable (``sslpassword``, ``oauth_client_secret``,
``scram_*_key``) go into a temporary 0600 service file named by ``PGSERVICEFILE``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
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
        if "service" in params or env.get("PGSERVICE"):
            raise UsageError(
                "the database URL names a service and holds "
                f"{', '.join(sorted(in_file))}: pass it in the service file instead"
            )
        env["PGSERVICEFILE"] = str(_service_file(in_file))
        env["PGSERVICE"] = SERVICE_NAME
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in in_argv.items())
    return (BARE_URL + ("?" + query if query else "")), env


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
