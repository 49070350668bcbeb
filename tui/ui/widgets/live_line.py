"""A Static whose text is redrawn many times a second (a spinner, a live timer) without laying
the screen out again each time.

``Static.update`` asks for a layout by default: the widget's height may change with its text.
Ten times a second per running panel, that re-arranged and redrew the whole screen (a
wizard diagnosis spent more CPU on Textual's layout than on its checks, BENCHMARKS.md). A
one-line text that fits the content width, following another that did, cannot change the
widget's size: only its own region is redrawn then.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.visual import VisualType
from textual.widgets import Static


class LiveLine(Static):
    """``tick_to`` for the frequent one-line text; ``update`` for everything else."""

    _in_one_line = False  # the text shown is one line within the content width

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        self._in_one_line = False
        super().update(content, layout=layout)

    def tick_to(self, text: Text | str) -> None:
        """Show ``text``, laying out only when the widget's size may change."""
        plain = text.plain if isinstance(text, Text) else text
        fits = "\n" not in plain and cell_len(plain) <= self.size.width
        super().update(text, layout=not (fits and self._in_one_line))
        self._in_one_line = fits
