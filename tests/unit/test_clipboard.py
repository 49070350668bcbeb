"""OSC 52 payloads: exact framing, tmux passthrough, the 4 KB summary cap and the notice."""

from __future__ import annotations

import base64
import re

import pytest

from tui.core.transcript.clipboard import (
    SUMMARY_LIMIT,
    TRUNCATION_MARKER,
    cap_text,
    copy_summary,
    osc52_payload,
)


def decode(payload: bytes) -> str:
    match = re.fullmatch(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07", payload)
    assert match, payload[:40]
    return base64.b64decode(match.group(1)).decode("utf-8")


def event(seq: int, kind: str, payload: dict, actor: str = "tool") -> dict:
    return {"ts": f"2026-11-24T03:00:{seq:02d}.000Z", "seq": seq, "actor": actor, "kind": kind,
            "payload": payload}  # fmt: skip


EVENTS = [
    event(1, "session", {"command": "reload", "tool_version": "0.1.0"}),
    event(
        2,
        "verdict",
        {
            "verdict": "stale-cache",
            "stale_objects": [{"kind": "table", "name": "public.orders", "change": "added"}],
            "findings": [
                {
                    "check": "drift",
                    "status": "fail",
                    "cause": "stale-cache",
                    "summary": "orders not in cache",
                }
            ],
        },
    ),
    event(3, "step-end", {"step": "notify", "status": "ok", "elapsed_ms": 420.0}),
    event(4, "verdict", {"verdict": "healthy", "stale_objects": []}),
]


def test_osc52_payload_is_exact() -> None:
    assert (
        osc52_payload("hi ✓", tmux=False)
        == b"\x1b]52;c;" + base64.b64encode("hi ✓".encode()) + b"\x07"
    )


def test_tmux_wraps_in_dcs_passthrough_with_doubled_escapes() -> None:
    inner = osc52_payload("x", tmux=False)
    wrapped = osc52_payload("x", tmux=True)
    assert wrapped == b"\x1bPtmux;" + inner.replace(b"\x1b", b"\x1b\x1b") + b"\x1b\\"
    assert wrapped.count(b"\x1b\\") == 1  # the only string terminator is the closing one


def test_copy_summary_small_is_not_truncated_and_notice_counts_bytes() -> None:
    text, notice = copy_summary(EVENTS, session_id="s1", tmux=False)
    assert "- **Outcome:** resolved: stale-cache → healthy after notify" in text
    assert "- **Stale objects:** table public.orders (added)" in text
    assert text.endswith("Masked: no secrets were detected in this session.")
    size = len(text.encode())
    assert (
        notice
        == f"Copied the summary ({size} bytes) via OSC 52; the terminal gives no confirmation."
    )


def test_copy_summary_is_capped_at_4_kb_with_a_marker() -> None:
    many = [
        {"kind": "table", "name": f"public.table_{n:04d}_ünïcode", "change": "added"}
        for n in range(400)
    ]
    events = [EVENTS[0], event(2, "verdict", {"verdict": "stale-cache", "stale_objects": many})]
    text, notice = copy_summary(events, tmux=False)
    assert len(text.encode("utf-8")) <= SUMMARY_LIMIT
    assert text.endswith(TRUNCATION_MARKER)
    assert re.search(r"\(\d+ bytes, truncated from \d+ bytes\)", notice)


def test_copy_summary_tmux_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    _, notice = copy_summary(EVENTS)
    assert "through tmux" in notice
    monkeypatch.delenv("TMUX")
    text, notice = copy_summary(EVENTS)
    assert "tmux" not in notice and decode(osc52_payload(text, tmux=False)) == text


def test_copy_summary_shows_escapes_in_event_text_as_written() -> None:
    events = [*EVENTS, event(5, "step-end", {"step": "x\x1b]0;pwn\x07y\u202e", "status": "ok"})]
    text = copy_summary(events, tmux=False)[0]
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "x\\x1b]0;pwn\\x07y\\u202e: ok" in text


@pytest.mark.parametrize("limit", [64, 100, 257])
def test_cap_text_never_splits_a_character_and_respects_the_limit(limit: int) -> None:
    text, cut = cap_text("é€😀" * 100, limit)
    assert cut and len(text.encode("utf-8")) <= limit and text.endswith(TRUNCATION_MARKER)
