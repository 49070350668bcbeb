"""PostgREST's in-database configuration as PostgREST reads it (Config/Database.hs): the
authenticator's settings, database-specific first; a database-only setting has no effect."""

from __future__ import annotations

from tui.core.postgrest_config import (
    choose_authenticator,
    db_config_enabled,
    in_database,
    pre_config_note,
)

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


def test_a_pre_config_function_is_named_never_called():
    settings = [("authenticator", "", "pgrst.db_pre_config", "postgrest.pre_config")]
    note = pre_config_note(settings, "authenticator", "db_anon_role")
    assert "postgrest.pre_config may set pgrst.db_anon_role" in note and "not called" in note
    assert pre_config_note(SETTINGS, "authenticator", "db_anon_role") == ""
