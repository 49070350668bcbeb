"""The API side of the fault matrix, through `pgrst-doctor check --json` in a child process.

The database is real and healthy (a copy of the seeded shop); the API is one of the
misbehaving loopback servers from ``fault_servers`` or a real PostgREST with a broken setting.
Every test asserts the exit code, the verdict, one finding that names the fault, no traceback,
and an exit within ``--timeout`` plus a margin (the child's own timeout is the hang guard).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import fault_servers as fs
import pytest

from tui.core.probes.base import OPENAPI_BODY
from tui.sandbox import Cluster

pytestmark = pytest.mark.integration  # the real PostgreSQL / PostgREST stack

TIMEOUT = 2.0
KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlLXBsYW50ZWQ"


@pytest.fixture(scope="module")
def shop_db(cluster: Cluster) -> Iterator[str]:
    """A healthy copy of the seeded shop for the whole module (check only reads it)."""
    name = f"faults_api_{uuid.uuid4().hex[:6]}"
    cluster.create_database(name, template="shop_template")
    yield cluster.dsn(name, password="postgres")
    cluster.drop_database(name)


def check(doctor, db_url: str, api_url: str, *extra: str, key: str = KEY):
    run = doctor(
        "check", "--json", "--db-url", db_url, "--api-url", api_url, "--api-key", key,
        "--timeout", str(TIMEOUT), *extra,
        budget=TIMEOUT,
    )  # fmt: skip
    return run


def causes(report: dict) -> dict[str, dict]:
    """cause -> the first finding naming it."""
    found: dict[str, dict] = {}
    for finding in report["findings"]:
        if finding["cause"]:
            found.setdefault(finding["cause"], finding)
    return found


def summaries(report: dict) -> str:
    return "\n".join(f["summary"] for f in report["findings"]).lower()


def assert_api_unreachable(run, *words: str) -> dict:
    run.assert_calm(3)
    report = run.json()
    assert report["verdict"] == "unreachable", report
    finding = causes(report).get("api-unreachable")
    assert finding is not None, report["findings"]
    assert finding["status"] in ("fail", "error")
    for word in words:
        assert word.lower() in finding["summary"].lower(), finding["summary"]
    assert "\n" not in finding["summary"]
    return report


def test_api_down_is_unreachable_exit_3(doctor, shop_db):
    run = check(doctor, shop_db, f"http://127.0.0.1:{fs.dead_port()}")
    assert_api_unreachable(run)


def test_hung_api_is_given_up_on_at_the_timeout(doctor, shop_db):
    with fs.FaultServer(fs.hung) as server:
        run = check(doctor, shop_db, server.url)
    assert server.accepted >= 1  # the doctor did reach it, and then gave up on it
    assert_api_unreachable(run)


def test_hung_api_with_a_request_still_reads_the_database(doctor, shop_db):
    """With a request the catalog first waits for the API (its path resolves against the
    exposed schemas); that wait is the API's time, not the database's: the catalog is read
    and only the API is unreachable (was: drift failed db-unreachable "cannot read the
    catalog: no answer within 2s")."""
    with fs.FaultServer(fs.hung) as server:
        run = check(doctor, shop_db, server.url, "--request", "GET /customers")
    report = assert_api_unreachable(run)
    assert "db-unreachable" not in causes(report), report["findings"]
    assert "cannot read the catalog" not in summaries(report)
    objects = [f for f in report["findings"] if f["check"] == "object"]
    assert objects and "exists" in objects[0]["summary"], objects
    # nothing came from PostgREST: the catalog says it exists, not that the cache has it
    assert objects[0]["status"] == "warn", objects
    assert "cached is unknown" in objects[0]["summary"], objects
    assert "and cached" not in objects[0]["summary"], objects


def test_api_resetting_connections_is_unreachable(doctor, shop_db):
    with fs.FaultServer(fs.close_at_once) as server:
        run = check(doctor, shop_db, server.url)
    assert_api_unreachable(run)


def test_api_answering_500_is_not_called_healthy(doctor, shop_db):
    with fs.FaultServer(fs.ERROR_500) as server:
        run = check(doctor, shop_db, server.url)
    run.assert_calm(3)
    report = run.json()
    assert report["verdict"] == "unreachable"
    assert "500" in summaries(report)


def test_fake_postgrest_answering_404_to_everything_is_undetermined(doctor, shop_db):
    """It claims PostgREST 12 but serves no OpenAPI document: the cache cannot be compared
    with the database, so the verdict is undetermined (exit 5), never healthy."""
    with fs.FaultServer(fs.pgrst12_404) as server:
        run = check(doctor, shop_db, server.url)
        plain = doctor("check", "--db-url", shop_db, "--api-url", server.url,
                       "--timeout", str(TIMEOUT), budget=TIMEOUT)  # fmt: skip
    run.assert_calm(5)
    report = run.json()
    assert report["verdict"] == "undetermined", report
    drift = next(f for f in report["findings"] if f["check"] == "drift")
    assert drift["status"] in ("skipped", "error"), drift
    plain.assert_calm(5)
    assert "? undetermined" in plain.stdout and "✓ healthy" not in plain.stdout


def test_api_answering_html_is_not_called_healthy(doctor, shop_db):
    with fs.FaultServer(fs.NON_JSON) as server:
        run = check(doctor, shop_db, server.url)
    run.assert_calm(3)
    report = run.json()
    assert report["verdict"] == "unreachable"
    assert "postgrest" in summaries(report)


def test_huge_body_is_read_with_a_size_cap(doctor, shop_db):
    """A body larger than the OpenAPI cap: the doctor hangs up at its cap or its timeout,
    whichever comes first, and never reads (or queues) the body to its end."""
    total = OPENAPI_BODY + 64 * 1024 * 1024
    with fs.FaultServer(fs.huge_body(total)) as server:
        run = check(doctor, shop_db, server.url)
        server.stop()
    slack = 16 * 1024 * 1024  # kernel socket buffers on loopback
    assert server.bytes_sent <= OPENAPI_BODY + slack, f"read {server.bytes_sent} bytes"
    run.assert_calm(3)
    assert run.json()["verdict"] == "unreachable"


def test_redirect_loop_is_reported_not_followed_forever(doctor, shop_db):
    with fs.FaultServer(fs.redirect_loop) as server:
        run = check(doctor, shop_db, server.url)
    assert server.accepted < 20
    run.assert_calm(3)
    report = run.json()
    assert report["verdict"] == "unreachable"
    assert "redirect" in summaries(report) or "302" in summaries(report)


def test_tls_with_an_untrusted_certificate_is_unreachable(doctor, shop_db, tmp_path):
    with fs.FaultServer(fs.ok_json, tls=fs.self_signed_context(tmp_path)) as server:
        run = check(doctor, shop_db, server.url)
    assert_api_unreachable(run, "certificate")


@pytest.mark.parametrize("kind", ["forged", "expired", "garbage"])
def test_wrong_key_is_auth_rejected_pgrst301(doctor, sandbox12, kind):
    """A real PostgREST and a key it must reject: signed with another secret, expired, or not a
    JWT at all (401 PGRST301)."""
    from tui.sandbox import jwt

    keys = {
        "forged": jwt.role_key("anon", jwt.new_secret()),
        "expired": jwt.sign({"role": "anon", "exp": 1_000_000_000}, sandbox12.jwt_secret),
        "garbage": "eyJnot-a.jwt-at.all-Qx81",
    }
    key = keys[kind]
    conn = sandbox12.connection()
    run = check(doctor, conn.db_url, conn.api_url, key=key)
    run.assert_calm(1)
    report = run.json()
    assert report["verdict"] == "not-cache"
    finding = causes(report)["auth-rejected"]
    assert finding["status"] == "fail"
    assert key not in run.output and key[-12:] not in run.output


def test_openapi_disabled_still_finds_a_stale_relationship(doctor, make_sandbox):
    """With openapi-mode disabled the doctor falls back to targeted probes (PGRST200)."""
    box = make_sandbox(
        "12", drift=["missing-relationship"], postgrest_extra={"openapi-mode": "disabled"}
    )
    conn = box.connection()
    run = check(
        doctor, conn.db_url, conn.api_url, "--symptom", "missing-relationship", key=conn.anon_key
    )
    run.assert_calm(1)
    report = run.json()
    assert report["verdict"] == "stale-cache", report
    assert any(o["kind"] == "relationship" for o in report["stale_objects"]), report


def test_everything_hung_still_ends_near_the_timeout(doctor):
    """Database, API and admin server all accept and never answer: every probe gives up."""
    with (
        fs.FaultServer(fs.hung) as db,
        fs.FaultServer(fs.hung) as api,
        fs.FaultServer(fs.hung) as admin,
    ):
        run = doctor(
            "check", "--json", "--timeout", "1",
            "--db-url", f"postgresql://postgres:pw@127.0.0.1:{db.port}/postgres",
            "--api-url", api.url, "--admin-url", admin.url, "--api-key", KEY,
            budget=3,
        )  # fmt: skip
    run.assert_calm(3)
    report = run.json()
    assert report["verdict"] == "unreachable"
    assert {"db-unreachable", "api-unreachable"} <= set(causes(report))


def test_unresolvable_api_host_is_unreachable(doctor, shop_db):
    run = check(doctor, shop_db, "http://pgrst-doctor-no-such-host.invalid:3000")
    assert_api_unreachable(run)


def test_ctrl_c_during_a_hung_check_is_one_line_exit_130(shop_db):
    import os
    import signal
    import subprocess
    import sys
    import time

    with fs.FaultServer(fs.hung) as server:
        argv = [sys.executable, "-m", "tui", "check", "--db-url", shop_db, "--api-url",
                server.url, "--api-key", KEY, "--timeout", "30"]  # fmt: skip
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=os.environ.copy())  # fmt: skip
        try:
            deadline = time.monotonic() + 20
            while server.accepted == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert server.accepted >= 1, "the check never reached the API"
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=15)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert "Traceback" not in out + err, err
    assert proc.returncode == 130, (proc.returncode, err)
    assert err.strip().splitlines()[-1] == "pgrst-doctor: interrupted"


