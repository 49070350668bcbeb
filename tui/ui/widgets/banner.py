"""The target banner, on every screen: which database and which API, secrets masked, and a
loud warning when either is not on this machine. The target must never be in doubt.
"""

from __future__ import annotations

from collections.abc import Collection

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tui.core.shown import clean
from tui.core.target import Target


class TargetBanner(Vertical):
    """DB and API, one line each; a first line in the error colour when not loopback."""

    DEFAULT_CSS = """
    TargetBanner {
        height: auto;
        background: $boost;
        padding: 0 1;
    }
    TargetBanner > Static { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    TargetBanner > .banner-remote {
        background: $error;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(
        self, target: Target, *, db_name: str | None, sandbox: Collection[str] = ()
    ) -> None:
        """``db_name``: the database as libpq reads the target; None until the app has read it
        (the first screen does not wait for psycopg): ``name_database`` fills it in.
        ``sandbox``: the parts ("db", "api") that are the embedded sandbox's, labelled so."""
        super().__init__(classes="-remote" if not target.is_loopback else "")
        self.target = target
        self.db_name = db_name
        self.sandbox = frozenset(sandbox)

    def compose(self) -> ComposeResult:
        shown = self.target.masked()
        if not self.target.is_loopback:
            hosts = sorted({h for h in (self.target.db_host, self.target.api_host) if h})
            yield Static(
                f"⚠ REMOTE TARGET, not this machine: {', '.join(hosts)}",
                classes="banner-remote",
                markup=False,
            )
        yield Static(self._db_line(), id="banner-db", markup=False)
        yield Static(f"{self._label('api')}API {shown['api_url']}", id="banner-api", markup=False)

    def _label(self, part: str) -> str:
        return "sandbox " if part in self.sandbox else ""

    def _db_line(self) -> str:
        name = clean(self.db_name, lines=False) if self.db_name is not None else "…"
        return f"{self._label('db')}DB {name} · {self.target.masked()['db_url']}"

    def name_database(self, db_name: str) -> None:
        self.db_name = db_name
        for line in self.query("#banner-db").results(Static):  # none yet: compose reads it
            line.update(self._db_line())
