"""Child processes of the sandbox: started unprivileged when we are root, stopped for sure.

PostgreSQL refuses to run as root, so when ``euid == 0`` every child runs as the ``postgres``
OS user (``Popen(user=...)``, no shell). Children get their own session so a terminal Ctrl+C
reaches us first and teardown runs in order (PostgREST before PostgreSQL).
"""

from __future__ import annotations

import ctypes
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

from tui.core.errors import SandboxError

UNPRIVILEGED_USER = "postgres"
_PR_SET_PDEATHSIG = 1


def running_as_root() -> bool:
    return os.geteuid() == 0


def service_user() -> pwd.struct_passwd | None:
    """The OS user children run as, or None to run as ourselves."""
    if not running_as_root():
        return None
    try:
        return pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError as exc:
        raise SandboxError(
            "running as root but there is no 'postgres' OS user to run PostgreSQL as: "
            "install postgresql-15 (it creates the user) or run as a normal user"
        ) from exc


def hand_over(path: Path) -> None:
    """Make a path (recursively) owned by the service user, so the child may write it."""
    user = service_user()
    if user is None:
        return
    for root, dirs, files in os.walk(path):
        os.chown(root, user.pw_uid, user.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), user.pw_uid, user.pw_gid, follow_symlinks=False)


def _reachable(path: Path, user: pwd.struct_passwd) -> bool:
    """Whether ``user`` (no supplementary groups, as children run) may execute ``path``."""
    for part in (*reversed(path.parents), path):
        mode = part.stat()
        if mode.st_uid == user.pw_uid:
            bit = stat.S_IXUSR
        elif mode.st_gid == user.pw_gid:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not mode.st_mode & bit:
            return False
    return True


def runnable_copy(binary: Path, workdir: Path) -> Path:
    """``binary`` when the service user can run it, else a copy of it in ``workdir``.

    As root, tools fetched under a private HOME (``/root`` is 0700) are out of the service
    user's reach; the copy is handed over with the workdir.
    """
    user = service_user()
    binary = binary.resolve()
    if user is None or _reachable(binary, user):
        return binary
    staged = workdir / binary.name
    if not staged.exists():
        shutil.copy2(binary, staged)
    return staged


def _die_with_parent() -> None:
    """Ask the kernel to SIGTERM the child when its parent thread dies (Linux only)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def spawn(
    argv: Sequence[str], *, log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a long-running child writing stdout+stderr to ``log``; never through a shell."""
    user = service_user()
    kwargs: dict = {}
    if user is not None:
        kwargs.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
    # The parent-death signal is tied to the creating *thread*: only arm it from the main one.
    if threading.current_thread() is threading.main_thread():
        kwargs["preexec_fn"] = _die_with_parent
    log_file = open(log, "ab")  # noqa: SIM115 - handed to the child, closed below
    try:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            **kwargs,
        )
    except OSError as exc:
        raise SandboxError(f"could not start {Path(argv[0]).name}: {exc.strerror}") from exc
    finally:
        log_file.close()


def run(argv: Sequence[str], *, timeout: float, env: dict[str, str] | None = None) -> str:
    """Run a short command as the service user; raise SandboxError with its last line on failure."""
    user = service_user()
    kwargs: dict = {}
    if user is not None:
        kwargs.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
    try:
        proc = subprocess.run(
            list(argv),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
            **kwargs,
        )
    except subprocess.TimeoutExpired as exc:
        raise SandboxError(f"{Path(argv[0]).name} timed out after {timeout:.0f}s") from exc
    except OSError as exc:
        raise SandboxError(f"could not run {Path(argv[0]).name}: {exc.strerror}") from exc
    if proc.returncode != 0:
        last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise SandboxError(f"{Path(argv[0]).name} failed: {last[0]}")
    return proc.stdout


def stop(proc: subprocess.Popen | None, *, sig: int = signal.SIGTERM, grace: float = 10.0) -> None:
    """Stop a child: ``sig``, then SIGKILL after ``grace`` seconds. Safe to call twice."""
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.send_signal(sig)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0
