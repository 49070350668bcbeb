"""OSC 52 clipboard payloads that respect terminal limits.

Terminals cap OSC 52 (a few KB in several: Tabby 1–3 KB, alacritty under tmux about 1 KB, kitty
and Termux about 6 KB), drop oversized writes silently and never acknowledge one. So "copy
summary" copies a ticket-sized summary of at most ``SUMMARY_LIMIT`` bytes and returns a notice
that says what was copied and how many bytes. The text is returned, not written: the wizard's
``copy_to_clipboard`` writes ``osc52_payload`` (wrapped for tmux inside tmux) to the terminal.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping, Sequence
from typing import Any

from tui.core.shown import visible
from tui.core.transcript.summary import footer, summarize, summary_lines

SUMMARY_LIMIT = 4096  # bytes of UTF-8 text copied by "copy summary"
TRUNCATION_MARKER = "\n… [truncated; full transcript: pgrst-doctor export --last]"
NO_ACK = "the terminal gives no confirmation"


def in_tmux() -> bool:
    return bool(os.environ.get("TMUX"))


def osc52_payload(text: str, *, tmux: bool) -> bytes:
    """``ESC ] 52 ; c ; <base64> BEL``; inside tmux wrapped in a DCS passthrough
    (``ESC P tmux; … ESC \\`` with inner ESCs doubled) so it reaches the outer terminal."""
    encoded = base64.b64encode(text.encode("utf-8"))
    sequence = b"\x1b]52;c;" + encoded + b"\x07"
    if tmux:
        sequence = b"\x1bPtmux;" + sequence.replace(b"\x1b", b"\x1b\x1b") + b"\x1b\\"
    return sequence


def cap_text(text: str, limit: int = SUMMARY_LIMIT) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` UTF-8 bytes (marker included), at a line end where
    possible and never inside a character. Returns (text, truncated)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text, False
    room = max(0, limit - len(TRUNCATION_MARKER.encode("utf-8")))
    head = data[:room].decode("utf-8", "ignore")
    cut = head.rfind("\n")
    if cut > room // 2:
        head = head[:cut]
    return head + TRUNCATION_MARKER, True


def summary_text(events: Sequence[Mapping[str, Any]], session_id: str = "") -> str:
    """The ticket-sized summary: heading, the five summary lines, KPIs, dumps, masking line."""
    summary = summarize(session_id, events)
    title = f"pgrst-doctor {summary.command or 'session'}"
    lines = [f"## {title} {session_id}".rstrip(), "", *summary_lines(summary)]
    for kpi in summary.kpis:
        lines.append(
            f"- KPI {kpi['title'] or kpi['id']}: {kpi['actual']} "
            f"(target {kpi['target']}, alert {kpi['alert']}) {kpi['verdict']}"
        )
    for dump in summary.dumps:
        lines.append(f"- Dump: {dump.get('path', '?')} sha256 {dump.get('sha256', '?')}")
    lines += ["", footer(summary)]
    return visible("\n".join(lines))


def _notice(what: str, size: int, *, tmux: bool, truncated_from: int | None = None) -> str:
    cut = f", truncated from {truncated_from} bytes" if truncated_from else ""
    via = "OSC 52 through tmux" if tmux else "OSC 52"
    return f"Copied {what} ({size} bytes{cut}) via {via}; {NO_ACK}."


def copy_summary(
    events: Sequence[Mapping[str, Any]], *, session_id: str = "", tmux: bool | None = None
) -> tuple[str, str]:
    """(text to copy, notice) for "copy summary" (≤ 4 KB of text)."""
    tmux = in_tmux() if tmux is None else tmux
    full = summary_text(events, session_id)
    text, truncated = cap_text(full)
    size = len(text.encode("utf-8"))
    original = len(full.encode("utf-8")) if truncated else None
    return text, _notice("the summary", size, tmux=tmux, truncated_from=original)
