"""A catalogue of drift, applied without NOTIFY to each corpus schema (tests/corpus/), must be
reported exactly by ``check --json`` (kind, name quoted as psql prints it, added/removed);
after NOTIFY the check is healthy again. GRANT and REVOKE are not drift: privileges are live.

One PostgREST per corpus and version serves one copy of the corpus for the whole module.
Each case makes its own objects (its ``setup`` runs with NOTIFY first, so the cache has it)
and leaves them behind reloaded, so cases do not depend on each other's order; a copy is
checked healthy before its first case and after each case's NOTIFY.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from corpus_helpers import CORPORA, Corpus, check_json, reload, serve_all, target_flags

from tui.sandbox import Cluster, Sandbox

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Anchors:
    """Existing tables of a corpus the cases attach to: ``parent`` (single-column key
    ``pk`` of type ``pktype``), ``child`` already references it, ``lone`` does not."""

    parent: str
    pk: str
    pktype: str
    child: str
    lone: str


ANCHORS = {
    "pagila": Anchors("language", "language_id", "integer", "film", "actor"),
    "chinook": Anchors("artist", "artist_id", "integer", "album", "genre"),
    "northwind": Anchors("region", "region_id", "smallint", "territories", "shippers"),
    "adventureworks": Anchors("salesterritory", "territoryid", "integer", "customer", "currency"),
    "dhis2": Anchors("attribute", "attributeid", "integer", "attributevalue", "color"),
    "basejump": Anchors("accounts", "id", "uuid", "account_user", "config"),
    # api holds one view and no table: its sampled cases make their own tables
    "starterkit": Anchors("todos", "id", "integer", "todos", "todos"),
    "graphile": Anchors(
        "organizations", "id", "uuid", "organization_memberships", "user_authentications"
    ),
    # entity_note inherits note and references entity: keys on an inheritance child
    "ledgersmb": Anchors("entity", "id", "integer", "entity_note", "mime_type"),
}

# The large schema (473 tables) runs a lean sample: its size is what it adds, and every case
# costs two full checks and two reloads of it. Other corpora run every case.
SUBSET = {
    "dhis2": frozenset({"new-overload", "view-relationship"}),
    "basejump": frozenset({"self-referencing-key", "body-function", "computed-relationship"}),
    "starterkit": frozenset({"composite-fk"}),
    "graphile": frozenset({"second-fk-between-related-tables", "grant-is-not-drift"}),
    # its inheritance cases, and a second key on an inheritance child (entity_note)
    "ledgersmb": frozenset(
        {
            "second-fk-between-related-tables",
            "inherited-column",
            "new-inheritance-child",
            "no-inherit-is-not-drift",
        }
    ),
}
# Cases for defects a corpus hunt found, run on one corpus rather than on all
SAMPLED = {
    "self-referencing-key": frozenset({"basejump"}),
    "body-function": frozenset({"basejump"}),
    "computed-relationship": frozenset({"basejump"}),
    "inherited-column": frozenset({"ledgersmb"}),
    "new-inheritance-child": frozenset({"ledgersmb"}),
    "no-inherit-is-not-drift": frozenset({"ledgersmb"}),
}


@dataclass(frozen=True)
class Case:
    id: str
    drift: str  # DDL run without NOTIFY
    expected: tuple[tuple[str, str, str], ...]  # (kind, printed name, change)
    setup: str = ""  # DDL run with NOTIFY before, so the cache starts with it
    on_11: bool = False  # also on PostgREST 11 (the matrix there is a sample)


# {s} schema, {parent} {pk} {pktype} {child} {lone} anchors, {role} the corpus' anon role
CASES = (
    Case("table-unicode-mixed-case",
         'CREATE TABLE {s}."Kunden Übersicht" (id int PRIMARY KEY)',
         (("table", '{s}."Kunden Übersicht"', "added"),), on_11=True),
    Case("column-with-space",
         'ALTER TABLE {s}.{lone} ADD COLUMN "note text" text',
         (("column", '{s}.{lone}."note text"', "added"),)),
    Case("column-with-dot",
         'ALTER TABLE {s}.{lone} ADD COLUMN "a.b" text',
         (("column", '{s}.{lone}."a.b"', "added"),), on_11=True),
    Case("new-overload",
         "CREATE FUNCTION {s}.d_rate(b text) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'",
         # another overload exists: named by its signature, as psql prints argument types
         (("function", "{s}.d_rate(text)", "added"),),
         setup="CREATE FUNCTION {s}.d_rate(a int) RETURNS int LANGUAGE sql IMMUTABLE "
               "AS 'SELECT 1'"),
    Case("fk-between-unrelated-tables",
         "ALTER TABLE {s}.{lone} ADD COLUMN d_parent_id {pktype} "
         "CONSTRAINT d_unrelated_fk REFERENCES {s}.{parent} ({pk})",
         (("column", "{s}.{lone}.d_parent_id", "added"),
          ("relationship", "{s}.{lone}:{s}.{parent}!d_unrelated_fk", "added")), on_11=True),
    Case("second-fk-between-related-tables",
         "ALTER TABLE {s}.{child} ADD COLUMN d_second_id {pktype} "
         "CONSTRAINT d_second_fk REFERENCES {s}.{parent} ({pk})",
         (("column", "{s}.{child}.d_second_id", "added"),
          ("relationship", "{s}.{child}:{s}.{parent}!d_second_fk", "added"))),
    Case("composite-fk",
         "ALTER TABLE {s}.d_pair_ref ADD CONSTRAINT d_pair_fk FOREIGN KEY (a, b) "
         "REFERENCES {s}.d_pair (a, b)",
         (("relationship", "{s}.d_pair_ref:{s}.d_pair!d_pair_fk", "added"),),
         setup="CREATE TABLE {s}.d_pair (a int, b int, PRIMARY KEY (a, b));"
               "CREATE TABLE {s}.d_pair_ref (id int PRIMARY KEY, a int, b int)"),
    # a self-referencing key gives two relationships, and PostgREST embeds only its
    # one-to-many side: a composite one as d_tree(*), a one-to-one one never (so the one made
    # in setup, cached and fresh, must not read as added)
    Case("self-referencing-key",
         "ALTER TABLE {s}.d_tree ADD CONSTRAINT d_tree_up FOREIGN KEY (pa, pb) "
         "REFERENCES {s}.d_tree (a, b)",
         (("relationship", "{s}.d_tree:{s}.d_tree!d_tree_up", "added"),),
         setup="CREATE TABLE {s}.d_tree (a int, b int, pa int, pb int, id int UNIQUE, "
               "next_id int UNIQUE REFERENCES {s}.d_tree (id), PRIMARY KEY (a, b))"),
    # one unnamed jsonb argument: PostgREST caches it and passes it the POST body
    Case("body-function",
         "CREATE FUNCTION {s}.d_body(jsonb) RETURNS jsonb LANGUAGE sql AS 'SELECT $1';"
         "GRANT EXECUTE ON FUNCTION {s}.d_body(jsonb) TO {role}",
         (("function", "{s}.d_body", "added"),)),
    # a function of a table's row type returning rows of another: OpenAPI shows nothing of it,
    # PostgREST embeds it by the function's name (parent?select=d_members(*))
    Case("computed-relationship",
         "CREATE FUNCTION {s}.d_members({s}.{parent}) RETURNS SETOF {s}.{child} "
         "LANGUAGE sql STABLE AS 'SELECT * FROM {s}.{child} LIMIT 0'",
         (("relationship", "{s}.{parent}:{s}.d_members", "added"),)),
    Case("enum-label",
         "ALTER TYPE {s}.d_mood ADD VALUE 'lively'",
         (("enum", "{s}.d_mood:lively", "added"),),
         setup="CREATE TYPE {s}.d_mood AS ENUM ('calm');"
               "ALTER TABLE {s}.{lone} ADD COLUMN d_mood {s}.d_mood"),
    Case("view-and-view-over-view",
         "CREATE VIEW {s}.d_view AS SELECT * FROM {s}.{parent};"
         "CREATE VIEW {s}.d_view_over AS SELECT * FROM {s}.d_view",
         (("view", "{s}.d_view", "added"), ("view", "{s}.d_view_over", "added"))),
    # PostgREST infers relationships through views from their columns' origins: a new key
    # gives a view over its table (and a view over that view) a note of its own
    Case("view-relationship",
         "ALTER TABLE {s}.d_vchild ADD CONSTRAINT d_v_fk FOREIGN KEY (vparent_id) "
         "REFERENCES {s}.d_vparent (id)",
         (("relationship", "{s}.d_vchild:{s}.d_vparent!d_v_fk", "added"),
          ("relationship", "{s}.d_vchild_v:{s}.d_vparent!d_v_fk", "added"),
          ("relationship", "{s}.d_vchild_vv:{s}.d_vparent!d_v_fk", "added")),
         setup="CREATE TABLE {s}.d_vparent (id int PRIMARY KEY);"
               "CREATE TABLE {s}.d_vchild (id int PRIMARY KEY, vparent_id int);"
               "CREATE VIEW {s}.d_vchild_v AS SELECT id, vparent_id AS parent FROM {s}.d_vchild;"
               "CREATE VIEW {s}.d_vchild_vv AS SELECT parent FROM {s}.d_vchild_v"),
    Case("dropped-column",
         "ALTER TABLE {s}.{lone} DROP COLUMN d_gone",
         (("column", "{s}.{lone}.d_gone", "removed"),),
         setup="ALTER TABLE {s}.{lone} ADD COLUMN d_gone text"),
    Case("renamed-column",
         "ALTER TABLE {s}.{lone} RENAME COLUMN d_old TO d_new",
         (("column", "{s}.{lone}.d_new", "added"), ("column", "{s}.{lone}.d_old", "removed")),
         setup="ALTER TABLE {s}.{lone} ADD COLUMN d_old text"),
    Case("renamed-table",
         "ALTER TABLE {s}.d_before RENAME TO d_after",
         # the old name left OpenAPI at once (a live query): only a probe naming it could
         # tell the cache still has it, and nothing names it (README: not seen unless named)
         (("table", "{s}.d_after", "added"),),
         setup="CREATE TABLE {s}.d_before (id int PRIMARY KEY)"),
    # a column added to a parent table is added to every child (PostgreSQL recurses unless
    # ONLY): each is a column PostgREST caches with its table
    Case("inherited-column",
         "ALTER TABLE {s}.d_base ADD COLUMN d_tag text",
         (("column", "{s}.d_base.d_tag", "added"), ("column", "{s}.d_kid.d_tag", "added")),
         setup="CREATE TABLE {s}.d_base (id int PRIMARY KEY);"
               "CREATE TABLE {s}.d_kid (PRIMARY KEY (id)) INHERITS ({s}.d_base)"),
    Case("new-inheritance-child",
         "CREATE TABLE {s}.d_kid2 (extra text) INHERITS ({s}.d_base2)",
         (("table", "{s}.d_kid2", "added"),),
         setup="CREATE TABLE {s}.d_base2 (id int PRIMARY KEY)"),
    # PostgREST caches no inheritance: detaching a child changes nothing it serves
    Case("no-inherit-is-not-drift",
         "ALTER TABLE {s}.d_kid3 NO INHERIT {s}.d_base3",
         (),
         setup="CREATE TABLE {s}.d_base3 (id int PRIMARY KEY);"
               "CREATE TABLE {s}.d_kid3 (PRIMARY KEY (id)) INHERITS ({s}.d_base3)"),
    Case("revoke-is-not-drift",
         "REVOKE ALL ON {s}.d_revoked FROM {role}",
         (),
         setup="CREATE TABLE {s}.d_revoked (id int PRIMARY KEY)"),
    Case("grant-is-not-drift",
         "GRANT SELECT ON {s}.d_granted TO {role}",
         (),
         setup="CREATE TABLE {s}.d_granted (id int PRIMARY KEY);"
               "REVOKE ALL ON {s}.d_granted FROM {role}"),
)  # fmt: skip


def matrix() -> list:
    """Every case on PostgREST 12 for every corpus; the ``on_11`` sample on 11."""
    params = []
    for corpus in CORPORA:
        for case in CASES:
            if corpus.name in SUBSET and case.id not in SUBSET[corpus.name]:
                continue
            if corpus.name not in SAMPLED.get(case.id, {corpus.name}):
                continue
            for version in ("12", "11") if case.on_11 else ("12",):
                params.append(
                    pytest.param(corpus, version, case, id=f"{corpus.name}-{version}-{case.id}")
                )
    return params


def render(text: str, corpus: Corpus) -> str:
    """A case's SQL or name for ``corpus``. The anchors and schemas are plain lower-case
    names, so they read the same quoted or not (a test-only template, never user input)."""
    anchors = ANCHORS[corpus.name]
    return text.format(
        s=corpus.default_schema,
        role=corpus.anon_role,
        parent=anchors.parent,
        pk=anchors.pk,
        pktype=anchors.pktype,
        child=anchors.child,
        lone=anchors.lone,
    )


@pytest.fixture(scope="module")
def served(corpus_templates: Cluster) -> Iterator[dict[tuple[str, str], Sandbox]]:
    wanted = {(p.values[0].name, p.values[1]) for p in matrix()}
    with serve_all(corpus_templates, "drift", only=wanted) as boxes:
        yield boxes


def check(capsys: pytest.CaptureFixture[str], box: Sandbox) -> tuple[int, dict]:
    return check_json(capsys, target_flags(box))


# (corpus, version) -> the served copy is reloaded and healthy: a case needs no baseline check
CLEAN: set[tuple[str, str]] = set()


@pytest.mark.parametrize(("corpus", "version", "case"), matrix())
def test_drift_is_reported_exactly_then_healed_by_notify(
    served: dict[tuple[str, str], Sandbox],
    capsys: pytest.CaptureFixture[str],
    corpus: Corpus,
    version: str,
    case: Case,
) -> None:
    box = served[corpus.name, version]
    if case.setup:  # reloaded: the cache is fresh again, by definition
        box.execute(render(case.setup, corpus))
        reload(box)
    if (corpus.name, version) not in CLEAN:  # first case, or the one before failed
        reload(box)
        before = check(capsys, box)[1]
        assert (before["verdict"], before["stale_objects"]) == ("healthy", []), "baseline"
    CLEAN.discard((corpus.name, version))

    box.execute(render(case.drift, corpus))  # no NOTIFY: the cache is now behind
    code, data = check(capsys, box)
    got = {(s["kind"], s["name"], s["change"]) for s in data["stale_objects"]}
    want = {(kind, render(name, corpus), change) for kind, name, change in case.expected}
    assert got == want
    assert (data["verdict"], code) == (("stale-cache", 1) if want else ("healthy", 0))

    reload(box)
    after = check(capsys, box)[1]
    assert (after["verdict"], after["stale_objects"]) == ("healthy", [])
    CLEAN.add((corpus.name, version))
