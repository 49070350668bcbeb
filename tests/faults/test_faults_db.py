"""The database side of the fault matrix, through `pgrst-doctor check --json` in a child process.

The API is a real PostgREST (sandbox); the database URL the doctor is given is broken in one
real way: nothing listening, a database that refuses connections, a wrong password checked by
SCRAM, a missing database or user, a server that accepts and never answers, a lock that makes
catalog queries wait, a backend killed mid-check, a hot standby.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import fault_servers as fs
import psycopg
import pytest
from psycopg import sql

pytestmark = pytest.mark.integration  # the real PostgreSQL / PostgREST stack

TIMEOUT = 2.0


def check(doctor, db_url: str, conn, *extra: str, timeout: float = TIMEOUT):
    return doctor(
        "check", "--json", "--db-url", db_url, "--api-url", conn.api_url,
        "--api-key", conn.anon_key, "--timeout", str(timeout), *extra,
        budget=timeout,
    )  # fmt: skip


def db_finding(report: dict) -> dict:
    for finding in report["findings"]:
        if finding["cause"] in ("db-unreachable", "db-login-rejected"):
            return finding
    raise AssertionError(f"no db-unreachable finding: {report['findings']}")


def assert_db_unreachable(run, *words: str, secret: str | None = None) -> dict:
    run.assert_calm(3)
    report = run.json()
    assert report["verdict"] == "unreachable", report
    finding = db_finding(report)
    assert finding["status"] in ("fail", "error")
    assert "\n" not in finding["summary"]
    for word in words:
        assert word.lower() in finding["summary"].lower(), finding["summary"]
    if secret:
        assert secret not in run.output
    return finding


def test_database_down_is_unreachable_exit_3(doctor, sandbox12, db_down_url):
    run = check(doctor, db_down_url, sandbox12.connection())
    assert_db_unreachable(run, "refused", secret=":postgres@")


def test_database_refusing_connections_is_unreachable(doctor, sandbox12, db_refusing_url):
    run = check(doctor, db_refusing_url, sandbox12.connection())
    assert_db_unreachable(run, "not currently accepting connections")


def assert_configuration_error(run, line: str, *words: str, secret: str | None = None) -> None:
    """A login the server rejects is the caller's configuration: exit 2, one clear line on
    stderr naming where the URL came from (here the --db-url flag), and the JSON report with
    the verdict that says the same (misconfigured, exit 2) on stdout for scripts."""
    run.assert_calm(2)
    assert line in run.stderr and "the --db-url flag" in run.stderr, run.stderr
    report = run.json()
    assert report["verdict"] == "misconfigured", report
    assert db_finding(report)["cause"] == "db-login-rejected", report
    summary = db_finding(report)["summary"]
    for word in words:
        assert word.lower() in summary.lower(), summary
    if secret:
        assert secret not in run.output


def test_wrong_password_is_a_configuration_error_without_the_password(
    doctor, sandbox12, scram_user
):
    wrong = "wrong-Pq7Zx19"
    run = check(doctor, scram_user.dsn(sandbox12.dbname, password=wrong), sandbox12.connection())
    assert_configuration_error(
        run, "rejected the password for user", "password authentication failed", secret=wrong
    )


def test_a_wrong_password_from_the_environment_names_the_variable(doctor, sandbox12, scram_user):
    """Words, verdict and exit code agree, and the line says which setting to fix."""
    wrong = "wrong-Env4k2"
    conn = sandbox12.connection()
    run = doctor(
        "check", "--json", "--api-url", conn.api_url, "--api-key", conn.anon_key,
        "--timeout", str(TIMEOUT), budget=TIMEOUT,
        env={"DATABASE_URL": scram_user.dsn(sandbox12.dbname, password=wrong)},
    )  # fmt: skip
    run.assert_calm(2)
    assert "rejected the password" in run.stderr
    assert "the environment variable DATABASE_URL" in run.stderr, run.stderr
    assert run.json()["verdict"] == "misconfigured"
    assert wrong not in run.output


def test_missing_database_is_a_configuration_error(doctor, sandbox12, db_missing_database_url):
    run = check(doctor, db_missing_database_url, sandbox12.connection())
    assert_configuration_error(run, "there is no database", "does not exist")


def test_unknown_user_is_a_configuration_error(doctor, sandbox12, db_unknown_user_url):
    run = check(doctor, db_unknown_user_url, sandbox12.connection())
    assert_configuration_error(run, "the database has no user", "does not exist")


def test_database_that_accepts_and_never_answers_is_given_up_on(doctor, sandbox12):
    with fs.FaultServer(fs.hung) as server:
        url = f"postgresql://postgres:postgres@127.0.0.1:{server.port}/postgres"
        run = check(doctor, url, sandbox12.connection())
    assert server.accepted >= 1
    assert_db_unreachable(run)


def test_catalog_lock_makes_the_check_give_up_at_its_timeout(doctor, sandbox12, hold_lock):
    """Another session holds ACCESS EXCLUSIVE on pg_class: every catalog read waits."""
    hold_lock(sandbox12.db_url, sql.Identifier("pg_catalog", "pg_class"))
    run = check(doctor, sandbox12.db_url, sandbox12.connection())
    run.assert_calm(3)
    report = run.json()
    assert report["verdict"] == "unreachable"
    assert "no answer within 2s" in db_finding(report)["summary"]


def test_pg_sleep_behind_the_api_is_given_up_on(doctor, make_sandbox):
    """A real PostgREST whose every data request runs a pre-request function that sleeps 60 s:
    the doctor's one request that reaches the database (the OpenAPI document) is given up on
    at the timeout and said so; the failing request never reaches it (cache-only form)."""
    box = make_sandbox("12", postgrest_extra={"db-pre-request": "public.doctor_fault_sleep"})
    box.execute(
        "CREATE FUNCTION public.doctor_fault_sleep() RETURNS void LANGUAGE sql "
        "AS $$ SELECT pg_sleep(60) $$; GRANT EXECUTE ON FUNCTION public.doctor_fault_sleep() TO anon;"
    )
    assert box.postgrest is not None
    box.postgrest.restart()  # a fresh cache that knows the function: only the sleep is wrong
    try:
        run = check(doctor, box.db_url, box.connection(), "--request", "GET /customers")
    finally:  # let PostgREST stop at once instead of waiting for the sleeping requests
        box.execute(
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE '%doctor_fault_sleep%' AND pid <> pg_backend_pid()"
        )
    run.assert_calm(3)
    report = run.json()
    assert report["verdict"] == "unreachable"
    # the request is asked of the cache alone, so the sleeping function never runs for it;
    # the OpenAPI document (it reads the catalog, after db-pre-request) is what hangs
    request = next(f for f in report["findings"] if f["check"] == "request")
    assert request["status"] == "pass" and "nothing was sent" in request["summary"], request
    drift = next(f for f in report["findings"] if f["check"] == "drift")
    assert drift["cause"] == "api-unreachable" and "no answer within 2s" in drift["summary"]


def test_backend_killed_mid_check_is_reported_not_a_traceback(sandbox12, hold_lock):
    """pg_terminate_backend on the doctor's catalog session while it waits on a lock on pg_enum
    (not on pg_class: that would stall the connection itself, before it has a name)."""
    holder = hold_lock(sandbox12.db_url, sql.Identifier("pg_catalog", "pg_enum"))
    conn = sandbox12.connection()
    argv = [
        sys.executable, "-m", "tui", "check", "--json", "--db-url", conn.db_url,
        "--api-url", conn.api_url, "--api-key", conn.anon_key, "--timeout", "20",
    ]  # fmt: skip
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = 0
    try:
        with psycopg.connect(conn.db_url, autocommit=True) as admin:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not killed:
                rows = admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgrst-doctor' "
                    "AND datname = current_database() AND wait_event_type = 'Lock' AND pid <> %s",
                    (holder.pid,),
                ).fetchall()
                for (pid,) in rows:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
                    killed += 1
                time.sleep(0.05)
        holder.release()
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert killed >= 1, "the doctor never waited on the lock"
    assert "Traceback" not in out + err, err
    assert proc.returncode == 3, (proc.returncode, err)
    report = json.loads(out)
    assert report["verdict"] == "unreachable"
    drift = next(f for f in report["findings"] if f["check"] == "drift")
    assert drift["cause"] == "db-unreachable", drift
    assert "terminating connection" in drift["summary"], drift


def test_lock_on_one_catalog_table_is_not_called_healthy(doctor, sandbox12, hold_lock):
    """The catalog snapshot waits on pg_enum past the timeout: never healthy. A new session
    may wait too: when its relcache init file must be rebuilt (autovacuum of a catalog
    invalidates it), PostgreSQL opens every catalog with a syscache, pg_enum included; then
    the database itself gave no answer and drift is skipped for that reason, not passed."""
    hold_lock(sandbox12.db_url, sql.Identifier("pg_catalog", "pg_enum"))
    run = check(doctor, sandbox12.db_url, sandbox12.connection())
    run.assert_calm(3)
    report = run.json()
    assert report["verdict"] == "unreachable"
    by_check = {f["check"]: f for f in report["findings"]}
    database, drift = by_check["database"], by_check["drift"]
    if database["status"] == "fail":  # the session itself waited on the lock
        assert database["cause"] == "db-unreachable", report["findings"]
        assert drift["status"] == "skipped" and "needs the catalog" in drift["summary"]
        return
    assert drift["status"] == "fail" and drift["cause"] == "db-unreachable", report["findings"]
    assert "no answer within 2s" in drift["summary"] or "lock timeout" in drift["summary"]


def test_standby_target_is_named_as_a_standby(doctor, sandbox12, standby):
    """A real hot standby (pg_basebackup -R) of the cluster: NOTIFY cannot reach it."""
    replica = standby.dsn(sandbox12.dbname)  # sandbox12 exists before the base backup
    run = check(doctor, replica, sandbox12.connection())
    run.assert_calm(0)
    report = run.json()
    text = json.dumps(report["findings"]).lower()
    assert "standby" in text or "recovery" in text, report["findings"]
    assert "notify" not in report["remedies"], report["remedies"]


def test_notify_to_a_standby_is_refused_with_the_reason(doctor, sandbox12, standby):
    """Drift on the primary reaches the standby by replication; PostgREST (on the primary) is
    stale. Pointed at the standby, `reload --method notify` refuses: NOTIFY cannot run there."""
    sandbox12.apply_drift(["missing-table"])
    replica = standby.dsn(sandbox12.dbname)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with psycopg.connect(replica) as conn:
            if conn.execute("SELECT to_regclass('public.invoices')").fetchone()[0]:
                break
        time.sleep(0.1)
    conn = sandbox12.connection()
    run = doctor(
        "reload", "--method", "notify", "--json", "--timeout", "3", "--db-url", replica,
        "--api-url", conn.api_url, "--api-key", conn.anon_key,
        budget=30,
    )  # fmt: skip
    run.assert_calm(4)
    step = run.json()["steps"][0]
    assert step["step"] == "notify" and step["status"] == "refused", step
    assert "standby" in step["summary"]


def test_ssl_required_by_the_url_but_not_offered_is_one_clear_finding(doctor, sandbox12):
    run = check(doctor, sandbox12.db_url + "?sslmode=require", sandbox12.connection())
    assert_db_unreachable(run, "SSL")
