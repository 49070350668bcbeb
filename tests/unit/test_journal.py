"""The session journal: layout, modes, event shape, redaction on write, crash safety."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.core.transcript.journal import Journal, JournalError, read_events, sessions_root
from tui.core.transcript.sessions import find_session, list_sessions

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlX2J5dGVz"
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_start_creates_session_dir_under_user_data_dir(tmp_path: Path) -> None:
    journal = Journal.start(command="check")
    journal.close()
    assert journal.dir.parent == sessions_root()
    assert str(sessions_root()).startswith(str(tmp_path / "xdg"))  # XDG_DATA_HOME honoured
    assert re.fullmatch(r"\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{6}", journal.session_id)
    assert journal.path == journal.dir / "journal.jsonl"


def test_session_ids_are_unique_and_sort_in_the_order_the_sessions_started(tmp_path: Path) -> None:
    """Same microsecond (a frozen clock), then a clock stepped back an hour, next to a
    session id from before microseconds: each id sorts after the ones before it, so
    `sessions` lists newest first and `export --last` is the last one started."""
    root = tmp_path / "sessions"
    (root / "20261124T030000Z-0ld0ld").mkdir(parents=True)  # the old id form, same second
    (root / "20261124T030000Z-0ld0ld" / "journal.jsonl").write_text("")
    moments = [datetime(2026, 11, 24, 3, 0, tzinfo=UTC)] * 3 + [
        datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    ]
    started = []
    for moment in moments:
        journal = Journal.start(command="check", root=root, clock=lambda m=moment: m)
        journal.close()
        started.append(journal.session_id)
    assert len(set(started)) == 4 and started == sorted(started)
    assert started[0].startswith("20261124T030000.000001Z-")  # after the old-form one
    assert find_session(None, last=True, root=root).name == started[-1]
    assert [s.id for s in list_sessions(root)][:4] == started[::-1]


def test_file_is_0600_and_dir_0700_even_with_a_permissive_umask() -> None:
    old = os.umask(0)
    try:
        journal = Journal.start(command="check")
    finally:
        os.umask(old)
    journal.record("note", {"text": "x"}, actor="user")
    journal.close()
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(journal.dir.parent.stat().st_mode) == 0o700


def test_events_have_utc_ms_timestamp_seq_actor_kind_payload() -> None:
    moment = datetime(2026, 11, 24, 3, 12, 4, 118_999, tzinfo=UTC)
    journal = Journal.start(command="reload", clock=lambda: moment)
    event = journal.record("symptom", {"id": "table-404"}, actor="user")
    journal.close()
    assert event == {
        "ts": "2026-11-24T03:12:04.118Z",
        "seq": 2,
        "actor": "user",
        "kind": "symptom",
        "payload": {"id": "table-404"},
    }
    lines = journal.path.read_text().splitlines()
    first = json.loads(lines[0])
    assert first["kind"] == "session" and first["payload"]["command"] == "reload"
    assert json.loads(lines[1]) == event
    assert journal.session_id.startswith("20261124T031204.118999Z-")  # the clock's first tick


def test_record_returns_the_redacted_event_and_the_file_never_holds_the_secret() -> None:
    journal = Journal.start(command="check")
    event = journal.record(
        "target",
        {"api_url": "http://127.0.0.1:3000", "api_key": JWT, "db_url": "postgresql://u:pw-9@h/db"},
    )
    journal.close()
    assert event["payload"]["api_key"] == "<jwt#1>"
    assert event["payload"]["db_url"] == "postgresql://u:<password#1>@h/db"
    raw = journal.path.read_bytes()
    assert JWT.encode() not in raw and b"pw-9" not in raw


def test_registered_secret_is_masked_in_later_events() -> None:
    journal = Journal.start(command="check")
    placeholder = journal.register_secret("Tr0ub4dor&3-long", kind="password")
    event = journal.record("step-output", {"text": "login with Tr0ub4dor&3-long ok"})
    journal.close()
    assert placeholder == "<password#1>"
    assert event["payload"]["text"] == "login with <password#1> ok"
    assert b"Tr0ub4dor" not in journal.path.read_bytes()


def test_unknown_kind_or_actor_is_refused() -> None:
    journal = Journal.start(command="check")
    with pytest.raises(ValueError, match="kind"):
        journal.record("gossip", {})
    with pytest.raises(ValueError, match="actor"):
        journal.record("note", {}, actor="robot")
    journal.close()
    with pytest.raises(ValueError, match="closed"):
        journal.record("note", {"text": "late"})


def test_record_many_writes_its_events_in_order_with_one_fsync(monkeypatch) -> None:
    journal = Journal.start(command="check")
    journal.register_secret(JWT, "jwt")
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    written = journal.record_many(
        [("check", {"id": "drift", "key": JWT}), ("check", {"id": "rls"}), ("verdict", {"v": 1})]
    )
    monkeypatch.undo()
    after = journal.record("note", {"text": "next"}, actor="user")
    journal.close()
    assert len(synced) == 1
    assert [e["seq"] for e in written] == [2, 3, 4] and after["seq"] == 5
    events, warnings = read_events(journal.path)
    assert warnings == []
    assert [(e["kind"], e["seq"]) for e in events[1:]] == [
        ("check", 2), ("check", 3), ("verdict", 4), ("note", 5)
    ]  # fmt: skip
    assert JWT not in journal.path.read_text()
    assert events[1]["payload"]["key"] == written[0]["payload"]["key"] != JWT


def test_record_many_refuses_a_batch_with_an_unknown_kind_and_writes_none_of_it() -> None:
    journal = Journal.start(command="check")
    with pytest.raises(ValueError, match="kind"):
        journal.record_many([("check", {"id": "a"}), ("gossip", {})])
    journal.close()
    events, _ = read_events(journal.path)
    assert [e["kind"] for e in events] == ["session"]


def test_attach_continues_seq_and_placeholder_numbering() -> None:
    journal = Journal.start(command="check")
    journal.record("target", {"api_key": JWT})
    journal.close()
    later = Journal.attach(journal.dir)
    other = "eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYW5vbiJ9.b3RoZXJzaWduYXR1cmU"
    event = later.record("note", {"text": f"second key {other}"}, actor="user")
    later.close()
    assert event["seq"] == 3
    assert event["payload"]["text"] == "second key <jwt#2>"
    assert [e["seq"] for e in read_events(journal.path)[0]] == [1, 2, 3]


def test_attach_after_a_cut_line_keeps_new_events_readable() -> None:
    journal = Journal.start(command="check")
    journal.record("note", {"text": "one"}, actor="user")
    journal.close()
    with journal.path.open("ab") as fh:
        fh.write(b'{"ts":"2026-11-24T00:00:00.000Z","seq":3,"act')
    later = Journal.attach(journal.dir)
    later.record("note", {"text": "after the crash"}, actor="user")
    later.close()
    events, warnings = read_events(journal.path)
    assert [e["payload"].get("text") for e in events[1:]] == ["one", "after the crash"]
    assert len(warnings) == 1 and "line 3" in warnings[0]


def test_attach_to_a_missing_session_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="cannot open the session journal"):
        Journal.attach(tmp_path / "nope")


def test_start_in_an_unwritable_place_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(JournalError, match="cannot create the session journal"):
        Journal.start(command="check", root=blocker / "sessions")


def test_truncated_last_line_is_skipped_with_a_warning() -> None:
    journal = Journal.start(command="check")
    journal.record("note", {"text": "kept"}, actor="user")
    journal.close()
    with journal.path.open("ab") as fh:
        fh.write(b'{"ts":"2026-11-24T00:00:00.000Z","seq":3,"actor":"to')
    events, warnings = read_events(journal.path)
    assert [e["seq"] for e in events] == [1, 2]
    assert warnings == ["journal.jsonl line 3: skipped, truncated (no line end)"]


def test_corrupt_and_foreign_lines_are_skipped_with_warnings() -> None:
    journal = Journal.start(command="check")
    journal.close()
    with journal.path.open("ab") as fh:
        fh.write(b"\xff\xfe garbage\n[1, 2]\n\n")
    events, warnings = read_events(journal.path)
    assert len(events) == 1
    assert warnings == [
        "journal.jsonl line 2: skipped, not valid JSON",
        "journal.jsonl line 3: skipped, not a journal event",
    ]


CHILD = """
import sys
from tui.core.transcript.journal import Journal
journal = Journal.start(command="reset")
print(journal.path, flush=True)
n = 0
while True:  # records until killed; acknowledges each event once record() returned
    n += 1
    journal.record("step-output", {"n": n, "text": "line %d" % n})
    print(n, flush=True)
"""


def test_events_survive_sigkill_mid_session() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        text=True,
    )
    try:
        path = Path(child.stdout.readline().strip())  # type: ignore[union-attr]
        acked = [int(child.stdout.readline()) for _ in range(50)]  # type: ignore[union-attr]
        os.kill(child.pid, signal.SIGKILL)  # while it is still recording
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
    events, warnings = read_events(path)
    recorded = [e["payload"]["n"] for e in events[1:]]
    assert recorded[: len(acked)] == acked == list(range(1, 51))  # nothing acknowledged is lost
    assert recorded == list(range(1, len(recorded) + 1))  # and nothing out of order
    assert len(warnings) <= 1  # at most the one line being written when the kill landed
    assert all(TS_RE.match(e["ts"]) for e in events)
