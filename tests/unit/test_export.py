"""Exports: Markdown sections for the ticket, JSON with everything, no secret in any artifact,
bad journal lines become warnings, session lookup."""

from __future__ import annotations

import json
import os
import re
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.core.errors import UsageError
from tui.core.model import (
    Cause,
    Change,
    Finding,
    ObjectKind,
    Report,
    StaleObject,
    Status,
    Verdict,
)
from tui.core.transcript.clipboard import copy_summary, osc52_payload
from tui.core.transcript.export import (
    ExportExists,
    export_session,
    load_session,
    to_json,
    write_private,
)
from tui.core.transcript.journal import Journal
from tui.core.transcript.render import md_cell
from tui.core.transcript.sessions import UnknownSession, find_session, list_sessions

ANON_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiIsImlzcyI6InN1cGFiYXNlIn0.QW5vbktleVNpZ25hdHVyZQ"
SERVICE_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.U2VydmljZVNpZ25hdHVyZQ"
SECRETS = {
    "db password": "Pl4nted-DB-pw-71c",
    "anon jwt": ANON_JWT,
    "service jwt": SERVICE_JWT,
    "bearer token": "opaque-bearer-9f2c11aa",
    "pgpassword": "Env-PGpass-55e1",
    "sb secret": "sb_secret_Zx81kQmLw0PpUu2-YtRr_3aa",
    "sb publishable": "sb_publishable_Qa7Ww2Ee9Rr-Tt_0",
    "registered": "only-known-because-registered-42",
    "query token": "qtok-3a9b7c1d",
}
S = SECRETS


def _clock(start: datetime = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)):
    ticks = iter(range(10_000))
    return lambda: start + timedelta(seconds=next(ticks))


def record_incident(journal: Journal) -> None:
    """One event of every kind, each carrying at least one planted secret."""
    journal.register_secret(S["registered"], kind="password")
    db_url = f"postgresql://postgres:{S['db password']}@db.example.com:5432/app"
    journal.record(
        "target",
        {
            "db_url": db_url,
            "api_url": f"https://api.example.com/rest/v1?apikey={S['sb publishable']}",
            "api_key": S["anon jwt"],
            "service_key": S["sb secret"],
            "fingerprint": {"system_identifier": "7312", "server_version": "15.8"},
            "postgrest_version": "12.0.2",
        },
    )
    journal.record(
        "symptom",
        {"symptoms": ["table-404"], "request": f"curl -H 'apikey: {S['anon jwt']}' https://h/x"},
        actor="user",
    )
    finding = Finding(
        "drift",
        Status.FAIL,
        "public.orders | in the database, not in the cache",
        Cause.STALE_CACHE,
        ["public.orders"],
        "NOTIFY pgrst, 'reload schema'",
        {"request_headers": {"Authorization": f"Bearer {S['bearer token']}"}, "db": db_url},
    )
    journal.record("check", finding.to_record())
    report = Report(
        Verdict.STALE_CACHE,
        "12.0.2",
        True,
        [StaleObject(ObjectKind.TABLE, "public.orders", Change.ADDED)],
        [finding],
        ["notify"],
        120.0,
    )
    journal.record("verdict", report.to_json())
    journal.record(
        "decision",
        {
            "decision": "stale cache, not a missing migration",
            "evidence": {"catalog": "has public.orders", "tried_key": S["service jwt"]},
        },
        actor="user",
    )
    journal.record("confirmation", {"what": "reload", "answer": True}, actor="user")
    journal.record(
        "step-start",
        {
            "step": "notify",
            "message": "NOTIFY pgrst",
            "command": f"PGPASSWORD={S['pgpassword']} psql -h db.example.com -c \"NOTIFY pgrst, 'reload schema'\"",
        },
    )
    journal.record(
        "step-output",
        {
            "step": "notify",
            "message": (
                f"\x1b[32m> Authorization: Bearer {S['bearer token']}\x1b[0m\n"
                f"> apikey: {S['sb secret']}\n\x1b]0;evil-title\x07"
                f"GET /rest/v1/orders?token={S['query token']} -> 200"
            ),
        },
    )
    journal.record(
        "kpi",
        {"kpi": "reload", "title": "Reload to served", "ms": 850.0, "target_ms": 1000.0,
         "alert_ms": 5000.0, "verdict": "ok", "note": f"measured with {S['anon jwt']}"},
    )  # fmt: skip
    journal.record(
        "step-end", {"step": "notify", "status": "ok", "summary": "reloaded", "elapsed_ms": 850.2}
    )
    journal.record(
        "dump",
        {"path": "/var/dumps/app.dump", "sha256": "ab" * 32, "bytes": 12345,
         "command": f"pg_dump -Fc {db_url}"},
    )  # fmt: skip
    healthy = Report(Verdict.HEALTHY, "12.0.2", True, [], [], [], 40.0)
    journal.record("verdict", healthy.to_json())
    journal.record("note", {"text": f"INC-7 | rotated {S['registered']} after"}, actor="user")


