"""Redaction: every secret shape is masked, placeholders are stable, readable text survives."""

from __future__ import annotations

import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tui.core.transcript.redact import (
    PLACEHOLDER_RE,
    Redactor,
    masked_counts,
    masking_footer,
    secret_kind_for_name,
    strip_escapes,
)

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9.ZmFrZV9zaWduYXR1cmVfYnl0ZXM"
SB_SECRET = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz"
SB_PUBLISHABLE = "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"key {JWT} end", "key <jwt#1> end"),
        (f"apikey={SB_SECRET}", "apikey=<key#1>"),
        (f"use {SB_PUBLISHABLE}", "use <key#1>"),
        ("postgresql://postgres:pa55word@db:5432/x", "postgresql://postgres:<password#1>@db:5432/x"),
        ("https://bob:p@ss:w0rd@example.com/a", "https://bob:<password#1>@example.com/a"),
        ("GET /rest/v1/t?select=*&apikey=abc123xyz&x=1", "GET /rest/v1/t?select=*&apikey=<key#1>&x=1"),
        ("/r?token=tok-123456&password=pw", "/r?token=<token#1>&password=<password#1>"),
        ("PGPASSWORD=hunter22 psql -h h", "PGPASSWORD=<password#1> psql -h h"),
        ("export SUPABASE_SERVICE_ROLE_KEY=abcdef123456", "export SUPABASE_SERVICE_ROLE_KEY=<key#1>"),
        ("host=h password='two words' user=u", "host=h password='<password#1>' user=u"),
        ("Authorization: Bearer opaque-token-1", "Authorization: Bearer <token#1>"),
        ("authorization: basic dXNlcjpwYXNz", "authorization: basic <password#1>"),
        (f"curl -H 'apikey: {JWT}' -H \"Authorization: Bearer {JWT}\"", "curl -H 'apikey: <jwt#1>' -H \"Authorization: Bearer <jwt#1>\""),
        ("curl -H 'apikey: plainkey999' http://h", "curl -H 'apikey: <key#1>' http://h"),
        ('{"service_role_key": "a b c", "name": "x"}', '{"service_role_key": "<key#1>", "name": "x"}'),
        ("psql --password s3cr3t-value", "psql --password <password#1>"),
        ("--jwt-secret=abcdefghijklmnop", "--jwt-secret=<key#1>"),
        # a dotted name with a blank after its colon is still a setting holding a secret
        ("db.password: hunter2-value", "db.password: <password#1>"),
    ],
)  # fmt: skip
def test_text_patterns(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "primary key: id",
        'DETAIL: Key (id)=(1) already exists.',
        "select=id,name&order=id.desc",
        "postgresql://postgres@localhost:5432/postgres",
        "NOTIFY pgrst, 'reload schema'",
        "key_source=env:ANON_KEY",
        "PGRST205 Could not find the table 'public.orders' in the schema cache",
        # AdventureWorks has a table person.password: a qualified name, not an assignment
        "relationship person.password:person.person!FK_Password_Person_BusinessEntityID",
    ],
)  # fmt: skip
def test_readable_text_is_left_alone(text: str) -> None:
    assert Redactor().text(text) == text


def test_same_secret_same_placeholder_different_secrets_different() -> None:
    r = Redactor()
    other = JWT[:-3] + "xyz"
    assert r.text(f"{JWT} {other} {JWT}") == "<jwt#1> <jwt#2> <jwt#1>"
    assert r.value({"a": JWT}) == {"a": "<jwt#1>"}
    assert r.counts() == {"jwt": 2}


def test_found_value_is_masked_anywhere_later_and_earlier_in_the_same_text() -> None:
    r = Redactor()
    assert r.text("seen s3cretvalue before; PGPASSWORD=s3cretvalue") == (
        "seen <password#1> before; PGPASSWORD=<password#1>"
    )
    assert r.text("plain s3cretvalue") == "plain <password#1>"


def test_registered_secret_short_only_as_whole_token() -> None:
    r = Redactor()
    assert r.register("pg-pw1", "password") == "<password#1>"
    assert (
        r.text("pg-pw1 xpg-pw1 pg-pw1y (pg-pw1)") == "<password#1> xpg-pw1 pg-pw1y (<password#1>)"
    )
    assert r.register("a-long-registered-secret", "key") == "<key#1>"
    assert r.text("xxa-long-registered-secretyy") == "xx<key#1>yy"


def test_public_default_password_is_masked_only_where_it_is_a_password() -> None:
    r = Redactor()
    assert r.register("postgres", "password") == "<password#1>"
    assert r.text(
        "postgresql://postgres:postgres@h/postgres role postgres PGPASSWORD=postgres"
    ) == ("postgresql://postgres:<password#1>@h/postgres role postgres PGPASSWORD=<password#1>")


def test_a_jwt_registered_as_key_gets_a_jwt_placeholder() -> None:
    assert Redactor().register(JWT, "key") == "<jwt#1>"


def test_register_rejects_bad_kind_and_empty() -> None:
    with pytest.raises(ValueError, match="kind"):
        Redactor().register("x", "cookie")
    with pytest.raises(ValueError, match="non-empty"):
        Redactor().register("", "key")


