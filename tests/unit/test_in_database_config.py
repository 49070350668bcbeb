"""PostgREST's in-database configuration as PostgREST reads it (Config/Database.hs): the
authenticator's settings, database-specific first; a database-only setting has no effect."""

from __future__ import annotations

from dataclasses import replace

from tui.core.postgrest_config import (
    choose_authenticator,
    db_config_enabled,
    env_name,
    extra_search_path_in_force,
    in_database,
    pre_config_in_force,
    pre_config_note,
)
from tui.core.target import Target

TARGET = Target(db_url="postgresql://db/x", api_url="http://127.0.0.1:3000")

SETTINGS = [
    ("authenticator", "", "pgrst.db_anon_role", "global_anon"),
    ("authenticator", "app", "pgrst.db_anon_role", "app_anon"),
    ("", "app", "pgrst.db_schemas", "ignored"),  # ALTER DATABASE app SET ...: no effect
    ("authenticator", "", "pgrst.db_schemas", "api, public"),
    ("other", "", "pgrst.db_anon_role", "not_ours"),
]


def test_the_database_specific_setting_wins_and_says_where_it_is():
    assert in_database(SETTINGS, "authenticator", "db_anon_role") == (
        "app_anon",
        "ALTER ROLE authenticator IN DATABASE app SET pgrst.db_anon_role",
    )
    assert in_database(SETTINGS, "authenticator", "db_schemas") == (
        "api, public", "ALTER ROLE authenticator SET pgrst.db_schemas")  # fmt: skip


def test_only_the_authenticators_settings_count():
    assert in_database(SETTINGS, "nobody", "db_anon_role") is None
    assert in_database([("", "app", "pgrst.db_anon_role", "x")], "", "db_anon_role") is None


def test_the_authenticator_is_postgrests_session_user():
    assert choose_authenticator(["other"], SETTINGS) == "other"
    assert choose_authenticator(["postgres", "authenticator"], SETTINGS) == "authenticator"
    assert choose_authenticator([], [("auth2", "", "pgrst.db_schemas", "x")]) == "auth2"
    assert choose_authenticator([], SETTINGS) == "authenticator"


def test_db_config_is_on_unless_turned_off():
    assert db_config_enabled({}, None) is True
    assert db_config_enabled({"PGRST_DB_CONFIG": "false"}, None) is False


def test_env_names_follow_postgrest():
    assert env_name("db-pre-config") == "PGRST_DB_PRE_CONFIG"
    assert env_name("db-extra-search-path") == "PGRST_DB_EXTRA_SEARCH_PATH"


def test_the_extra_search_path_in_the_database_wins_then_outside_then_default():
    outside = replace(TARGET, extra_search_path=("ext",),
                      sources={"extra_search_path": "env:PGRST_DB_EXTRA_SEARCH_PATH"})  # fmt: skip
    settings = [("authenticator", "", "pgrst.db_extra_search_path", "public, extensions")]
    assert extra_search_path_in_force(outside, settings, "authenticator") == (
        ("public", "extensions"),
        "set in the database: ALTER ROLE authenticator SET pgrst.db_extra_search_path",
    )
    assert extra_search_path_in_force(outside, SETTINGS, "authenticator") == (
        ("ext",), "env:PGRST_DB_EXTRA_SEARCH_PATH")  # fmt: skip
    assert extra_search_path_in_force(TARGET, SETTINGS, "authenticator") == (
        ("public",), "default")  # fmt: skip
    # db-config off: PostgREST reads no in-database setting
    off = replace(outside, db_config=False)
    assert extra_search_path_in_force(off, settings, "authenticator")[0] == ("ext",)


def test_a_pre_config_function_is_found_in_any_source():
    from_env = replace(TARGET, pre_config="env.pre",
                       sources={"pre_config": "env:PGRST_DB_PRE_CONFIG"})  # fmt: skip
    in_db = [("authenticator", "app", "pgrst.db_pre_config", "db.pre")]
    assert pre_config_in_force(from_env, in_db, "authenticator") == (
        "db.pre", "set in the database: ALTER ROLE authenticator IN DATABASE app SET "
        "pgrst.db_pre_config")  # fmt: skip
    assert pre_config_in_force(from_env, SETTINGS, "authenticator") == (
        "env.pre", "env:PGRST_DB_PRE_CONFIG")  # fmt: skip
    assert pre_config_in_force(TARGET, SETTINGS, "authenticator") is None
    # db-config off: PostgREST reads no in-database settings, so it calls no function
    assert pre_config_in_force(replace(from_env, db_config=False), in_db, "x") is None


def test_a_pre_config_function_is_named_never_called():
    note = pre_config_note(("app.pre", "env:PGRST_DB_PRE_CONFIG"),
                           ["db-anon-role", "db-extra-search-path"])  # fmt: skip
    assert note.startswith("db-pre-config app.pre (set by PGRST_DB_PRE_CONFIG) may set "
                           "db-anon-role, db-extra-search-path")  # fmt: skip
    assert "not called" in note
    file_note = pre_config_note(("app.pre", "postgrest-config:/etc/pg.conf"), ["db-schemas"])
    assert "(set in /etc/pg.conf)" in file_note
    # nothing read outside the database: nothing it could change
    assert pre_config_note(("app.pre", "env:PGRST_DB_PRE_CONFIG"), []) == ""
    assert pre_config_note(None, ["db-schemas"]) == ""


def test_the_note_lists_only_what_the_doctor_read_outside_the_database():
    """Exposed schemas PostgREST itself said, and settings read from the authenticator's
    role (which rank above the function), are not the function's to change."""
    from tui.core.checks.evidence import Evidence
    from tui.core.probes.api import ApiInfo

    target = replace(
        TARGET, pre_config="app.pre", sources={"pre_config": "env:PGRST_DB_PRE_CONFIG"}
    )
    ev = Evidence(target, role=None, anon_role_outside=True)
    assert "may set db-anon-role, db-schemas, db-extra-search-path" in ev.pre_config_note
    ev.api = ApiInfo(status=406, postgrest_version="12.0.2", exposed_schemas=["public"])
    ev.anon_role_outside = False
    assert "may set db-extra-search-path at run time" in ev.pre_config_note
    assert Evidence(TARGET, role=None, anon_role_outside=True).pre_config_note == ""
