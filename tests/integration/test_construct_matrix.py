"""PostgREST's features, one construct per row, on the real PostgREST 12.0.2 and 11.2.2.

Each construct is made twice from one template: its ``f_`` copy before PostgREST starts (a
fresh cache: ``check`` must be healthy, every object it names too), its ``d_`` copy after,
without NOTIFY (the drift must be reported exactly: kind, name as psql prints it,
added/removed); after NOTIFY the check is healthy again. ``base`` is made in both copies
before PostgREST starts, so a construct can be a change to existing objects (a key, a
column). The exposed schema is ``cx``; ``cx_priv`` is not exposed; ``public`` is the default
db-extra-search-path. One database and PostgREST per version for the whole module; the
constructs use disjoint names, so every drift is applied at once and judged per row.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from corpus_helpers import check_json, reload, target_flags
from diagnosis_helpers import diagnose, failing_causes, stale_triples, target_for
from shared_cluster import TEMPLATE_DB

from tui.core.model import Report
from tui.sandbox import Cluster, Sandbox

pytestmark = pytest.mark.integration

S = "cx"  # the exposed schema
COMMON = """
CREATE EXTENSION IF NOT EXISTS file_fdw;
CREATE SERVER IF NOT EXISTS cx_files FOREIGN DATA WRAPPER file_fdw;
CREATE SCHEMA cx; CREATE SCHEMA cx_priv;
GRANT USAGE ON SCHEMA cx, cx_priv TO anon;
ALTER DEFAULT PRIVILEGES IN SCHEMA cx GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO anon;
ALTER DEFAULT PRIVILEGES IN SCHEMA cx_priv GRANT SELECT ON TABLES TO anon;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO anon;
CREATE TABLE cx.parent (id int PRIMARY KEY, code text UNIQUE NOT NULL);
CREATE TABLE cx.child (id int PRIMARY KEY, parent_id int REFERENCES cx.parent (id), v int);
CREATE TABLE cx.other (id int PRIMARY KEY);
CREATE TABLE cx."user" (id int PRIMARY KEY, "from" int, "select" int);
CREATE TABLE cx."select" (id int PRIMARY KEY, "table" int);
CREATE TABLE cx_priv.hidden (id int PRIMARY KEY, parent_id int REFERENCES cx.parent (id));
CREATE TYPE cx.mood AS ENUM ('calm', 'busy');
CREATE TYPE cx.pair AS (a int, b text);
CREATE DOMAIN cx.int_list AS int[] DEFAULT '{}' CHECK (cardinality(VALUE) < 10);
CREATE DOMAIN cx.positive AS int CHECK (VALUE > 0);
CREATE FUNCTION cx.next_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT 'x' $$;
"""

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Case:
    """One construct. ``{p}`` in any text is the copy's prefix (``f_`` or ``d_``)."""

    id: str
    construct: str  # made before start in the f_ copy, as drift (no NOTIFY) in the d_ copy
    expected: tuple[Triple, ...]  # the d_ copy's stale objects: (kind, printed name, change)
    base: str = ""  # made before start in both copies
    named: tuple[str, ...] = ()  # check flags naming the construct's objects (both copies)
    request: str = ""  # a --request using it: healthy on the f_ copy, the drift's on the d_


def t(name: str, kind: str = "table") -> Triple:
    return (kind, f"{S}.{name}", "added")


def col(table: str, column: str, change: str = "added") -> Triple:
    return ("column", f"{S}.{table}.{column}", change)


def rel(table: str, ref: str, hint: str, change: str = "added") -> Triple:
    return ("relationship", f"{S}.{table}:{S}.{ref}!{hint}", change)


def fn(name: str, change: str = "added") -> Triple:
    return ("function", f"{S}.{name}", change)


