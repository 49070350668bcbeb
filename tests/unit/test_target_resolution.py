"""Target resolution: flags > env > supabase/config.toml > Supabase local defaults, validation
with one clear line, and masking that never lets a secret through."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.errors import UsageError
from tui.core.target import mask_key, mask_url, resolve_target

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlLXNlY3JldA"
SERVICE = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2VydmljZS1zZWNyZXQ"


def write_config(folder: Path, body: str) -> Path:
    (folder / "supabase").mkdir(parents=True, exist_ok=True)
    path = folder / "supabase" / "config.toml"
    path.write_text(body)
    return path


def test_defaults_are_the_supabase_local_stack(tmp_path: Path) -> None:
    target = resolve_target({}, env={}, cwd=tmp_path)
    assert target.api_url == "http://127.0.0.1:54321/rest/v1"
    assert target.db_url == "postgresql://postgres:postgres@127.0.0.1:54322/postgres"
    assert target.admin_url == "http://127.0.0.1:54321/rest-admin/v1"
    assert target.timeout == 5.0
    assert target.channel == "pgrst"
    assert target.api_key is None
    assert target.sources["api_url"] == "default"
    assert target.sources["db_url"] == "default"


def test_flags_win_over_env_and_project(tmp_path: Path) -> None:
    write_config(tmp_path, "[api]\nport = 60001\n[db]\nport = 60002\n")
    env = {"PGRST_DOCTOR_DB_URL": "postgresql://u:p@envhost:5432/db", "ANON_KEY": "envkey"}
    target = resolve_target(
        {
            "db_url": "postgresql://a:b@flaghost:6000/x",
            "api_url": "http://flaghost:3000/",
            "api_key": JWT,
            "timeout": "2.5",
            "channel": "other",
        },
        env=env,
        cwd=tmp_path,
    )
    assert target.db_url == "postgresql://a:b@flaghost:6000/x"
    assert target.api_url == "http://flaghost:3000"  # trailing slash dropped
    assert target.api_key == JWT
    assert target.timeout == 2.5
    assert target.channel == "other"
    assert target.admin_url is None  # the project's admin URL belongs to the project's API
    assert target.sources["db_url"] == "flag"
    assert target.sources["api_key"] == "flag"


@pytest.mark.parametrize(
    ("env", "expected_db", "source"),
    [
        (
            {"PGRST_DOCTOR_DB_URL": "postgresql://a@h1/x", "DATABASE_URL": "postgres://b@h2/y"},
            "postgresql://a@h1/x",
            "env:PGRST_DOCTOR_DB_URL",
        ),
        (
            {"SUPABASE_DB_URL": "postgresql://a@h1/x", "DATABASE_URL": "postgres://b@h2/y"},
            "postgresql://a@h1/x",
            "env:SUPABASE_DB_URL",
        ),
        ({"DATABASE_URL": "postgres://b@h2/y"}, "postgres://b@h2/y", "env:DATABASE_URL"),
    ],
)
def test_db_url_env_precedence(
    tmp_path: Path, env: dict[str, str], expected_db: str, source: str
) -> None:
    target = resolve_target({}, env=env, cwd=tmp_path)
    assert target.db_url == expected_db
    assert target.sources["db_url"] == source


def test_api_env_names_and_supabase_url(tmp_path: Path) -> None:
    both = {"PGRST_DOCTOR_API_URL": "http://a:3000", "API_URL": "http://b:3000"}
    assert resolve_target({}, env=both, cwd=tmp_path).api_url == "http://a:3000"
    assert resolve_target({}, env={"API_URL": "http://b:3000"}, cwd=tmp_path).api_url == (
        "http://b:3000"
    )
    supa = resolve_target({}, env={"SUPABASE_URL": "https://xyz.supabase.co/"}, cwd=tmp_path)
    assert supa.api_url == "https://xyz.supabase.co/rest/v1"
    assert supa.sources["api_url"] == "env:SUPABASE_URL"


def test_keys_from_env(tmp_path: Path) -> None:
    env = {"SUPABASE_ANON_KEY": JWT, "SUPABASE_SERVICE_ROLE_KEY": SERVICE}
    target = resolve_target({}, env=env, cwd=tmp_path)
    assert (target.api_key, target.service_key) == (JWT, SERVICE)
    assert target.sources["api_key"] == "env:SUPABASE_ANON_KEY"
    env = {"ANON_KEY": "first", "SUPABASE_ANON_KEY": "second", "SERVICE_ROLE_KEY": "svc"}
    target = resolve_target({}, env=env, cwd=tmp_path)
    assert (target.api_key, target.service_key) == ("first", "svc")


def test_admin_url_from_env(tmp_path: Path) -> None:
    env = {"PGRST_DOCTOR_API_URL": "http://h:3000", "PGRST_DOCTOR_ADMIN_URL": "http://h:3001"}
    target = resolve_target({}, env=env, cwd=tmp_path)
    assert target.admin_url == "http://h:3001"


def test_project_config_is_found_upward(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        '[api]\nport = 60001\nschemas = ["public", "api"]\n'
        'extra_search_path = ["public", "extensions"]\n\n[db]\nport = 60002\n',
    )
    deep = tmp_path / "app" / "src"
    deep.mkdir(parents=True)
    target = resolve_target({}, env={}, cwd=deep)
    assert target.api_url == "http://127.0.0.1:60001/rest/v1"
    assert target.admin_url == "http://127.0.0.1:60001/rest-admin/v1"
    assert target.db_url == "postgresql://postgres:postgres@127.0.0.1:60002/postgres"
    assert target.schemas_hint == ("public", "api")
    assert target.extra_search_path == ("public", "extensions")
    assert target.project_dir == tmp_path.resolve()
    assert target.sources["api_url"] == f"project:{config.resolve()}"


def test_env_wins_over_project_config(tmp_path: Path) -> None:
    write_config(tmp_path, "[api]\nport = 60001\n[db]\nport = 60002\n")
    target = resolve_target({}, env={"API_URL": "http://other:3000"}, cwd=tmp_path)
    assert target.api_url == "http://other:3000"
    assert target.admin_url is None
    assert target.db_url.endswith(":60002/postgres")


def test_project_dir_flag(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    write_config(project, "[db]\nport = 61000\n")
    target = resolve_target({"project_dir": str(project)}, env={}, cwd=tmp_path)
    assert target.db_url.endswith(":61000/postgres")
    assert target.api_url == "http://127.0.0.1:54321/rest/v1"  # no [api] port -> default
    assert target.sources["project_dir"] == "flag"


def test_project_dir_without_config_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no supabase/config\.toml"):
        resolve_target({"project_dir": str(tmp_path)}, env={}, cwd=tmp_path)


def test_broken_config_toml_is_one_line(tmp_path: Path) -> None:
    write_config(tmp_path, "[api\nport = ")
    with pytest.raises(UsageError, match="not valid TOML") as err:
        resolve_target({}, env={}, cwd=tmp_path)
    assert "\n" not in str(err.value)


def test_config_port_must_be_a_number(tmp_path: Path) -> None:
    write_config(tmp_path, '[db]\nport = "abc"\n')
    with pytest.raises(UsageError, match=r"\[db\] port"):
        resolve_target({}, env={}, cwd=tmp_path)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"db_url": "mysql://u:hunter2@h/db"}, "postgresql://"),
        ({"db_url": "host=h password=hunter2"}, "no scheme"),
        ({"db_url": "postgresql://u:hunter2@h:54x2/db"}, "port must be a number"),
        ({"db_url": "postgresql://u:hunter2@:5432/db"}, "no host"),
        ({"db_url": "postgresql://u:hunter2@h:99999/db"}, "port must be a number"),
        ({"api_url": "ftp://h/"}, "http:// or https://"),
        ({"api_url": "127.0.0.1:3000"}, "http:// or https://"),
        ({"api_url": "http://:3000"}, "no host"),
        ({"api_url": "http://h:30x0"}, "port must be a number"),
        ({"api_url": "http://h:3000/?apikey=hunter2"}, r"without \?query"),
        ({"api_key": "eyJ abc hunter2"}, "does not look like a key"),
        ({"api_key": "eyJ\x07hunter2"}, "does not look like a key"),
        ({"service_key": "hunter2\nline"}, "does not look like a key"),
        ({"timeout": "0"}, "positive"),
        ({"timeout": "-1"}, "positive"),
        ({"timeout": "nan"}, "positive"),
        ({"timeout": "soon"}, "number of seconds"),
        ({"channel": "x" * 64}, "1 to 63 bytes"),
    ],
)
def test_bad_input_is_one_line_without_the_secret(
    tmp_path: Path, flags: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError, match=message) as err:
        resolve_target(flags, env={}, cwd=tmp_path)
    text = str(err.value)
    assert "\n" not in text
    assert "hunter2" not in text


def test_bad_env_value_names_its_source(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"env:DATABASE_URL"):
        resolve_target({}, env={"DATABASE_URL": "mysql://x@h/db"}, cwd=tmp_path)


def test_key_is_trimmed_and_bearer_prefix_dropped(tmp_path: Path) -> None:
    target = resolve_target({"api_key": f"  Bearer {JWT}\n"}, env={}, cwd=tmp_path)
    assert target.api_key == JWT


def test_multi_host_and_socket_dsns_are_accepted(tmp_path: Path) -> None:
    multi = "postgresql://u:p@h1:5432,h2:5433/db?target_session_attrs=read-write"
    assert resolve_target({"db_url": multi}, env={}, cwd=tmp_path).db_url == multi
    socket = "postgresql:///db?host=/var/run/postgresql"
    assert resolve_target({"db_url": socket}, env={}, cwd=tmp_path).db_url == socket


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://postgres:hunter2@127.0.0.1:5432/db", "postgresql://postgres:***@127.0.0.1:5432/db"),
        ("postgresql://u:p@ss/w:rd@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("postgresql://h/db?password=hunter2&sslmode=require", "postgresql://h/db?password=***&sslmode=require"),
        ("http://h:3000/rest/v1?apikey=hunter2", "http://h:3000/rest/v1?apikey=***"),
        ("host=h password=hunter2 dbname=x", "host=h password=*** dbname=x"),
        ("", ""),
    ],
)  # fmt: skip
def test_mask_url(url: str, masked: str) -> None:
    assert mask_url(url) == masked
    assert "hunter2" not in mask_url(url)


def test_masked_shows_no_secret(tmp_path: Path) -> None:
    target = resolve_target(
        {
            "db_url": "postgresql://postgres:hunter2@127.0.0.1:5432/db",
            "api_url": "http://127.0.0.1:3000",
            "api_key": JWT,
            "service_key": SERVICE,
        },
        env={},
        cwd=tmp_path,
    )
    shown = target.masked()
    text = repr(shown)
    assert "hunter2" not in text
    assert JWT not in text and SERVICE not in text
    assert shown["api_key"] == "eyJh…(redacted)"
    assert shown["db_url"] == "postgresql://postgres:***@127.0.0.1:5432/db"
    assert mask_key(None) == "(none)"


def test_supabase_status_env_output(tmp_path: Path) -> None:
    """`eval "$(supabase status -o env)"`: API_URL is the gateway root, REST_URL PostgREST's,
    DB_URL the database; the admin server sits under the gateway's /rest-admin/v1."""
    env = {
        "API_URL": "http://127.0.0.1:54321",
        "REST_URL": "http://127.0.0.1:54321/rest/v1",
        "DB_URL": "postgresql://postgres:postgres@127.0.0.1:54322/postgres",
        "ANON_KEY": JWT,
        "SERVICE_ROLE_KEY": SERVICE,
    }
    target = resolve_target({}, env=env, cwd=tmp_path)
    assert target.api_url == "http://127.0.0.1:54321/rest/v1"
    assert target.sources["api_url"] == "env:REST_URL"
    assert target.admin_url == "http://127.0.0.1:54321/rest-admin/v1"
    assert target.sources["db_url"] == "env:DB_URL"
    assert (target.api_key, target.service_key) == (JWT, SERVICE)


