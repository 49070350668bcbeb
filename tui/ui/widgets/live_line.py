"""A Static whose text is redrawn many times a second (a spinner, a live timer) without laying
the screen out again each time.

``Static.update`` asks for a layout by default: the widget's height may change with its text.
Ten times a second per running panel, that re-arranged and redrew the whole screen (a
wizard diagnosis spent more CPU on Textual's layout than on its checks, BENCHMARKS.md). A
one-line text that fits the content width, replacing another one-line text that fits it too,
cannot change the widget's size: only its own region is redrawn then. (A resize lays the
screen out anyway, so the height on screen is always the current text's at the current width.)
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.visual import VisualType
from textual.widgets import Static


def _plain(content: object) -> str | None:
    """The text of a plain string or rich Text; None for anything else (a Group, a table)."""
    if isinstance(content, Text):
        return content.plain
    return content if isinstance(content, str) else None


class LiveLine(Static):
    """``tick_to`` for the frequent one-line text; ``update`` for everything else."""

    def __init__(self, content: VisualType = "", **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self._shown_plain = _plain(content)  # the text on show, when it is plain text

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        self._shown_plain = _plain(content)
        super().update(content, layout=layout)

    def _one_line(self, plain: str | None) -> bool:
        return plain is not None and "\n" not in plain and cell_len(plain) <= self.size.width

    def tick_to(self, text: Text | str) -> None:
        """Show ``text``, laying out only when the widget's size may change."""
        in_place = self._one_line(self._shown_plain) and self._one_line(_plain(text))
        super().update(text, layout=not in_place)
        self._shown_plain = _plain(text)