CASES = (
    # -- views: what PostgREST infers through them (fresh) and how a new one reads (drift) ----
    Case("view-union", "CREATE VIEW cx.{p}v_union AS SELECT id, parent_id FROM cx.child "
         "UNION SELECT id, parent_id FROM cx.child", (t("{p}v_union", "view"),)),
    Case("view-distinct", "CREATE VIEW cx.{p}v_distinct AS SELECT DISTINCT parent_id "
         "FROM cx.child", (t("{p}v_distinct", "view"),)),
    Case("view-group-by", "CREATE VIEW cx.{p}v_group AS SELECT parent_id, count(*) AS n, "
         "max(v) AS top FROM cx.child GROUP BY parent_id", (t("{p}v_group", "view"),)),
    Case("view-window", "CREATE VIEW cx.{p}v_window AS SELECT id, parent_id, "
         "row_number() OVER (PARTITION BY parent_id ORDER BY id) AS rn FROM cx.child",
         (t("{p}v_window", "view"),)),
    Case("view-recursive", "CREATE RECURSIVE VIEW cx.{p}v_rec (id, parent_id) AS "
         "SELECT id, parent_id FROM cx.child UNION ALL "
         "SELECT c.id, c.parent_id FROM cx.child c JOIN {p}v_rec r ON r.id = c.parent_id",
         (t("{p}v_rec", "view"),)),
    Case("view-cte", "CREATE VIEW cx.{p}v_cte AS WITH c AS (SELECT * FROM cx.child) "
         "SELECT id, parent_id FROM c", (t("{p}v_cte", "view"),)),
    Case("view-column-list", "CREATE VIEW cx.{p}v_cols (a, b) AS SELECT id, parent_id "
         "FROM cx.child", (t("{p}v_cols", "view"),)),
    Case("view-renames-and-casts-key", "CREATE VIEW cx.{p}v_cast AS SELECT id, "
         "parent_id AS owner, parent_id AS owner_again, parent_id::bigint AS as_big "
         "FROM cx.child", (t("{p}v_cast", "view"),)),
    Case("view-join-both-ends", "CREATE VIEW cx.{p}v_join AS SELECT c.id, c.parent_id, "
         "p.code FROM cx.child c JOIN cx.parent p ON p.id = c.parent_id",
         (t("{p}v_join", "view"),),
         request='GET /{p}v_join?select=id,parent(code)'),
    Case("view-odd-sources",
         "CREATE VIEW cx.{p}v_odd AS SELECT s.id, s.parent_id AS sub_parent, c2 AS whole, "
         "l.parent_id AS lat_parent, u.code FROM (SELECT id, parent_id FROM cx.child) s "
         "JOIN cx.child c2 USING (id) CROSS JOIN LATERAL (SELECT parent_id FROM cx.child x "
         "WHERE x.id = s.id) l JOIN cx.parent u ON u.id = s.parent_id "
         "WHERE EXISTS (SELECT 1 FROM cx.other o WHERE o.id = s.id)",
         (t("{p}v_odd", "view"),)),
    Case("view-of-parent", "CREATE VIEW cx.{p}v_parent AS SELECT id AS pid, code FROM cx.parent",
         (t("{p}v_parent", "view"),)),
    Case("view-over-unexposed-table", "CREATE VIEW cx.{p}v_hidden AS SELECT id, parent_id "
         "FROM cx_priv.hidden", (t("{p}v_hidden", "view"),)),
    Case("view-over-unexposed-view",
         "CREATE VIEW cx_priv.{p}pv AS SELECT id, parent_id FROM cx.child;"
         "CREATE VIEW cx.{p}v_over_priv AS SELECT id, parent_id FROM cx_priv.{p}pv",
         (t("{p}v_over_priv", "view"),)),
    Case("view-over-extra-search-path-view",
         "CREATE VIEW public.{p}pubv AS SELECT id, parent_id FROM cx.child;"
         "CREATE VIEW cx.{p}v_over_pub AS SELECT id, parent_id FROM public.{p}pubv",
         (t("{p}v_over_pub", "view"),)),
    Case("view-over-view-over-view",
         "CREATE VIEW cx.{p}v1 AS SELECT id, parent_id FROM cx.child;"
         "CREATE VIEW cx.{p}v2 AS SELECT * FROM cx.{p}v1;"
         "CREATE VIEW cx.{p}v3 AS SELECT parent_id AS p FROM cx.{p}v2",
         (t("{p}v1", "view"), t("{p}v2", "view"), t("{p}v3", "view"))),
    Case("materialized-view-indexed",
         "CREATE MATERIALIZED VIEW cx.{p}mv AS SELECT id, parent_id FROM cx.child;"
         "CREATE UNIQUE INDEX ON cx.{p}mv (id)",
         (t("{p}mv", "materialized view"),)),
    Case("view-instead-of-trigger",
         "CREATE FUNCTION cx.{p}ins() RETURNS trigger LANGUAGE plpgsql AS "
         "$$ BEGIN RETURN NEW; END $$;"
         "CREATE VIEW cx.{p}v_trig AS SELECT c.id, p.code FROM cx.child c "
         "JOIN cx.parent p ON p.id = c.parent_id;"
         "CREATE TRIGGER t INSTEAD OF INSERT ON cx.{p}v_trig FOR EACH ROW EXECUTE FUNCTION cx.{p}ins()",
         (t("{p}v_trig", "view"),)),  # a trigger function is not served
    # -- keys as PostgREST reads them ----------------------------------------------------------
    Case("table-unique-not-null-no-pk",
         "CREATE TABLE cx.{p}nopk (code text UNIQUE NOT NULL, n int)", (t("{p}nopk"),),
         named=("--table", "cx.{p}nopk")),
    Case("fk-to-unique-column",
         "ALTER TABLE cx.{p}uq_ref ADD CONSTRAINT {p}uq_fk FOREIGN KEY (code) "
         "REFERENCES cx.parent (code)",
         (rel("{p}uq_ref", "parent", "{p}uq_fk"),),
         base="CREATE TABLE cx.{p}uq_ref (id int PRIMARY KEY, code text)",
         named=("--relationship", "cx.{p}uq_ref:cx.parent"),
         request='GET /{p}uq_ref?select=id,parent!{p}uq_fk(id)'),
    Case("one-to-one-unique-fk",
         "ALTER TABLE cx.{p}ext ADD CONSTRAINT {p}ext_fk FOREIGN KEY (parent_id) "
         "REFERENCES cx.parent (id)",
         (rel("{p}ext", "parent", "{p}ext_fk"),),
         base="CREATE TABLE cx.{p}ext (id int PRIMARY KEY, parent_id int UNIQUE)",
         named=("--relationship", "cx.{p}ext:cx.parent"),
         request='GET /parent?select=id,{p}ext(id)'),
    Case("junction-composite-pk",
         "ALTER TABLE cx.{p}jn ADD CONSTRAINT {p}jn_p FOREIGN KEY (parent_id) "
         "REFERENCES cx.parent (id) ON DELETE CASCADE, ADD CONSTRAINT {p}jn_o "
         "FOREIGN KEY (other_id) REFERENCES cx.other (id) ON DELETE SET NULL",
         (rel("{p}jn", "parent", "{p}jn_p"), rel("{p}jn", "other", "{p}jn_o")),
         base="CREATE TABLE cx.{p}jn (parent_id int, other_id int, "
              "PRIMARY KEY (parent_id, other_id))",
         named=("--relationship", "cx.{p}jn:cx.parent", "--relationship", "cx.{p}jn:cx.other"),
         request='GET /{p}jn?select=parent(id),other(id)'),
    # a second key on a keyed column to the same table: the note reads the same either way
    Case("second-key-same-column-same-table",
         "ALTER TABLE cx.{p}sk ADD CONSTRAINT {p}sk_a_fk FOREIGN KEY (parent_id) "
         "REFERENCES cx.parent (id), ADD CONSTRAINT {p}sk_z_fk FOREIGN KEY (parent_id) "
         "REFERENCES cx.parent (id)",
         (rel("{p}sk", "parent", "{p}sk_a_fk"), rel("{p}sk", "parent", "{p}sk_z_fk")),
         base="CREATE TABLE cx.{p}sk (id int PRIMARY KEY, parent_id int "
              "CONSTRAINT {p}sk_m_fk REFERENCES cx.parent (id))",
         named=("--relationship", "cx.{p}sk:cx.parent")),
    Case("fk-deferrable-restrict",
         "ALTER TABLE cx.{p}dfr ADD CONSTRAINT {p}dfr_fk FOREIGN KEY (parent_id) "
         "REFERENCES cx.parent (id) ON DELETE RESTRICT ON UPDATE CASCADE "
         "DEFERRABLE INITIALLY DEFERRED",
         (rel("{p}dfr", "parent", "{p}dfr_fk"),),
         base="CREATE TABLE cx.{p}dfr (id int PRIMARY KEY, parent_id int)"),
    Case("one-column-two-keys",
         "ALTER TABLE cx.{p}two ADD CONSTRAINT {p}two_a FOREIGN KEY (ref) REFERENCES cx.parent (id),"
         " ADD CONSTRAINT {p}two_b FOREIGN KEY (ref) REFERENCES cx.other (id)",
         (rel("{p}two", "parent", "{p}two_a"), rel("{p}two", "other", "{p}two_b")),
         base="CREATE TABLE cx.{p}two (id int PRIMARY KEY, ref int)"),
    Case("fk-from-partitioned-table",
         "ALTER TABLE cx.{p}pt ADD CONSTRAINT {p}pt_fk FOREIGN KEY (parent_id) "
         "REFERENCES cx.parent (id)",
         (rel("{p}pt", "parent", "{p}pt_fk"),),
         base="CREATE TABLE cx.{p}pt (id int, at date NOT NULL, parent_id int) "
              "PARTITION BY RANGE (at);"
              "CREATE TABLE cx.{p}pt_2024 PARTITION OF cx.{p}pt "
              "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
         named=("--table", "cx.{p}pt_2024", "--relationship", "cx.{p}pt:cx.parent"),
         request='GET /{p}pt?select=id,parent(code)'),
    Case("fk-to-partitioned-table",
         "ALTER TABLE cx.{p}ptr ADD CONSTRAINT {p}ptr_fk FOREIGN KEY (t_id, t_at) "
         "REFERENCES cx.{p}ptt (id, at)",
         (rel("{p}ptr", "{p}ptt", "{p}ptr_fk"),),
         base="CREATE TABLE cx.{p}ptt (id int, at date, PRIMARY KEY (id, at)) "
              "PARTITION BY RANGE (at);"
              "CREATE TABLE cx.{p}ptt_2024 PARTITION OF cx.{p}ptt "
              "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
              "CREATE TABLE cx.{p}ptr (id int PRIMARY KEY, t_id int, t_at date)"),
    Case("inheritance-column-added",
         "ALTER TABLE cx.{p}inh ADD COLUMN extra text",
         (col("{p}inh", "extra"), col("{p}inh_kid", "extra")),
         base="CREATE TABLE cx.{p}inh (id int PRIMARY KEY);"
              "CREATE TABLE cx.{p}inh_kid (note text) INHERITS (cx.{p}inh)",
         named=("--table", "cx.{p}inh_kid")),
    Case("foreign-table",
         "CREATE FOREIGN TABLE cx.{p}ft (id int, parent_id int) SERVER cx_files "
         "OPTIONS (filename '/dev/null')",
         (t("{p}ft"),), named=("--table", "cx.{p}ft")),
    Case("fk-self-single-column",
         "ALTER TABLE cx.{p}tree ADD CONSTRAINT {p}tree_up FOREIGN KEY (up_id) "
         "REFERENCES cx.{p}tree (id)",
         (rel("{p}tree", "{p}tree", "{p}tree_up"),),
         base="CREATE TABLE cx.{p}tree (id int PRIMARY KEY, up_id int)"),
    # a key to an unexposed schema is served through the views over its table (f_v_hidden
    # was cached; a relationship to d_v_hidden is part of that new view's "added")
    Case("fk-to-unexposed-schema",
         "ALTER TABLE cx.{p}out ADD CONSTRAINT {p}out_fk FOREIGN KEY (h_id) "
         "REFERENCES cx_priv.hidden (id)", (rel("{p}out", "f_v_hidden", "{p}out_fk"),),
         base="CREATE TABLE cx.{p}out (id int PRIMARY KEY, h_id int)"),
    # OpenAPI names a dropped key's note by its column: the constraint's name is not in it
    Case("fk-dropped",
         "ALTER TABLE cx.{p}gone DROP CONSTRAINT {p}gone_fk",
         (("relationship", "cx.{p}gone:cx.parent!parent_id", "removed"),),
         base="CREATE TABLE cx.{p}gone (id int PRIMARY KEY, parent_id int "
              "CONSTRAINT {p}gone_fk REFERENCES cx.parent (id))"),
    # a new partition: PostgREST serves the parent only, so nothing is stale
    Case("partition-added",
         "CREATE TABLE cx.{p}pa_2025 PARTITION OF cx.{p}pa "
         "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')", (),
         base="CREATE TABLE cx.{p}pa (id int, at date NOT NULL) PARTITION BY RANGE (at)"),
    Case("table-moved-into-exposed-schema",
         "ALTER TABLE cx_priv.{p}mover SET SCHEMA cx", (t("{p}mover"),),
         base="CREATE TABLE cx_priv.{p}mover (id int PRIMARY KEY)"),
    Case("view-replaced-with-a-column-more",
         "CREATE OR REPLACE VIEW cx.{p}vr AS SELECT id, parent_id, v FROM cx.child",
         (col("{p}vr", "v"),),
         base="CREATE VIEW cx.{p}vr AS SELECT id, parent_id FROM cx.child",
         named=("--table", "cx.{p}vr")),
    # -- column types and defaults -------------------------------------------------------------
    Case("column-types",
         "ALTER TABLE cx.{p}typed ADD COLUMN dom cx.int_list, ADD COLUMN pos cx.positive,"
         " ADD COLUMN pr cx.pair, ADD COLUMN rng int4range, ADD COLUMN arr text[],"
         " ADD COLUMN moods cx.mood[], ADD COLUMN mood cx.mood, ADD COLUMN j json,"
         " ADD COLUMN jb jsonb DEFAULT '{\"a\": [1]}', ADD COLUMN x xml, ADD COLUMN m money,"
         " ADD COLUMN ts tsvector, ADD COLUMN ident int GENERATED ALWAYS AS IDENTITY,"
         " ADD COLUMN gen int GENERATED ALWAYS AS (id * 2) STORED,"
         " ADD COLUMN code text DEFAULT cx.next_code(), ADD COLUMN at timestamptz DEFAULT now()",
         tuple(col("{p}typed", c) for c in ("dom", "pos", "pr", "rng", "arr", "moods", "mood",
                                            "j", "jb", "x", "m", "ts", "ident", "gen", "code",
                                            "at")),
         base="CREATE TABLE cx.{p}typed (id int PRIMARY KEY)"),
    Case("enum-label-array-only",
         "ALTER TYPE cx.{p}tag ADD VALUE 'new'",
         (("enum", "cx.{p}tag:new", "added"),),
         base="CREATE TYPE cx.{p}tag AS ENUM ('old');"
              "CREATE TABLE cx.{p}tagged (id int PRIMARY KEY, tags cx.{p}tag[], one cx.{p}tag)"),
    # OpenAPI names an enum by format_type: qualified outside PostgREST's search path
    Case("enum-labels-odd-type-names",
         "ALTER TYPE public.\"{p}Mo.od\" ADD VALUE 'it''s, new'; "
         "ALTER TYPE cx_priv.\"{p}Pm\" ADD VALUE 'new'",
         (("enum", 'public."{p}Mo.od":it\'s, new', "added"),
          ("enum", 'cx_priv."{p}Pm":new', "added")),
         base="CREATE TYPE public.\"{p}Mo.od\" AS ENUM ('a');"
              "CREATE TYPE cx_priv.\"{p}Pm\" AS ENUM ('a');"
              "CREATE TABLE cx.{p}enums (id int PRIMARY KEY, m public.\"{p}Mo.od\", "
              "p cx_priv.\"{p}Pm\")"),
    # -- functions ------------------------------------------------------------------------------
    Case("fn-returns-table",
         "CREATE FUNCTION cx.{p}rt(n int) RETURNS TABLE (a int, b text) LANGUAGE sql STABLE "
         "AS $$ SELECT n, 'x' $$", (fn("{p}rt"),), named=("--function", "cx.{p}rt")),
    Case("fn-setof-composite",
         "CREATE FUNCTION cx.{p}sc() RETURNS SETOF cx.pair LANGUAGE sql IMMUTABLE "
         "AS $$ SELECT 1, 'a' $$", (fn("{p}sc"),)),
    Case("fn-out-inout",
         "CREATE FUNCTION cx.{p}outs(INOUT a int, OUT b text, c int DEFAULT 2) "
         "LANGUAGE sql AS $$ SELECT a, 'x' $$", (fn("{p}outs"),),
         named=("--function", "cx.{p}outs"),
         request='GET /rpc/{p}outs?a=1'),
    Case("fn-variadic",
         "CREATE FUNCTION cx.{p}var(VARIADIC xs int[]) RETURNS int LANGUAGE sql "
         "AS $$ SELECT cardinality(xs) $$", (fn("{p}var"),)),
    Case("fn-overload-by-type",
         "CREATE FUNCTION cx.{p}ov(a text) RETURNS int LANGUAGE sql AS $$ SELECT 2 $$",
         (("function", "cx.{p}ov(text)", "added"),),
         base="CREATE FUNCTION cx.{p}ov(a int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
         named=("--function", "cx.{p}ov")),
    # argument names PostgREST's query grammar reserves or reads as a path, unless quoted
    Case("fn-reserved-argument-names",
         'CREATE FUNCTION cx.{p}resv("select" int, "a.b" int, "x y" int, "lim.limit" int, '
         '"order" int DEFAULT 1) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
         (fn("{p}resv"),), named=("--function", "cx.{p}resv")),
    # overloads across schemas, argument types outside the exposed schema or quoted
    Case("fn-overload-type-in-unexposed-schema",
         "CREATE FUNCTION cx.{p}ovx(a cx_priv.{p}tok) RETURNS int LANGUAGE sql AS $$ SELECT 2 $$",
         (("function", "cx.{p}ovx(cx_priv.{p}tok)", "added"),),
         base="CREATE TYPE cx_priv.{p}tok AS (v int);"
              "CREATE FUNCTION cx.{p}ovx(a int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
         named=("--function", "cx.{p}ovx")),
    Case("fn-same-name-other-schemas",
         "CREATE FUNCTION cx_priv.{p}xs(a text) RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;"
         "CREATE FUNCTION public.{p}xs(a text) RETURNS int LANGUAGE sql AS $$ SELECT 3 $$",
         (), base="CREATE FUNCTION cx.{p}xs(a int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
         named=("--function", "cx.{p}xs")),
    Case("fn-overload-quoted-type-names",
         'CREATE FUNCTION cx.{p}ovq(a public."{p}T.y") RETURNS int LANGUAGE sql AS $$ SELECT 2 $$',
         (("function", 'cx.{p}ovq("{p}T.y")', "added"),),
         base='CREATE DOMAIN public."{p}T.y" AS text;'
              "CREATE FUNCTION cx.{p}ovq(a character) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;"
              "CREATE FUNCTION cx.{p}ovq(a bit) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
         named=("--function", "cx.{p}ovq")),
    # Prefer: params=single-object passes the body as the one json argument, whatever its keys
    Case("fn-single-object-json",
         "CREATE FUNCTION cx.{p}so(payload json) RETURNS json LANGUAGE sql AS $$ SELECT payload $$",
         (fn("{p}so"),),
         request='POST /rpc/{p}so HTTP/1.1\nPrefer: params=single-object\n'
                 'Content-Type: application/json\n\n{"x": 1, "y": 2}'),
    # the cache still holds the dropped overload: a call by the names both take is ambiguous;
    # the full check finds it only when the sweep reaches the sibling (asked newest OID
    # first): the rows after this one must not create functions in their base
    Case("fn-overload-dropped",
         "DROP FUNCTION cx.{p}dov(text)",
         (("function", "cx.{p}dov(text)", "removed"),),
         base="CREATE FUNCTION cx.{p}dov(a int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;"
              "CREATE FUNCTION cx.{p}dov(a text) RETURNS int LANGUAGE sql AS $$ SELECT 2 $$",
         named=("--function", "cx.{p}dov")),
    Case("fn-unnamed-json",
         "CREATE FUNCTION cx.{p}body(json) RETURNS json LANGUAGE sql AS $$ SELECT $1 $$",
         (fn("{p}body"),),
         request='POST /rpc/{p}body {"x": 1}'),
    Case("fn-unnamed-int-not-served",
         "CREATE FUNCTION cx.{p}unnamed(int, int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
         ()),
    Case("fn-returns-domain-range-void",
         "CREATE FUNCTION cx.{p}dom() RETURNS cx.positive LANGUAGE sql AS $$ SELECT 1 $$;"
         "CREATE FUNCTION cx.{p}rng() RETURNS int4range LANGUAGE sql AS $$ SELECT int4range(1, 2) $$;"
         "CREATE FUNCTION cx.{p}void(a int) RETURNS void LANGUAGE sql VOLATILE AS $$ $$",
         (fn("{p}dom"), fn("{p}rng"), fn("{p}void"))),
    Case("fn-trigger-procedure-aggregate-not-served",
         "CREATE FUNCTION cx.{p}trg() RETURNS trigger LANGUAGE plpgsql "
         "AS $$ BEGIN RETURN NEW; END $$;"
         "CREATE PROCEDURE cx.{p}proc(a int) LANGUAGE sql AS $$ SELECT 1 $$;"
         "CREATE AGGREGATE cx.{p}agg(int) (SFUNC = int4pl, STYPE = int)",
         ()),
    Case("fn-in-extra-search-path-not-served",
         "CREATE FUNCTION public.{p}pubfn(a int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
         ()),
    # a computed field: its one argument has no name, so it is no /rpc/ function
    Case("fn-computed-field",
         "CREATE FUNCTION cx.{p}label(cx.parent) RETURNS text LANGUAGE sql STABLE "
         "AS $$ SELECT $1.code $$", (),
         request='GET /parent?select=id,{p}label'),
    Case("fn-special-name",
         'CREATE FUNCTION cx."{p}Fn?x=1&y#2"(a int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
         (fn('"{p}Fn?x=1&y#2"'),), named=("--function", 'cx."{p}Fn?x=1&y#2"')),
    Case("fn-slash-percent-space-name",
         'CREATE FUNCTION cx."{p}a/b %20 ü.x"(a int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
         (fn('"{p}a/b %20 ü.x"'),), named=("--function", 'cx."{p}a/b %20 ü.x"')),
    # OpenAPI lists functions by a live query: the old name leaves it at once
    Case("fn-renamed",
         "ALTER FUNCTION cx.{p}fold(int) RENAME TO {p}fnew", (fn("{p}fnew"),),
         base="CREATE FUNCTION cx.{p}fold(a int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$"),
    # -- comments: OpenAPI descriptions ---------------------------------------------------------
    Case("comments-newlines-quotes",
         "COMMENT ON TABLE cx.{p}cm IS E'line one\\nline \"two\" it''s <b>'; "
         "COMMENT ON COLUMN cx.{p}cm.parent_id IS E'the parent\\n\\nsee ''code'' -- \"x\"';"
         "COMMENT ON COLUMN cx.{p}cm.id IS E'Note:\\nThis is a Primary Key.<pk/>';"
         "COMMENT ON FUNCTION cx.next_code() IS E'summary\\n\\ndescription ''q''';"
         "ALTER TABLE cx.{p}cm ADD COLUMN added text",
         (col("{p}cm", "added"),),
         base="CREATE TABLE cx.{p}cm (id int PRIMARY KEY, parent_id int REFERENCES cx.parent)"),
    # a comment is the column's whole description unless PostgREST adds notes after it
    Case("comment-that-reads-like-a-key-note",
         "COMMENT ON COLUMN cx.{p}fake.ref IS "
         "E'This is a Foreign Key to `parent.id`.<fk table=''parent'' column=''id''/>';"
         "COMMENT ON COLUMN cx.{p}fake.id IS E'Note:\\nThis is a Foreign Key to `other.id`."
         "<fk table=''other'' column=''id''/>'",
         (), base="CREATE TABLE cx.{p}fake (id int PRIMARY KEY, ref int)"),
    # a column with a key whose comment ends like a note: PostgREST's note follows it
    Case("comment-note-on-key-column",
         "ALTER TABLE cx.{p}cnk DROP CONSTRAINT {p}cnk_o",
         (("relationship", "cx.{p}cnk:cx.other!o", "removed"),),
         base="CREATE TABLE cx.{p}cnk (id int PRIMARY KEY, "
              "parent_id int REFERENCES cx.parent (id), "
              "o int CONSTRAINT {p}cnk_o REFERENCES cx.other (id));"
              "COMMENT ON COLUMN cx.{p}cnk.parent_id IS E'x\\n\\nNote:\\nThis is a Foreign Key "
              "to `other.id`.<fk table=''other'' column=''id''/>';"
              "COMMENT ON COLUMN cx.{p}cnk.o IS E'Note:\\nsee below'"),
    # a key declared on a partition that is itself partitioned (PostgREST caches it)
    Case("fk-on-sub-partitioned-partition",
         "ALTER TABLE cx.{p}pp_24 ADD CONSTRAINT {p}pp24_fk FOREIGN KEY (parent_id) "
         "REFERENCES cx.parent (id)",
         (rel("{p}pp_24", "parent", "{p}pp24_fk"),),
         base="CREATE TABLE cx.{p}pp (id int, at date NOT NULL, k int NOT NULL, parent_id int) "
              "PARTITION BY RANGE (at);"
              "CREATE TABLE cx.{p}pp_24 PARTITION OF cx.{p}pp "
              "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (k);"
              "CREATE TABLE cx.{p}pp_24_1 PARTITION OF cx.{p}pp_24 FOR VALUES IN (1);"
              "ALTER TABLE cx.{p}pp ADD CONSTRAINT {p}pp_fk FOREIGN KEY (k) "
              "REFERENCES cx.other (id)",
         named=("--table", "cx.{p}pp_24_1")),
    Case("inheritance-two-parents",
         "ALTER TABLE cx.{p}ib ADD COLUMN extra text",
         (col("{p}ib", "extra"), col("{p}ikid", "extra")),
         base="CREATE TABLE cx.{p}ia (id int PRIMARY KEY, parent_id int REFERENCES cx.parent);"
              "CREATE TABLE cx.{p}ib (o int REFERENCES cx.other);"
              "CREATE TABLE cx.{p}ikid (id int PRIMARY KEY, own int REFERENCES cx.parent) "
              "INHERITS (cx.{p}ia, cx.{p}ib)",
         named=("--table", "cx.{p}ikid")),
    # -- names ------------------------------------------------------------------------------------
    Case("names-punctuation",
         'CREATE TABLE cx."{p}We;ird %Na&me=?#/" (id int PRIMARY KEY, '
         '"a.b" text, "with space" text, "quo""te" text, "semi;colon" int, "pct%" int, '
         '"amp&" int, "eq=" int, "q?" int, "hash#" int, "sl/ash" int, "Upper" int, '
         '"select" int, "ünï" text)',
         (t('"{p}We;ird %Na&me=?#/"'),),
         named=("--table", 'cx."{p}We;ird %Na&me=?#/"',
                "--column", 'cx."{p}We;ird %Na&me=?#/"."quo""te"'),
         request='GET /{p}We%3Bird%20%25Na%26me%3D%3F%23%2F?select=%22a.b%22,%22q%3F%22'),
    Case("names-columns-added",
         'ALTER TABLE cx."{p}Ta ble" ADD COLUMN "a.b" text, ADD COLUMN "pct%" int, '
         'ADD COLUMN "q?&=#/" int, ADD COLUMN "order" int, ADD COLUMN "Ünï Côde" text',
         (col('"{p}Ta ble"', '"a.b"'), col('"{p}Ta ble"', '"pct%"'),
          col('"{p}Ta ble"', '"q?&=#/"'), col('"{p}Ta ble"', '"order"'),
          col('"{p}Ta ble"', '"Ünï Côde"')),
         base='CREATE TABLE cx."{p}Ta ble" (id int PRIMARY KEY)',
         named=("--column", 'cx."{p}Ta ble"."a.b"', "--column", 'cx."{p}Ta ble"."pct%"'),
         request='GET /{p}Ta%20ble?select=%22a.b%22,%22pct%25%22'),
    # characters PostgREST's query grammar gives meaning to: *, :, ->, ::, (, ), commas,
    # dots, blanks at either end, a backslash, a double quote
    Case("names-query-grammar-characters",
         'ALTER TABLE cx."{p}Gram" ADD COLUMN "*id*" int, ADD COLUMN ":arr->ow::cast" int, '
         'ADD COLUMN "(inside,parens)" int, ADD COLUMN "a.dotted.column" int, '
         'ADD COLUMN "  col  w  space  " int, ADD COLUMN "back\\slash" int, '
         'ADD COLUMN "quo""ted" int',
         tuple(col('"{p}Gram"', c) for c in ('"*id*"', '":arr->ow::cast"', '"(inside,parens)"',
                                             '"a.dotted.column"', '"  col  w  space  "',
                                             '"back\\slash"', '"quo""ted"')),
         base='CREATE TABLE cx."{p}Gram" (id int PRIMARY KEY)',
         named=("--table", 'cx."{p}Gram"', "--column", 'cx."{p}Gram".":arr->ow::cast"',
                "--column", 'cx."{p}Gram"."  col  w  space  "'),
         request='GET /{p}Gram?select=%22*id*%22,%22:arr-%3Eow::cast%22,%22a.dotted.column%22'),
    Case("names-reserved-words",
         'ALTER TABLE cx."user" ADD COLUMN "{p}Table" int',
         (col('"user"', '"{p}Table"'),)),
    Case("names-key-between-odd-tables",
         'ALTER TABLE cx."{p}Kid.Tab" ADD CONSTRAINT "{p}Odd Fk;" FOREIGN KEY ("Par Id") '
         'REFERENCES cx."{p}Par/Tab" ("Id%")',
         (rel('"{p}Kid.Tab"', '"{p}Par/Tab"', '"{p}Odd Fk;"'),),
         base='CREATE TABLE cx."{p}Par/Tab" ("Id%" int PRIMARY KEY);'
              'CREATE TABLE cx."{p}Kid.Tab" (id int PRIMARY KEY, "Par Id" int)',
         named=("--relationship", 'cx."{p}Kid.Tab":cx."{p}Par/Tab"')),
)  # fmt: skip


