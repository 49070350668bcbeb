"""`sessions` and `export` on recorded journals (no services needed): each session names its
target, `export --last --this-target` picks the newest session on the target in force, and
every command ends quietly when its reader closes the pipe (`sessions | head`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.transcript.journal import Journal

REPO = Path(__file__).resolve().parents[2]
A = {"db_url": "postgresql://postgres:***@10.0.0.1:5432/shop", "api_url": "http://10.0.0.1:3000"}
B = {"db_url": "postgresql://postgres:***@10.0.0.2:6543/other", "api_url": "http://10.0.0.2:3000"}


def record(target: dict[str, str], note: str) -> Journal:
    journal = Journal.start(command="check")
    journal.record("target", target)
    journal.record("note", {"text": note}, actor="user")
    journal.close()
    return journal


def test_sessions_show_each_target(capsys: pytest.CaptureFixture[str]) -> None:
    record(A, "first")
    record(B, "second")
    assert main(["sessions"]) == 0
    out = capsys.readouterr().out
    assert "TARGET" in out.splitlines()[0]
    assert "10.0.0.1:5432/shop · http://10.0.0.1:3000" in out
    assert "10.0.0.2:6543/other · http://10.0.0.2:3000" in out


def test_export_last_this_target_skips_newer_sessions_on_other_targets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record(A, "on shop")
    time.sleep(1.1)  # session ids carry the start second: make "newer" unambiguous
    record(B, "on other, newer")
    flags = ["--db-url", "postgresql://postgres:pw@10.0.0.1:5432/shop",
             "--api-url", "http://10.0.0.1:3000"]  # fmt: skip
    assert main(["export", "--last", "--this-target", *flags]) == 0
    out = capsys.readouterr().out
    assert "on shop" in out and "on other" not in out
    assert main(["export", "--last"]) == 0  # without the flag: the newest of all
    assert "on other, newer" in capsys.readouterr().out


def test_no_session_on_this_target_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record(B, "elsewhere")
    code = main(["export", "--this-target", "--db-url", "postgresql://u@10.9.9.9/x",
                 "--api-url", "http://10.9.9.9:3000"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "no session recorded on" in err


@pytest.mark.parametrize(
    "argv",
    [["sessions"], ["sessions", "--json"], ["export", "--last"], ["--help"], ["check", "--help"],
     ["check", "--db-url", "postgresql://u@127.0.0.1:1/x", "--api-url", "http://127.0.0.1:1",
      "--timeout", "0.5"]],
    ids=["sessions", "sessions-json", "export", "help", "check-help", "check"],
)  # fmt: skip
def test_a_closed_pipe_ends_every_command_quietly(argv: list[str]) -> None:
    for i in range(3):
        record(A, f"note {i} " + "x" * 2000)
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before the first line is written
    err = child.stderr.read().decode()
    code = child.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception" not in err
    assert code in (0, 1, 3, 141), (code, err)  # 141 (SIGPIPE) when a write met the closed pipe
