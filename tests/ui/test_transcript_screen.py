"""The transcript screen on a real journal: notes are recorded as the user's, Markdown/JSON
exports land next to the user with mode 0600, and "copy" writes an OSC 52 payload."""

from __future__ import annotations

import json
import stat

from textual.widgets import Input, Static

from tests.ui.pilot_helpers import until
from tui.core.transcript.clipboard import osc52_payload
from tui.core.transcript.journal import Journal
from tui.ui.app import make_app
from tui.ui.screens.transcript import TranscriptScreen


async def test_notes_exports_and_copy(fake_target, stale_report, tmp_path):
    journal = Journal.start("wizard", root=tmp_path / "sessions")
    app = make_app(fake_target, journal=journal)
    written: list[str] = []
    async with app.run_test(size=(100, 32)) as pilot:
        app.record("verdict", stale_report.to_json())
        screen = TranscriptScreen(export_dir=tmp_path)
        await app.push_screen(screen)
        await until(pilot, lambda: len(screen.events) >= 3)  # session, target, verdict

        screen.query_one("#note", Input).focus()
        await pilot.press(*"paged the DBA", "enter")
        await until(pilot, lambda: any(e["kind"] == "note" for e in screen.events))
        note = next(e for e in screen.events if e["kind"] == "note")
        assert note["actor"] == "user" and note["payload"]["text"] == "paged the DBA"

        md = tmp_path / f"pgrst-doctor-{journal.session_id}.md"
        js = md.with_suffix(".json")
        await pilot.press("ctrl+s", "ctrl+o")
        await until(pilot, lambda: md.exists() and js.exists())
        await app.workers.wait_for_complete()
        assert "paged the DBA" in md.read_text()
        assert json.loads(js.read_text())
        assert stat.S_IMODE(md.stat().st_mode) == 0o600

        driver = app._driver
        original = driver.write
        driver.write = lambda data: (written.append(data), original(data))[1]
        await pilot.press("ctrl+y")
        await pilot.pause()
        status = str(screen.query_one("#transcript-status", Static).content)
    journal.close()
    assert written and written[0].startswith("\x1b]52;c;")
    assert status.startswith("Copied the summary (") and "OSC 52" in status
    assert "not-a-secret" not in md.read_text()  # the target's password never reaches exports


async def test_a_failing_journal_is_reported_and_the_wizard_keeps_going(fake_target, tmp_path):
    journal = Journal.start("wizard", root=tmp_path / "sessions")
    journal.close()  # every later write fails, as on a full or vanished disk
    app = make_app(fake_target, journal=journal)
    async with app.run_test() as pilot:
        app.record("note", {"text": "lost"}, actor="user")
        await until(pilot, lambda: bool(app._notifications))
        notes = list(app._notifications)
        assert all(n.message.startswith("The transcript could not be written") for n in notes)
        assert type(app.screen).__name__ == "ConnectScreen"


async def test_copy_inside_tmux_is_wrapped_for_its_passthrough(fake_target, monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    app = make_app(fake_target)
    written: list[str] = []
    async with app.run_test():
        driver = app._driver
        original = driver.write
        driver.write = lambda data: (written.append(data), original(data))[1]
        app.copy_to_clipboard("summary ✓")
    assert app.clipboard == "summary ✓"
    assert osc52_payload("summary ✓", tmux=True).decode("ascii") in written


async def test_the_wizard_masks_the_db_password_its_pieces_and_pw_notes(fake_target, tmp_path):
    """The DB password (with a raw "@": libpq reads its tail as the host) is registered with
    the journal like the keys; a note "pw=postgres" is masked and the footer counts it; a second
    save never overwrites the first."""
    import dataclasses

    password = "Wizard-Db-Pw9@HalfTwo7"
    target = dataclasses.replace(
        fake_target, db_url=f"postgresql://postgres:{password}@127.0.0.1:1/shop"
    )
    journal = Journal.start("wizard", root=tmp_path / "sessions")
    app = make_app(target, journal=journal)
    async with app.run_test(size=(100, 32)) as pilot:
        app.record("check", {"check": "database", "status": "fail",
                             "summary": "failed to resolve host 'HalfTwo7@127.0.0.1'"})  # fmt: skip
        app.record("check", {"check": "api", "status": "fail", "summary": f"echo {password}"})
        screen = TranscriptScreen(export_dir=tmp_path)
        await app.push_screen(screen)
        await until(pilot, lambda: len(screen.events) >= 4)
        screen.query_one("#note", Input).focus()
        await pilot.press(*"pw=postgres", "enter")
        await until(pilot, lambda: any(e["kind"] == "note" for e in screen.events))
        md = tmp_path / f"pgrst-doctor-{journal.session_id}.md"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: md.exists())
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+s")
        again = md.with_name(f"{md.stem}-2.md")
        await until(pilot, lambda: again.exists())
        await app.workers.wait_for_complete()
    journal.close()
    texts = {"journal": journal.path.read_text(), "md": md.read_text(), "md-2": again.read_text()}
    for where, text in texts.items():
        for secret in (password, "Wizard-Db-Pw9", "HalfTwo7", "pw=postgres"):
            assert secret not in text, f"{secret!r} in {where}"
    assert "pw=<password#" in texts["md"]
    assert "no secrets were detected" not in texts["md"] and "Masked: " in texts["md"]