def test_human_output_under_faults_names_the_verdict_and_masks_the_password(doctor):
    with fs.FaultServer(fs.hung) as api:
        run = doctor(
            "check", "--timeout", "1", "--api-url", api.url,
            "--db-url", f"postgresql://postgres:Pw-Human-77@127.0.0.1:{fs.dead_port()}/x",
            budget=3,
        )  # fmt: skip
    run.assert_calm(3)
    assert "Verdict: ✗ unreachable" in run.stdout
    assert "[db-unreachable]" in run.stdout and "[api-unreachable]" in run.stdout
    assert "Pw-Human-77" not in run.output and "postgres:***@" in run.stdout


def test_swapped_ports_are_unreachable_not_a_crash(doctor, sandbox12):
    """The database URL on PostgREST's HTTP port and the API URL on PostgreSQL's port."""
    conn = sandbox12.connection()
    api_port = conn.api_url.rsplit(":", 1)[1]
    run = doctor(
        "check", "--json", "--timeout", "2",
        "--db-url", f"postgresql://postgres:pw@127.0.0.1:{api_port}/{sandbox12.dbname}",
        "--api-url", f"http://127.0.0.1:{sandbox12.cluster.port}",
        budget=2,
    )  # fmt: skip
    run.assert_calm(3)
    report = run.json()
    assert {"db-unreachable", "api-unreachable"} <= set(causes(report)), report["findings"]
