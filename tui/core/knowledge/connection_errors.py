"""Database connection failures that are the caller's configuration, not an outage.

A wrong password, an unknown user or database is bad input (exit 2): retrying or waiting
will not help, fixing the URL will. Everything else that fails to connect is unreachable (3).
libpq reports these without a SQLSTATE, so they are recognised by the server's message.
"""

from __future__ import annotations

import re

# server message pattern -> what to tell the user (one line, never the URL itself); searched
# with re's own cache, so only a failed connection compiles them
CONFIG_ERRORS: tuple[tuple[str, str], ...] = (
    (
        r'password authentication failed for user "([^"]*)"',
        "the database rejected the password for user {0!r}",
    ),
    (
        r'role "([^"]*)" does not exist',
        "the database has no user {0!r}",
    ),
    (
        r'database "([^"]*)" does not exist',
        "there is no database {0!r} on that server",
    ),
    (
        r"no pg_hba\.conf entry for host",
        "the database refuses logins from this host/user (pg_hba.conf)",
    ),
)


def configuration_error(message: str) -> str | None:
    """The one-line explanation when a connection error is a configuration mistake."""
    for pattern, text in CONFIG_ERRORS:
        if match := re.search(pattern, message):
            return text.format(*match.groups())
    return None


# The server ending a wait at the bounds pg.connect sets to --timeout (lock_timeout,
# statement_timeout): while a session starts too, when a lock on a catalog it must read
# (its relcache init file invalidated) ends it with FATAL instead of an answer.
SERVER_GAVE_UP: tuple[tuple[str, str], ...] = (
    ("canceling statement due to lock timeout", "waiting for a lock another session holds"),
    ("canceling statement due to statement timeout", "the statement ran past statement_timeout"),
)


def server_gave_up(message: str) -> str | None:
    """Why the server itself stopped waiting at the doctor's time bound, if it did."""
    return next((why for text, why in SERVER_GAVE_UP if text in message), None)
