"""How a conninfo reaches child programs: libpq's reading, nothing secret left for argv."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from tui.core import conninfo
from tui.core.errors import UsageError

# (conninfo, the secret pieces a person planted) for every form a password can take
FORMS = [
    ("postgresql://app:S3cretUserinfo@127.0.0.1:5432/shop", ["S3cretUserinfo"]),
    ("postgresql://app@127.0.0.1:5432/shop?password=S3cretParam", ["S3cretParam"]),
    ("host=127.0.0.1 port=5432 dbname=shop user=app password='S3cret Keyword'", ["S3cret Keyword"]),
    ("postgresql://app:S3c%40ret%3AEnc@127.0.0.1/shop", ["S3c@ret:Enc", "S3c%40ret%3AEnc"]),
    ("postgresql://app:FirstH@RawF6@127.0.0.1:5432/shop", ["FirstH@RawF6", "FirstH", "RawF6"]),
    ("postgresql://app:Col:on@127.0.0.1/shop", ["Col:on"]),
    ("postgresql://app:Sla/shZZ@127.0.0.1/shop", ["Sla/shZZ", "shZZ"]),
    ("postgresql://app@127.0.0.1/shop?sslpassword=S3cretSslKey", ["S3cretSslKey"]),
]


@pytest.mark.parametrize(("dsn", "planted"), FORMS)
def test_argv_conninfo_holds_no_secret_and_env_reproduces_libpq(dsn: str, planted: list[str]):
    argv_part, env = conninfo.child_env(dsn, base={"PGHOST": "elsewhere"})
    for secret in planted:
        assert secret not in argv_part
    # what the child's libpq sees: argv conninfo, then the service file, then the environment
    seen = dict(conninfo_to_dict(argv_part))
    if "PGSERVICEFILE" in env:
        text = Path(env["PGSERVICEFILE"]).read_text()
        mode = stat.S_IMODE(Path(env["PGSERVICEFILE"]).stat().st_mode)
        assert mode == 0o600
        seen.update(line.split("=", 1) for line in text.splitlines()[1:])
    variables = {var: key for key, (var, _) in conninfo._keywords().items() if var}
    seen.update({variables[k]: v for k, v in env.items() if k in variables})
    assert seen.pop("service", conninfo.SERVICE_NAME) == conninfo.SERVICE_NAME
    assert seen == conninfo.parse(dsn)  # libpq's own reading, the override of PGHOST included


@pytest.mark.parametrize(("dsn", "planted"), FORMS)
def test_secret_values_cover_every_piece(dsn: str, planted: list[str]):
    values = conninfo.secret_values(dsn)
    for secret in planted:
        assert secret in values
    assert "app" not in values and "127.0.0.1" not in values and "shop" not in values


def test_raw_at_is_read_as_libpq_reads_it():
    """libpq ends the user info at the first "@": the rest becomes the host."""
    parsed = conninfo.parse("postgresql://app:FirstH@RawF6@127.0.0.1:5432/shop")
    assert parsed["password"] == "FirstH" and parsed["host"] == "RawF6@127.0.0.1"


def test_non_secret_keyword_without_variable_stays_in_argv():
    argv_part, env = conninfo.child_env("postgresql://u:pw12345@h/db?keepalives=1", base={})
    assert argv_part == "postgresql://?keepalives=1"
    assert env["PGPASSWORD"] == "pw12345"


def test_bad_conninfo_is_one_line_without_the_secret():
    with pytest.raises(UsageError) as err:
        conninfo.parse("postgresql://u:Hidden%zzPw@h/db")
    assert "Hidden" not in str(err.value)


def test_a_named_service_is_merged_so_the_conninfo_still_wins(tmp_path: Path):
    """libpq ranks conninfo > service > PG* variables: the child gets its own service file,
    the user's section with the conninfo's parameters (password included) laid over it."""
    user_file = tmp_path / "pg_service.conf"
    user_file.write_text("# mine\n[other]\nhost=nowhere\n[mysvc]\nhost=db.internal\nport=6432\n"
                         "dbname=fromservice\n\n[later]\nport=1\n")  # fmt: skip
    env_in = {"PGSERVICEFILE": str(user_file), "PGHOST": "ignored-by-libpq"}
    argv_part, env = conninfo.child_env(
        "postgresql:///shop?service=mysvc&password=S3cretSvc", base=env_in
    )
    assert argv_part == conninfo.BARE_URL and env["PGSERVICE"] == conninfo.SERVICE_NAME
    written = Path(env["PGSERVICEFILE"])
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    lines = written.read_text().splitlines()
    assert lines[0] == f"[{conninfo.SERVICE_NAME}]"
    assert dict(line.split("=", 1) for line in lines[1:]) == {
        "host": "db.internal", "port": "6432", "dbname": "shop", "password": "S3cretSvc",
    }  # fmt: skip
