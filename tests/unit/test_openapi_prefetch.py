"""`check` asks for the OpenAPI document at start-up; the probe takes that answer over once."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tui.core.probes import openapi, openapi_prefetch

DOC = {
    "swagger": "2.0",
    "info": {"version": "12.0.2"},
    "paths": {"/": {}, "/orders": {"get": {}}, "/rpc/total": {"post": {}}},
    "definitions": {"orders": {"properties": {"id": {"format": "bigint", "type": "integer"}}}},
    "parameters": {"select": {"in": "query"}},
}


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    body = json.dumps(DOC).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not self.headers.get("Accept-Profile"):  # the document, not the API probe's
                seen.append(self.headers.get("apikey") or "")
            self.send_response(200)
            self.send_header("Content-Type", "application/openapi+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()


async def _fetch(url: str, key: str) -> openapi.SchemaDoc:
    headers = {"apikey": key, "Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=5) as client:
        return await openapi.fetch(client, None)


def test_the_probe_takes_over_the_prefetched_document(
    server: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = server
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("ALL_PROXY", raising=False)
    monkeypatch.delenv("all_proxy", raising=False)
    openapi_prefetch.start(url, "key-1", 5.0, openapi=True)
    doc = asyncio.run(_fetch(url, "key-1"))
    assert doc.tables == {"orders"} and doc.functions == {"total"} and doc.version == "12.0.2"
    assert seen == ["key-1"]  # one request: the prefetch's
    asyncio.run(_fetch(url, "key-1"))
    assert seen == ["key-1", "key-1"]  # taken once; later fetches ask themselves


def test_a_prefetch_for_another_key_is_not_used(
    server: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = server
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    openapi_prefetch.start(url, "key-1", 5.0, openapi=True)
    doc = asyncio.run(_fetch(url, "key-2"))
    assert doc.tables == {"orders"}
    assert "key-2" in seen


def test_no_prefetch_through_a_proxy_or_with_custom_ca_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    assert not openapi_prefetch._safe_to_prefetch("http://127.0.0.1:3000")
    monkeypatch.delenv("HTTP_PROXY")
    monkeypatch.setenv("SSL_CERT_FILE", "/etc/ssl/custom.pem")
    assert openapi_prefetch._safe_to_prefetch("http://127.0.0.1:3000")
    assert not openapi_prefetch._safe_to_prefetch("https://x.supabase.co/rest/v1")


def test_prefetch_caps_its_read_like_the_openapi_probe():
    """The stdlib-only prefetch keeps its own copy of the body cap; they must agree."""
    from tui.core.probes import openapi_prefetch
    from tui.core.probes.base import OPENAPI_BODY

    assert openapi_prefetch.MAX_BYTES == OPENAPI_BODY