def test_values_under_secret_named_keys_are_masked_recursively() -> None:
    r = Redactor()
    payload = {
        "headers": {"Authorization": "Bearer abc.def", "apikey": "plain-key-1", "Accept": "*/*"},
        "env": [{"name": "x", "db_password": "pw1"}],
        "service_key": "(none)",
        "api_key": "eyJh…(redacted)",
        "key_source": "env:ANON_KEY",
        "primary_key": ["id"],
        "port": 5432,
        "ok": True,
        "ms": float("nan"),
    }
    assert r.value(payload) == {
        "headers": {"Authorization": "Bearer <token#1>", "apikey": "<key#1>", "Accept": "*/*"},
        "env": [{"name": "x", "db_password": "<password#1>"}],
        "service_key": "(none)",
        "api_key": "eyJh…(redacted)",
        "key_source": "env:ANON_KEY",
        "primary_key": ["id"],
        "port": 5432,
        "ok": True,
        "ms": "nan",
    }


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("password", "password"),
        ("PGPASSWORD", "password"),
        ("db_password", "password"),
        ("DBPASSWD", "password"),
        ("apikey", "key"),
        ("api_key", "key"),
        ("X-Api-Key", "key"),
        ("serviceRoleKey", "key"),
        ("jwt_secret", "key"),
        ("access_token", "token"),
        ("Authorization", "token"),
        ("key_source", None),
        ("primary_key", None),
        ("tokens_count", None),
        ("monkey", None),
        ("jwt-role-claim-key", None),  # a PostgREST setting holding a JSPath
        ("jwt-aud", None),
        ("name", None),
    ],
)
def test_secret_kind_for_name(name: str, kind: str | None) -> None:
    assert secret_kind_for_name(name) == kind


def test_strip_escapes_removes_csi_osc_dcs_and_controls_but_keeps_newline_and_tab() -> None:
    raw = "a\x1b[31mred\x1b[0m\tb\n\x1b]0;host:/home/me\x07c\x1b]8;;http://x\x1b\\d\x1bPq#0\x1b\\e\x07\x00\r\x9b1mf\x1b7g"
    assert strip_escapes(raw) == "ared\tb\ncdefg"


def test_escape_sequence_cannot_hide_a_secret() -> None:
    r = Redactor()
    assert r.value({"t": f"\x1b{JWT}"}) == {"t": "\x1b<jwt#1>"}  # kept exact, masked
    assert r.value({"t": "Authorization: \x1b[1mBearer\x1b[0m tok-abcdefgh"}) == {
        "t": "Authorization: Bearer <token#1>"
    }


def test_masked_counts_and_footer() -> None:
    counts = masked_counts(["<jwt#1> <jwt#1> <jwt#2>", "x <password#1>"])
    assert counts == {"jwt": 2, "password": 1}
    assert masking_footer(counts) == (
        "Masked: 3 secrets (2 jwt, 1 password); the values never reached the journal."
    )
    assert masking_footer({}) == "Masked: no secrets were detected in this session."


# --- properties: a planted secret never survives, wherever it sits ---------------------------


def survives(secret: str, out: object) -> bool:
    """Is ``secret`` in ``out``, not counting placeholder names ("password" in "<password#1>")?"""
    return secret in PLACEHOLDER_RE.sub("\x00", str(out))


B64 = string.ascii_letters + string.digits + "-_"
segment = st.text(alphabet=B64, min_size=4, max_size=60)
jwts = st.builds(lambda h, p, s: f"eyJ{h}.{p}.{s}", segment, segment, segment)
sb_keys = st.builds(
    lambda kind, body: f"sb_{kind}_{body}",
    st.sampled_from(["secret", "publishable"]),
    st.text(alphabet=B64, min_size=8, max_size=50),
)
SAFE_PW = string.ascii_letters + string.digits + "!$%()*+-.=[]^_{}~"
# "--password --x" is ambiguous (a value or the next flag?); such values count as flags.
passwords = st.text(alphabet=SAFE_PW, min_size=8, max_size=40).filter(lambda p: p[:2] != "--")
anything = st.text(max_size=80)  # any unicode, controls and escapes included
spaced = st.text(max_size=40).map(lambda s: s + " ")  # context patterns need a separator


@settings(max_examples=300, database=None)
@given(anything, st.one_of(jwts, sb_keys), anything)
def test_self_identifying_secret_never_survives(prefix: str, secret: str, suffix: str) -> None:
    out = Redactor().value({"text": prefix + secret + suffix})["text"]
    assert not survives(secret, out)


@settings(max_examples=300, database=None)
@given(anything, st.text(alphabet=SAFE_PW + "@:/ ", min_size=12, max_size=40), anything)
def test_registered_secret_never_survives(prefix: str, secret: str, suffix: str) -> None:
    r = Redactor()
    r.register(secret, "password")
    out = r.value({"text": prefix + secret + suffix, secret: [prefix, secret]})
    assert not survives(secret, out)


CONTEXTS = [
    "postgresql://user:{}@db.example.com:5432/postgres",
    "https://user:{}@api.example.com/rest/v1/",
    "PGPASSWORD={} psql",
    "curl 'http://h/rest/v1/t?apikey={}&select=*'",
    "curl -H 'apikey: {}' http://h",
    'curl -H "Authorization: Bearer {}" http://h',
    "password={} host=db",
    "--password {}",
]


@settings(max_examples=300, database=None)
@given(spaced, st.sampled_from(CONTEXTS), passwords, st.text(max_size=40).map(lambda s: " " + s))
def test_contextual_secret_never_survives(prefix: str, context: str, pw: str, suffix: str) -> None:
    # Short values are masked elsewhere only as whole tokens ("000000000" may contain "00000000").
    assume(pw not in prefix + suffix)
    out = Redactor().value({"text": prefix + context.format(pw) + suffix})["text"]
    assert not survives(pw, out)


@settings(max_examples=200, database=None)
@given(
    st.recursive(
        st.one_of(st.none(), st.integers(), st.text(max_size=20)),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=10,
    ),
    st.one_of(jwts, sb_keys),
)
def test_secret_nested_anywhere_in_a_payload_never_survives(tree: object, secret: str) -> None:
    out = Redactor().value({"tree": tree, "deep": [{"x": [tree, secret]}], secret: 1})
    assert not survives(secret, out)