def test_api_url_with_a_path_is_not_replaced_by_rest_url(tmp_path: Path) -> None:
    env = {"API_URL": "http://127.0.0.1:3000/api", "REST_URL": "http://127.0.0.1:3000/rest/v1"}
    assert resolve_target({}, env=env, cwd=tmp_path).api_url == "http://127.0.0.1:3000/api"


def test_hosted_supabase_url_has_no_admin_server(tmp_path: Path) -> None:
    target = resolve_target({}, env={"SUPABASE_URL": "https://xyz.supabase.co"}, cwd=tmp_path)
    assert target.admin_url is None
    local = resolve_target({}, env={"SUPABASE_URL": "http://localhost:54321"}, cwd=tmp_path)
    assert local.admin_url == "http://localhost:54321/rest-admin/v1"


def test_malformed_supabase_url_names_its_source(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="SUPABASE_URL"):
        resolve_target({}, env={"SUPABASE_URL": "http://[::1"}, cwd=tmp_path)


# -- the anon role: flag > PGRST_DB_ANON_ROLE > --postgrest-config > Supabase project > unknown


def write_pgrst_config(folder: Path, body: str) -> Path:
    path = folder / "postgrest.conf"
    path.write_text(body)
    return path


PGRST_CONF = (
    'db-uri = "postgres://authenticator:s3cret@db:5432/app"\n'
    'db-anon-role = "web_anon"\n'
    'db-schemas = "api, public"\n'
    'db-channel = "pgrst_app"\n'
    "db-channel-enabled = true\n"
    'jwt-secret = "reallyreallyreallyreallyverysafe"\n'
)


