"""What every probe shares: a bounded database connection (``pg.connect``), a bounded HTTP
client, and redaction of secrets from error text.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tui.core import conninfo
from tui.core.httpclient import tls_context
from tui.core.probes.pg import connect as connect
from tui.core.target import Target


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
