"""The faults are real: each server and database fixture misbehaves the way its name says.

If one of these fails, a fault-matrix test built on it would prove nothing.
"""

from __future__ import annotations

import fault_servers as fs
import httpx
import psycopg
import pytest
from psycopg import sql

pytestmark = pytest.mark.integration  # the real PostgreSQL / PostgREST stack


def test_hung_server_accepts_and_never_answers():
    with fs.FaultServer(fs.hung) as server, pytest.raises(httpx.ReadTimeout):
        httpx.get(server.url, timeout=httpx.Timeout(5, read=0.5))
    assert server.accepted == 1


def test_error_and_non_json_servers_answer_what_they_say():
    with fs.FaultServer(fs.ERROR_500) as broken, fs.FaultServer(fs.NON_JSON) as html:
        assert httpx.get(broken.url, timeout=5).status_code == 500
        answer = httpx.get(html.url, timeout=5)
        assert answer.status_code == 200
        with pytest.raises(ValueError):
            answer.json()


def test_huge_body_server_streams_until_the_client_leaves():
    with fs.FaultServer(fs.huge_body()) as server:
        with httpx.stream("GET", server.url, timeout=5) as answer:
            assert int(answer.headers["content-length"]) == fs.HUGE_BODY_BYTES
            read = 0
            for chunk in answer.iter_bytes():
                read += len(chunk)
                if read > 1_000_000:
                    break
        server.stop()
        assert server.bytes_sent < fs.HUGE_BODY_BYTES // 4


def test_redirect_loop_never_ends():
    with fs.FaultServer(fs.redirect_loop) as server, pytest.raises(httpx.TooManyRedirects):
        httpx.get(server.url, timeout=5, follow_redirects=True)


def test_tls_server_has_an_untrusted_certificate(tmp_path):
    with fs.FaultServer(fs.ok_json, tls=fs.self_signed_context(tmp_path)) as server:
        assert server.url.startswith("https://")
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(server.url, timeout=5)
        assert httpx.get(server.url, timeout=5, verify=False).status_code == 200


def test_close_at_once_server_resets_the_connection():
    with fs.FaultServer(fs.close_at_once) as server, pytest.raises(httpx.TransportError):
        httpx.get(server.url, timeout=5)


def test_database_faults_give_real_errors(
    db_down_url, db_missing_database_url, db_unknown_user_url, db_refusing_url
):
    expected = {
        db_down_url: "(?i)connection refused",
        db_missing_database_url: "does not exist",
        db_unknown_user_url: "does not exist",
        db_refusing_url: "not currently accepting connections",
    }
    for dsn, message in expected.items():
        with pytest.raises(psycopg.OperationalError, match=message):
            psycopg.connect(dsn, connect_timeout=3)


def test_scram_user_rejects_a_wrong_password_and_accepts_the_right_one(scram_user):
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(scram_user.dsn("postgres", password="wrong"), connect_timeout=3)
    with psycopg.connect(scram_user.dsn("postgres"), connect_timeout=3) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (scram_user.user,)


def test_lock_holder_makes_catalog_readers_wait(sandbox12, hold_lock):
    holder = hold_lock(sandbox12.db_url, sql.Identifier("public", "customers"))
    with psycopg.connect(sandbox12.db_url, autocommit=True) as conn:
        conn.execute("SET statement_timeout = '300ms'")
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("SELECT count(*) FROM public.customers")
        waiting = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE pid = %s AND mode = 'AccessExclusiveLock'",
            (holder.pid,),
        ).fetchone()
        assert waiting == (1,)


def test_standby_is_a_real_hot_standby_of_the_session_cluster(standby):
    with psycopg.connect(standby.dsn("shop_template"), connect_timeout=5) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        assert conn.execute("SELECT count(*) FROM public.customers").fetchone() == (2,)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TABLE nope (id int)")
