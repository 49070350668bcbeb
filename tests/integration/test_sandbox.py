"""The sandbox lifecycle on the real stack: start, drift, teardown (also after errors)."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from tui.core.errors import SandboxError, UsageError
from tui.sandbox import DRIFTS, Cluster, Sandbox
from tui.sandbox.processes import port_in_use

EXPECTED_VERSION = {"12": "12.0.2", "11": "11.2.2"}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie of ours still "exists"; read its state
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def _request(client: httpx.Client, spec: str) -> httpx.Response:
    method, rest = spec.split(" ", 1)
    path, _, body = rest.partition(" ")
    return client.request(method, path, content=body or None)


def test_postgrest_ready_and_reports_its_version(sandbox: Sandbox, postgrest_version: str):
    conn = sandbox.connection()
    assert httpx.get(f"{conn.admin_url}/ready", timeout=5).status_code == 200
    root = httpx.get(conn.api_url + "/", headers={"Authorization": f"Bearer {conn.anon_key}"})
    assert root.json()["info"]["version"] == EXPECTED_VERSION[postgrest_version]
    assert root.headers["server"] == f"postgrest/{EXPECTED_VERSION[postgrest_version]}"


def test_seed_is_served_with_roles_and_rls(sandbox12: Sandbox):
    conn = sandbox12.connection()
    anon = httpx.Client(base_url=conn.api_url, headers={"Authorization": f"Bearer {conn.anon_key}"})
    service = httpx.Client(
        base_url=conn.api_url, headers={"Authorization": f"Bearer {conn.service_key}"}
    )
    assert len(anon.get("/customers").json()) == 2
    assert [n["body"] for n in anon.get("/notes").json()] == ["public note"]  # RLS for anon
    assert len(service.get("/notes").json()) == 2  # service_role has BYPASSRLS
    assert anon.get("/audit_log").json()["code"] == "42501"  # not granted to anon


def test_drift_reproduces_every_symptom(sandbox: Sandbox, postgrest_version: str):
    """After --drift all, each symptom's request shows the stale answer the fact sheet names."""
    sandbox.apply_drift(["all"])
    conn = sandbox.connection()
    client = httpx.Client(
        base_url=conn.api_url,
        headers={"Authorization": f"Bearer {conn.anon_key}", "Content-Type": "application/json"},
        timeout=5,
    )
    answers = {name: _request(client, drift.request) for name, drift in DRIFTS.items()}
    assert answers["missing-table"].status_code == 404
    assert answers["missing-table"].json() == {}
    assert answers["missing-column"].json()["code"] == "PGRST204"
    assert answers["missing-relationship"].json()["code"] == "PGRST200"
    assert answers["missing-function"].json()["code"] == "PGRST202"
    # enum labels are PostgreSQL's: the new label is accepted although the cache is stale
    assert answers["enum-rejected"].status_code == 201
    openapi = client.get("/").json()
    assert "refunded" not in openapi["definitions"]["orders"]["properties"]["status"]["enum"]
    # the policy is ignored because RLS is not enabled on customers
    assert len(answers["rls-not-enforced"].json()) == 2


def test_notify_fixes_the_drift(sandbox12: Sandbox):
    sandbox12.apply_drift(["missing-function"])
    conn = sandbox12.connection()
    url = f"{conn.api_url}/rpc/order_total?order_id=1"
    assert httpx.get(url).status_code == 404
    sandbox12.execute("NOTIFY pgrst, 'reload schema'")
    deadline = time.monotonic() + 10
    while httpx.get(url).status_code != 200:
        assert time.monotonic() < deadline, "reload not seen within 10 s"
        time.sleep(0.05)


def test_own_cluster_teardown_leaves_nothing(tmp_path: Path):
    box = Sandbox().start()
    conn = box.connection()
    assert box.cluster is not None and box.postgrest is not None
    pids = [box.cluster.pid, box.postgrest.pid]
    ports = [box.cluster.port, box.postgrest.config.server_port, box.postgrest.config.admin_port]
    dirs = [box.cluster.base_dir, box.workdir]
    assert httpx.get(f"{conn.admin_url}/ready").status_code == 200
    box.stop()
    assert not any(_pid_alive(pid) for pid in pids if pid)
    assert not any(port_in_use(port) for port in ports)
    assert not any(d.exists() for d in dirs)


