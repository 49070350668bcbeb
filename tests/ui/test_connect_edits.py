"""Editing the target on the connect screen of a wizard started on the real sandbox: the banner
says "sandbox" on a line only while that part still reaches the sandbox, the journal's target
lines say the same, and the sandbox's masked URL typed back is the sandbox again (secret and
all: its connectivity test passes).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import pytest
from textual.widgets import Input, Static

from tests.ui.pilot_helpers import until
from tui.core.model import Status
from tui.core.target import mask_url
from tui.core.transcript.export import load_session
from tui.core.transcript.journal import Journal
from tui.core.transcript.render import event_text
from tui.ui.app import make_app
from tui.ui.screens.symptoms import SymptomsScreen
from tui.ui.widgets.banner import TargetBanner
from tui.ui.widgets.check_panel import CheckPanel

pytestmark = pytest.mark.integration


def banner_lines(app) -> tuple[str, str]:
    """The banner's DB and API lines (its last two)."""
    db, api = list(app.screen.query_one(TargetBanner).query(Static))[-2:]
    return str(db.content), str(api.content)


async def type_into(pilot, app, field: str, text: str) -> None:
    app.screen.query_one(field, Input).value = text
    app.screen.query_one(field, Input).focus()
    await pilot.press("enter")
    await pilot.pause()


def with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


async def test_the_sandbox_label_follows_the_edited_target(make_sandbox, tmp_path):
    box = make_sandbox("12")
    start = box.target()
    journal = Journal.start("wizard", root=tmp_path / "sessions")
    app = make_app(start, journal=journal, sandbox=box)
    api = urlsplit(start.api_url)
    async with app.run_test(size=(100, 32)) as pilot:
        db_line, api_line = banner_lines(app)
        assert db_line.startswith("sandbox DB ") and api_line.startswith("sandbox API ")

        # another database on the same server: the DB is not the sandbox's, the API still is
        await type_into(pilot, app, "#db-url", with_path(start.db_url, "/postgres"))
        db_line, api_line = banner_lines(app)
        assert db_line.startswith("DB postgres ") and api_line.startswith("sandbox API ")
        assert app.target.sources["db_url"] == "wizard"

        # the sandbox's masked URL typed back: the sandbox again, its password with it
        await type_into(pilot, app, "#db-url", mask_url(start.db_url))
        assert app.target.db_url == start.db_url
        assert app.target.sources["db_url"] == "sandbox"
        assert banner_lines(app)[0].startswith(f"sandbox DB {box.dbname} ")

        # the same PostgREST spelled otherwise is the sandbox; another port is not
        await type_into(pilot, app, "#api-url", f"http://localhost:{api.port}/")
        assert banner_lines(app)[1].startswith("sandbox API ")
        # another PostgREST: its admin server is not the sandbox's (PostgREST's own
        # admin-server-port, which the API URL does not tell): cleared, and shown so
        await type_into(pilot, app, "#api-url", f"http://127.0.0.1:{api.port + 1}")
        assert banner_lines(app)[1].startswith("API ")
        assert app.target.admin_url is None
        assert app.screen.query_one("#admin-url", Input).value == ""
        await type_into(pilot, app, "#api-url", mask_url(start.api_url))
        assert banner_lines(app)[1].startswith("sandbox API ")
        assert app.target.admin_url == start.admin_url  # the sandbox's, with its API
        assert app.screen.query_one("#admin-url", Input).value == start.admin_url

        # the sandbox's server through its Unix socket, as libpq reaches it: the sandbox
        socket = f"postgresql:///{box.dbname}?host={box.cluster.socket_dir}&port={box.cluster.port}"
        await type_into(pilot, app, "#db-url", socket)
        assert banner_lines(app)[0].startswith(f"sandbox DB {box.dbname} ")
        missing = socket.replace(str(box.cluster.socket_dir), str(tmp_path))  # no socket there
        await type_into(pilot, app, "#db-url", missing)
        assert banner_lines(app)[0].startswith(f"DB {box.dbname} ")
        await type_into(pilot, app, "#db-url", mask_url(start.db_url))

        await pilot.press("ctrl+r")  # the restored target reaches the sandbox, password too
        panels = list(app.screen.query(CheckPanel))
        await until(pilot, lambda: all(p.status is Status.PASS for p in panels))
        # the next screens' banners tell the same truth
        await type_into(pilot, app, "#db-url", with_path(start.db_url, "/postgres"))
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, SymptomsScreen))
        db_line, api_line = banner_lines(app)
        assert db_line.startswith("DB postgres ") and api_line.startswith("sandbox API ")
        app.journal_flushed()
    journal.close()
    events = [e for e in load_session(journal.dir).events if e["kind"] == "target"]
    targets = [e["payload"] for e in events]
    assert [t["sandbox"] for t in targets] == [
        ["db", "api"],
        ["api"],
        ["db", "api"],
        ["db", "api"],
        ["db"],
        ["db", "api"],
        ["db", "api"],  # through the socket
        ["api"],  # a socket directory with no server
        ["db", "api"],
        ["api"],
    ]
    # the transcript's timeline says it in words
    assert event_text(events[0]).endswith("(sandbox db and api)")
    assert event_text(events[1]).endswith("(sandbox api)")
