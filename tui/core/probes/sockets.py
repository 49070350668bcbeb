"""Who is at the other end of a local TCP connection: read from /proc, never from the network.

PostgreSQL's ``pg_stat_activity`` tells the client port of PostgREST's LISTEN session; on this
machine the kernel's socket table tells which process owns that port (PostgREST itself, or a
pooler such as PgBouncer sharing one backend between clients) and where a PostgREST process's
own database connections go (the primary's port, a pooler's, or a standby's). Linux only;
anything unreadable (other users' processes when not root) simply yields no answer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
LISTEN_STATE = "0A"
ESTABLISHED_STATE = "01"
# The only states the table is asked about. A busy host's table is mostly TIME_WAIT (closed
# connections, owned by no process: 1,329 of 1,381 lines on the test host, most of them left by
# the doctor's own requests), so only these lines are parsed into sockets.
KEPT_STATES = frozenset({LISTEN_STATE, ESTABLISHED_STATE})


@dataclass(frozen=True)
class Socket:
    """A TCP socket of this machine's socket table."""

    local_port: int
    remote_port: int
    state: str
    inode: int


@dataclass(frozen=True)
class Process:
    """A process owning a socket: its pid and command name."""

    pid: int
    name: str  # /proc/PID/comm: "postgrest", "pgbouncer", "postgres", "nginx", ...


def _table(path: Path) -> list[Socket]:
    try:
        lines = path.read_text().splitlines()[1:]
    except OSError:
        return []
    found = []
    for line in lines:
        fields = line.split()
        if len(fields) < 10 or fields[3] not in KEPT_STATES:
            continue
        local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
        found.append(
            Socket(int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16),
                   state, int(inode))
        )  # fmt: skip
    return found


def _name(pid: int) -> str:
    try:
        return (PROC / str(pid) / "comm").read_text().strip()
    except OSError:
        return ""


def _parent(pid: int) -> int:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0
    return int(stat.rsplit(")", 1)[1].split()[1])


def _worth_reading(pid: int, names: frozenset[str]) -> bool:
    """Only the processes whose sockets can matter: PostgREST, poolers, balancers, and a
    PostgreSQL postmaster (not its backends: one per connection, hundreds on a busy host)."""
    name = _name(pid)
    if name == "postgres":
        return _name(_parent(pid)) != "postgres"
    return name.startswith("postgrest") or name in names


class SocketTable:
    """One reading of the machine's TCP sockets and which process holds each (of the
    processes worth reading: ``names`` beside PostgREST and PostgreSQL's postmaster)."""

    def __init__(self, names: frozenset[str] = frozenset()) -> None:
        self.sockets = _table(PROC / "net" / "tcp") + _table(PROC / "net" / "tcp6")
        self._owner: dict[int, int] = {}
        wanted = {s.inode for s in self.sockets}
        for entry in os.scandir(PROC):
            if not entry.name.isdigit() or not _worth_reading(int(entry.name), names):
                continue
            try:
                fds = os.scandir(f"{entry.path}/fd")
            except OSError:
                continue
            with fds:
                for fd in fds:
                    try:
                        link = os.readlink(fd.path)
                    except OSError:
                        continue
                    if link.startswith("socket:["):
                        inode = int(link[8:-1])
                        if inode in wanted:
                            self._owner.setdefault(inode, int(entry.name))

    def _process(self, inode: int) -> Process | None:
        pid = self._owner.get(inode)
        return Process(pid, _name(pid)) if pid else None

    def listener(self, port: int) -> Process | None:
        """The process accepting connections on ``port``."""
        for s in self.sockets:
            if s.state == LISTEN_STATE and s.local_port == port:
                return self._process(s.inode)
        return None

    def client(self, port: int) -> Process | None:
        """The process whose connection leaves from local ``port`` (a backend's client)."""
        for s in self.sockets:
            if s.state == ESTABLISHED_STATE and s.local_port == port:
                found = self._process(s.inode)
                if found:
                    return found
        return None

    def connections(self, pid: int) -> list[Socket]:
        """The established connections ``pid`` holds."""
        return [s for s in self.sockets
                if s.state == ESTABLISHED_STATE and self._owner.get(s.inode) == pid]  # fmt: skip

    def processes(self, prefix: str) -> list[Process]:
        """Processes holding a socket whose name starts with ``prefix`` (e.g. "postgrest")."""
        found = {pid: _name(pid) for pid in set(self._owner.values())}
        return [Process(pid, name) for pid, name in sorted(found.items())
                if name.startswith(prefix)]  # fmt: skip
