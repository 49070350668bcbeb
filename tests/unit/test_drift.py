"""Drift as set differences: both ways, per kind, privilege-aware, parts of new tables folded."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tui.core import drift
from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.probes import openapi
from tui.core.probes.catalog import (
    Catalog,
    ComputedRel,
    ForeignKey,
    Function,
    Relation,
    RoleInfo,
    embed_hint,
    unembeddable,
)
from tui.core.probes.openapi import SchemaDoc, parse
from tui.core.view_keys import ViewSource


def rel(name: str, cols: tuple[str, ...], *, visible: bool = True, kind: str = "table",
        schema: str = "public", oid: int = 1) -> Relation:  # fmt: skip
    return Relation(oid, schema, name, kind, "postgres", False, False, False,
                    visible, visible, visible, visible, visible, cols)  # fmt: skip


def catalog(*rels: Relation, fks=(), fns=(), enums=None) -> Catalog:
    cat = Catalog(role=RoleInfo("anon", True, privileges_of=frozenset({"anon"})))
    cat.relations = {r.key: r for r in rels}
    cat.foreign_keys = list(fks)
    for fn in fns:
        cat.functions.setdefault(fn.qualified, []).append(fn)
    cat.enums = dict(enums or {})
    return cat


def doc(tables: dict[str, tuple[str, ...]], fk=None, enums=None, schema="public") -> SchemaDoc:
    d = SchemaDoc(schema, tables=set(tables), columns=dict(tables))
    d.fk_notes = {k: dict(v) for k, v in (fk or {}).items()}
    d.enums = {k: set(v) for k, v in (enums or {}).items()}
    return d


def compute(cat: Catalog, *docs: SchemaDoc, schemas=("public",)) -> set[tuple[str, str, str]]:
    found = drift.compute(drift.database_inventory(cat, schemas), drift.cache_inventory(docs))
    return {(str(s.kind), s.name, str(s.change)) for s in found}


def test_identical_sides_have_no_drift():
    cat = catalog(rel("a", ("id", "x")), enums={"public.mood": ("ok",)})
    assert compute(cat, doc({"a": ("id", "x")}, enums={"public.mood": ("ok",)})) == set()


def test_table_added_folds_its_columns_and_keys():
    cat = catalog(rel("a", ("id",)), rel("b", ("id", "a_id")),
                  fks=[ForeignKey("public", "b", "public", "a", "b_a_fkey")])  # fmt: skip
    assert compute(cat, doc({"a": ("id",)})) == {("table", "public.b", "added")}


def test_view_added_is_a_view():
    cat = catalog(rel("v", ("id",), kind="view"))
    assert compute(cat, doc({})) == {("view", "public.v", "added")}


def test_both_ways_for_columns_relationships_and_enum_labels():
    cat = catalog(
        rel("a", ("id", "new")), rel("b", ("id", "a_id")), rel("c", ("id",)),
        fks=[ForeignKey("public", "b", "public", "a", "b_a_fkey", 1, ("a_id",))],
        enums={"public.mood": ("ok", "sad")},
    )  # fmt: skip
    cache = doc(
        {"a": ("id", "old"), "b": ("id", "a_id"), "c": ("id",)},
        fk={"c": {"id": "a"}},
        enums={"public.mood": ("ok", "meh")},
    )
    assert compute(cat, cache) == {
        ("column", "public.a.new", "added"),
        ("column", "public.a.old", "removed"),
        ("relationship", "public.b:public.a!b_a_fkey", "added"),  # by constraint
        ("relationship", "public.c:public.a!id", "removed"),  # OpenAPI names the column only
        ("enum", "public.mood:sad", "added"),
        ("enum", "public.mood:meh", "removed"),
    }


def test_table_the_role_cannot_see_is_not_stale():
    cat = catalog(rel("a", ("id",)), rel("secret", ("id",), visible=False))
    assert compute(cat, doc({"a": ("id",)})) == set()


def test_schema_not_exposed_is_not_compared():
    cat = catalog(rel("a", ("id",)), rel("flags", ("id",), schema="internal"))
    assert compute(cat, doc({"a": ("id",)})) == set()


def test_advertised_table_missing_from_catalog_is_removed():
    cat = catalog(rel("a", ("id",)))
    assert compute(cat, doc({"a": ("id",), "gone": ("id",)})) == {
        ("table", "public.gone", "removed")
    }


def test_functions_are_those_postgrest_caches_and_the_role_may_execute():
    """SchemaCache.hs funcsSqlQuery (v11.2, v12.0): prokind 'f', not returning trigger, every
    argument named in pg_proc ("" counts) or one unnamed that takes the body; and EXECUTE."""
    fns = [
        Function(1, "public", "ok", "f", ("x",), False, True, ("integer",)),
        Function(2, "public", "unnamed", "f", ("",), False, True, ("integer",), named=False),
        Function(3, "public", "trig", "f", (), True, True),
        Function(4, "public", "proc", "p", ("x",), False, True, ("integer",)),
        Function(5, "public", "denied", "f", ("x",), False, False, ("integer",)),
        Function(6, "public", "body", "f", ("",), False, True, ("jsonb",), named=False),
        Function(7, "public", "mixed", "f", ("a", ""), False, True, ("integer",) * 2),
        Function(8, "public", "agg", "a", ("",), False, True, ("text",), named=False),
        Function(9, "public", "no_args", "f", (), False, True, named=False),
    ]
    inv = drift.database_inventory(catalog(fns=fns), ["public"])
    assert inv.functions == {"public.ok", "public.body", "public.mixed", "public.no_args"}
    # a cache-only probe finds a function by its argument names or its body's media type
    assert [f.name for f in fns if f.probe_args] == ["ok", "denied", "body", "no_args"]
    assert fns[5].raw_body == "jsonb" and fns[0].raw_body is None


def test_a_view_gets_the_notes_of_the_keys_its_columns_expose():
    """PostgREST infers view -> table relationships from the view's column origins: a view
    exposing b.a_id (renamed, and once more through a view over it) carries b's note."""

    def views_over_b(v_schema: str = "public") -> Catalog:
        cat = catalog(rel("a", ("id",)), rel("b", ("id", "a_id")), rel("v", ("ref",), kind="view"),
                      rel("vv", ("r",), kind="view"),
                      fks=[_key("b", "a", "b_a", ("a_id",), 1, ref_columns=("id",))])  # fmt: skip
        v = ViewSource(v_schema, "v", {"ref": ("public.b", "a_id")})
        cat.view_sources = {
            v.key: v,
            "public.vv": ViewSource("public", "vv", {"r": (v.key, "ref")}),
        }
        return cat

    cat = views_over_b()
    tables = {"a": ("id",), "b": ("id", "a_id"), "v": ("ref",), "vv": ("r",)}
    notes = {"b": {"a_id": "a"}, "v": {"ref": "a"}, "vv": {"r": "a"}}
    assert compute(cat, doc(tables, fk=notes)) == set()
    assert compute(cat, doc(tables, fk={"b": {"a_id": "a"}, "vv": {"r": "a"}})) == {
        ("relationship", "public.v:public.a!b_a", "added")
    }
    # a view in a schema neither exposed nor on the extra search path passes nothing on
    assert compute(views_over_b("hidden"), doc(tables, fk={"b": {"a_id": "a"}})) == set()


