"""Connect: the resolved target (secrets masked), editable, with a read-only connectivity test."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker, WorkerState

from tui.core.errors import DoctorError
from tui.core.target import EDITED_SOURCE, mask_url, validate_api_url, validate_db_url
from tui.ui.screens.base import DoctorScreen
from tui.ui.widgets.banner import TargetBanner
from tui.ui.widgets.check_panel import CheckPanel

CONNECT_PROBES = (("database", "Database"), ("api", "API"))
# the target's values the screen edits: (field, its validator, the name in its errors)
EDITABLE = (
    ("db_url", validate_db_url, "DB URL"),
    ("api_url", validate_api_url, "API URL"),
    ("admin_url", validate_api_url, "admin URL"),
)
ADMIN_NONE = "none: PostgREST's admin-server-port on the API's host, e.g. http://host:3001"


class ConnectScreen(DoctorScreen):
    """Step 1: is this the right target, and can the doctor reach it?"""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back", show=False),
        Binding("ctrl+r", "test", "Test", id="connect.test"),
        Binding("ctrl+n", "next", "Symptoms", id="connect.next"),
    ]

    def compose_body(self) -> ComposeResult:
        shown = self.doctor.target.masked()
        sources = self.doctor.target.sources
        with Vertical(id="connect-form", classes="body"):
            yield Label("Is this the database and API you mean? Edit, then test.", classes="lead")
            with Horizontal(classes="field"):
                yield Label("DB URL ", classes="field-label")
                yield Input(shown["db_url"], id="db-url", select_on_focus=False)
            with Horizontal(classes="field"):
                yield Label("API URL", classes="field-label")
                yield Input(shown["api_url"], id="api-url", select_on_focus=False)
            with Horizontal(classes="field"):
                yield Label("Admin  ", classes="field-label")
                yield Input(self._admin_shown(), placeholder=ADMIN_NONE, id="admin-url",
                            select_on_focus=False)  # fmt: skip
            yield Static(
                f"API key {shown['api_key']} ({sources.get('api_key', 'default')})",
                id="connect-keys",
                markup=False,
            )
            with Horizontal(id="connect-checks"):
                for probe_id, title in CONNECT_PROBES:
                    yield CheckPanel(
                        probe_id, title, palette=self.doctor.palette, clock=self.doctor.clock
                    )
            with Horizontal(classes="buttons"):
                yield Button("Test connection", id="test")
                yield Button("Next: symptoms", id="next", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#next", Button).focus()

    # -- editing: masked text stands for the secret value, anything else replaces it ------
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.apply_edits()

    def _admin_shown(self) -> str:
        admin = self.doctor.target.admin_url
        return mask_url(admin) if admin else ""

    def apply_edits(self) -> bool:
        target = self.doctor.target
        changes: dict[str, tuple[Any, str]] = {}
        try:
            for name, validate, label in EDITABLE:
                typed = self.query_one(f"#{name.replace('_', '-')}", Input).value.strip()
                value, source = self._meant(name, typed, validate, label)
                if value != getattr(target, name):
                    changes[name] = (value, source)
        except DoctorError as err:
            self.notify(str(err), severity="error", title="Not changed")
            return False
        if not changes:
            return True
        edited = target
        if "api_url" in changes:  # one URL typed: one instance, its admin server with it
            api_url, source = changes.pop("api_url")
            edited = target.with_api(api_url, self.doctor.first_target, source)
        sources = dict(edited.sources)
        for name, (value, source) in changes.items():  # an admin URL typed wins
            sources[name] = source
            edited = dataclasses.replace(edited, **{name: value})
        self.doctor.set_target(dataclasses.replace(edited, sources=sources))
        self.query_one(TargetBanner).remove()
        self.mount(self.banner(), after=self.query_one("Header"))
        shown = self.doctor.target.masked()
        self.query_one("#db-url", Input).value = shown["db_url"]
        self.query_one("#api-url", Input).value = shown["api_url"]
        self.query_one("#admin-url", Input).value = self._admin_shown()
        return True

    def _meant(
        self, name: str, typed: str, validate: Callable[[str, str], str], label: str
    ) -> tuple[str | None, str]:
        """The value ``typed`` stands for, and its source: the masked text of the current or
        the first-resolved value is that value, secret included (edited back, the target is
        the one the wizard started on); anything else is a new value from this screen. An
        empty admin URL is none (the admin check is skipped)."""
        if name == "admin_url" and not typed:
            return None, EDITED_SOURCE
        for known in (self.doctor.target, self.doctor.first_target):
            value = getattr(known, name)
            if value and typed == mask_url(value):
                return value, known.sources.get(name, "default")
        return validate(typed, label), EDITED_SOURCE

    # -- the connectivity test: the database and API probes, read-only, in workers ---------
    @on(Button.Pressed, "#test")
    def action_test(self) -> None:
        if not self.apply_edits():
            return
        diagnosis = self.doctor.new_diagnosis()
        for probe_id, _title in CONNECT_PROBES:
            self.workers.cancel_group(self, f"connect-{probe_id}")
            self.query_one(f"#check-{probe_id}", CheckPanel).start()
            self.run_worker(
                diagnosis.run_probe(probe_id),
                name=probe_id,
                group=f"connect-{probe_id}",
                exit_on_error=False,
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        panel = self.query_one(f"#check-{worker.name}", CheckPanel)
        if event.state is WorkerState.SUCCESS and worker.result is not None:
            outcome = worker.result
            title = f"Connectivity: {panel.border_title}"
            self.settle(panel, outcome, f"connect-{outcome.probe}", title)
        elif event.state is WorkerState.ERROR and worker.error is not None:
            panel.crash(worker.error)

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        if not self.apply_edits():
            return
        self.doctor.show_symptoms()

    def action_back(self) -> None:
        """The first screen: nothing to go back to."""
