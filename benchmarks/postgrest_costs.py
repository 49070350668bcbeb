"""PostgREST's own costs, which no tool can avoid: start-up, the OpenAPI document, a reload.

Each function measures one run and returns seconds (wall clock, ``perf_counter``).
"""

from __future__ import annotations

import time

import httpx
import psycopg
from psycopg import sql

from tui.sandbox import Sandbox

HTTP_TIMEOUT = httpx.Timeout(120.0, connect=5.0)  # the document takes ~11 s at 10,000 tables
POLL_INTERVAL = 0.005  # seconds between probes of a reload: 200 req/s, only while reloading
RELOAD_TIMEOUT = 60.0


def auth_headers(sandbox: Sandbox) -> dict[str, str]:
    """The anon role's key (the sandbox's ``db-anon-role``: ``anon``, or a corpus's own)."""
    key = sandbox.role_key(sandbox.anon_role)
    return {"Authorization": f"Bearer {key}", "apikey": key}


def postgrest_start(sandbox: Sandbox) -> float:
    """Stop PostgREST, then time a start until its admin /ready answers (cache loaded).

    ``PostgrestServer.start`` polls /ready every 20 ms, so this is accurate to about 20 ms.
    """
    server = sandbox.postgrest
    assert server is not None
    server.stop()
    start = time.perf_counter()
    server.start(timeout=120)
    return time.perf_counter() - start


def openapi_get(sandbox: Sandbox) -> tuple[float, int]:
    """One GET of the OpenAPI document as anon, body fully read: (seconds, bytes)."""
    assert sandbox.postgrest is not None
    with httpx.Client(timeout=HTTP_TIMEOUT, headers=auth_headers(sandbox)) as client:
        return timed_get(client, f"{sandbox.postgrest.api_url}/")


def timed_get(
    client: httpx.Client, url: str, headers: dict[str, str] | None = None
) -> tuple[float, int]:
    """One GET, body fully read: (seconds, bytes); an error answer raises."""
    start = time.perf_counter()
    response = client.get(url, headers=headers)
    size = len(response.content)
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed, size


def create_unserved_function(sandbox: Sandbox, name: str) -> None:
    """A new RPC behind PostgREST's back: it answers 404 (PGRST202) until the cache reloads."""
    sandbox.execute(
        sql.SQL("CREATE FUNCTION public.{}() RETURNS integer LANGUAGE sql AS 'SELECT 1'").format(
            sql.Identifier(name)
        )
    )


def wait_served(client: httpx.Client, url: str, deadline: float) -> float:
    """Poll ``url`` every POLL_INTERVAL until it answers 200; return the perf_counter time."""
    while True:
        now = time.perf_counter()
        if now > deadline:
            raise TimeoutError(f"{url} not served within {RELOAD_TIMEOUT:.0f}s")
        try:
            if client.get(url).status_code == 200:
                return time.perf_counter()
        except httpx.HTTPError:
            pass
        time.sleep(POLL_INTERVAL)


def reload_after_notify(sandbox: Sandbox, name: str) -> float:
    """NOTIFY pgrst -> the new function ``name`` is served: PostgREST's schema-cache reload."""
    assert sandbox.postgrest is not None
    create_unserved_function(sandbox, name)
    url = f"{sandbox.postgrest.api_url}/rpc/{name}"
    with (
        httpx.Client(timeout=httpx.Timeout(10.0), headers=auth_headers(sandbox)) as client,
        psycopg.connect(sandbox.db_url, autocommit=True, connect_timeout=10) as conn,
    ):
        before = client.get(url).status_code
        if before == 200:
            raise RuntimeError(f"{name} served before NOTIFY: the cache was not stale")
        start = time.perf_counter()
        conn.execute("NOTIFY pgrst, 'reload schema'")
        served = wait_served(client, url, start + RELOAD_TIMEOUT)
    return served - start