def test_unqualified_enum_formats_take_the_document_schema():
    cat = catalog(rel("a", ("m",)), enums={"api.mood": ("ok",)})
    cat.relations = {"api.a": rel("a", ("m",), schema="api")}
    cache = doc({"a": ("m",)}, enums={"mood": ("ok", "old")}, schema="api")
    assert compute(cat, cache, schemas=("api",)) == {("enum", "api.mood:old", "removed")}


def streamed(document: dict) -> openapi.SchemaDoc:
    """The document as ``openapi.fetch`` decodes it, fed in 7-byte chunks."""
    raw, stream = json.dumps(document).encode(), openapi.document_stream()
    for i in range(0, len(raw), 7):
        stream.feed(raw[i : i + 7])
    return openapi.summarize(stream.close(), "public")


def test_openapi_parse_keeps_only_names():
    document = {
        "swagger": "2.0",
        "info": {"title": "x", "version": "12.0.2", "description": "d"},
        "paths": {"/": {"get": {"tags": ["x"]}}, "/orders": {"get": {"parameters": [{"$ref": "#/p"}]}},
                  "/rpc/total": {"post": {"parameters": [{"in": "body", "schema": {
                      "properties": {"order_id": {"type": "integer"}}}}]}}},
        "definitions": {"orders": {"required": ["id"], "properties": {
            "id": {"type": "integer", "description": "Note:\nThis is a Primary Key.<pk/>"},
            "customer_id": {"type": "integer", "description":
                            "Note:\nThis is a Foreign Key to `customers.id`.<fk table='customers' column='id'/>"},
            "status": {"type": "string", "format": "public.order_status", "enum": ["paid", "new"]},
        }, "type": "object"}},
        "parameters": {"rowFilter.orders.id": {"name": "id", "in": "query", "type": "string"}},
    }  # fmt: skip
    parsed = parse(json.dumps(document), "public")
    assert streamed(document) == parsed  # as the probe reads it, definitions without the hook
    assert parsed.version == "12.0.2"
    assert parsed.tables == {"orders"}
    assert parsed.columns == {"orders": ("id", "customer_id", "status")}
    assert parsed.functions == {"total"}
    assert parsed.fk_notes == {"orders": {"customer_id": "customers"}}
    assert parsed.enums == {"public.order_status": {"paid", "new"}}


