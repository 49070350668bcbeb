"""A one-line input that keeps a multi-line paste: console.log prints an error object over
several lines, and Textual's Input keeps only the first (``{``)."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class PasteInput(Input):
    """Input whose paste joins the pasted lines with spaces instead of dropping all but one."""

    def _on_paste(self, event: events.Paste) -> None:
        if event.text:
            line = " ".join(part.strip() for part in event.text.splitlines() if part.strip())
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *selection)
        event.stop()
