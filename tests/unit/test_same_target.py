"""Which parts of a target reach what another reaches: libpq's reading of the database URL
(query parameters, default port, loopback spellings), the API's scheme, host, port and path."""

from __future__ import annotations

import dataclasses

import pytest

from tui.core.same_target import shared_parts
from tui.core.target import Target

BASE = Target(db_url="postgresql://u:pw@127.0.0.1:5432/shop", api_url="http://127.0.0.1:3000")


@pytest.mark.parametrize(
    ("db_url", "same"),
    [
        ("postgresql://other:secret@127.0.0.1:5432/shop", True),  # user, password: same db
        ("postgres://u@localhost/shop", True),  # default port, loopback spelled otherwise
        ("postgresql://u@127.0.0.1:5432/x?dbname=shop", True),  # libpq: ?dbname= wins
        ("postgresql://u@db.invalid:5432/shop?host=127.0.0.1", True),  # and ?host=
        ("postgresql://u@127.0.0.1:5432/postgres", False),
        ("postgresql://u@127.0.0.1:5433/shop", False),
        ("postgresql://u@10.0.0.9:5432/shop", False),
        ("postgresql://u@127.0.0.1:5432/shop?dbname=other", False),
    ],
)
def test_the_database_is_where_libpq_connects(db_url, same):
    edited = dataclasses.replace(BASE, db_url=db_url)
    assert ("db" in shared_parts(edited, BASE)) is same


@pytest.mark.parametrize(
    ("api_url", "same"),
    [
        ("http://localhost:3000/", True),
        ("HTTP://127.0.0.1:3000", True),
        ("http://127.0.0.1:3001", False),
        ("https://127.0.0.1:3000", False),
        ("http://127.0.0.1:3000/rest/v1", False),
    ],
)
def test_the_api_is_scheme_host_port_and_path(api_url, same):
    edited = dataclasses.replace(BASE, api_url=api_url)
    assert ("api" in shared_parts(edited, BASE)) is same


def test_a_fleet_is_the_same_api_only_with_the_same_instances():
    fleet = dataclasses.replace(BASE, api_urls=("http://127.0.0.1:3000", "http://127.0.0.1:3001"))
    assert shared_parts(fleet, fleet) == ("db", "api")
    assert shared_parts(BASE, fleet) == ("db",)