@pytest.fixture
def incident() -> Journal:
    journal = Journal.start(command="reload", clock=_clock())
    record_incident(journal)
    journal.close()
    return journal


def assert_clean(artifact: str | bytes, where: str) -> None:
    data = artifact if isinstance(artifact, bytes) else artifact.encode()
    for name, secret in SECRETS.items():
        assert secret.encode() not in data, f"{name} leaked into {where}"


def test_no_planted_secret_in_any_artifact(incident: Journal, tmp_path: Path) -> None:
    import base64

    md = export_session(incident.dir, "md").text
    js = export_session(incident.dir, "json").text
    text, _ = copy_summary(load_session(incident.dir).events, tmux=False)
    payload = osc52_payload(text, tmux=False)
    b64 = payload.removeprefix(b"\x1b]52;c;").removesuffix(b"\x07")
    assert_clean(incident.path.read_bytes(), "journal.jsonl")
    assert_clean(md, "markdown export")
    assert_clean(js, "json export")
    assert_clean(payload, "clipboard payload")
    assert_clean(base64.b64decode(b64), "clipboard text")
    for artifact in (md, js):  # shown, never obeyed: Markdown escapes it, JSON keeps it exact
        assert "\x1b" not in artifact and "\x07" not in artifact
    assert "\\x1b]0;evil-title\\x07GET" in md
    assert "\\u001b]0;evil-title\\u0007GET" in js


def test_markdown_has_every_ticket_section(incident: Journal) -> None:
    md = export_session(incident.dir, "md").text
    for heading in ("## Summary", "## Timeline (UTC)", "## Decisions", "## Commands and SQL",
                    "## KPIs", "## Dump", "## Environment"):  # fmt: skip
        assert heading in md
    assert "- **Verdict:** stale-cache" in md
    assert "- **Root cause:** stale-cache — public.orders | in the database" in md
    assert "- **Stale objects:** table public.orders (added)" in md
    assert "- **What was done:** notify: ok (850 ms)" in md
    assert "- **Outcome:** resolved: stale-cache → healthy after notify" in md
    assert (
        "| 2026-11-24T03:00:01.000Z | tool | session | session started: pgrst-doctor reload |" in md
    )
    assert "| Reload to served | 1.0 s | 5.0 s | 850 ms | ok |" in md
    assert f"| /var/dumps/app.dump | {'ab' * 32} | 12345 |" in md
    assert "| PostgREST | 12.0.2 |" in md and "| PostgreSQL | 15.8 |" in md
    assert "PGPASSWORD=<password#" in md and "Authorization: Bearer <token#1>" in md


def test_markdown_table_cells_escape_pipes_and_newlines(incident: Journal) -> None:
    md = export_session(incident.dir, "md").text
    assert "note: INC-7 \\| rotated <password#1> after" in md
    assert md_cell("a|b\nc\r\nd") == "a\\|b<br>c<br>d"
    timeline = md.split("## Timeline (UTC)")[1].split("\n## ")[0]
    rows = [line for line in timeline.splitlines() if line.startswith("|")]
    assert len(rows) == 2 + 13  # header, rule, every event but the step output
    assert all(len(re.split(r"(?<!\\)\|", line)) == 6 for line in rows)  # exactly 4 cells each


