"""Ask PostgREST's API root its first questions before the engine is even imported.

Two GETs of ``/`` every diagnosis begins with: the OpenAPI document (a whole check), and the
API probe's question (``Accept-Profile`` naming a schema that cannot exist: PostgREST answers
406 PGRST106 with its exposed schemas, after checking the key; probes/api.py). PostgREST needs
0.1 s (100 tables) to 10 s (10,000) to produce the document, and its answers wait for CPU on a
loaded host, while importing the engine (psycopg, httpx, asyncio, the checks) takes 0.4-0.6 s of
a `check`: started first, the requests hide in that start-up (BENCHMARKS.md). Standard library
only, so starting them costs nothing; ``openapi.fetch`` and ``api.api_info`` each take their
answer over when they ask the same question (same API root, key and headers), and make their
own request whenever anything here is unsure (proxies, custom CA settings, errors).
asyncio is imported only by the reader: importing it here would hold the requests back ~20 ms.
Measured: `check` at 1,000 tables went from ~1.0 s to ~0.8 s (BENCHMARKS.md). The process-wide
``_pending`` table holds at most one prefetch per (API URL, question); ``take`` hands it over
once. Whoever stops reading closes it (``close``: the reader when done, failed or cancelled;
``take`` when asked with another key; ``stop`` for one nobody took, when the command ends): the
socket is shut down, so a thread waiting on a server that has not answered ends at once instead
of after the timeout, and an answer nobody read is never handed to a later diagnosis in the
same process.
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
PROBE_PROFILE = "pgrst_doctor_no_such_schema"  # the API probe's profile (probes/api.py)
# question -> its headers besides the key (the API probe's: httpx's default Accept)
OPENAPI, API_PROBE = "openapi", "api"
QUESTIONS = {
    OPENAPI: {"Accept": ACCEPT},
    API_PROBE: {"Accept": "*/*", "Accept-Profile": PROBE_PROFILE},
}
SLICE = 0.2  # seconds a helper thread waits for the next chunk before looking again
JOIN = 2.0  # seconds ``stop`` gives each thread to close its connection
_END = object()
_EMPTY = object()
_lock = threading.Lock()
_pending: dict[tuple[str, str], Prefetch] = {}  # (API URL, question) -> its prefetch


class Prefetch:
    """One GET / streamed by a daemon thread into a queue: head (status, headers by lowercase
    name) first, then chunks, then end."""

    def __init__(self, api_url: str, key: str | None, timeout: float, question: str) -> None:
        self.api_url = api_url.rstrip("/")
        self.question = question
        self.timeout = timeout
        self.items: queue.Queue[Any] = queue.Queue(maxsize=QUEUED_CHUNKS)
        self.closed = threading.Event()  # set by the reader when it stops reading
        self._key = key
        self._conn: http.client.HTTPConnection | None = None
        self._thread = threading.Thread(target=self._run, name=f"{question}-prefetch", daemon=True)

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
            headers = dict(QUESTIONS[self.question])
            if self._key:
                headers.update(apikey=self._key, Authorization=f"Bearer {self._key}")
            path = (urlsplit(self.api_url).path or "") + "/"
            conn.connect()
            if self.closed.is_set():  # closed while connecting: nobody will read
                return
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            head = {name.lower(): value for name, value in response.getheaders()}
            if not self._put((response.status, head)):
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


def start(api_url: str, key: str | None, timeout: float, *, openapi: bool) -> None:
    """Ask ``api_url`` the API probe's question and (``openapi``) for the default schema's
    document (no Accept-Profile)."""
    if not _safe_to_prefetch(api_url):
        return
    for question in (API_PROBE, OPENAPI) if openapi else (API_PROBE,):
        fetch = Prefetch(api_url, key, timeout, question)
        with _lock:
            replaced = _pending.pop((fetch.api_url, question), None)
            _pending[fetch.api_url, question] = fetch
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


def take(api_url: str, key: str | None, question: str = OPENAPI) -> Prefetch | None:
    """The prefetch of ``question`` for this API root and key, once (None: make your own
    request)."""
    with _lock:
        fetch = _pending.pop((api_url.rstrip("/"), question), None)
    if fetch is not None and fetch._key != key:
        fetch.close()  # another role's answer: nobody will read it
        return None
    return fetch
