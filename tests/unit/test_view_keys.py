"""PostgREST's view relationships, derived from the catalog: a view rule's column origins
read from its node tree, and the relationships a foreign key gives the views over its ends."""

from __future__ import annotations

from pathlib import Path

from tui.core.probes.catalog import ForeignKey
from tui.core.view_keys import ViewSource, target_origins, view_primary_key, view_relationships

# pg_rewrite.ev_action of a PostgreSQL 15 view over table p (OID 16385: id, "we{ird} col"):
#   SELECT p.id AS x, (SELECT max(q.id) FROM p q WHERE q.id < p.id) AS m, p."we{ird} col",
#          p.id + 1 AS e FROM (SELECT id, "we{ird} col" FROM p) p
RULE = (Path(__file__).parent / "data" / "pg15_view_rule.txt").read_text(encoding="utf-8")


def test_origins_are_the_top_level_target_list_only():
    """x and the braced name come from p (through the subquery); the sublink's own target
    list and the expression have no origin in the view."""
    assert target_origins(RULE) == [(1, 16385, 1), (3, 16385, 2)]


def test_escaped_braces_in_names_do_not_shift_the_depth():
    tree = (r"({QUERY :rtable ({RTE :alias {ALIAS :aliasname a\{b :colnames <>}}) "
            r":targetList ({TARGETENTRY :expr {VAR :varno 1} :resno 1 :resname c\}d "
            r":resorigtbl 7 :resorigcol 2 :resjunk false}) :sortClause <>})")  # fmt: skip
    assert target_origins(tree) == [(1, 7, 2)]


FK = ForeignKey("public", "child", "public", "parent", "child_parent_fk", 1, ("pid",), ("id",))


def test_a_key_gives_views_over_either_end_their_relationships():
    views = {
        "public.cv": ViewSource("public", "cv", {"p1": ("public.child", "pid"),
                                                 "p2": ("public.child", "pid")}),
        "public.pv": ViewSource("public", "pv", {"pid": ("public.parent", "id")}),
        "public.pvv": ViewSource("public", "pvv", {"k": ("public.pv", "pid")}),
    }  # fmt: skip
    rels = {
        (r.table, r.foreign_table, r.columns) for r in view_relationships([FK], views, ["public"])
    }
    assert ("public.cv", "public.parent", (("p1", "id"),)) in rels  # each repeated column
    assert ("public.cv", "public.parent", (("p2", "id"),)) in rels
    assert ("public.child", "public.pvv", (("pid", "k"),)) in rels  # through a view over a view
    assert ("public.cv", "public.pv", (("p1", "pid"),)) in rels  # view to view
    assert len(rels) == 2 + 2 + 2 * 2  # to parent; child to pv, pvv; cv to pv, pvv


def test_views_in_unexposed_schemas_start_nothing_and_pass_only_on_the_search_path():
    views = {
        "api.v": ViewSource("api", "v", {"pid": ("private.w", "pid")}),
        "private.w": ViewSource("private", "w", {"pid": ("public.child", "pid")}),
    }
    assert view_relationships([FK], views, ["api"], extra_search_path=()) == []
    found = view_relationships([FK], views, ["api"], extra_search_path=("private",))
    assert [(r.table, r.foreign_table) for r in found] == [("api.v", "public.parent")]


# (view, its primary key as PostgREST infers it): the first column showing each key column of
# a table it reads, through a view over a view; a key column not shown is left out
PRIMARY_KEYS = [
    ("public.ov", ("b", "a")),
    ("public.ovv", ("b",)),
    ("public.none", ()),
]
KEY_VIEWS = {
    "public.ov": ViewSource("public", "ov", {"b": ("public.t", "k1"), "a": ("public.t", "k2"),
                                             "a2": ("public.t", "k2"), "v": ("public.t", "v")}),
    "public.ovv": ViewSource("public", "ovv", {"b": ("public.ov", "b"), "v": ("public.ov", "v")}),
    "public.none": ViewSource("public", "none", {"v": ("public.t", "v")}),
}  # fmt: skip


def test_a_views_primary_key_is_the_base_tables_as_it_shows_them():
    keys = {"public.t": ("k1", "k2")}
    for view, wanted in PRIMARY_KEYS:
        assert view_primary_key(view, KEY_VIEWS, keys) == wanted, view
