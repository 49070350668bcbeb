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


def test_a_unix_socket_is_the_server_that_owns_its_port_when_the_socket_exists(tmp_path):
    """libpq's host=/dir reaches <dir>/.s.PGSQL.<port>: PostgreSQL names it after the port it
    also listens on over TCP, so an existing socket is this machine's server on that port."""
    import socket

    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / ".s.PGSQL.5432"))
        for db_url, same in (
            (f"postgresql:///shop?host={tmp_path}", True),  # port 5432, libpq's default
            (f"postgresql://%2F{str(tmp_path)[1:].replace('/', '%2F')}/shop", True),
            (f"host={tmp_path} port=5432 dbname=shop", True),
            (f"postgresql:///shop?host={tmp_path}&port=5433", False),  # no such socket
            (f"postgresql:///shop?host={tmp_path}/elsewhere", False),
            (f"postgresql:///postgres?host={tmp_path}", False),  # another database
        ):
            edited = dataclasses.replace(BASE, db_url=db_url)
            assert ("db" in shared_parts(edited, BASE)) is same, db_url


API = "http://127.0.0.1:3000"
GATEWAY = "http://127.0.0.1:54321/rest/v1"


@pytest.mark.parametrize(
    ("start_api", "start_admin", "edited_api", "admin"),
    [
        (API, "http://127.0.0.1:3001", "http://127.0.0.1:3002", None),  # another instance
        (API, "http://127.0.0.1:3001", "http://10.0.0.9:3000", None),  # another host
        (API, "http://127.0.0.1:3001", API, "http://127.0.0.1:3001"),  # typed back
        (GATEWAY, "http://127.0.0.1:54321/rest-admin/v1", "http://localhost:54329/rest/v1",
         "http://localhost:54329/rest-admin/v1"),  # a local gateway serves it beside the API
        (GATEWAY, "http://127.0.0.1:54321/rest-admin/v1", "https://p.supabase.co/rest/v1", None),
        (GATEWAY, "http://127.0.0.1:9999", "http://localhost:54329/rest/v1", None),  # not its
    ],
)  # fmt: skip
def test_the_admin_server_follows_an_edited_api_only_where_the_url_tells_it(
    start_api, start_admin, edited_api, admin
):
    first = dataclasses.replace(BASE, api_url=start_api, admin_url=start_admin,
                                sources={"api_url": "flag", "admin_url": "flag"})  # fmt: skip
    away = first.with_api("http://127.0.0.1:1", first, "wizard")  # its admin cleared
    back = start_admin if edited_api == start_api else None  # from there: only typed back
    for current, expected in ((first, admin), (away, back)):
        edited = current.with_api(edited_api, first, "wizard")
        assert edited.admin_url == expected
        assert ("admin_url" in edited.sources) is (expected is not None)
