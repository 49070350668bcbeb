"""`pgrst-doctor check` end to end on the real sandbox: the --json contract, exit codes,
target resolution from the environment, unreachable targets, and no Textual on the way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.cli import main
from tui.sandbox import Sandbox
from tui.sandbox.processes import free_port

pytestmark = pytest.mark.integration

SandboxFactory = Callable[..., Sandbox]

REPO = Path(__file__).resolve().parents[2]
JSON_KEYS = {
    "schema_version",
    "verdict",
    "postgrest_version",
    "listening",
    "stale_objects",
    "findings",
    "remedies",
    "elapsed_ms",
    "instances",
}
FINDING_KEYS = {"check", "status", "cause", "objects", "summary", "fix", "elapsed_ms"}
CAUSES = {
    "stale-cache", "object-missing", "schema-not-exposed", "missing-privilege", "no-listener",
    "rls-disabled", "rls-bypassed", "enum-value-missing", "api-unreachable", "db-unreachable", "db-login-rejected",
    "auth-rejected", "cache-load-failed", "auto-reload-off", "instances-disagree",
    "listener-behind-pooler", "postgrest-on-standby", "channel-mismatch",
}  # fmt: skip


def target_args(box: Sandbox, **override: str) -> list[str]:
    conn = box.connection()
    values = {
        "--db-url": conn.db_url,
        "--api-url": conn.api_url,
        "--admin-url": conn.admin_url,
        "--api-key": conn.anon_key,
        "--service-key": conn.service_key,
        **override,
    }
    return [item for pair in values.items() for item in pair]


def run_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict, str]:
    code = main(["check", "--json", *argv])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 1, f"stdout must be exactly one JSON line, got {out!r}"
    return code, json.loads(lines[0]), err


def assert_contract(data: dict) -> None:
    assert set(data) == JSON_KEYS
    assert data["schema_version"] == 1
    assert data["verdict"] in {"healthy", "stale-cache", "not-cache", "unreachable"}
    assert isinstance(data["elapsed_ms"], int | float)
    for finding in data["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["status"] in {"pass", "warn", "fail", "error", "skipped"}
        assert finding["cause"] is None or finding["cause"] in CAUSES
        if finding["status"] == "fail":
            assert finding["fix"], f"failing finding without a fix: {finding}"
    for obj in data["stale_objects"]:
        assert set(obj) == {"kind", "name", "change"}
        assert obj["change"] in {"added", "removed"}
    assert set(data["remedies"]) <= {"notify", "signal", "restart", "reset"}


def test_fresh_sandbox_is_healthy(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _err = run_json(capsys, target_args(sandbox))
    assert_contract(data)
    assert data["verdict"] == "healthy", data
    assert code == 0
    assert data["stale_objects"] == []
    assert data["postgrest_version"] == sandbox.postgrest.expected_version
    assert data["listening"] is True
    assert not [f for f in data["findings"] if f["status"] == "fail"]


def test_target_from_environment(
    sandbox12: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandbox's export lines are all `check` needs (no flags)."""
    for line in sandbox12.connection().exports().splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        monkeypatch.setenv(name, value.strip("'"))
    code, data, _err = run_json(capsys, [])
    assert (code, data["verdict"]) == (0, "healthy")
    assert data["postgrest_version"] == "12.0.2"