def _copy(text: str, prefix: str) -> str:
    """A case's text for one copy (``{p}`` only: SQL holds braces of its own)."""
    return text.replace("{p}", prefix)


def _template_sql() -> str:
    parts = [COMMON]
    for case in CASES:
        parts += [_copy(case.base, "f_"), _copy(case.base, "d_"), _copy(case.construct, "f_")]
    return ";\n".join(p for p in parts if p) + ";"


@pytest.fixture(scope="module")
def template(cluster: Cluster) -> Iterator[str]:
    name = f"cx_{uuid.uuid4().hex[:8]}"
    cluster.create_database(name, template=TEMPLATE_DB)
    try:
        cluster.execute(name, _template_sql())
        yield name
    finally:
        cluster.drop_database(name)


@pytest.fixture(scope="module", params=["12", "11"])
def served(request: pytest.FixtureRequest, cluster: Cluster, template: str) -> Iterator[Sandbox]:
    box = Sandbox(postgrest_version=request.param, schemas=(S,), cluster=cluster,
                  template=template, dbname=f"{template}_{request.param}")  # fmt: skip
    box.start()
    try:
        yield box
    finally:
        box.stop()


def _named(case: Case, prefix: str) -> list[str]:
    return [_copy(flag, prefix) for flag in case.named]