def test_openapi_parse_columns_named_like_schema_keys():
    """northwind's categories.description and similar: a column named after a JSON-schema key
    is still a column (the properties map was read as a column schema and dropped)."""
    props = {
        name: {"type": "string", "format": "text"}
        for name in ("description", "type", "format", "properties", "title", "version", "in")
    }
    props["enum"] = {"type": "string", "format": "public.mood", "enum": ["a"]}
    document = {"definitions": {"odd": {"properties": props, "type": "object"}}}
    parsed = parse(json.dumps(document), "public")
    assert streamed(document) == parsed
    assert parsed.columns == {"odd": tuple(props)}
    assert parsed.enums == {"public.mood": {"a"}}


names = st.sets(st.from_regex(r"[a-z]{1,6}", fullmatch=True), max_size=12)


def _printed(name: str) -> str:
    from tui.core.names import qualified

    return qualified("public", name)  # a keyword (``as``) is quoted


@given(db=names, cache=names)
def test_table_drift_is_exactly_the_two_set_differences(db: set[str], cache: set[str]):
    cat = catalog(*(rel(n, ("id",)) for n in db))
    found = drift.compute(
        drift.database_inventory(cat, ["public"]),
        drift.cache_inventory([doc({n: ("id",) for n in cache})]),
    )
    assert {s.name for s in found if s.change is Change.ADDED} == {_printed(n) for n in db - cache}
    assert {s.name for s in found if s.change is Change.REMOVED} == {
        _printed(n) for n in cache - db
    }
    assert all(isinstance(s, StaleObject) and s.kind is ObjectKind.TABLE for s in found)


def _qi(name: str) -> dict:
    schema, table = name.split(".", 1)
    return {"qiSchema": schema, "qiName": table}


def _table(name: str, cols: dict, view: bool = False) -> list:
    schema, table = name.split(".", 1)
    columns = {
        c: {"colName": c, "colDescription": None, "colNullable": True, "colType": t,
            "colNominalType": t, "colMaxLen": None, "colDefault": None, "colEnum": e}
        for c, (t, e) in cols.items()
    }  # fmt: skip
    return [_qi(name), {"tableSchema": schema, "tableName": table, "tableDescription": None,
                        "tableIsView": view, "tableInsertable": True, "tableUpdatable": True,
                        "tableDeletable": True, "tablePKCols": ["id"], "tableColumns": columns}]  # fmt: skip


def _fk(child: str, parent: str, tag: str = "M2O", **extra) -> dict:
    return {"tag": "Relationship", "relTable": _qi(child), "relForeignTable": _qi(parent),
            "relIsSelf": False, "relTableIsView": False, "relFTableIsView": False,
            "relCardinality": {"tag": tag, "relCons": "fk", "relColumns": [["a_id", "id"]], **extra}}  # fmt: skip


