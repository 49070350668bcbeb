"""Patterns compiled on first use: the same compiled pattern as re.compile, built once."""

from __future__ import annotations

import re

from tui.core.regex import on_first_use


def test_compiles_at_first_call_only(monkeypatch) -> None:
    calls: list[tuple[str, int]] = []
    real = re.compile

    def counting(pattern: str, flags: int = 0) -> re.Pattern[str]:
        calls.append((pattern, flags))
        return real(pattern, flags)

    monkeypatch.setattr(re, "compile", counting)
    pattern = on_first_use(r"a(b)c", re.IGNORECASE)
    assert calls == []  # declaring it compiles nothing
    first = pattern()
    assert pattern() is first and calls == [(r"a(b)c", re.IGNORECASE)]
    assert first.pattern == r"a(b)c" and first.flags & re.IGNORECASE
    assert first.fullmatch("ABC") is not None
