"""Transcript: the session's timeline from the journal, notes, export and copy (OSC 52).

Reading and writing files happens in thread workers; the screen only draws the events.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from tui.core.transcript.clipboard import copy_summary
from tui.core.transcript.export import (
    ExportExists,
    export_session,
    load_session,
    write_private,
)
from tui.core.transcript.render import event_text
from tui.ui import render
from tui.ui.screens.base import DoctorScreen, paging

EXPORT_SUFFIX = {"md": "md", "json": "json"}


def event_time(event: dict[str, Any]) -> str:
    """``HH:MM:SS`` (UTC) from the journal's ISO timestamp."""
    ts = str(event.get("ts", ""))
    return ts[11:19] if len(ts) >= 19 else ts


class TranscriptScreen(DoctorScreen):
    """The timeline, newest last; a note field; save as Markdown/JSON; copy the summary."""

    BINDINGS = [
        Binding("ctrl+s", "save('md')", "Save .md", id="transcript.save"),
        Binding("ctrl+o", "save('json')", "Save .json", id="transcript.json"),
        Binding("ctrl+y", "copy", "Copy summary", id="transcript.copy"),
        *paging("transcript"),  # the timeline scrolls from the note field too
    ]
    PAGED = "#timeline-box"

    def __init__(self, export_dir: Path | None = None) -> None:
        super().__init__()
        self.export_dir = export_dir or Path.cwd()
        self.events: list[dict[str, Any]] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            yield Label("Session timeline (secrets redacted)", classes="lead", id="transcript-lead")
            with VerticalScroll(id="timeline-box"):
                yield Static(render.timeline_table([]), id="timeline")
            with Horizontal(classes="field"):
                yield Label("Note   ", classes="field-label")
                yield Input(placeholder="add a note to the timeline, Enter to save", id="note")
            yield Static("", id="transcript-status", markup=False)

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()  # on call, the next thing typed is a note
        if self.doctor.journal is None:
            self.query_one("#transcript-lead", Label).update("No journal for this session.")
            return
        self.load()

    # -- reading -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="transcript-load", exit_on_error=False)
    def load(self) -> None:
        self.doctor.journal_flushed()
        journal = self.doctor.journal
        assert journal is not None
        session = load_session(journal.dir)
        self.app.call_from_thread(self.show_events, session.events)

    def show_events(self, events: list[dict[str, Any]]) -> None:
        self.events = events
        rows = [
            (event_time(e), str(e.get("actor", "")), str(e.get("kind", "")), event_text(e))
            for e in events
        ]
        self.query_one("#timeline", Static).update(render.timeline_table(rows))
        self.query_one("#timeline-box", VerticalScroll).scroll_end(animate=False)

    # -- notes ---------------------------------------------------------------------------------
    @on(Input.Submitted, "#note")
    def add_note(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or self.doctor.journal is None:
            return
        self.doctor.record("note", {"text": text}, actor="user")
        event.input.value = ""
        self.load()

    # -- export and copy -----------------------------------------------------------------------
    def action_save(self, fmt: str) -> None:
        if self.doctor.journal is None:
            self.notify("No journal to export.", severity="warning")
            return
        self.save(fmt)

    @work(thread=True, group="transcript-save", exit_on_error=False)
    def save(self, fmt: str) -> None:
        self.doctor.journal_flushed()
        journal = self.doctor.journal
        assert journal is not None
        exported = export_session(journal.dir, fmt)
        stem, suffix = f"pgrst-doctor-{journal.session_id}", EXPORT_SUFFIX[fmt]
        for n in range(1, 100):  # never over an existing file, never through a link
            path = self.export_dir / (f"{stem}.{suffix}" if n == 1 else f"{stem}-{n}.{suffix}")
            try:
                size = write_private(path, exported.text)
                break
            except ExportExists:
                continue
        else:
            raise ExportExists(f"{path}: 99 exports of this session exist already")
        self.app.call_from_thread(self.notify, f"Saved {path} ({size} bytes)", title="Transcript")

    def action_copy(self) -> None:
        """Copy a ticket-sized summary through OSC 52 (the terminal never confirms)."""
        if self.doctor.journal is None:
            self.notify("No journal to copy.", severity="warning")
            return
        text, notice = copy_summary(self.events, session_id=self.doctor.journal.session_id)
        self.app.copy_to_clipboard(text)
        self.query_one("#transcript-status", Static).update(notice)
        self.notify(notice, title="Clipboard")
