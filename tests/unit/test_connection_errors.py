"""Which connection failures are the caller's configuration (exit 2) rather than an outage (3)."""

from __future__ import annotations

import pytest

from tui.core.knowledge.connection_errors import configuration_error, server_gave_up


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            'FATAL:  password authentication failed for user "app"',
            "rejected the password for user 'app'",
        ),
        ('FATAL:  role "nobody" does not exist', "has no user 'nobody'"),
        ('FATAL:  database "nodb" does not exist', "no database 'nodb'"),
        ('FATAL:  no pg_hba.conf entry for host "10.0.0.1", user "x"', "pg_hba.conf"),
    ],
)
def test_login_rejections_are_configuration_errors(message: str, expected: str) -> None:
    explanation = configuration_error(f"connection failed: {message}")
    assert explanation is not None and expected in explanation


@pytest.mark.parametrize(
    "message",
    [
        "connection refused",
        "FATAL:  the database system is not currently accepting connections",
        "no answer within 5s",
        "",
    ],
)
def test_outages_are_not_configuration_errors(message: str) -> None:
    assert configuration_error(message) is None


@pytest.mark.parametrize(
    ("message", "expected"),
    [  # a session that starts behind a lock on pg_class (seen in CI), and a long statement
        ('connection failed: connection to server at "127.0.0.1", port 40321 failed: '
         "FATAL:  canceling statement due to lock timeout", "a lock another session holds"),
        ("canceling statement due to statement timeout", "statement_timeout"),
        ("connection refused", None),
        ("canceling statement due to user request", None),
    ],
)  # fmt: skip
def test_the_servers_own_time_bounds_are_told_from_outages(
    message: str, expected: str | None
) -> None:
    why = server_gave_up(message)
    assert why == expected if expected is None else why is not None and expected in why
