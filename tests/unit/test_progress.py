"""What an interrupted remedy had done, worded from its step events (pure)."""

from __future__ import annotations

from tui.core.remedies.events import EventKind, StepEvent
from tui.core.remedies.progress import Progress

DUMP = {"path": "/s/dump-shop.pgdump", "sha256": "ab" * 32}


def fed(*events: tuple[str, EventKind, str], dump: dict | None = None) -> Progress:
    progress = Progress(lambda _e: None)
    for step, kind, message in events:
        progress(StepEvent(step, kind, message, 0.0))
    progress.dump = dump
    return progress


def test_stopped_during_the_dump_keeps_nothing_and_drops_nothing() -> None:
    state = fed(("dump", EventKind.STARTED, "dump"), ("dump", EventKind.FAILED, "interrupted"))
    assert state.state()["state"] == "the dump was stopped and removed; nothing was dropped"
    assert state.state()["dump"] is None and state.state()["reset_started"] is False


def test_stopped_during_the_reset_names_the_dump_and_the_started_reset() -> None:
    progress = fed(
        ("dump", EventKind.STARTED, "dump"),
        ("dump", EventKind.FINISHED, "verified"),
        ("reset", EventKind.STARTED, "reset"),
        dump=DUMP,
    )
    state = progress.state(restore_hint="pgrst-doctor restore X --confirm shop")
    assert state["during"] == "reset" and state["reset_started"] and not state["reset_finished"]
    assert state["state"] == (
        "dump kept at /s/dump-shop.pgdump; the reset had started and was stopped: the database "
        "may be partly reset; restore it: pgrst-doctor restore X --confirm shop"
    )


def test_a_step_that_failed_on_its_own_is_not_the_interrupted_one() -> None:
    progress = fed(
        ("notify", EventKind.STARTED, "notify"),
        ("notify", EventKind.FAILED, "no listener"),
        ("verify", EventKind.STARTED, "verify"),
        ("verify", EventKind.FAILED, "interrupted"),
    )
    assert progress.running == "verify"
    assert fed(("notify", EventKind.FAILED, "no listener")).running is None
    assert fed().state()["state"] == "nothing had started"
