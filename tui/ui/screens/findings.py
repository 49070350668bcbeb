"""Findings: the root cause in plain words, the stale objects, and where the runbook would
have misled. Built only from the Report (tests feed it one directly).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Static

from tui.core.model import Report, Verdict
from tui.ui import render
from tui.ui.screens.base import DoctorScreen, paging


class FindingsScreen(DoctorScreen):
    """Step 4: what is wrong, in words; Enter goes to the proposed fixes."""

    BINDINGS = [
        Binding("ctrl+n", "remediate", "Fix it", id="findings.remediate"),
        Binding("ctrl+r", "rediagnose", "Diagnose again", id="findings.rediagnose"),
        *paging("findings"),  # the body scrolls while a button has the focus
    ]
    PAGED = "#findings-body"

    def __init__(self, report: Report, symptoms: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.report = report
        self.symptoms = symptoms

    def compose_body(self) -> ComposeResult:
        palette = self.doctor.palette
        rows = render.stale_rows(self.report)
        notes = render.runbook_notes(self.report, self.symptoms)
        with VerticalScroll(id="findings-body", classes="body"):
            yield Static(render.render_root_cause(self.report, palette), id="root-cause")
            if rows:
                yield Label(f"Stale objects ({len(rows)})", classes="section")
                yield Static(render.stale_table(rows), id="stale-table")
            if notes:
                yield Label("Where the runbook would have misled", classes="section")
                for note in notes:
                    yield Static(Text(f"! {note}"), classes="runbook-note")
        with Horizontal(classes="buttons"):
            yield Button("Diagnose again", id="rediagnose")
            yield Button("Fix it", id="remediate", variant="primary", disabled=not self.fixable)

    @property
    def fixable(self) -> bool:
        """The reload ladder fixes a stale cache; any other cause's exact fix is shown above."""
        return self.report.verdict is Verdict.STALE_CACHE

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.fixable if action == "remediate" else True

    def on_mount(self) -> None:
        button = self.query_one("#remediate", Button)
        (button if not button.disabled else self.query_one("#rediagnose", Button)).focus()

    @on(Button.Pressed, "#remediate")
    def action_remediate(self) -> None:
        if not self.fixable:
            return
        self.doctor.show_remediation(self.report)

    @on(Button.Pressed, "#rediagnose")
    def action_rediagnose(self) -> None:
        self.doctor.diagnose()
