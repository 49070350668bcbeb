"""The object field: completes names from the live catalog as they are typed. A name that
starts like a catalog name is completed inline (→ takes it); a name one typo from a catalog
name shows that name after an arrow ("public.invoce → public.invoices?"), and → replaces
what was typed with it. The names and the matching come from the core
(``checks.typos.complete``), the same matcher the CLI's "did you mean" uses."""

from __future__ import annotations

from collections.abc import Iterable

from textual.suggester import Suggester
from textual.widgets import Input

from tui.core.checks.typos import complete

ARROW = " → "  # between what was typed and the close name offered for it
ASK = "?"


class CatalogSuggester(Suggester):
    """Suggests from a fixed list of catalog names (read by a worker, never here)."""

    def __init__(self, names: Iterable[str]) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        self.names = list(names)

    async def get_suggestion(self, value: str) -> str | None:
        match = complete(value, self.names)
        if match is None:
            return None
        if match.casefold().startswith(value.casefold()):
            return match  # shown after the typed text, as Textual completes
        return f"{value}{ARROW}{match}{ASK}"


class NameInput(Input):
    """Input whose → also takes a close-name suggestion, not only a completion."""

    @property
    def correction(self) -> str | None:
        """The close name offered for what is typed, if any."""
        head, arrow, rest = self._suggestion.partition(ARROW)
        if not arrow or head != self.value or not rest.endswith(ASK):
            return None
        return rest[: -len(ASK)]

    def action_cursor_right(self, select: bool = False) -> None:
        correction = self.correction
        if correction is not None and not select and self.cursor_at_end:
            self.value = correction
            self.cursor_position = len(correction)
            return
        super().action_cursor_right(select)
