"""What every probe shares: a bounded database connection, a bounded HTTP client, the
request role behind the API key, and redaction of secrets from error text.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any

import httpx
import psycopg

from tui.core import conninfo
from tui.core.httpclient import tls_context
from tui.core.target import Target

APPLICATION_NAME = "pgrst-doctor"
# Supabase's non-JWT keys: the gateway swaps them for the anon / service_role JWT.
OPAQUE_KEY_ROLES = {"sb_publishable_": "anon", "sb_secret_": "service_role"}


async def connect(
    target: Target, *, autocommit: bool = True, timeout: float | None = None
) -> psycopg.AsyncConnection:
    """A connection that gives up at ``timeout`` (default: the target's), for connecting and
    per statement."""
    seconds = timeout or target.timeout
    timeout_ms = max(1, int(seconds * 1000))
    return await psycopg.AsyncConnection.connect(
        target.db_url,
        connect_timeout=max(1, math.ceil(seconds)),
        autocommit=autocommit,
        application_name=APPLICATION_NAME,
        # JIT compiling catalog queries costs more than it saves (~0.1 s at 10,000 tables)
        options=f"-c statement_timeout={timeout_ms} -c lock_timeout={timeout_ms} -c jit=off",
    )


def auth_headers(key: str | None) -> dict[str, str]:
    """The failing client's headers: the key goes as both ``apikey`` and Bearer token."""
    if not key:
        return {}
    return {"apikey": key, "Authorization": f"Bearer {key}"}


def http_client(
    target: Target, *, key: str | None = None, base_url: str | None = None
) -> httpx.AsyncClient:
    """An AsyncClient bounded by the target's timeout (connect, read, write, pool)."""
    root = (base_url or target.api_url).rstrip("/")
    return httpx.AsyncClient(
        base_url=root,
        headers=auth_headers(key if key is not None else target.api_key),
        timeout=httpx.Timeout(target.timeout),
        follow_redirects=False,
        verify=tls_context(root),  # one SSL context per process, not one per client
    )


def jwt_claims(key: str | None) -> dict[str, Any] | None:
    """The payload of a JWT, decoded WITHOUT verifying it (we only want the ``role``)."""
    if not key or key.count(".") != 2:
        return None
    payload = key.split(".")[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def request_role(key: str | None, anon_role: str | None) -> str | None:
    """The PostgreSQL role PostgREST switches to for requests made with ``key``: the key's
    ``role`` claim, else the deployment's anon role (None when that is unknown)."""
    if not key:
        return anon_role
    for prefix, opaque_role in OPAQUE_KEY_ROLES.items():
        if key.startswith(prefix):
            return opaque_role
    claims = jwt_claims(key) or {}
    role = claims.get("role")
    return role if isinstance(role, str) and role else anon_role


def secrets_of(target: Target) -> list[str]:
    """The literal secret strings a target holds (password, keys), for scrubbing."""
    found = [s for s in (target.api_key, target.service_key) if s]
    return found + conninfo.secret_values(target.db_url)


def redact(text: str, target: Target) -> str:
    """Remove keys and the database password from error text before anyone sees it."""
    for secret in secrets_of(target):
        if len(secret) >= conninfo.MIN_FRAGMENT:
            text = text.replace(secret, "***")
    return text


def one_line(exc: BaseException, target: Target) -> str:
    """An exception as one short, secret-free line."""
    message = str(exc).strip().splitlines()
    first = message[0] if message else type(exc).__name__
    for line in message[1:]:  # libpq puts the useful part on later lines sometimes
        if line.strip() and "failed" not in first:
            first = f"{first} {line.strip()}"
    return redact(first, target)[:300]


SMALL_BODY = 1024 * 1024  # error answers and probes: 1 MB is plenty
OPENAPI_BODY = 160 * 1024 * 1024  # ~40 MB at 10,000 tables; never hold more than this


class BodyTooLarge(Exception):
    """The server sent more than we are willing to hold in memory."""


async def send(
    client: httpx.AsyncClient, method: str, url: str, *, cap: int = SMALL_BODY, **kwargs: Any
) -> tuple[httpx.Response, bytes]:
    """A request whose body is read only up to ``cap`` bytes (a broken proxy can stream
    forever); the response's headers come back with the bytes read.
    """
    async with client.stream(method, url, **kwargs) as response:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise BodyTooLarge(f"the answer to {method} {url} exceeds {cap // 1048576} MB")
            chunks.append(chunk)
    return response, b"".join(chunks)


def json_or_text(raw: bytes) -> object:
    """A body as JSON when it is JSON, else a short text (for error summaries)."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw[:500].decode("utf-8", "replace")