def test_drift_is_stale_cache_with_the_object(
    make_sandbox: SandboxFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    box = make_sandbox("12", drift=("missing-table",))
    code, data, _err = run_json(
        capsys,
        [
            *target_args(box),
            "--symptom",
            "missing-table",
            "--table",
            "public.invoices",
            "--request",
            'POST /invoices {"order_id": 1, "amount_cents": 100}',
        ],
    )
    assert_contract(data)
    assert data["verdict"] == "stale-cache", data
    assert code == 1
    assert {"kind": "table", "name": "public.invoices", "change": "added"} in data["stale_objects"]
    assert data["remedies"] and data["remedies"][0] == "notify"
    stale = [f for f in data["findings"] if f["cause"] == "stale-cache"]
    assert stale and all(f["status"] == "fail" for f in stale)
    assert any("public.invoices" in f["objects"] for f in stale)

    # the same diagnosis, for a human: quiet, the failure with its fix, the verdict
    assert main(["check", *target_args(box), "--table", "public.invoices"]) == 1
    out, _err = capsys.readouterr()
    assert "✗ problem" in out
    assert "fix:" in out
    assert "Verdict: ✗ stale cache" in out
    assert "public.invoices" in out
    assert box.connection().anon_key not in out


def test_drift_is_gone_after_notify(
    make_sandbox: SandboxFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    box = make_sandbox("11", drift=("missing-function",))
    code, data, _err = run_json(capsys, target_args(box))
    assert (code, data["verdict"]) == (1, "stale-cache")
    assert {"kind": "function", "name": "public.order_total", "change": "added"} in data[
        "stale_objects"
    ]
    box.execute("NOTIFY pgrst, 'reload schema';")
    for _attempt in range(100):  # the reload is asynchronous: poll until it lands
        code, data, _err = run_json(capsys, target_args(box))
        if data["verdict"] == "healthy":
            break
        time.sleep(0.1)
    assert (code, data["verdict"], data["stale_objects"]) == (0, "healthy", [])


def test_unreachable_api_exits_3(sandbox12: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    argv = target_args(sandbox12, **{"--api-url": dead, "--admin-url": dead, "--timeout": "2"})
    code, data, err = run_json(capsys, argv)
    assert_contract(data)
    assert (code, data["verdict"]) == (3, "unreachable")
    assert data["postgrest_version"] is None
    causes = {f["cause"] for f in data["findings"] if f["status"] in {"fail", "error"}}
    assert "api-unreachable" in causes
    assert "Traceback" not in err


def test_unreachable_database_exits_3(
    sandbox12: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"postgresql://postgres:hunter2@127.0.0.1:{free_port()}/postgres"
    code, data, err = run_json(capsys, target_args(sandbox12, **{"--db-url": dead}))
    assert (code, data["verdict"]) == (3, "unreachable")
    causes = {f["cause"] for f in data["findings"] if f["status"] in {"fail", "error"}}
    assert "db-unreachable" in causes
    assert "hunter2" not in json.dumps(data) + err


BAD_INPUT = [
    (["--db-url", "postgresql://postgres:hunter2@127.0.0.1:54x22/postgres"], "--db-url"),
    (["--api-url", "htp://127.0.0.1:3000"], "--api-url"),
    (["--symptom", "api-slow"], "unknown symptom"),
    (["--column", "customers"], "--column"),
    (["--enum-value", "public.order_status"], "--enum-value"),
    (["--request", "curl -H 'apikey: hunter2' https://elsewhere.example/x"], "--request"),
]


def test_bad_input_exits_2_with_one_line(
    sandbox12: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each case has a working target except the flag under test (later flags win); under
    --json stdout holds only the error object."""
    for flags, needle in BAD_INPUT:
        code = main(["check", "--json", *target_args(sandbox12), *flags])
        out, err = capsys.readouterr()
        error = err.removeprefix("pgrst-doctor: ").rstrip("\n")
        assert (code, json.loads(out)) == (2, {"schema_version": 1, "error": error,
                                               "exit_code": 2}), flags  # fmt: skip
        assert err.count("\n") == 1 and needle in err, err
        assert "Traceback" not in err and "hunter2" not in err


# What only named objects, a pasted error, a --request or a fleet need: a plain check, run
# to its verdict, never loads them (start-up instructions, BENCHMARKS.md)
NOT_FOR_A_PLAIN_CHECK = (
    "tui.core.specs",
    "tui.core.pasted_error",
    "tui.core.request",
    "tui.core.probes.alike",
    "tui.core.probes.replay",
)


def test_subprocess_json_and_no_textual(sandbox12: Sandbox) -> None:
    """The installed entry point's code path, in a fresh interpreter: one JSON object on
    stdout, and neither Textual nor what a plain check does not use imported (start-up)."""
    script = (
        "import sys\n"
        "from tui.cli import main\n"
        "code = main(['check', '--json', *sys.argv[1:]])\n"
        "sys.stderr.write('TEXTUAL_LOADED=%s\\n' % any(m == 'textual' or "
        "m.startswith('textual.') for m in sys.modules))\n"
        f"sys.stderr.write('UNUSED_LOADED=%s\\n' % [m for m in {NOT_FOR_A_PLAIN_CHECK!r} "
        "if m in sys.modules])\n"
        "sys.exit(code)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH"}}
    proc = subprocess.run(
        [sys.executable, "-c", script, *target_args(sandbox12)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)  # the whole stdout is one JSON document
    assert_contract(data)
    assert data["verdict"] == "healthy"
    assert "TEXTUAL_LOADED=False" in proc.stderr
    assert "UNUSED_LOADED=[]" in proc.stderr


def test_check_records_a_redacted_session_transcript(
    make_sandbox: Callable[..., Sandbox], capsys: pytest.CaptureFixture[str]
) -> None:
    """`check` journals target, what was asked, every finding and the verdict; no key leaks."""
    box = make_sandbox("12", drift=["missing-function"])
    code, data, _ = run_json(capsys, target_args(box))
    assert code == 1
    from tui.core.transcript.sessions import list_sessions

    sessions = list_sessions()
    assert len(sessions) == 1
    journal = (sessions[0].dir / "journal.jsonl").read_text()
    events = [json.loads(line) for line in journal.splitlines()]
    kinds = [e["kind"] for e in events]
    assert kinds[:3] == ["session", "target", "symptom"]
    assert kinds.count("check") == len(data["findings"])
    assert events[-1]["kind"] == "verdict"
    assert events[-1]["payload"]["verdict"] == "stale-cache"
    conn = box.connection()
    assert conn.anon_key not in journal
    assert conn.anon_key.split(".")[1] not in journal