def test_schema_cache_dump_drift_both_ways_with_privileges():
    from tui.core.probes.schema_cache import parse as parse_dump

    dump = {
        "dbTables": [
            _table("public.a", {"id": ("bigint", []), "m": ("public.mood", ["ok"])}),
            _table("public.gone", {"id": ("bigint", [])}),
            _table("public.secret", {"id": ("bigint", [])}),
        ],
        "dbRelationships": [
            [[_qi("public.b"), "public"], [_fk("public.b", "public.a")]],
            [[_qi("public.a"), "public"], [_fk("public.a", "public.b", "O2M")]],
        ],
        "dbRoutines": [[_qi("public.old_fn"), [{"pdSchema": "public", "pdName": "old_fn",
                        "pdParams": [{"ppName": "x", "ppType": "int"}],
                        "pdReturnType": {"tag": "Single", "contents": {"tag": "Scalar"}}}]]],
        "dbRepresentations": [], "dbMediaHandlers": [], "dbTimezones": [],
    }  # fmt: skip
    parsed = parse_dump(json.dumps(dump))
    assert parsed.relationships == {("public", "b", "public", "a", "fk")}
    assert parsed.enums == {"public.mood": {"ok"}}
    cat = catalog(
        rel("a", ("id", "m")), rel("b", ("id", "a_id")), rel("secret", ("id",), visible=False),
        fns=[Function(9, "public", "new_fn", "f", ("x",), False, True)],
        enums={"public.mood": ("ok", "sad")},
    )  # fmt: skip
    found = drift.compute(drift.database_inventory(cat, ["public"]),
                          drift.dump_inventory(parsed, cat))  # fmt: skip
    assert {(str(s.kind), s.name, str(s.change)) for s in found} == {
        ("table", "public.b", "added"),
        ("table", "public.gone", "removed"),
        ("function", "public.new_fn", "added"),
        ("function", "public.old_fn", "removed"),
        ("enum", "public.mood:sad", "added"),
    }


def test_names_with_dots_are_compared_as_names():
    """A column may be called "a.b" (and a table "x.y"): grouped per relation, nothing is
    split at a dot, so a fresh cache shows no drift and a lookup finds the column."""
    from tui.core.probes.schema_cache import parse as parse_dump

    cat = catalog(rel("t", ("id", "a.b")), rel("x.y", ("id",)))
    dump = {
        "dbTables": [_table("public.t", {"id": ("bigint", []), "a.b": ("text", [])}),
                     _table("public.x.y", {"id": ("bigint", [])})],
        "dbRelationships": [], "dbRoutines": [],
    }  # fmt: skip
    db = drift.database_inventory(cat, ["public"])
    assert drift.compute(db, drift.dump_inventory(parse_dump(json.dumps(dump)), cat)) == []
    assert compute(cat, doc({"t": ("id", "a.b"), "x.y": ("id",)})) == set()
    assert db.has_column('public.t."a.b"') and db.has_column('public."x.y".id')
    assert not db.has_column("public.t.a") and not db.has_column("public.t")
    assert not db.has_column("public.t.a.b")  # printed names are unambiguous: that is no name
    assert compute(cat, doc({"t": ("id",), "x.y": ("id",)})) == {
        ("column", 'public.t."a.b"', "added")
    }


def _key(table: str, ref: str, name: str, cols: tuple[str, ...], oid: int, **kw) -> ForeignKey:
    schema, _, child = table.rpartition(".")
    ref_schema, _, parent = ref.rpartition(".")
    return ForeignKey(schema or "public", child, ref_schema or "public", parent, name, oid, cols,
                      **kw)  # fmt: skip


KEYS = [  # (key, OpenAPI carries its note) as PostgREST 11.2 / 12.0 write them
    (_key("b", "a", "single", ("a_id",), 1), True),
    (_key("b", "a", "composite", ("a_id", "x"), 2), False),
    (_key("b", "a", "one_to_one", ("x",), 3, one_to_one=True), False),
    (_key("b", "a", "computed", ("y",), 4, overridden=True, ref_columns=("id",)), False),
    (_key("b", "other.a", "cross_schema", ("z",), 5, ref_columns=("id",)), False),
]


