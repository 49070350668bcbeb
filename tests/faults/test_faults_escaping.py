"""Names and server text with terminal controls, on every output path (real PostgreSQL and
PostgREST 12): shown escaped, never obeyed, and never read as markup.

The objects are created after PostgREST loaded its cache, so every command names them as
stale. Text output spells such a name as PostgreSQL reads it (``U&"red\\001B[31m"``, one
line, and a fix that runs as printed); prose keeps other controls visible (``\\x1b``); JSON
keeps strings exact (its escapes make them safe; a name decodes back to the catalog's).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from psycopg import sql

from tui.core import controls
from tui.core.names import parse_qualified, qualified
from tui.sandbox import Sandbox

# kind of trick -> table name; each also gets a column named after it
HOSTILE = {
    "csi": "red\x1b[31mtab",
    "osc": "ttl\x1b]0;pwned\x07x",
    "newline": "line\nbreak",
    "carriage return": "car\rret",
    "bidi": "rlo\u202egnp.exe",
    "zero width": "zero\u200bwidth",
    "markup": "[bold red]mk[/]",
    "link": "[link=https://evil.example]lnk[/link]",
}
HOSTILE_LABEL = "lab\x1b]0;t\x07\u202eel"  # an enum label added after the load
HOSTILE_KEY = "fk\x1b[31m\nkey"  # a second key between cached tables, added after the load
BOOM = "boom\x1b[31m"  # a function whose error text is hostile in message, detail and hint
BOOM_BODY = """BEGIN RAISE EXCEPTION USING
    MESSAGE = E'failed \\x1b[31m red \\x1b]0;title\\x07 [bold]b[/] \\u202e rev',
    DETAIL = E'det\\nline2\\r\\x1b[2J', HINT = E'hint [link=https://evil]x[/link] \\u200b';
