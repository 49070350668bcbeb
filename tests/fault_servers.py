"""Real loopback servers that misbehave on purpose, for the fault-matrix tests.

Each ``FaultServer`` is a TCP listener on 127.0.0.1 in a daemon thread with one behaviour:
never answer, answer 500, answer a non-JSON body, stream a huge body, redirect forever,
close at once, or speak TLS with a self-signed certificate. Every server is bounded in time
(``lifetime``), stops its connection threads on ``stop()`` and counts the bytes it sent, so a
test can show that a client read a huge body only up to its cap.

Nothing here mocks PostgreSQL or PostgREST: these stand in for broken *networks and proxies*
in front of them, which is what an incident looks like from the doctor's side.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import ssl
import struct
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tui.sandbox.processes import free_port

Behaviour = Callable[["Connection"], None]

HUGE_BODY_BYTES = 200 * 1024 * 1024  # 200 MB, streamed, never held in memory
_CHUNK = b'{"name":"' + b"x" * 4000 + b'"},'


class Connection:
    """One accepted client socket, with the server's stop flag and a byte counter."""

    def __init__(self, sock: socket.socket, server: FaultServer) -> None:
        self.sock = sock
        self.server = server

    @property
    def stopping(self) -> bool:
        return self.server.stopped.is_set()

    def read_request(self, limit: int = 65536) -> bytes:
        """Read up to the end of the request head (or until the client goes away)."""
        data = b""
        self.sock.settimeout(0.2)
        while b"\r\n\r\n" not in data and len(data) < limit and not self.stopping:
            try:
                chunk = self.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        return data

    def send(self, data: bytes) -> bool:
        """Send everything; False once the client has gone or the server stops."""
        if self.stopping:
            return False
        try:
            self.sock.settimeout(5)
            self.sock.sendall(data)
        except OSError:
            return False
        self.server.add_sent(len(data))
        return True

    def respond(self, status: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.send(("\r\n".join(head) + "\r\n\r\n").encode() + body)


class FaultServer:
    """A loopback TCP server with one behaviour; use as a context manager."""

    def __init__(
        self,
        behaviour: Behaviour,
        *,
        tls: ssl.SSLContext | None = None,
        lifetime: float = 120.0,
        scheme: str | None = None,
    ) -> None:
        self.behaviour = behaviour
        self.tls = tls
        self.lifetime = lifetime
        self.scheme = scheme or ("https" if tls else "http")
        self.stopped = threading.Event()
        self.accepted = 0
        self._sent = 0
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port: int = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._clients: list[socket.socket] = []
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def bytes_sent(self) -> int:
        with self._lock:
            return self._sent

    def add_sent(self, n: int) -> None:
        with self._lock:
            self._sent += n

    def start(self) -> FaultServer:
        self._acceptor.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        for sock in list(self._clients):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        self._acceptor.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        deadline = time.monotonic() + self.lifetime
        while not self.stopped.is_set() and time.monotonic() < deadline:
            try:
                ready, _, _ = select.select([self._listener], [], [], 0.1)
            except (OSError, ValueError):
                break
            if not ready:
                continue
            try:
                sock, _ = self._listener.accept()
            except OSError:
                break
            self.accepted += 1
            self._clients.append(sock)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(thread)
            thread.start()
        self.stopped.set()

    def _serve(self, sock: socket.socket) -> None:
        try:
            if self.tls is not None:
                sock.settimeout(5)
                sock = self.tls.wrap_socket(sock, server_side=True)
                self._clients.append(sock)
            self.behaviour(Connection(sock, self))
        except (OSError, ssl.SSLError):
            pass  # the client hung up or refused our certificate: that is the point
        finally:
            with contextlib.suppress(OSError):
                sock.close()


# -- behaviours ------------------------------------------------------------------------------


def hung(conn: Connection) -> None:
    """Accept, read the request, never answer (until the server stops)."""
    conn.read_request()
    while not conn.stopping:
        time.sleep(0.05)


def close_at_once(conn: Connection) -> None:
    """Accept and hang up without a byte (a crashed proxy; not PostgreSQL either)."""
    with contextlib.suppress(OSError):
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def status(code: int, body: bytes, content_type: str = "application/json") -> Behaviour:
    """Answer every request with ``code`` and ``body``."""
    reasons = {200: "OK", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Unavailable"}

    def behaviour(conn: Connection) -> None:
        conn.read_request()
        conn.respond(f"{code} {reasons.get(code, 'Status')}", body, {"Content-Type": content_type})

    return behaviour


ERROR_500 = status(500, b'{"message":"upstream exploded"}')
NON_JSON = status(
    200, b"<html><body><h1>Welcome to nginx!</h1></body></html>", "application/openapi+json"
)


def pgrst12_404(conn: Connection) -> None:
    """Claims to be PostgREST 12 and answers every request with a 404 JSON error."""
    conn.read_request()
    body = b'{"code":"PGRST125","details":null,"hint":null,"message":"Invalid path specified"}'
    conn.respond("404 Not Found", body, {"Content-Type": "application/json",
                                         "Server": "postgrest/12.0.2"})  # fmt: skip


def echo_headers(conn: Connection) -> None:
    """A broken proxy that quotes the request back in its 401 error, headers and all."""
    request = conn.read_request().decode("latin-1")
    said = f"bad request: {request}; upstream said password=Echoed-Srv-Pw42"
    body = json.dumps({"message": said, "code": "PGRST301"}).encode()
    conn.respond("401 Unauthorized", body, {"Content-Type": "application/json"})


def huge_body(total: int = HUGE_BODY_BYTES) -> Behaviour:
    """Stream a JSON array of ``total`` bytes with Content-Length; stop when the client leaves."""

    def behaviour(conn: Connection) -> None:
        conn.read_request()
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/openapi+json\r\n"
            f"Content-Length: {total}\r\nServer: postgrest/12.0.2\r\nConnection: close\r\n\r\n"
        )
        if not conn.send(head.encode() + b"["):
            return
        sent = 1
        while sent < total - 1:
            chunk = _CHUNK[: total - 1 - sent]
            if not conn.send(chunk):
                return
            sent += len(chunk)
        conn.send(b"]")

    return behaviour


def redirect_loop(conn: Connection) -> None:
    """302 to the same path, forever: a misconfigured proxy."""
    request = conn.read_request()
    path = "/"
    with contextlib.suppress(IndexError, UnicodeDecodeError):
        path = request.split(b"\r\n", 1)[0].split(b" ")[1].decode()
    location = "/loop-b" if path.startswith("/loop-a") else "/loop-a"
    conn.respond("302 Found", b"", {"Location": location})


def ok_json(conn: Connection) -> None:
    """A healthy-looking answer (used behind TLS, where the handshake is what fails)."""
    conn.read_request()
    conn.respond("200 OK", b"{}", {"Content-Type": "application/json"})


# -- TLS -------------------------------------------------------------------------------------


def self_signed_context(directory: Path) -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate made by the ``openssl`` CLI."""
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=pgrst-doctor-fault", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


# -- ports -----------------------------------------------------------------------------------


def dead_port() -> int:
    """A loopback port nobody listens on (bound once, released)."""
    return free_port()
