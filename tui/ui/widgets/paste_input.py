"""A one-line input that keeps a multi-line paste: console.log prints an error object over
several lines, and Textual's Input keeps only the first (``{``). A log line's colour codes
are shown as written (``shown.visible``), never sent to the terminal by the field."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tui.core.shown import visible


class PasteInput(Input):
    """Input whose paste joins the pasted lines with spaces instead of dropping all but one."""

    def _on_paste(self, event: events.Paste) -> None:
        if event.text:
            parts = (part.strip() for part in event.text.splitlines())
            line = visible(" ".join(part for part in parts if part))
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *selection)
        event.stop()
        event.prevent_default()  # Input's own handler would insert the first line again
