"""SIGINT, SIGTERM and SIGHUP end a command the same way: the running step is cancelled, so
its programs' process groups are stopped (``remedies.io.run_program``) and its guards undone,
the command journals what had happened, and ``main`` prints one line and exits 128 + signal
(130 SIGINT, 143 SIGTERM, 129 SIGHUP).

Inside the event loop a signal cancels the main task (``loop.add_signal_handler``: the handler
runs as a loop callback, never in the middle of a step's cleanup); outside it, it raises
``Interrupted`` where the program is. A second signal while the first is being handled is
ignored, so the cleanup that stops the children is not itself interrupted.
"""

from __future__ import annotations

import signal
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
EXIT_CODES = {int(sig): 128 + int(sig) for sig in SIGNALS}  # 130, 143, 129


class Interrupted(KeyboardInterrupt):
    """The command was stopped by ``signum``; ``main`` turns it into one line and 128+signum."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _State:
    signum: int | None = None  # the first signal received
    detail: str | None = None  # what the interrupted command had done, for the one line


STATE = _State()


def _raise(signum: int, _frame: object) -> None:
    if STATE.signum is not None:
        return
    STATE.signum = signum
    raise Interrupted(signum)


def install() -> None:
    """Outside the event loop: each of the three signals raises ``Interrupted``."""
    for sig in SIGNALS:
        signal.signal(sig, _raise)


def note(detail: str) -> None:
    """What the interrupted command had done (dump kept, reset started …), for the last line."""
    STATE.detail = detail


def signal_name() -> str:
    return signal.Signals(STATE.signum).name if STATE.signum else "SIGINT"


def run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` where each of the three signals cancels the command's task."""
    import asyncio  # not at import time: `check` sends its first request before asyncio loads

    async def main() -> T:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        assert task is not None

        def cancel(sig: int) -> None:
            if STATE.signum is None:
                STATE.signum = sig
                task.cancel()

        for sig in SIGNALS:
            loop.add_signal_handler(sig, cancel, int(sig))
        try:
            return await coro
        finally:
            for sig in SIGNALS:
                loop.remove_signal_handler(sig)
            install()

    try:
        result = asyncio.run(main())
    except asyncio.CancelledError:
        if STATE.signum is not None:
            raise Interrupted(STATE.signum) from None
        raise
    if STATE.signum is not None:
        raise Interrupted(STATE.signum)
    return result


def exit_line() -> tuple[str, int]:
    """The one stderr line and the exit code of an interrupted command."""
    signum = STATE.signum or int(signal.SIGINT)
    name = signal.Signals(signum).name
    line = "interrupted" if signum == signal.SIGINT else f"interrupted by {name}"
    if STATE.detail:
        line += f": {STATE.detail}"
    return line, EXIT_CODES.get(signum, 128 + signum)