def test_which_keys_openapi_notes_carry():
    for key, noted in KEYS:
        assert key.openapi_note is noted, key.name


def test_fresh_cache_reads_healthy_whatever_keys_the_tables_have():
    """The cache shows only the single-column many-to-one note: nothing else is compared,
    and the rest is left to embedding probes (newest first)."""
    cat = catalog(rel("a", ("id",)), rel("b", ("id", "a_id", "x", "y", "z")),
                  rel("a", ("id",), schema="other"), fks=[k for k, _ in KEYS])  # fmt: skip
    assert compute(cat, doc({"a": ("id",), "b": ("id", "a_id", "x", "y", "z")},
                            fk={"b": {"a_id": "a"}})) == set()  # fmt: skip
    # a key replaced by a computed relationship, or to another schema, leaves a note to a
    # view over its parent (PostgREST's view relationships), predicted from the view
    cat = catalog(*cat.relations.values(), fks=cat.foreign_keys)
    cat.relations["public.a_view"] = rel("a_view", ("id", "oid"), kind="view")
    cat.view_sources = {
        "public.a_view": ViewSource(
            "public", "a_view", {"id": ("public.a", "id"), "oid": ("other.a", "id")}
        )
    }
    cat.computed_rels = [ComputedRel("public", "b", "public", "a", 1, "public")]
    tables = {"a": ("id",), "b": ("id", "a_id", "x", "y", "z"), "a_view": ("id", "oid")}
    assert compute(cat, doc(tables, fk={"b": {"a_id": "a", "y": "a_view", "z": "a_view"}})) == set()
    assert compute(cat, doc(tables, fk={"b": {"a_id": "a", "y": "a_view"}})) == {
        ("relationship", "public.b:public.a_view!cross_schema", "added")
    }
    embed = drift.embed_only(cat, ["public", "other"])
    assert [fk.name for fk in embed] == ["one_to_one", "composite"]  # same schema, newest first


def test_a_second_key_on_another_column_is_its_own_relationship():
    cat = catalog(rel("zone", ("id", "type_id", "space_id")), rel("space", ("id",)),
                  fks=[_key("zone", "space", "zone_space_fk", ("space_id",), 1),
                       _key("zone", "space", "zone_type_fk", ("type_id",), 2)])  # fmt: skip
    cache = doc({"zone": ("id", "type_id", "space_id"), "space": ("id",)},
                fk={"zone": {"space_id": "space"}})  # fmt: skip
    assert compute(cat, cache) == {
        ("relationship", "public.zone:public.space!zone_type_fk", "added")
    }


def test_two_keys_on_one_column_show_the_first_target_by_name():
    cat = catalog(rel("c", ("id", "p")), rel("b_parent", ("id",)), rel("a_parent", ("id",)),
                  fks=[_key("c", "b_parent", "to_b", ("p",), 1),
                       _key("c", "a_parent", "to_a", ("p",), 2)])  # fmt: skip
    tables = {"c": ("id", "p"), "b_parent": ("id",), "a_parent": ("id",)}
    assert compute(cat, doc(tables, fk={"c": {"p": "a_parent"}})) == set()
    assert [fk.name for fk in drift.embed_only(cat, ["public"])] == ["to_b"]


def test_printed_names_are_quoted_as_psql_quotes_them():
    cat = catalog(rel("Mixed Case", ("id", "a.b", 'say "hi"')), rel("t", ("id",)))
    found = compute(cat, doc({"t": ("id",), "Mixed Case": ("id",)}))
    assert found == {("column", 'public."Mixed Case"."a.b"', "added"),
                     ("column", 'public."Mixed Case"."say ""hi"""', "added")}  # fmt: skip
    assert compute(cat, doc({"t": ("id",)})) == {("table", 'public."Mixed Case"', "added")}


