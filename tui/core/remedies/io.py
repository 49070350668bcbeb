"""Bounded connections for remedies, and scrubbing of secrets from anything shown.

Every call has a timeout; the password of the database URL never reaches output or errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from tui.core import conninfo
from tui.core.probes import base
from tui.core.probes.base import secrets_of as secrets_of  # remedies import it from here
from tui.core.target import Target

_URL_PASSWORD = re.compile(r"(?i)(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@")


async def connect(target: Target, *, timeout: float | None = None) -> psycopg.AsyncConnection:
    """The probes' autocommit connection, also bounded as a whole (connect_timeout does not
    cover every stall)."""
    seconds = timeout or target.timeout
    return await asyncio.wait_for(base.connect(target, timeout=seconds), timeout=seconds + 1)


def api_client(target: Target, *, base_url: str | None = None) -> httpx.AsyncClient:
    """The probes' AsyncClient: the failing client's key, bounded by the target's timeout."""
    return base.http_client(target, base_url=base_url)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask URL passwords and the given secret strings."""
    text = _URL_PASSWORD.sub(r"\1****@", text)
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, "****")
    return text


def without_password(db_url: str) -> str:
    """The conninfo a child's argv shows: ``postgresql://``, the rest in ``libpq_env``."""
    return conninfo.without_password(db_url)


def libpq_env(db_url: str) -> dict[str, str]:
    """Environment for pg_dump / pg_restore / psql / the Supabase CLI: every parameter of the
    URL (password included) travels here, never in argv (``conninfo.child_env``)."""
    return conninfo.child_env(db_url)[1]


@dataclass
class Completed:
    returncode: int
    lines: list[str]

    @property
    def tail(self) -> str:
        return self.lines[-1] if self.lines else "no output"


async def run_program(
    argv: Sequence[str],
    *,
    timeout: float,
    on_line: Callable[[str], None] | None = None,
    secrets: Iterable[str] = (),
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    keep: int | None = None,
) -> Completed:
    """Run a program (never a shell), stream its scrubbed output lines, kill it on timeout
    or cancellation (Ctrl+C) so nothing keeps running behind the user's back.
    ``keep``: remember only the last N lines (large outputs are consumed through ``on_line``).
    """
    secret_list = list(secrets)
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=str(cwd) if cwd else None,
        env=env,
        start_new_session=True,
    )
    lines: list[str] = []

    async def pump() -> None:
        assert proc.stdout is not None
        while (raw := await _next_line(proc.stdout)) is not None:
            line = scrub(raw.decode(errors="replace").rstrip(), secret_list)
            if line:
                lines.append(line)
                if keep is not None and len(lines) > keep:
                    del lines[0]
                if on_line:
                    on_line(line)

    work = asyncio.gather(pump(), proc.wait())
    # on Ctrl+C the gather ends with a CancelledError nobody awaits; retrieve it, or asyncio
    # prints "exception was never retrieved" with a traceback at exit
    work.add_done_callback(lambda f: f.cancelled() or f.exception())
    try:
        await asyncio.wait_for(work, timeout=timeout)
    except TimeoutError:
        with contextlib.suppress(TimeoutError):
            await _stop(proc)
        lines.append(f"{Path(argv[0]).name} timed out after {timeout:.0f}s and was stopped")
        return Completed(124, lines)
    except BaseException:
        # reap it now: a transport left for the garbage collector after the loop closes
        # prints "Exception ignored ... Event loop is closed" with a traceback at exit
        with contextlib.suppress(BaseException):
            await _stop(proc)
        raise
    return Completed(proc.returncode or 0, lines)


MAX_LINE = 64 * 1024  # bytes kept of one output line; the rest of a longer line is skipped


async def _next_line(stream: asyncio.StreamReader) -> bytes | None:
    """The next output line (None at the end). Unlike ``readline`` it survives a line longer
    than the stream's 64 KB buffer (a COPY row with a big value, a long CLI error line):
    it keeps the first ``MAX_LINE`` bytes and skips the rest of that line.
    """
    head = b""
    while True:
        try:
            chunk = await stream.readuntil(b"\n")
        except asyncio.IncompleteReadError as exc:  # end of output, maybe without a newline
            rest = head + exc.partial
            return rest[:MAX_LINE] if rest else None
        except asyncio.LimitOverrunError as exc:  # no newline within the buffer yet
            chunk = await stream.read(max(exc.consumed, 1))
            head = (head + chunk)[:MAX_LINE]
            continue
        return (head + chunk)[:MAX_LINE]


async def _stop(proc: asyncio.subprocess.Process) -> None:
    """Kill the program's process group and reap it, bounded: a child stuck in the kernel
    must not hang us."""
    if proc.returncode is None:
        try:
            os.killpg(proc.pid, 9)
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
    await asyncio.wait_for(proc.wait(), 5)