def _triples(data: dict) -> set[Triple]:
    return {(s["kind"], s["name"], s["change"]) for s in data["stale_objects"]}


def _belongs(triple: Triple, case: Case) -> bool:
    """Whether a stale object is this case's: it names one of the case's d_ objects."""
    return bool(set(_OWN.findall(triple[1])) & {f"d_{word}" for word in _words(case)})


_OWN = re.compile(r"(?<![\w])d_\w*")


def _words(case: Case) -> set[str]:
    """The names following ``{p}`` in a case's text (its own objects), up to a non-word."""
    texts = (case.base, case.construct, *(x[1] for x in case.expected))
    return {m for text in texts for m in re.findall(r"\{p\}(\w*)", text) if m}


async def _requests(box: Sandbox, prefix: str) -> list[tuple[Case, Report]]:
    """Each case's ``--request`` of one copy, diagnosed one after another by the engine
    ``check`` runs. Not at once: a dozen diagnoses' probes queue on PostgREST's pool of ten
    connections, and under a loaded CI host some outlived their timeout (an object missing)."""
    target = target_for(box)
    return [(case, await diagnose(target, request=_copy(case.request, prefix)))
            for case in CASES if case.request]  # fmt: skip


def _failing(data: dict) -> list[tuple[str, str]]:
    return [(f["check"], f["summary"]) for f in data["findings"] if f["status"] == "fail"]