def test_export_ends_with_the_masking_line(incident: Journal) -> None:
    md = export_session(incident.dir, "md").text
    last = md.rstrip("\n").splitlines()[-1]
    assert last.startswith("Masked: ") and "jwt" in last and "password" in last and "key" in last
    data = json.loads(export_session(incident.dir, "json").text)
    assert data["masking"] == last
    assert data["masked"]["jwt"] == 2


def test_json_has_meta_all_events_and_summary(incident: Journal) -> None:
    data = json.loads(export_session(incident.dir, "json").text)
    assert data["schema"] == "pgrst-doctor.transcript/1"
    assert data["session"]["id"] == incident.session_id and data["session"]["command"] == "reload"
    assert [e["seq"] for e in data["events"]] == list(range(1, 15))
    assert data["summary"]["initial_verdict"] == "stale-cache"
    assert data["summary"]["final_verdict"] == "healthy"
    assert data["summary"]["stale_objects"] == [
        {"kind": "table", "name": "public.orders", "change": "added"}
    ]
    assert data["summary"]["dumps"][0]["sha256"] == "ab" * 32
    assert data["warnings"] == []


def test_corrupt_and_truncated_lines_become_warnings(incident: Journal) -> None:
    with incident.path.open("ab") as fh:
        fh.write(b"not json at all\n")
        fh.write(b'{"ts":"2026-11-24T03:59:00.000Z","seq":99,"actor":"tool","kind":"no')
    result = export_session(incident.dir, "json")
    data = json.loads(result.text)
    assert (
        result.warnings
        == data["warnings"]
        == [
            "journal.jsonl line 15: skipped, not valid JSON",
            "journal.jsonl line 16: skipped, truncated (no line end)",
        ]
    )
    assert len(data["events"]) == 14
    assert "## Warnings" in export_session(incident.dir, "md").text


def test_a_session_cut_short_still_exports() -> None:
    journal = Journal.start(command="reset")
    journal.record("step-start", {"step": "dump", "message": "pg_dump"})
    journal.close()
    md = export_session(journal.dir, "md").text
    assert "did not finish (session ended first)" in md
    assert "- **Outcome:** no verdict recorded (steps ran, not verified)" not in md  # never ended
    assert "- **Outcome:** no verdict recorded" in md


def test_write_private_is_0600_and_over_an_existing_file_only_when_forced(tmp_path: Path) -> None:
    target = tmp_path / "ticket.md"
    target.write_text("old")
    target.chmod(0o644)
    with pytest.raises(ExportExists, match="add --force"):
        write_private(target, "new ✓")
    assert target.read_text() == "old"
    assert write_private(target, "new ✓", force=True) == len("new ✓".encode())
    assert target.read_text() == "new ✓"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["ticket.md"]  # no temp file left


@pytest.mark.parametrize("dangling", [False, True])
def test_write_private_never_writes_through_a_symlink(tmp_path: Path, dangling: bool) -> None:
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("precious")
        victim.chmod(0o644)
    link = tmp_path / "ticket.md"
    link.symlink_to(victim)
    for force in (False, True):
        with pytest.raises(ExportExists, match="symbolic link"):
            write_private(link, "attacker's choice", force=force)
    assert link.is_symlink()
    if dangling:
        assert not victim.exists()
    else:
        assert victim.read_text() == "precious"
        assert stat.S_IMODE(victim.stat().st_mode) == 0o644


def test_write_private_never_writes_through_a_hard_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    os.link(victim, tmp_path / "ticket.md")
    write_private(tmp_path / "ticket.md", "new", force=True)
    assert victim.read_text() == "precious"
    assert (tmp_path / "ticket.md").read_text() == "new"


