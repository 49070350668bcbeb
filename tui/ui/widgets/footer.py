"""The footer, built once per change of what it shows.

Textual's ``Footer`` rebuilds itself (removes and mounts every key, then a layout) after each
bindings signal, and a screen sends several that change nothing shown: its start (auto focus,
then the screen's resume: two builds of the same keys), every focus move and every
``disabled`` flip during a diagnosis. This footer shows its keys from its first compose,
with the screen, coalesces the signals of one refresh into one look, and rebuilds only when
the keys it would show differ from those it shows.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class DoctorFooter(Footer):
    """A ``Footer`` that rebuilds only when its keys change."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._built: Hashable = None  # what the keys on show were built from
        self._look_pending = False

    def shown(self) -> Hashable:
        """Everything ``Footer.compose`` reads: the bindings on show (with enabled state and
        tooltip), the palette's key and whether it is offered."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return (
            tuple(
                (key, binding, enabled, tooltip)
                for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
                if binding.show or key == palette
            ),
            self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE,
        )

    def compose(self) -> ComposeResult:
        """The keys at once, with the screen: the focus its start brings seldom changes them
        (then the first look rebuilds), and a later build would cost a layout of its own."""
        self._bindings_ready = True
        self._built = self.shown()
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._look_pending:
            return
        if self.is_attached and screen is self.screen:
            self._look_pending = True
            self.call_after_refresh(self._look)

    async def _look(self) -> None:
        self._look_pending = False
        if self.is_attached and self.shown() != self._built:
            await self.recompose()
