"""Ask PostgREST for its OpenAPI document before the engine is even imported.

PostgREST needs 0.5 s (1,000 tables) to 10 s (10,000) to produce the document, and importing
the engine (psycopg, httpx, asyncio, the checks) takes ~0.25 s of a `check`: started first, the
request hides that start-up (BENCHMARKS.md). Standard library only, so starting it costs
nothing; ``openapi.fetch`` takes the answer over when it asks for the same document, and uses
its own request whenever anything here is unsure (proxies, custom CA settings, errors).
asyncio is imported only by the reader: importing it here would hold the request back ~20 ms.
Measured: `check` at 1,000 tables went from ~1.0 s to ~0.8 s (BENCHMARKS.md). The process-wide
``_pending`` table holds at most one prefetch per (API URL, key); ``take`` hands it over once.
Whoever stops reading closes it (``close``: the reader when done, failed or cancelled; ``stop``
for one nobody took, when the command ends): the socket is shut down, so a thread waiting on a
server that has not answered ends at once instead of after the timeout, and a document nobody
read is never handed to a later diagnosis in the same process.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import socket
import ssl
import threading
from typing import Any
from urllib.parse import urlsplit

CHUNK = 65536
QUEUED_CHUNKS = 64  # the thread may run at most 4 MB ahead of the decoder
MAX_BYTES = 160 * 1024 * 1024  # the same cap as probes.base.OPENAPI_BODY
ACCEPT = "application/openapi+json, application/json"
SLICE = 0.2  # seconds a helper thread waits for the next chunk before looking again
JOIN = 2.0  # seconds ``stop`` gives each thread to close its connection
_END = object()
_EMPTY = object()
_lock = threading.Lock()
_pending: dict[str, Prefetch] = {}


class Prefetch:
    """One GET / streamed by a daemon thread into a queue: head first, then chunks, then end."""

    def __init__(self, api_url: str, key: str | None, timeout: float) -> None:
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self.items: queue.Queue[Any] = queue.Queue(maxsize=QUEUED_CHUNKS)
        self.closed = threading.Event()  # set by the reader when it stops reading
        self._key = key
        self._conn: http.client.HTTPConnection | None = None
        self._thread = threading.Thread(target=self._run, name="openapi-prefetch", daemon=True)

    def _connection(self) -> http.client.HTTPConnection:
        parts = urlsplit(self.api_url)
        if parts.scheme == "https":
            import certifi  # httpx's own default trust store

            context = ssl.create_default_context(cafile=certifi.where())
            return http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=self.timeout, context=context
            )
        return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=self.timeout)

    def close(self) -> None:
        """The reader is done (finished, failed or cancelled): the thread stops reading. Its
        socket is shut down, which wakes a thread blocked on it (connecting, or waiting for
        the server's answer or its next bytes)."""
        self.closed.set()
        with contextlib.suppress(queue.Empty):  # a thread waiting to queue a chunk goes on
            while True:
                self.items.get_nowait()
        conn = self._conn
        sock = conn.sock if conn is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):  # not connected yet, or already closed
                sock.shutdown(socket.SHUT_RDWR)

    def _put(self, item: Any) -> bool:
        """Queue an item, waiting for the reader; False once the reader has gone."""
        while not self.closed.is_set():
            try:
                self.items.put(item, timeout=SLICE)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        conn = None
        try:
            conn = self._conn = self._connection()
            headers = {"Accept": ACCEPT}
            if self._key:
                headers.update(apikey=self._key, Authorization=f"Bearer {self._key}")
            path = (urlsplit(self.api_url).path or "") + "/"
            conn.connect()
            if self.closed.is_set():  # closed while connecting: nobody will read
                return
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            if not self._put((response.status, response.getheader("content-type", ""))):
                return
            read = 0
            # bounded twice: never past the body cap, never far ahead of the reader
            while read <= MAX_BYTES and (chunk := response.read1(CHUNK)):
                read += len(chunk)
                if not self._put(chunk):
                    return
            self._put(_END)
        except Exception as exc:  # handed to the reader, who decides
            self._put(exc)
        finally:
            if conn is not None:
                conn.close()

    async def next_item_async(self) -> Any:
        """The next head / chunk / end marker / exception; TimeoutError after the timeout.
        Waits in short slices so a cancelled diagnosis never leaves a thread blocked long."""
        import asyncio  # the engine has it loaded by now

        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while True:
            try:
                return self.items.get_nowait()
            except queue.Empty:
                pass
            if loop.time() >= deadline:
                return TimeoutError(f"no answer within {self.timeout:g}s")
            item = await loop.run_in_executor(None, self._get_slice)
            if item is not _EMPTY:
                return item

    def _get_slice(self) -> Any:
        try:
            return self.items.get(timeout=SLICE)
        except queue.Empty:
            return _EMPTY


def is_end(item: object) -> bool:
    return item is _END


def _safe_to_prefetch(api_url: str) -> bool:
    """Only where httpx would make the very same request: no proxy, no custom CA settings."""
    scheme = urlsplit(api_url).scheme
    env = {k.lower() for k in os.environ if os.environ[k]}
    if scheme == "http":
        return not env & {"http_proxy", "all_proxy"}
    if scheme == "https":
        return not env & {"https_proxy", "all_proxy", "ssl_cert_file", "ssl_cert_dir"}
    return False


def start(api_url: str, key: str | None, timeout: float) -> None:
    """Begin fetching the default schema's document (no Accept-Profile) for ``api_url``."""
    if not _safe_to_prefetch(api_url):
        return
    fetch = Prefetch(api_url, key, timeout)
    with _lock:
        replaced = _pending.pop(fetch.api_url, None)
        _pending[fetch.api_url] = fetch
    if replaced is not None:  # never taken: nobody will read it
        replaced.close()
    fetch._thread.start()


def stop() -> None:
    """Close every prefetch nobody took and give its thread ``JOIN`` seconds to end (the
    command is ending: finished, failed or interrupted)."""
    with _lock:
        fetches = list(_pending.values())
        _pending.clear()
    for fetch in fetches:
        fetch.close()
    for fetch in fetches:
        if fetch._thread.ident is not None:  # started
            fetch._thread.join(JOIN)


def take(api_url: str, key: str | None) -> Prefetch | None:
    """The prefetch for this API root and key, once (None: make your own request)."""
    with _lock:
        fetch = _pending.pop(api_url.rstrip("/"), None)
    if fetch is not None and fetch._key != key:
        fetch.close()  # another role's document: nobody will read it
        return None
    return fetch
