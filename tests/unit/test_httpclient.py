"""The shared HTTP client settings: TLS still verified, httpcore still detects asyncio."""

from __future__ import annotations

import asyncio
import ssl

from httpcore._synchronization import current_async_library

from tui.core.httpclient import tls_context


def test_https_context_is_shared_and_verifies_with_a_ca_bundle() -> None:
    ctx = tls_context("https://project.supabase.co/rest/v1")
    assert ctx is tls_context("HTTPS://other.example/rest/v1")
    assert ctx.verify_mode is ssl.CERT_REQUIRED and ctx.check_hostname
    assert ctx.cert_store_stats()["x509_ca"] > 0


def test_plain_http_context_would_refuse_any_certificate() -> None:
    ctx = tls_context("http://127.0.0.1:3000")
    assert ctx is not tls_context("https://x.example")
    assert ctx.verify_mode is ssl.CERT_REQUIRED and ctx.check_hostname
    assert ctx.cert_store_stats()["x509_ca"] == 0


def test_httpcore_still_detects_asyncio_after_the_import_shortcut() -> None:
    async def detect() -> str:
        return current_async_library()

    assert asyncio.run(detect()) == "asyncio"