@pytest.mark.parametrize(
    ("flag", "env", "config", "project", "role", "source"),
    [
        ("flagged", {"PGRST_DB_ANON_ROLE": "env_role"}, True, True, "flagged", "flag"),
        (
            None,
            {"PGRST_DB_ANON_ROLE": "env_role"},
            True,
            True,
            "env_role",
            "env:PGRST_DB_ANON_ROLE",
        ),
        (None, {}, True, True, "web_anon", "postgrest-config:"),
        (None, {}, False, True, "anon", "project:"),
        (None, {}, False, False, None, "unknown"),
    ],
    ids=["flag", "env", "postgrest-config", "supabase-project", "unknown"],
)
def test_anon_role_precedence(
    tmp_path: Path, flag, env, config: bool, project: bool, role, source: str
) -> None:
    flags = {"anon_role": flag}
    if config:
        flags["postgrest_config"] = str(write_pgrst_config(tmp_path, PGRST_CONF))
    if project:
        write_config(tmp_path, "[api]\nport = 60001\n")
    target = resolve_target(flags, env=env, cwd=tmp_path)
    assert target.anon_role == role
    assert target.sources["anon_role"].startswith(source)


def test_postgrest_config_gives_schemas_and_channel_but_flags_win(tmp_path: Path) -> None:
    conf = str(write_pgrst_config(tmp_path, PGRST_CONF))
    target = resolve_target({"postgrest_config": conf}, env={}, cwd=tmp_path)
    assert target.schemas_hint == ("api", "public")
    assert target.channel == "pgrst_app"
    assert target.channel_enabled is True
    assert target.sources["channel"].startswith("postgrest-config:")
    flagged = resolve_target({"postgrest_config": conf, "channel": "mine"}, env={}, cwd=tmp_path)
    assert flagged.channel == "mine"


