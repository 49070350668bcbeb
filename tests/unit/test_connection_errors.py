"""Which connection failures are the caller's configuration (exit 2) rather than an outage (3)."""

from __future__ import annotations

import pytest

from tui.core.knowledge.connection_errors import configuration_error


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