END"""


def raw_controls(text: str) -> list[str]:
    """Controls that would reach the reader's terminal (newline and tab are the text's own)."""
    return controls.IN_LINES.findall(text)


def strings(value: object) -> Iterator[str]:
    """Every string in a JSON document (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


@pytest.fixture(scope="module")
def hostile_box(cluster) -> Iterator[Sandbox]:
    from tests.conftest import TEMPLATE_DB

    box = Sandbox(postgrest_version="12", cluster=cluster, template=TEMPLATE_DB)
    box.start()
    try:
        for name in HOSTILE.values():
            box.cluster.execute(box.dbname, sql.SQL(
                "CREATE TABLE public.{t} (id int PRIMARY KEY, {c} text); "
                "GRANT SELECT ON public.{t} TO anon"
            ).format(t=sql.Identifier(name), c=sql.Identifier(name + "_col")))  # fmt: skip
        box.cluster.execute(box.dbname, sql.SQL(
            "CREATE FUNCTION public.{f}(x int) RETURNS int LANGUAGE plpgsql AS {body}; "
            "GRANT EXECUTE ON FUNCTION public.{f}(int) TO anon"
        ).format(f=sql.Identifier(BOOM), body=sql.Literal(BOOM_BODY)))  # fmt: skip
        # a label and a second key's name on cached objects: drift named by server text
        box.cluster.execute(box.dbname, sql.SQL(
            "ALTER TYPE public.order_status ADD VALUE {label}; "
            "ALTER TABLE public.orders ADD CONSTRAINT {fk} FOREIGN KEY (customer_id) "
            "REFERENCES public.customers (id)"
        ).format(label=sql.Literal(HOSTILE_LABEL), fk=sql.Identifier(HOSTILE_KEY)))  # fmt: skip
        yield box
    finally:
        box.stop()


def test_every_command_shows_hostile_names_escaped(doctor, hostile_box):
    """check (plain, -v, --json, --table/--function by their U& spelling, --request),
    sessions, export (md, json) and reload: no raw control anywhere, every name on one line, markup
    printed as written; JSON names decode to the exact catalog names."""
    env = {**hostile_box.connection().env(), "NO_COLOR": "1"}
    spelled = {k: qualified("public", n) for k, n in HOSTILE.items()}
    texts: dict[str, str] = {}
    for extra in ((), ("-v",), ("--table", spelled["csi"]), ("--function", qualified("public", BOOM)),
                  ("--table", "public.zerowidth"),  # "did you mean" the zero-width name
                  ("--request", "GET /red%1B%5B31mtab?select=id,nosuch")):  # fmt: skip
        run = doctor("check", "--timeout", "5", *extra, env=env, budget=5)
        run.assert_calm(1)
        texts[f"check {extra}"] = run.output
    run = doctor("check", "--timeout", "5", "--json", env=env, budget=5)
    run.assert_calm(1)
    report = run.json()
    stale = {tuple(parse_qualified(o["name"])) for o in report["stale_objects"]}
    assert {("public", n) for n in HOSTILE.values()} | {("public", BOOM)} <= stale
    kinds = {o["kind"]: o["name"] for o in report["stale_objects"]}
    assert kinds["enum"] == f"public.order_status:{HOSTILE_LABEL}"  # JSON keeps it exact
    assert kinds["relationship"].endswith("!" + qualified(HOSTILE_KEY)), kinds
    texts["check --json"] = run.stdout
    for args in (("sessions",), ("export", "--last", "--format", "md"),
                 ("export", "--last", "--format", "json"),
                 ("reload", "--timeout", "5")):  # last: it fixes the cache  # fmt: skip
        run = doctor(*args, env=env, budget=30)
        run.assert_calm(0)
        texts[" ".join(args)] = run.output
    exported = json.loads(texts["export --last --format json"])
    assert qualified("public", HOSTILE["newline"]) in "\n".join(strings(exported))  # kept exact
    for where, text in texts.items():
        assert raw_controls(text) == [], (where, raw_controls(text))
        assert "\u202e" not in text and "line\nbreak" not in text, where
    plain = texts["check ()"]
    for kind, name in spelled.items():
        assert name in plain, (kind, plain)
    assert 'public."[bold red]mk[/]"' in plain  # markup printed as written
    assert 'public.U&"line\\000Abreak"' in plain  # one line, as PostgreSQL reads it
    typo = " ".join(texts["check ('--table', 'public.zerowidth')"].split())  # unwrapped
    assert 'did you mean public.U&"zero\\200Bwidth"?' in typo
    named = " ".join(texts[f"check {('--table', spelled['csi'])}"].split())
    assert f"also table: {spelled['csi']}" in named  # the U& spelling names the table


def test_a_pasted_error_with_hostile_server_text_is_shown_escaped(doctor, hostile_box):
    """The error PostgreSQL raised in a function (called here, by the test: diagnosis never
    calls one), pasted as PostgREST's body into --error: message, hint and detail escaped."""
    import psycopg

    with psycopg.connect(hostile_box.db_url) as conn, pytest.raises(psycopg.Error) as raised:
        conn.execute(sql.SQL("SELECT public.{}(1)").format(sql.Identifier(BOOM)))
    diag = raised.value.diag
    assert "\x1b" in (diag.message_primary or "") and "\x1b" in (diag.message_detail or "")
    env = {**hostile_box.connection().env(), "NO_COLOR": "1"}
    pasted = json.dumps({"code": "PGRST204", "details": diag.message_detail,
                         "hint": diag.message_hint,
                         "message": f"Column '{diag.message_primary}' of relation "
                                    f"'{HOSTILE['csi']}' does not exist"})  # fmt: skip
    for extra in ((), ("--json",)):
        run = doctor("check", "--timeout", "5", "--error", "-", *extra, env=env, stdin=pasted)
        assert "Traceback" not in run.output and run.code == 1, run.output
        assert raw_controls(run.output) == [] and "\u202e" not in run.output, run.output
    assert qualified("public", HOSTILE["csi"]) in run.json()["pasted_error"]["objects"][0]


def test_on_a_terminal_only_the_doctors_own_styling_reaches_it(hostile_box):
    """On a TTY the output stream keeps Rich's colours and status-line codes; the hostile
    names and text still arrive escaped (no OSC, no clear-screen, no bidi override)."""
    import os
    import pty
    import subprocess
    import sys

    name = "tty\x1b]0;pwned\x07\u202ex"  # created now: stale whatever ran before
    hostile_box.cluster.execute(hostile_box.dbname, sql.SQL(
        "CREATE TABLE public.{t} (id int); GRANT SELECT ON public.{t} TO anon"
    ).format(t=sql.Identifier(name)))  # fmt: skip
    main, child = pty.openpty()
    env = {**os.environ, **hostile_box.connection().env(), "COLUMNS": "200"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "tui", "check", "-v", "--timeout", "5"],
                            stdin=child, stdout=child, stderr=child, env=env)  # fmt: skip
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed its side
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert proc.wait(timeout=60) in (0, 1)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "\x1b[" in shown  # styled: this is a terminal
    for raw in ("\x1b]", "\x1b[2J", "\x07", "\u202e", "\u200b"):
        assert raw not in shown, raw
    assert 'U&"tty\\001B]0;pwned\\0007\\202Ex"' in shown
