"""What every async HTTP client of the core shares, so a diagnosis pays start-up costs once.

Measured on a 1,000-table schema (benchmarks/, BENCHMARKS.md): httpx builds a fresh SSL context
and loads the CA bundle for every client (~0.1 s of event-loop time each), and httpcore 1.0
runs ``import sniffio`` on every async request; without that package installed each attempt
searches ``sys.path`` again (~1 ms per request, about 1 s over a full check's probes).
"""

from __future__ import annotations

import functools
import importlib.util
import ssl
import sys

import httpx

if importlib.util.find_spec("sniffio") is None:
    # A None entry makes `import sniffio` fail at once with the ImportError httpcore already
    # handles (it then assumes asyncio, which is what we run).
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]


@functools.cache
def _verifying() -> ssl.SSLContext:
    return httpx.create_ssl_context()  # the default httpx would build per client


@functools.cache
def _plain() -> ssl.SSLContext:
    # never used for a handshake on an http:// base URL; if it were, it verifies and fails
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def tls_context(url: str) -> ssl.SSLContext:
    """One shared verifying context for https:// URLs, a cheap unused one for http://."""
    return _verifying() if url.lower().startswith("https://") else _plain()