def _expected(case: Case) -> set[Triple]:
    return {(kind, _copy(name, "d_"), change) for kind, name, change in case.expected}


def _covers(named: str, stale: str) -> bool:
    """A check naming ``named`` (a table, column, function or relationship) answers for the
    stale object ``stale``: itself, a table's column, an overload, a key between the two."""
    return stale == named or any(stale.startswith(named + sep) for sep in ".(!")


def test_constructs_fresh_healthy_drift_exact_then_healed(
    served: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = target_flags(served)
    wrong: list[str] = []

    code, fresh = check_json(capsys, flags)
    if (code, fresh["verdict"], fresh["stale_objects"]) != (0, "healthy", []):
        wrong.append(f"fresh cache: {fresh['verdict']} {sorted(_triples(fresh))}")
    keyless = [*target_flags(served, key=False), "--anon-role", "anon"]
    code, data = check_json(capsys, keyless)
    if (code, data["verdict"], data["stale_objects"]) != (0, "healthy", []):
        wrong.append(f"fresh, --anon-role: {data['verdict']} {sorted(_triples(data))}")
    named_fresh = [f for case in CASES for f in _named(case, "f_")]
    _code, data = check_json(capsys, flags + named_fresh)
    if data["stale_objects"] or _failing(data):
        wrong.append(f"fresh, named: {sorted(_triples(data))} {_failing(data)}")
    code, data = check_json(capsys, [*flags, "--enum-value", "cx.f_tag:old"])
    if (code, data["stale_objects"]) != (0, []):  # a label alone: the full comparison
        wrong.append(f"fresh, enum label: exit {code} {data['verdict']} {_failing(data)}")
    for case, report in asyncio.run(_requests(served, "f_")):
        if (report.exit_code, report.stale_objects) != (0, []):
            wrong.append(f"{case.id} fresh request: {report.verdict} {failing_causes(report)}")

    served.execute(";\n".join(_copy(case.construct, "d_") for case in CASES))
    code, drifted = check_json(capsys, flags)
    if (code, drifted["verdict"]) != (1, "stale-cache"):
        wrong.append(f"drifted: exit {code}, {drifted['verdict']}")
    got = _triples(drifted)
    claimed: set[Triple] = set()
    for case in CASES:
        want = _expected(case)
        mine = {g for g in got if _belongs(g, case)}
        claimed |= mine
        if mine != want:
            wrong.append(f"{case.id}: got {sorted(mine)}, want {sorted(want)}")
    if got - claimed:
        wrong.append(f"unclaimed: {sorted(got - claimed)}")
    code, data = check_json(capsys, keyless)
    if (code, _triples(data)) != (1, got):
        wrong.append(f"--anon-role: exit {code}, beside the key's: {_triples(data) ^ got}")
    named_drift = [f for case in CASES for f in _named(case, "d_")]
    _code, data = check_json(capsys, flags + named_drift)
    named = _triples(data)
    for case in CASES:
        values = _named(case, "d_")[1::2]
        want = {x for x in _expected(case) if any(_covers(v, x[1]) for v in values)}
        if {x for x in named if _belongs(x, case)} != want:
            wrong.append(
                f"{case.id} named: got {sorted(named & _expected(case))}, want {sorted(want)}"
            )

    code, data = check_json(capsys, [*flags, "--enum-value", "cx.d_tag:new"])
    if code != 1 or ("enum", "cx.d_tag:new", "added") not in _triples(data):
        wrong.append(f"enum label named: exit {code} {sorted(_triples(data))}")
    for case, report in asyncio.run(_requests(served, "d_")):
        if not _expected(case) <= stale_triples(report):  # among the whole drift
            wrong.append(f"{case.id} request: {sorted(stale_triples(report))}")

    reload(served)
    code, after = check_json(capsys, flags)
    if (code, after["verdict"], after["stale_objects"]) != (0, "healthy", []):
        wrong.append(f"after NOTIFY: {after['verdict']} {sorted(_triples(after))}")
    assert not wrong, "\n".join(wrong)