def test_teardown_after_an_exception():
    seen: dict = {}
    with pytest.raises(RuntimeError, match="boom"), Sandbox() as box:
        assert box.cluster is not None and box.postgrest is not None
        seen = {
            "pids": [box.cluster.pid, box.postgrest.pid],
            "dirs": [box.cluster.base_dir, box.workdir],
            "port": box.cluster.port,
        }
        raise RuntimeError("boom")
    assert not any(_pid_alive(pid) for pid in seen["pids"] if pid)
    assert not any(d.exists() for d in seen["dirs"])
    assert not port_in_use(seen["port"])


def test_unknown_drift_is_a_usage_error(sandbox12: Sandbox):
    with pytest.raises(UsageError, match="unknown drift 'nope'"):
        sandbox12.apply_drift(["nope"])


def test_port_taken_is_one_clear_error_and_leaves_no_temp_dir(cluster: Cluster):
    second = Cluster(port=cluster.port)
    with pytest.raises(SandboxError, match=f"port {cluster.port} .* already taken"):
        second.start()
    assert not second.base_dir.exists()


def test_initdb_failure_is_one_clear_error(tmp_path: Path):
    (tmp_path / "pgdata").mkdir()
    (tmp_path / "pgdata" / "leftover").write_text("not a cluster")
    with pytest.raises(SandboxError, match="initdb failed"):
        Cluster(base_dir=tmp_path).start()


def _cli(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_cli_sandbox_prints_exports_and_tears_down_on_ctrl_c():
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "sandbox", "--drift", "missing-function"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        exports = {}
        assert proc.stdout is not None
        while len(exports) < 5:
            line = proc.stdout.readline()
            assert line, f"sandbox exited early: {proc.stderr.read() if proc.stderr else ''}"
            key, _, value = line.removeprefix("export ").strip().partition("=")
            exports[key] = value.strip("'")
        ready = httpx.get(exports["PGRST_DOCTOR_ADMIN_URL"] + "/ready")
        assert ready.status_code == 200
        rpc = httpx.get(exports["PGRST_DOCTOR_API_URL"] + "/rpc/order_total?order_id=1")
        assert rpc.json()["code"] == "PGRST202"
        for key in ("ANON_KEY", "SERVICE_ROLE_KEY"):  # printed to be used, not masked
            auth = {"Authorization": f"Bearer {exports[key]}"}
            assert httpx.get(
                exports["PGRST_DOCTOR_API_URL"] + "/customers", headers=auth
            ).is_success
        with psycopg.connect(exports["PGRST_DOCTOR_DB_URL"]) as db:
            data_dir = db.execute("SHOW data_directory").fetchone()[0]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not Path(data_dir).exists()
    api_port = int(exports["PGRST_DOCTOR_API_URL"].rsplit(":", 1)[1])
    assert not port_in_use(api_port)


def test_cli_unknown_drift_exits_2_with_one_line():
    result = _cli("sandbox", "--drift", "bogus")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "unknown --drift value 'bogus'" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_missing_postgres_binaries_exits_2(tmp_path: Path):
    result = _cli("sandbox", env={"PGRST_DOCTOR_PG_BINDIR": str(tmp_path)})
    assert result.returncode == 2
    assert "postgresql-15" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_cli_install_tools_without_npm_exits_2(tmp_path: Path):
    env = {"PGRST_DOCTOR_TOOLS": str(tmp_path / "tools"), "PATH": "/nonexistent"}
    result = _cli("install-tools", env=env)
    assert result.returncode == 2
    assert "npm not found" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_exports_are_shell_lines_in_the_names_target_resolution_reads(sandbox12: Sandbox):
    conn = sandbox12.connection()
    lines = conn.exports().splitlines()
    assert [line.split("=")[0] for line in lines] == [
        "export PGRST_DOCTOR_DB_URL",
        "export PGRST_DOCTOR_API_URL",
        "export PGRST_DOCTOR_ADMIN_URL",
        "export ANON_KEY",
        "export SERVICE_ROLE_KEY",
    ]
    parsed = dict(shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in lines)
    assert parsed["PGRST_DOCTOR_DB_URL"] == conn.db_url
    assert parsed["ANON_KEY"] == conn.anon_key