def test_sessions_listed_newest_first_and_found_by_id_short_id_or_last() -> None:
    old = Journal.start(command="check", clock=_clock(datetime(2026, 11, 1, tzinfo=UTC)))
    old.record("verdict", {"verdict": "healthy", "stale_objects": []})
    old.close()
    new = Journal.start(command="reload", clock=_clock(datetime(2026, 11, 2, tzinfo=UTC)))
    new.close()
    listed = list_sessions()
    assert [s.id for s in listed] == [new.session_id, old.session_id]
    assert (listed[1].command, listed[1].verdict, listed[1].events) == ("check", "healthy", 2)
    assert find_session(last=True) == new.dir
    assert find_session(None) == new.dir
    assert find_session(old.session_id) == old.dir
    assert find_session(old.session_id.rsplit("-", 1)[1]) == old.dir
    assert find_session(str(old.path)) == old.dir
    with pytest.raises(UnknownSession, match="unknown session 'nope'"):
        find_session("nope")
    with pytest.raises(UsageError, match="ambiguous"):
        find_session("202611")
    with pytest.raises(UsageError, match="not both"):
        find_session(old.session_id, last=True)


def test_no_sessions_is_one_clear_error() -> None:
    with pytest.raises(UnknownSession, match="no sessions recorded yet"):
        find_session(last=True)


def test_to_json_re_redacts_a_hand_edited_journal(incident: Journal) -> None:
    with incident.path.open("a") as fh:
        fh.write(json.dumps({"ts": "2026-11-24T04:00:00.000Z", "seq": 15, "actor": "user",
                             "kind": "note", "payload": {"text": f"oops {ANON_JWT}"}}) + "\n")  # fmt: skip
    data = to_json(load_session(incident.dir))
    assert data["events"][-1]["payload"]["text"] == "oops <jwt#3>"


def test_payloads_from_the_real_producers_render_in_the_ticket() -> None:
    """What `reload`/`reset` and the wizard actually record: StepEvent.to_json() through
    `journaled`, a nested KpiFigure, reload's {fixed, exit_code} and reset's typed confirmation."""
    from tui.core.remedies.events import EventKind, KpiFigure, StepEvent
    from tui.core.remedies.record import journaled

    journal = Journal.start(command="reload", clock=_clock())
    journal.record("confirmation", {"typed": "app", "expected": "app"}, actor="user")
    stale = [StaleObject(ObjectKind.TABLE, "public.orders", Change.ADDED).to_json()]
    journal.record("decision", {"stale_objects": stale, "method": "notify"})
    seen: list[StepEvent] = []
    emit = journaled(journal, seen.append)
    emit(StepEvent("notify", EventKind.STARTED, "NOTIFY pgrst, 'reload schema'", 0.0))
    emit(StepEvent("notify", EventKind.OUTPUT, "sent on channel pgrst", 0.01))
    emit(StepEvent("notify", EventKind.OUTPUT, "NOTIFY pgrst, 'reload schema' (9.5 ms)", 0.01))
    emit(StepEvent("notify", EventKind.ELAPSED, "", 0.02))  # ticks are not journaled
    figure = KpiFigure.measure("notify_execution", 0.012)
    emit(StepEvent("notify", EventKind.KPI, figure.kpi, 0.02, kpi=figure))
    emit(StepEvent("notify", EventKind.FINISHED, "NOTIFY sent", 0.03))
    journal.record("verdict", {"fixed": True, "exit_code": 0})
    database = Finding("database", Status.PASS, "PostgreSQL 15.18", evidence={
        "fingerprint": {"system_identifier": "77", "server_version": "15.18 (Debian)"}})  # fmt: skip
    journal.record("check", database.to_record())
    journal.close()

    assert len(seen) == 6
    md = export_session(journal.dir, "md").text
    assert "confirmation for action: typed 'app' (expected 'app')" in md
    assert "decided: stale_objects: [public.orders]; method: notify" in md
    assert "| tool | stale_objects: [public.orders]; method: notify |   |" in md  # Decisions table
    assert "- **Stale objects:** table public.orders (added)" in md
    assert "- **What was done:** notify: ok (30 ms)" in md  # one word: StepStatus
    assert "| NOTIFY command execution | 50 ms | 200 ms | 12 ms | ok |" in md
    assert "sent on channel pgrst" in md
    assert md.count("```sql\nNOTIFY pgrst, 'reload schema'\n```") == 1  # title + output: once
    assert "- **Verdict:** none recorded" in md
    assert "- **Outcome:** fixed after notify" in md
    assert list_sessions()[0].verdict == "fixed"
    assert "| PostgreSQL | 15.18 (Debian) |" in md  # from the database finding's fingerprint