def test_kinds_are_reported_as_postgresql_names_them_and_partitions_are_not_served():
    cat = catalog(rel("mv", ("id",), kind="materialized view"), rel("ft", ("id",), kind="foreign table"),
                  rel("p", ("id",), kind="partitioned table"))  # fmt: skip
    part = Relation(9, "public", "p_2024", "table", "postgres", False, False, False,
                    True, True, True, True, True, ("id",), partition_of="public.p")  # fmt: skip
    cat.relations[part.key] = part
    assert compute(cat, doc({})) == {("materialized view", "public.mv", "added"),
                                     ("table", "public.ft", "added"),
                                     ("table", "public.p", "added")}  # fmt: skip


def test_an_added_table_older_than_a_cached_one_was_renamed():
    cat = catalog(rel("kept", ("id",), oid=10), rel("renamed", ("id",), oid=5),
                  rel("created", ("id",), oid=20))  # fmt: skip
    db, cache = (
        drift.database_inventory(cat, ["public"]),
        drift.cache_inventory([doc({"kept": ("id",)})]),
    )
    found = drift.compute(db, cache)
    assert drift.renamed_since_load(db, cache, found) == {"public.renamed"}


SELF_KEYS = [  # (key, the table's other keys, the hint an embed finds it by; False: none does)
    (_key("b", "a", "b_a", ("a_id",), 1), [], "b_a"),
    (_key("t", "t", "t_boss", ("boss_id",), 1), [], "boss_id"),  # t!boss_id(*): one-to-many
    (_key("t", "t", "t_pair", ("pa", "pb"), 1), [], None),  # t(*) alone
    (
        _key("t", "t", "t_pair", ("pa", "pb"), 1),
        [_key("t", "t", "t_boss", ("boss_id",), 2)],
        False,
    ),  # t(*) is ambiguous
    (_key("t", "t", "t_next", ("next_id",), 1, one_to_one=True), [], False),
    (_key("x.b", "a", "b_a", ("a_id",), 1), [], "b_a"),  # another schema: named below
]


def test_embed_hint_follows_findrel_for_self_referencing_keys():
    """Plan.hs findRel (v11.2, v12.0) matches a self key only on its one-to-many side."""
    for fk, others, want in SELF_KEYS:
        found, hint = embed_hint(fk, [fk, *others])
        assert (hint if found else False) == want, fk
        assert (unembeddable(fk, [fk, *others]) is None) == (found and fk.schema == fk.ref_schema)


def test_a_comment_is_no_key_note_unless_postgrest_wrote_the_note_after_it():
    note = "Note:\nThis is a Foreign Key to `a.id`.<fk table='a' column='id'/>"
    document = {"definitions": {"t": {"properties": {
        "bare": {"type": "integer", "description": "<fk table='a' column='id'/>"},
        "pk": {"type": "integer", "description": note + "\n\nNote:\nThis is a Primary Key.<pk/>"},
        "real": {"type": "integer", "description": "it's `x`.<fk table='z' column='y'/>\n\n" + note},
    }}}}  # fmt: skip
    assert parse(json.dumps(document), "public").fk_notes == {"t": {"real": "a"}}


def test_a_note_displaced_by_a_relationship_to_a_new_view_is_no_drift():
    """b.a_id references priv.a (not exposed): its note names a view over priv.a, v1
    (cached); a new view v0 sorts first, which the cache cannot show before a reload, and the
    relationship to v1 still exists. Once the key is dropped, the note is removed."""

    def views(keyed: bool) -> Catalog:
        cat = catalog(rel("a", ("id",), schema="priv"), rel("b", ("id", "a_id")),
                      rel("v0", ("id",), kind="view"), rel("v1", ("id",), kind="view"),
                      fks=[_key("b", "priv.a", "b_a", ("a_id",), 1, ref_columns=("id",))]
                      if keyed else [])  # fmt: skip
        cat.view_sources = {f"public.{v}": ViewSource("public", v, {"id": ("priv.a", "id")})
                            for v in ("v0", "v1")}  # fmt: skip
        return cat

    cached = doc({"b": ("id", "a_id"), "v1": ("id",)}, fk={"b": {"a_id": "v1"}})
    assert compute(views(True), cached) == {("view", "public.v0", "added")}
    assert compute(views(False), cached) == {
        ("view", "public.v0", "added"),
        ("relationship", "public.b:public.v1!a_id", "removed"),
    }
