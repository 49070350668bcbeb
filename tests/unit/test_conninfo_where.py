"""Reading a conninfo the way libpq does: overrides, lists, hostaddr, the PG* environment and
the service file decide where a reset would go, not the URL's visible host and path."""

from __future__ import annotations

import pytest

from tui.core.conninfo import (
    database_name,
    dialled,
    effective,
    is_this_machine,
    remote_hosts,
)
from tui.core.errors import UsageError

BASE = "postgresql://u@127.0.0.1:5432/scratch"


@pytest.mark.parametrize(
    ("conninfo", "env", "dbname"),
    [
        (BASE, {}, "scratch"),
        (BASE + "?dbname=prod", {}, "prod"),
        ("postgresql://u@127.0.0.1:5432", {"PGDATABASE": "prod"}, "prod"),
        (BASE, {"PGDATABASE": "prod"}, "scratch"),  # the URL's path wins over the environment
        ("postgresql://prod@127.0.0.1:5432", {}, "prod"),  # no dbname: the user name
    ],
)
def test_the_database_is_the_one_libpq_connects_to(conninfo, env, dbname) -> None:
    assert database_name(conninfo, env) == dbname


@pytest.mark.parametrize(
    ("conninfo", "env", "hosts"),
    [
        (BASE, {}, ["127.0.0.1"]),
        (BASE + "?host=db.example", {}, ["db.example"]),  # ?host= replaces the netloc's host
        (BASE + "?hostaddr=10.1.2.3", {}, ["10.1.2.3"]),  # hostaddr is what is dialled
        (BASE, {"PGHOSTADDR": "10.1.2.3"}, ["10.1.2.3"]),
        ("dbname=x", {"PGHOST": "db.example"}, ["db.example"]),
        ("postgresql://u@127.0.0.1,db.example:5433/x", {}, ["127.0.0.1", "db.example"]),
        ("host=a,b hostaddr=,10.1.2.3 dbname=x", {}, ["a", "10.1.2.3"]),
        ("postgresql://u@/x?host=/run/postgresql", {}, ["/run/postgresql"]),
    ],
)
def test_every_dialled_host_is_listed(conninfo, env, hosts) -> None:
    assert dialled(effective(conninfo, env)) == hosts


def test_a_service_file_fills_what_the_conninfo_leaves_out(tmp_path) -> None:
    services = tmp_path / "pg_service.conf"
    services.write_text(
        "# comment\n[other]\nhost=elsewhere\n[prod]\nhost=db.example\nhostaddr=10.9.8.7\n"
        "dbname=prod\n"
    )
    env = {"PGSERVICEFILE": str(services), "PGSYSCONFDIR": str(tmp_path / "none")}
    params = effective("postgresql://u@127.0.0.1/?service=prod", env)
    assert params["host"] == "127.0.0.1"  # the conninfo's own host wins
    assert params["hostaddr"] == "10.9.8.7" and params["dbname"] == "prod"
    assert effective(BASE, {**env, "PGSERVICE": "prod"})["hostaddr"] == "10.9.8.7"
    with pytest.raises(UsageError, match="not found"):
        effective(BASE, {**env, "PGSERVICE": "missing"})


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("", True),
        ("/tmp", True),
        ("@abstract", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("db.remote.invalid", False),  # not resolvable: not known to be this machine
        ("0.0.0.0", False),
        ("192.0.2.1", False),  # TEST-NET-1, assigned to nobody here
    ],
)
def test_this_machine_is_loopback_a_socket_or_a_local_interface(host, local) -> None:
    assert is_this_machine(host) is local


def test_remote_hosts_names_each_host_that_is_not_here() -> None:
    url = "postgresql://u@127.0.0.1,192.0.2.1,localhost/x"
    assert remote_hosts(url, {}) == ["192.0.2.1"]
    assert remote_hosts(BASE + "?hostaddr=192.0.2.1", {}) == ["192.0.2.1"]
    assert remote_hosts(BASE, {}) == []
