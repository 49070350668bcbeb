"""The target banner, on every screen: which database and which API, secrets masked, and a
loud warning when either is not on this machine. The target must never be in doubt.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

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

    def __init__(self, target: Target, *, sandbox: bool = False) -> None:
        super().__init__(classes="-remote" if not target.is_loopback else "")
        self.target = target
        self.sandbox = sandbox

    def compose(self) -> ComposeResult:
        shown = self.target.masked()
        if not self.target.is_loopback:
            hosts = sorted({h for h in (self.target.db_host, self.target.api_host) if h})
            yield Static(
                f"⚠ REMOTE TARGET, not this machine: {', '.join(hosts)}",
                classes="banner-remote",
                markup=False,
            )
        label = "sandbox " if self.sandbox else ""
        yield Static(f"{label}DB {self.target.db_name} · {shown['db_url']}", markup=False)
        yield Static(f"{label}API {shown['api_url']}", markup=False)
