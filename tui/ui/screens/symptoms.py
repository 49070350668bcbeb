"""Symptom picker: the runbook's six symptoms, "not sure: check everything", and "how was the
schema changed?". The object picker completes names from the live catalog (read in a worker).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tui.core.checks.typos import catalog_names, did_you_mean
from tui.core.errors import DoctorError
from tui.core.knowledge.symptoms import SYMPTOMS
from tui.core.pasted_error import PastedError, parse_error
from tui.core.request import parse_request
from tui.core.specs import SPEC_PARSERS, ObjectRef
from tui.ui import render
from tui.ui.screens.base import DoctorScreen, paging
from tui.ui.widgets.name_input import CatalogSuggester, NameInput
from tui.ui.widgets.paste_input import PasteInput

ALL = "all"
ROUTES = "routes"
# the CLI's object flags ("--enum-value"), so parse errors name the same flag in both
OBJECT_PARSERS: dict[str, Callable[[str, str], ObjectRef]] = {
    f"--{kind.replace('_', '-')}": parse for kind, parse in SPEC_PARSERS.items()
}
OBJECT_HINTS: dict[str, str] = {
    "--table": "table or view, e.g. public.invoices",
    "--column": "column, e.g. public.customers.loyalty_tier",
    "--function": "function, e.g. public.order_total",
    "--relationship": "relationship, e.g. public.order_items:public.products",
    "--enum-value": "enum label, e.g. public.order_status:refunded",
}
NOT_SURE = "Not sure: check everything"
HOW_CHANGED = "How was the schema changed? (does it need a reload?)"


class SymptomsScreen(DoctorScreen):
    """Step 2: what does the user see? Enter starts the (read-only) diagnosis."""

    BINDINGS = [
        Binding("ctrl+l", "check_all", "Check all", id="symptoms.all"),
        Binding("ctrl+g", "routes", "How changed?", id="symptoms.routes"),
        *paging("symptoms"),  # the explanation scrolls while the list or a field has focus
    ]
    PAGED = "#symptom-detail-box"

    _warned = ""  # the last name a did-you-mean was shown for

    def compose_body(self) -> ComposeResult:
        options: list[Option | None] = [Option(s.title, id=s.id) for s in SYMPTOMS.values()]
        options += [Option(NOT_SURE, id=ALL), None, Option(HOW_CHANGED, id=ROUTES)]
        with Vertical(classes="body"):
            yield Label(
                "What do you see? Paste the error, or pick a symptom; Enter starts.",
                classes="lead",
            )
            with Horizontal(classes="field"):
                yield Label("Error  ", classes="field-label")
                yield PasteInput(
                    placeholder="the error: message, JSON body, log line or supabase-js object",
                    id="error",
                )
            with Horizontal(id="symptom-pick"):
                yield OptionList(*options, id="symptom-list")
                with VerticalScroll(id="symptom-detail-box", can_focus=False):
                    yield Static(id="symptom-detail")
            with Horizontal(classes="field"):
                yield Label("Object ", classes="field-label")
                yield NameInput(placeholder="optional", id="object")
            with Horizontal(classes="field"):
                yield Label("Request", classes="field-label")
                yield Input(placeholder="optional: GET /invoices or a pasted curl", id="request")

    def on_mount(self) -> None:
        self.query_one("#error", Input).focus()
        self._show(SYMPTOMS_FIRST)
        if not self.doctor.session.catalog:
            self.run_worker(
                self.doctor.new_diagnosis().run_probe("catalog"),
                name="catalog",
                group="catalog",
                exit_on_error=False,
            )

    # -- catalog names for completion ----------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "catalog" or event.state is not WorkerState.SUCCESS:
            return
        outcome = event.worker.result
        names = catalog_names(outcome.evidence.catalog) if outcome is not None else {}
        self.doctor.session.catalog = names
        option = self.query_one("#symptom-list", OptionList).highlighted_option
        self._show(option.id if option is not None and option.id else SYMPTOMS_FIRST)

    def _suggest(self, flag: str) -> None:
        """Complete object names of the kind this symptom is about, from the live catalog:
        a name begun is completed, a name one typo off is offered (→ takes either)."""
        names = self.doctor.session.catalog.get(flag, [])
        field = self.query_one("#object", NameInput)
        field.suggester = CatalogSuggester(names) if names else None

    # -- the detail pane follows the highlight -----------------------------------------------
    @on(OptionList.OptionHighlighted, "#symptom-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option.id or "")

    def _show(self, option_id: str) -> None:
        detail = self.query_one("#symptom-detail", Static)
        object_input = self.query_one("#object", Input)
        symptom = SYMPTOMS.get(option_id)
        if symptom is not None:
            detail.update(render.render_symptom(symptom, self.doctor.palette))
            flag = symptom.object_flag or "--table"
            object_input.placeholder = "optional: " + OBJECT_HINTS.get(flag, "")
            self._suggest(flag)
        elif option_id == ALL:
            detail.update(
                "Every check runs (read-only): the database, the catalog, the API, "
                "its OpenAPI document, the listener, the admin server and your request."
            )
            object_input.placeholder = "optional: " + OBJECT_HINTS["--table"]
            self._suggest("--table")
        else:
            detail.update(
                "Answers from the runbook's triggering-events table, corrected: "
                "does the way you changed the schema need a reload at all?"
            )

    # -- choosing -----------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#symptom-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ALL
        if choice == ROUTES:
            self.action_routes()
        else:
            self.start(choice)

    @on(Input.Submitted, "#error")
    def _error_submitted(self, event: Input.Submitted) -> None:
        """A pasted error is the whole question: its symptom and objects, diagnosed at once."""
        event.stop()
        if not event.value.strip():
            self.query_one("#symptom-list", OptionList).focus()
            return
        try:
            error = parse_error(event.value)
        except DoctorError as err:
            self.notify(str(err), severity="error", title="Check the error")
            return
        self.start(error.symptom or ALL, error=error)

    @on(Input.Submitted, "#object, #request")
    def _submitted(self, event: Input.Submitted) -> None:
        option = self.query_one("#symptom-list", OptionList).highlighted_option
        choice = option.id if option is not None and option.id != ROUTES else ALL
        self.start(choice or ALL)

    def action_check_all(self) -> None:
        self.start(ALL)

    def action_routes(self) -> None:
        self.doctor.show_routes()

    def _typo(self, flag: str, text: str) -> bool:
        """A name the live catalog lacks but nearly has: say which, once (the field keeps
        what was typed); Enter again checks the name as typed."""
        names = self.doctor.session.catalog.get(flag, [])
        if not names or text in names or self._warned == text:
            return False
        match = did_you_mean(text, names)
        if match is None:
            return False
        self._warned = text
        self.query_one("#object", Input).focus()
        self.notify(
            f"{text} is not in the catalog: did you mean {match}? "
            "Enter again checks the name as typed.",
            severity="warning",
            title="Did you mean",
        )
        return True

    def start(self, choice: str, error: PastedError | None = None) -> None:
        """Parse what the user typed (one clear line when it is wrong), then diagnose."""
        session = self.doctor.session
        symptom = SYMPTOMS.get(choice)
        flag = (symptom.object_flag if symptom else None) or "--table"
        object_text = self.query_one("#object", Input).value.strip()
        request_text = self.query_one("#request", Input).value.strip()
        try:
            objects = (OBJECT_PARSERS[flag](object_text, flag),) if object_text else ()
            request = (
                parse_request(request_text, self.doctor.target.api_url) if request_text else None
            )
        except DoctorError as err:
            self.notify(str(err), severity="error", title="Check the input")
            return
        if object_text and self._typo(flag, object_text):
            return
        session.symptoms = (choice,) if symptom else ()
        session.objects = objects
        session.request = request
        session.error = error
        self.doctor.record(
            "symptom",
            {
                "symptoms": list(session.symptoms) or [ALL],
                "objects": [o.display for o in objects],
                "request": request.display if request else None,
                "error": error.message if error else None,
            },
            actor="user",
        )
        if error is not None:
            self.notify(error.intake_line(), title="Starting from the error")
        self.doctor.diagnose()


SYMPTOMS_FIRST = next(iter(SYMPTOMS))
