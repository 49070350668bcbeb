"""`pgrst-doctor export` / `sessions` end to end: a session recorded against the real sandbox
(real database, real PostgREST, real JWTs) exports without a single secret, with the right exit
codes and one clear line for bad input."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest

from tui.cli import main
from tui.core.transcript.clipboard import copy_summary, osc52_payload
from tui.core.transcript.export import load_session
from tui.core.transcript.journal import Journal
from tui.sandbox import Sandbox

pytestmark = pytest.mark.integration

PLANTED_PW = "Planted-Pw-8c1f27e"  # trust auth ignores it, so the real connection still works
SB_SECRET = "sb_secret_Kq81mWx0PzLu2-YtRr_9bc"


def cli(*args: str, check: int | None = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    if check is not None:
        assert done.returncode == check, done.stderr
    assert "Traceback" not in done.stderr
    return done


def record_real_session(box: Sandbox) -> tuple[Journal, list[str]]:
    """What `check` + a reload would record, with live values from the sandbox."""
    conn = box.connection()
    parts = urlsplit(conn.db_url)
    db_url = conn.db_url.replace(f"{parts.username}:{parts.password}@", f"postgres:{PLANTED_PW}@")
    secrets = [PLANTED_PW, conn.anon_key, conn.service_key, SB_SECRET]

    journal = Journal.start(command="check")
    for secret in (conn.anon_key, conn.service_key, PLANTED_PW):
        journal.register_secret(secret, "password" if secret == PLANTED_PW else "key")
    with psycopg.connect(db_url, connect_timeout=5) as pg:
        pg.execute("SET statement_timeout = '5s'")
        server_version = pg.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        sysid = pg.execute("SELECT system_identifier FROM pg_control_system()").fetchone()[0]  # type: ignore[index]
    journal.record(
        "target",
        {"db_url": db_url, "api_url": conn.api_url, "api_key": conn.anon_key,
         "service_key": conn.service_key,
         "fingerprint": {"system_identifier": str(sysid), "server_version": server_version}},
    )  # fmt: skip
    journal.record("symptom", {"symptoms": ["table-404"]}, actor="user")

    headers = {"apikey": conn.anon_key, "Authorization": f"Bearer {conn.service_key}"}
    url = f"{conn.api_url}/orders?limit=1"
    response = httpx.get(url, headers=headers, timeout=5)
    curl = f"curl -sS -H 'apikey: {conn.anon_key}' -H 'Authorization: Bearer {conn.service_key}' '{url}'"
    journal.record(
        "step-start", {"step": "request", "message": "replay the request", "command": curl}
    )
    shown = "\n".join(f"> {k}: {v}" for k, v in headers.items())
    journal.record(
        "step-output",
        {"step": "request",
         "message": f"{shown}\n< HTTP {response.status_code}\n{response.text[:500]}"},
    )  # fmt: skip
    journal.record(
        "step-start",
        {"step": "notify", "message": "NOTIFY pgrst",
         "command": f"PGPASSWORD={PLANTED_PW} psql '{db_url}' -c \"NOTIFY pgrst, 'reload schema'\""},
    )  # fmt: skip
    with psycopg.connect(db_url, connect_timeout=5, autocommit=True) as pg:
        pg.execute("NOTIFY pgrst, 'reload schema'")
    journal.record(
        "step-output", {"step": "notify", "message": f"env: SUPABASE_SECRET_KEY={SB_SECRET}"}
    )
    journal.record(
        "step-end", {"step": "notify", "status": "ok", "summary": "sent", "elapsed_ms": 3.1}
    )
    journal.record(
        "verdict",
        {"verdict": "healthy", "postgrest_version": "12.0.2", "stale_objects": [], "findings": []},
    )
    journal.record("note", {"text": f"key used: {conn.service_key}"}, actor="user")
    journal.close()
    return journal, secrets


def test_real_session_exports_with_no_secret_anywhere(sandbox12: Sandbox, tmp_path: Path) -> None:
    journal, secrets = record_real_session(sandbox12)
    md = cli("export", "--last", "--format", "md")
    out_file = tmp_path / "ticket.json"
    js = cli("export", journal.session_id, "--format", "json", "-o", str(out_file))
    listing = cli("sessions")
    clip_text, notice = copy_summary(load_session(journal.dir).events, tmux=True)
    payload = osc52_payload(clip_text, tmux=True)

    artifacts = {
        "journal.jsonl": journal.path.read_text(),
        "md stdout": md.stdout + md.stderr,
        "json file": out_file.read_text(),
        "json stdout": js.stdout + js.stderr,
        "sessions": listing.stdout,
        "clipboard payload": payload.decode("latin-1"),
        "clipboard text": clip_text,
    }
    for where, text in artifacts.items():
        for secret in secrets:
            assert secret not in text, f"a secret leaked into {where}"

    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    assert f"to {out_file} (json," in js.stdout
    data = json.loads(out_file.read_text())
    assert data["summary"]["environment"]["PostgreSQL"].startswith("15")
    assert data["masked"] == {"jwt": 2, "key": 1, "password": 1}
    assert "< HTTP 200" in md.stdout  # the real response made it in, the keys did not
    assert "Authorization: Bearer <jwt#2>" in md.stdout
    assert md.stdout.rstrip().splitlines()[-1].startswith("Masked: 4 secrets")
    assert journal.session_id in listing.stdout and "healthy" in listing.stdout
    assert "bytes" in notice


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The CLI in-process (same code path as the binary, minus the interpreter start)."""
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_export_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(capsys, "export", "--last")
    assert (code, err.startswith("pgrst-doctor: no sessions recorded yet")) == (2, True)
    code, out, _ = run_main(capsys, "sessions")
    assert (code, out.startswith("no sessions recorded yet")) == (0, True)

    journal = Journal.start(command="check")
    journal.record("note", {"text": "kept"}, actor="user")
    journal.close()
    unknown = cli("export", "does-not-exist", check=2)  # the real process exit code
    assert unknown.stderr == (
        "pgrst-doctor: unknown session 'does-not-exist'; "
        "`pgrst-doctor sessions` lists the recorded ones\n"
    )
    code, _, err = run_main(capsys, "export", journal.session_id, "--last")
    assert (code, "not both" in err) == (2, True)
    code, _, err = run_main(capsys, "export", "--format", "pdf")
    assert (code, "invalid choice" in err) == (2, True)
    code, _, err = run_main(capsys, "export", "-o", str(tmp_path / "missing-dir" / "t.md"))
    assert (code, err.startswith("pgrst-doctor: cannot write")) == (2, True)
    code, out, _ = run_main(capsys, "export", journal.session_id.rsplit("-", 1)[1])
    assert code == 0 and out.startswith(f"# pgrst-doctor session {journal.session_id}")


def test_truncated_journal_exports_with_a_warning_on_stderr() -> None:
    journal = Journal.start(command="reload")
    journal.record("note", {"text": "before the crash"}, actor="user")
    journal.close()
    with journal.path.open("ab") as fh:
        fh.write(b'{"ts":"2026-11-24T00:00:00.000Z","seq":3,"actor":"tool","kind":"step-')
    done = cli("export", "--last", "--format", "json")
    assert done.stderr == (
        "pgrst-doctor: warning: journal.jsonl line 3: skipped, truncated (no line end)\n"
    )
    data = json.loads(done.stdout)
    assert [e["seq"] for e in data["events"]] == [1, 2] and len(data["warnings"]) == 1
    listing = cli("sessions", "--json")
    assert json.loads(listing.stdout)[0]["events"] == 2
