"""The wizard's screens show names and server text as written: Textual markup in a name is
printed, not obeyed, and no control character reaches a widget's rendered line (Textual
passes ESC through to the terminal; only BEL and a few others are dropped by Rich)."""

from __future__ import annotations

from textual.app import App
from textual.widget import Widget

from tests.ui.pilot_helpers import until
from tui.core import controls
from tui.core.model import Cause, Change, Finding, ObjectKind, Report, StaleObject, Status, Verdict
from tui.core.names import qualified
from tui.core.transcript.journal import Journal
from tui.ui.app import make_app
from tui.ui.screens.transcript import TranscriptScreen

MARKUP = "[bold red]mk[/]"
LINK = "[link=https://evil.example]lnk[/link]"
SERVER = "server said \x1b[31mred\x1b]0;title\x07 [b]b[/b] \u202erev"


def shown_text(app: App, selector: str | None = None) -> str:
    """Every rendered line of every widget on the screen, the toasts included (or of the
    widget ``selector`` names)."""
    lines = []
    widgets = app.screen.walk_children(Widget, with_self=False)
    for widget in [app.screen.query_one(selector)] if selector else widgets:
        for y in range(widget.size.height):
            lines.append("".join(segment.text for segment in widget.render_line(y)))
    return "\n".join(lines)


def hostile_report() -> Report:
    names = [qualified("public", n) for n in (MARKUP, LINK, "red\x1b[31mtab", "line\nbreak")]
    stale = [StaleObject(ObjectKind.TABLE, n, Change.ADDED) for n in names]
    finding = Finding("drift", Status.FAIL, f"stale: {SERVER}", cause=Cause.STALE_CACHE,
                      objects=names, fix="NOTIFY pgrst, 'reload schema';")  # fmt: skip
    return Report(Verdict.STALE_CACHE, "12.0.2", True, stale, [finding], ["notify"], 1.0)


async def test_findings_toasts_and_timeline_show_hostile_text_as_written(fake_target, tmp_path):
    journal = Journal.start("wizard", root=tmp_path / "sessions")
    app = make_app(fake_target, journal=journal)
    report = hostile_report()
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        app.show_findings(report)
        await until(pilot, lambda: app.screen.query("#stale-table"))
        app.notify(f"did you mean {MARKUP}? {SERVER}", title=LINK)
        await pilot.pause(0.2)
        findings = shown_text(app)
        for written in (MARKUP, LINK, 'U&"red\\001B[31mtab"', 'U&"line\\000Abreak"'):
            assert written in findings, (written, findings)
        assert "server said \\x1b[31mred\\x1b]0;title\\x07 [b]b[/b] \\u202erev" in findings
        assert f"did you mean {MARKUP}?" in findings  # the toast
        table = shown_text(app, "#stale-table")
        assert f'public."{MARKUP}"' in table and f'public."{LINK}"' in table
        assert controls.IN_LINES.findall(findings) == []

        app.record("verdict", report.to_json())
        app.record("step-output", {"step": "notify", "message": SERVER})
        screen = TranscriptScreen(export_dir=tmp_path)
        await app.push_screen(screen)
        await until(pilot, lambda: len(screen.events) >= 4)
        await pilot.pause(0.1)
        timeline = shown_text(app)
        assert "\\x1b[31mred" in timeline and "[b]b[/b]" in timeline
        assert controls.IN_LINES.findall(timeline) == []


async def test_a_coloured_log_line_pasted_into_the_error_field_shows_its_codes_as_written(
    fake_target,
):
    from textual import events

    from tui.ui.widgets.paste_input import PasteInput

    app = make_app(fake_target)
    async with app.run_test(size=(120, 30)) as pilot:
        app.show_symptoms()
        await until(pilot, lambda: app.screen.query("#error"))
        field = app.screen.query_one("#error", PasteInput)
        field.focus()
        field.post_message(events.Paste("\x1b[31mERROR\x1b[0m relation \u202e\nnot found"))
        await until(pilot, lambda: bool(field.value))
        assert field.value == "\\x1b[31mERROR\\x1b[0m relation \\u202e not found"
        shown = shown_text(app, "#error")
        assert "\\x1b[31mERROR" in shown and controls.IN_LINES.findall(shown) == []