SEARCH_PATH_CONF = 'db-extra-search-path = "public, ext"\ndb-pre-config = "app.pre_config"\n'


@pytest.mark.parametrize(
    ("env", "config", "project", "extra", "pre_config", "source"),
    [
        (
            {"PGRST_DB_EXTRA_SEARCH_PATH": "env_a,env_b", "PGRST_DB_PRE_CONFIG": "env.pre"},
            True,
            True,
            ("env_a", "env_b"),
            "env.pre",
            "env:PGRST_DB_",
        ),
        # set but empty, the environment still wins, as in PostgREST: no path, no function
        ({"PGRST_DB_EXTRA_SEARCH_PATH": "", "PGRST_DB_PRE_CONFIG": ""}, True, True, (), None,
         "env:PGRST_DB_"),
        ({}, True, True, ("public", "ext"), "app.pre_config", "postgrest-config:"),
        ({}, False, True, ("public", "extensions"), None, "project:"),
        ({}, False, False, None, None, ""),
    ],
    ids=["env", "env-empty", "postgrest-config", "supabase-project", "unset"],
)  # fmt: skip
def test_extra_search_path_and_pre_config_precedence(
    tmp_path: Path, env, config: bool, project: bool, extra, pre_config, source: str
) -> None:
    """PostgREST's environment over its config file; a Supabase project's config.toml
    (whose CLI passes it as that environment variable) below both."""
    flags = {}
    if config:
        flags["postgrest_config"] = str(write_pgrst_config(tmp_path, SEARCH_PATH_CONF))
    if project:
        write_config(
            tmp_path, '[api]\nport = 60001\nextra_search_path = ["public", "extensions"]\n'
        )
    target = resolve_target(flags, env=env, cwd=tmp_path)
    assert (target.extra_search_path, target.pre_config) == (extra, pre_config)
    assert target.sources["extra_search_path"].startswith(source or "default")
    if pre_config:
        assert target.sources["pre_config"].startswith(source)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('db-uri = "postgres://u:s3cret@db/x"\nnot a line\n', "not a PostgREST config file"),
        ('db-anon-role = ""\n', "db-anon-role must be a role name"),
    ],
)
def test_bad_postgrest_config_is_one_line_without_secrets(
    tmp_path: Path, body: str, message: str
) -> None:
    conf = str(write_pgrst_config(tmp_path, body))
    with pytest.raises(UsageError) as err:
        resolve_target({"postgrest_config": conf}, env={}, cwd=tmp_path)
    assert message in str(err.value) and "s3cret" not in str(err.value)


def test_missing_postgrest_config_and_bad_anon_role_flag(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        resolve_target({"postgrest_config": str(tmp_path / "nope.conf")}, env={}, cwd=tmp_path)
    with pytest.raises(UsageError, match="--anon-role must be a role name"):
        resolve_target({"anon_role": "x" * 64}, env={}, cwd=tmp_path)


@pytest.mark.parametrize(
    ("env", "conf", "project", "schemas", "source"),
    [
        # each key's environment variable over its file entry, db-schemas before db-schema
        ({"PGRST_DB_SCHEMAS": "env1, env2"}, PGRST_CONF, True, ("env1", "env2"), "env:"),
        ({}, PGRST_CONF, True, ("api", "public"), "postgrest-config:"),
        ({"PGRST_DB_SCHEMA": "old"}, PGRST_CONF, False, ("api", "public"), "postgrest-config:"),
        ({"PGRST_DB_SCHEMA": "old"}, 'db-schema = "file_old"\n', False, ("old",), "env:"),
        ({}, 'db-schema = "file_old"\n', False, ("file_old",), "postgrest-config:"),
        # an empty variable names no schema: PostgREST's next source decides
        ({"PGRST_DB_SCHEMAS": " "}, None, True, ("public", "api"), "project:"),
        ({}, None, False, (), "default"),
    ],
    ids=["env", "file", "file-over-alias-env", "alias-env", "alias-file", "project", "none"],
)
def test_db_schemas_are_read_in_postgrests_order(
    tmp_path: Path,
    env: dict[str, str],
    conf: str | None,
    project: bool,
    schemas: tuple[str, ...],
    source: str,
) -> None:
    flags = {"postgrest_config": str(write_pgrst_config(tmp_path, conf))} if conf else {}
    if project:
        write_config(tmp_path, '[api]\nport = 60001\nschemas = ["public", "api"]\n')
    target = resolve_target(flags, env=env, cwd=tmp_path)
    assert target.schemas_hint == schemas
    assert target.sources["schemas"].startswith(source)
