"""A snapshot of the catalog as the request role sees it: one query per kind (never one per
object), over every user schema, inside one read-only snapshot. Exposure is decided later,
so objects in schemas PostgREST does not serve are still known (schema-not-exposed).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import psycopg
from psycopg.rows import BaseRowFactory, dict_row, tuple_row

from tui.core.names import qualified, relationship_name, signature
from tui.core.postgrest_config import choose_authenticator, in_database
from tui.core.probes.cache_only import RAW_BODY_MEDIA, SINGLE_OBJECT_TYPES
from tui.core.view_keys import ViewSource, target_origins, view_primary_key

R = TypeVar("R")

PUBLIC = "public"  # the pseudo-role whose privileges every role has (the lower bound)
USER_SCHEMAS = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"


def read_as(role: str | None) -> str:
    """The role a snapshot reads privileges as: an unknown one (None) has PUBLIC's; the checks
    know it is unknown."""
    return PUBLIC if role is None else role


ROLE_QUERY = """
SELECT r.rolname, r.rolsuper, r.rolbypassrls,
       ARRAY(SELECT m.rolname::text FROM pg_roles m WHERE pg_has_role(r.oid, m.oid, 'USAGE'))
FROM pg_roles r WHERE r.rolname = %(role)s
"""

SCHEMAS_QUERY = f"""
SELECT n.nspname, has_schema_privilege(%(role)s, n.oid, 'USAGE')
FROM pg_namespace n WHERE {USER_SCHEMAS}
"""

# %(names)s: NULL for every relation, or the names asked about (in any schema). Columns come
# from an index lookup per relation (faster than aggregating all of pg_attribute at 10,000
# tables); the catch-all privilege test runs only for relations without a DML privilege, and
# the per-column grants only for relations where a table-level grant is missing but a column
# one exists (GRANT SELECT (id) ...: PostgreSQL lets the role read those columns). Partitions
# are read too (PostgREST serves only their parent, ``NOT relispartition``), with their
# partitioned ancestors, nearest first (keys declared on those are copied onto the partition;
# walked through pg_inherits, as pg_partition_ancestors is PostgreSQL 12+).
RELATIONS_QUERY = f"""
SELECT oid, nspname AS schema, relname AS name, relkind, owner, relrowsecurity AS rls,
       relforcerowsecurity AS force_rls, reloptions,
       sel AS can_select, ins AS can_insert, upd AS can_update, del AS can_delete,
       sel OR ins OR upd OR del
         OR has_table_privilege(%(role)s, oid, 'TRUNCATE,REFERENCES,TRIGGER')
         OR has_any_column_privilege(%(role)s, oid, 'SELECT,INSERT,UPDATE,REFERENCES') AS visible,
       columns, ancestors, changed_age,
       CASE WHEN NOT (sel AND ins AND upd)
              AND has_any_column_privilege(%(role)s, oid, 'SELECT,INSERT,UPDATE') THEN
         ARRAY(SELECT a.attname::text || ':'
                      || has_column_privilege(%(role)s, oid, a.attnum, 'SELECT')::int
                      || has_column_privilege(%(role)s, oid, a.attnum, 'INSERT')::int
                      || has_column_privilege(%(role)s, oid, a.attnum, 'UPDATE')::int
               FROM pg_attribute a
               WHERE a.attrelid = oid AND a.attnum > 0 AND NOT a.attisdropped
               ORDER BY a.attnum)
       END AS column_grants
FROM (
  SELECT c.oid::bigint AS oid, n.nspname, c.relname, c.relkind,
         pg_get_userbyid(c.relowner) AS owner, c.relrowsecurity, c.relforcerowsecurity,
         c.reloptions,
         has_table_privilege(%(role)s, c.oid, 'SELECT') AS sel,
         has_table_privilege(%(role)s, c.oid, 'INSERT') AS ins,
         has_table_privilege(%(role)s, c.oid, 'UPDATE') AS upd,
         has_table_privilege(%(role)s, c.oid, 'DELETE') AS del,
         ARRAY(SELECT a.attname::text FROM pg_attribute a
               WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
               ORDER BY a.attnum) AS columns,
         age(c.xmin) AS changed_age,
         CASE WHEN c.relispartition THEN
           ARRAY(WITH RECURSIVE up(oid, depth) AS (
                   SELECT i.inhparent, 1 FROM pg_inherits i WHERE i.inhrelid = c.oid
                   UNION ALL
                   SELECT i.inhparent, up.depth + 1 FROM up JOIN pg_inherits i ON i.inhrelid = up.oid)
                 SELECT pn.nspname || '.' || p.relname
                 FROM up JOIN pg_class p ON p.oid = up.oid
                 JOIN pg_namespace pn ON pn.oid = p.relnamespace ORDER BY up.depth)
         END AS ancestors
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p') AND {USER_SCHEMAS}
    AND (%(names)s::text[] IS NULL OR c.relname = ANY(%(names)s::text[]))
) AS rels
ORDER BY oid DESC
"""

# Foreign keys as PostgREST's allM2OandO2ORels reads them (SchemaCache.hs, v11.2 and v12.0):
# keys a partition inherits from its parent are skipped (conparentid), the columns come in key
# order, and a one-column key is one-to-one when that column alone is a primary key or unique
# constraint of its table (PostgREST's rule; for composite keys it is not read: OpenAPI notes
# and embeds do not depend on it). Joins, not a subquery per key: 10,000 keys in ~0.1 s.
_KEY_COLUMNS = """ARRAY(SELECT x.attname::text FROM unnest(k.{keys}) WITH ORDINALITY AS u(num, ord)
             JOIN pg_attribute x ON x.attrelid = k.{rel} AND x.attnum = u.num ORDER BY u.ord)"""
FOREIGN_KEYS_QUERY = f"""
SELECT k.oid::bigint AS oid, n.nspname AS schema, c.relname AS table,
       fn.nspname AS ref_schema, f.relname AS ref_table, k.conname AS name,
       CASE WHEN cardinality(k.conkey) = 1 THEN ARRAY[a.attname::text]
            ELSE {_KEY_COLUMNS.format(keys="conkey", rel="conrelid")} END AS columns,
       CASE WHEN cardinality(k.confkey) = 1 THEN ARRAY[ra.attname::text]
            ELSE {_KEY_COLUMNS.format(keys="confkey", rel="confrelid")} END AS ref_columns,
       uq.conrelid IS NOT NULL AS one_to_one
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class f ON f.oid = k.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace
JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1]
LEFT JOIN (SELECT DISTINCT conrelid, conkey[1] AS attnum FROM pg_constraint
           WHERE contype IN ('p', 'u') AND cardinality(conkey) = 1) AS uq
  ON uq.conrelid = k.conrelid AND uq.attnum = k.conkey[1] AND cardinality(k.conkey) = 1
WHERE k.contype = 'f' AND k.conparentid = 0 AND {USER_SCHEMAS}
"""
# Scoped: the same rows for the keys on or to the named relations, found through pg_depend's
# index on the referenced object (a foreign key depends on both of its tables, and on an
# index, which a name could match too: tables only); filtering the joined pg_constraint by
# name scanned every key (40 ms at 10,000 tables). A key's names, columns and one-to-one test
# (its own table's constraints, pg_constraint's index on conrelid) are one-relation subqueries
# per key, not joins: ordering nine joined catalogs cost the planner 14-20 ms on a fresh
# connection, more the larger the catalogs' statistics (13.8 ms at 100 tables, 20.6 ms at
# 10,000); a few keys' subqueries plan in ~2 ms at either size. OFFSET 0 keeps them below the
# schema filter, so they are not inlined back into one join. In OID order, as the join gave.
FOREIGN_KEYS_NAMED_QUERY = f"""
SELECT * FROM (
  SELECT k.oid::bigint AS oid,
         (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.oid = k.conrelid) AS schema,
         (SELECT c.relname FROM pg_class c WHERE c.oid = k.conrelid) AS table,
         (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.oid = k.confrelid) AS ref_schema,
         (SELECT c.relname FROM pg_class c WHERE c.oid = k.confrelid) AS ref_table,
         k.conname AS name,
         {_KEY_COLUMNS.format(keys="conkey", rel="conrelid")} AS columns,
         {_KEY_COLUMNS.format(keys="confkey", rel="confrelid")} AS ref_columns,
         cardinality(k.conkey) = 1 AND EXISTS (
           SELECT FROM pg_constraint u WHERE u.conrelid = k.conrelid AND u.contype IN ('p', 'u')
             AND cardinality(u.conkey) = 1 AND u.conkey[1] = k.conkey[1]) AS one_to_one
  FROM pg_constraint k
  WHERE k.oid IN (SELECT d.objid FROM pg_class r
                  JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = r.oid
                  WHERE r.relname = ANY(%(names)s::text[]) AND r.relkind IN ('r', 'p')
                    AND d.classid = 'pg_constraint'::regclass)
    AND k.contype = 'f' AND k.conparentid = 0
  OFFSET 0
) AS keys
WHERE schema !~ '^pg_' AND schema <> 'information_schema'
ORDER BY oid
"""

# Computed relationships (PostgREST's allComputedRels): a function of one argument taking a
# relation's row type and returning one. PostgREST keys relationships by (table, foreign
# table) and computed ones by (table, function): a function named like a table, in that
# table's schema, replaces every foreign key from its argument's table to that table.
# From the user's functions through pg_type's row-type links (index lookups): joining
# pg_class on reltype scanned it twice, 0.17 s at 10,000 tables.
COMPUTED_RELS_QUERY = """
SELECT an.nspname, a.relname, pn.nspname, p.proname, p.oid::bigint, rn.nspname
FROM pg_proc p
JOIN pg_namespace pn ON pn.oid = p.pronamespace
JOIN pg_type at ON at.oid = p.proargtypes[0]
JOIN pg_class a ON a.oid = at.typrelid AND a.relkind IN ('v', 'r', 'm', 'f', 'p')
JOIN pg_namespace an ON an.oid = a.relnamespace
JOIN pg_type rt ON rt.oid = p.prorettype
JOIN pg_class r ON r.oid = rt.typrelid AND r.relkind IN ('v', 'r', 'm', 'f', 'p')
JOIN pg_namespace rn ON rn.oid = r.relnamespace
WHERE p.pronargs = 1 AND pn.nspname !~ '^pg_' AND pn.nspname <> 'information_schema'
  AND (%(names)s::text[] IS NULL OR p.proname = ANY(%(names)s::text[]))
"""

# Computed fields of named "columns" that are no column (PostgREST's select=full_name): PostgREST
# caches nothing of them; PostgreSQL reads ``tbl.full_name`` as the call ``full_name(tbl)``,
# found on the request's search_path (the exposed schema, then db-extra-search-path), so any
# function of that name whose first argument is the relation's row type and that one argument
# can call (the others defaulted) serves it. The checks pick the schemas on the path.
COMPUTED_FIELDS_QUERY = """
SELECT q.schema, q.rel, q.col, pn.nspname, has_function_privilege(%(role)s, p.oid, 'EXECUTE'),
       pg_get_function_identity_arguments(p.oid)
FROM unnest(%(schemas)s::text[], %(rels)s::text[], %(cols)s::text[]) AS q(schema, rel, col)
JOIN pg_namespace an ON an.nspname = q.schema
JOIN pg_class a ON a.relnamespace = an.oid AND a.relname = q.rel
JOIN pg_proc p ON p.proname = q.col AND p.proargtypes[0] = a.reltype
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE p.prokind = 'f' AND p.pronargs - p.pronargdefaults <= 1
"""

# Views and materialized views with the top-level query of their rule as PostgreSQL stores it
# (a pg_node_tree, read by view_keys.target_origins, never run) and the relation columns the
# rule depends on (pg_depend, by OID and column number), which name the origins it gives.
# Rules of objects made after initdb only (FirstNormalObjectId, 16384): so PostgreSQL reads the
# few rules and looks their views up by OID, instead of merging all of pg_class (10,000
# tables: 100 ms -> 0.02 ms on an empty result).
VIEW_SOURCES_QUERY = f"""
SELECT c.oid::bigint AS oid, n.nspname AS schema, c.relname AS name, r.ev_action::text AS tree,
       ARRAY(SELECT ARRAY[d.refobjid::text, d.refobjsubid::text, sn.nspname::text,
                          s.relname::text, a.attname::text]
             FROM pg_depend d
             JOIN pg_class s ON s.oid = d.refobjid JOIN pg_namespace sn ON sn.oid = s.relnamespace
             JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
               AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0) AS sources
FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename = '_RETURN' AND r.ev_class >= 16384 AND c.relkind IN ('v', 'm')
  AND {USER_SCHEMAS}
"""

# The primary keys of the relations a pasted write names (``keys_of``), in key order, and of
# the relations the rules of those that are views read (through views over views):
# PostgREST's conflict target for an upsert without on_conflict= and a PUT, and columns it
# adds to RETURNING (Plan.hs mutatePlan, tablePKCols); a view's it infers from its base
# tables' (view_keys.view_primary_key). Scoped by name through pg_class's name index and
# the rules' dependencies, and each key by pg_constraint's index on conrelid (a subquery per
# relation: joined, pg_constraint was scanned whole), so it costs the same at 10 tables as at
# 10,000.
PRIMARY_KEYS_QUERY = f"""
WITH RECURSIVE rels(oid) AS (
  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relname = ANY(%(keys_of)s::text[]) AND {USER_SCHEMAS}
  UNION
  SELECT d.refobjid FROM rels
  JOIN pg_rewrite r ON r.ev_class = rels.oid
  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
   AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
)
SELECT k.nspname, k.relname, {_KEY_COLUMNS.format(keys="conkey", rel="conrelid")}
FROM (SELECT n.nspname, c.relname, c.oid AS conrelid,
             (SELECT p.conkey FROM pg_constraint p
              WHERE p.conrelid = c.oid AND p.contype = 'p') AS conkey
      FROM rels JOIN pg_class c ON c.oid = rels.oid
      JOIN pg_namespace n ON n.oid = c.relnamespace) AS k
WHERE k.conkey IS NOT NULL
"""

FUNCTIONS_QUERY = f"""
SELECT p.oid::bigint AS oid, n.nspname AS schema, p.proname AS name, p.prokind AS kind,
       p.proargnames AS arg_names, p.pronargs AS nargs, p.pronargdefaults AS defaults,
       p.proargnames IS NOT NULL AS named,
       ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) WITH ORDINALITY AS u(t, o)
             ORDER BY o) AS arg_types,
       p.prorettype = 'trigger'::regtype AS returns_trigger,
       has_function_privilege(%(role)s, p.oid, 'EXECUTE') AS executable,
       age(p.xmin) AS changed_age
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f', 'p', 'a', 'w') AND {USER_SCHEMAS}
  AND (%(names)s::text[] IS NULL OR p.proname = ANY(%(names)s::text[]))
ORDER BY p.oid DESC
"""

ENUMS_QUERY = """
SELECT n.nspname, t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE %(names)s::text[] IS NULL OR t.typname = ANY(%(names)s::text[])
GROUP BY n.nspname, t.typname
"""

# A scoped snapshot reads only the names asked about; for a typo ("invoice") it also reads the
# names that start or end like one of them (the first or last three characters), so checks can
# say "did you mean public.invoices?" at a cost that does not grow with the schema's detail.
NEAR_NAMES_QUERY = f"""
SELECT q.name, q.kind FROM (
  SELECT n.nspname || '.' || c.relname AS name, c.relname AS bare, 'table' AS kind
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE {USER_SCHEMAS} AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
  UNION ALL
  SELECT n.nspname || '.' || p.proname, p.proname, 'function'
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {USER_SCHEMAS}
  UNION ALL
  SELECT n.nspname || '.' || t.typname, t.typname, 'enum'
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE {USER_SCHEMAS} AND t.typtype = 'e'
) q
WHERE left(q.bare, 3) = ANY(%(heads)s::text[]) OR right(q.bare, 3) = ANY(%(tails)s::text[])
LIMIT 200
"""

POLICIES_QUERY = f"""
SELECT n.nspname AS schema, c.relname AS table, p.polname AS name,
       p.polpermissive AS permissive, p.polcmd::text AS command,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END
             FROM unnest(p.polroles) AS r) AS roles,
       pg_get_expr(p.polqual, p.polrelid) AS using,
       pg_get_expr(p.polwithcheck, p.polrelid) AS check
FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {USER_SCHEMAS} AND (%(names)s::text[] IS NULL OR c.relname = ANY(%(names)s::text[]))
"""

# For each view and materialized view: the tables it reads, through views over views, that
# have RLS enabled or policies (pg_rewrite's dependencies), as catalog keys; and of those, the
# ones whose RLS the view reading them bypasses. A view runs with its owner's rights unless
# security_invoker, and PostgreSQL checks the table's policies for that owner: skipped only
# when the owner is a superuser, has BYPASSRLS, or owns the table without FORCE (or RLS is
# off). A view over none bypasses nothing.
VIEW_RLS_QUERY = """
WITH RECURSIVE deps(view, via, rel) AS (
  SELECT r.ev_class, r.ev_class, d.refobjid
  FROM pg_class v
  JOIN pg_rewrite r ON r.ev_class = v.oid
  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
   AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
  WHERE v.relkind IN ('v', 'm')
    AND (%(names)s::text[] IS NULL OR v.relname = ANY(%(names)s::text[]))
  UNION
  SELECT deps.view, deps.rel, d.refobjid
  FROM deps
  JOIN pg_rewrite r ON r.ev_class = deps.rel
  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
   AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
)
SELECT n.nspname, v.relname, array_agg(DISTINCT tn.nspname || '.' || t.relname),
       array_remove(array_agg(DISTINCT CASE
         WHEN NOT t.relrowsecurity OR o.rolsuper OR o.rolbypassrls
              OR (t.relowner = w.relowner AND NOT t.relforcerowsecurity)
         THEN tn.nspname || '.' || t.relname END), NULL)
FROM deps
JOIN pg_class v ON v.oid = deps.view JOIN pg_namespace n ON n.oid = v.relnamespace
JOIN pg_class w ON w.oid = deps.via JOIN pg_roles o ON o.oid = w.relowner
JOIN pg_class t ON t.oid = deps.rel JOIN pg_namespace tn ON tn.oid = t.relnamespace
WHERE t.relkind IN ('r', 'p')
  AND (t.relrowsecurity OR EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = t.oid))
GROUP BY n.nspname, v.relname
"""

# In-database PostgREST config (pgrst.db_schemas, ...) overrides the config file; with it, the
# users PostgREST's sessions log in as (which role's settings count). Read first: the anon
# role it may name decides whose privileges the rest of the snapshot reads.
PGRST_SETTINGS_QUERY = """
SELECT coalesce(r.rolname, ''), coalesce(d.datname, ''), cfg
FROM pg_db_role_setting s
LEFT JOIN pg_roles r ON r.oid = s.setrole
LEFT JOIN pg_database d ON d.oid = s.setdatabase,
LATERAL unnest(s.setconfig) AS cfg
WHERE (cfg LIKE 'pgrst.%%' OR cfg LIKE 'statement_timeout=%%') AND (s.setdatabase = 0 OR d.datname = current_database())
UNION ALL
SELECT DISTINCT usename::text, '', '' FROM pg_stat_activity
WHERE application_name LIKE 'PostgREST %%' AND usename IS NOT NULL
"""

COLUMN_PRIVILEGES_QUERY = """
SELECT q.schema, q.rel, q.col,
       has_column_privilege(%(role)s, format('%%I.%%I', q.schema, q.rel)::regclass, q.col, 'SELECT'),
       has_column_privilege(%(role)s, format('%%I.%%I', q.schema, q.rel)::regclass, q.col, 'INSERT'),
       has_column_privilege(%(role)s, format('%%I.%%I', q.schema, q.rel)::regclass, q.col, 'UPDATE')
FROM unnest(%(schemas)s::text[], %(rels)s::text[], %(cols)s::text[]) AS q(schema, rel, col)
"""

# The inventory (``snapshot(..., inventory=True)``): what a reset would lose beyond what the
# checks read. One query per kind; grants to an object's owner are left out (implicit), and
# so are those on a table's own identity or serial sequence (it comes and goes with the table).
TRIGGERS_QUERY = f"""
SELECT n.nspname, c.relname, t.tgname
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND {USER_SCHEMAS}
"""

GRANTS_QUERY = f"""
SELECT 'table', n.nspname, c.relname, a.privilege_type,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p', 'S') AND a.grantee <> c.relowner AND {USER_SCHEMAS}
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND c.relkind = 'S' AND d.deptype IN ('a', 'i'))
UNION ALL
SELECT 'function', n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       a.privilege_type,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a
WHERE a.grantee <> p.proowner AND {USER_SCHEMAS}
UNION ALL
SELECT 'schema', n.nspname, '', a.privilege_type,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END
FROM pg_namespace n, aclexplode(n.nspacl) a
WHERE a.grantee <> n.nspowner AND {USER_SCHEMAS}
"""

# Types other than enums (which ENUMS_QUERY reads) and the row types of relations.
TYPES_QUERY = f"""
SELECT n.nspname, t.typname, t.typtype::text
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype IN ('c', 'd', 'r', 'm') AND {USER_SCHEMAS}
  AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
"""

# PostgreSQL's word for each relkind (as psql's \\d says it); PostgREST serves them all as
# "tables" (views and materialized views flagged as views), partitions only through their parent.
KIND_BY_RELKIND = {
    "r": "table",
    "p": "partitioned table",
    "f": "foreign table",
    "v": "view",
    "m": "materialized view",
}
VIEW_KINDS = frozenset({"view", "materialized view"})


@dataclass(frozen=True)
class RoleInfo:
    """The role requests run as: whether it exists, bypasses RLS, whose privileges it has."""

    name: str
    exists: bool
    superuser: bool = False
    bypassrls: bool = False
    privileges_of: frozenset[str] = frozenset()  # roles whose privileges it has (incl. itself)


@dataclass(frozen=True)
class Relation:
    """A table, view, materialized view, foreign table or partition, as the catalog has it."""

    oid: int  # newest objects have the highest OIDs (until wraparound): sweeps start there
    schema: str
    name: str
    kind: str  # a KIND_BY_RELKIND word
    owner: str
    rls: bool
    force_rls: bool
    security_invoker: bool
    can_select: bool
    can_insert: bool
    can_update: bool
    can_delete: bool
    visible: bool  # any privilege: what OpenAPI's default mode shows the role
    columns: tuple[str, ...]
    partition_of: str | None = None  # the parent's key: PostgREST serves only the parent
    # transactions since its pg_class row was last written (ALTER TABLE rewrites it), as
    # Function.changed_age: the agreement probe asks about the most recently changed
    changed_age: int = 0
    # columns the role may use although the table-level grant is missing (GRANT SELECT (a)):
    # privilege -> columns; empty when table-level grants decide
    column_grants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # a partition's partitioned ancestors' keys, parent first, root last
    ancestors: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The catalog's key (``schema.name`` as stored, unquoted)."""
        return f"{self.schema}.{self.name}"

    @property
    def root(self) -> str:
        """A partition's root partitioned table (the one PostgREST serves), by key."""
        return self.ancestors[-1] if self.ancestors else (self.partition_of or self.key)

    @property
    def qualified(self) -> str:
        """The printed name, quoted as psql quotes it (``test."x.y"``)."""
        return qualified(self.schema, self.name)

    @property
    def is_view(self) -> bool:
        return self.kind in VIEW_KINDS

    def table_level(self, privilege: str) -> bool:
        """The role holds ``privilege`` on the whole relation (every column)."""
        return {"SELECT": self.can_select, "INSERT": self.can_insert,
                "UPDATE": self.can_update, "DELETE": self.can_delete}[privilege]  # fmt: skip

    def may(self, privilege: str, column: str | None = None) -> bool:
        """PostgreSQL's rule: the table-level grant, or one on the column (no column: on
        some column)."""
        granted = self.column_grants.get(privilege, ())
        return self.table_level(privilege) or (column in granted if column else bool(granted))


@dataclass(frozen=True)
class ForeignKey:
    """One foreign key constraint, by the tables it joins and its name."""

    schema: str
    table: str
    ref_schema: str
    ref_table: str
    name: str
    oid: int = 0
    columns: tuple[str, ...] = ()  # in key order
    ref_columns: tuple[str, ...] = ()  # the referenced columns, in key order
    one_to_one: bool = False  # one column, alone the table's primary key or a unique constraint
    overridden: bool = False  # a computed relationship replaces it (see COMPUTED_RELS_QUERY)

    @property
    def table_key(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def ref_key(self) -> str:
        return f"{self.ref_schema}.{self.ref_table}"

    @property
    def is_self(self) -> bool:
        return self.table_key == self.ref_key

    @property
    def qualified(self) -> str:
        """``schema.table:schema.table!constraint``: PostgREST tells two keys between the same
        tables apart by the constraint's name (``select=parent!fk_name(*)``)."""
        return relationship_name(self.schema, self.table, self.ref_schema, self.ref_table,
                                 self.name)  # fmt: skip

    @property
    def openapi_note(self) -> bool:
        """PostgREST writes ``<fk table=... column=.../>`` into OpenAPI for this key: a
        many-to-one key (not one-to-one) of one column, to a table of the same schema, not
        replaced by a computed relationship (OpenAPI.hs makeProperty, v11.2 and v12.0)."""
        return (len(self.columns) == 1 and not self.one_to_one and not self.overridden
                and self.schema == self.ref_schema)  # fmt: skip


NOT_SERVED_KINDS = {"p": "a procedure", "a": "an aggregate", "w": "a window function"}


@dataclass(frozen=True)
class ComputedRel:
    """A computed relationship (SchemaCache.hs allComputedRels): ``function(table)`` returning
    rows of a relation in ``returns_schema``; embedded as ``table?select=function(*)``."""

    schema: str
    table: str
    fn_schema: str
    fn: str
    oid: int
    returns_schema: str

    @property
    def qualified(self) -> str:
        """``schema.table:schema.function``, as a pasted embed of it is named."""
        return relationship_name(self.schema, self.table, self.fn_schema, self.fn, None)


def embed_hint(fk: ForeignKey, keys: list[ForeignKey]) -> tuple[bool, str | None]:
    """Whether an embed can find ``fk`` and the ``!hint`` that picks it (Plan.hs findRel,
    v11.2 and v12.0). Another table's key: by its constraint name. A self-referencing key has
    two relationships and findRel matches only its one-to-many side: with a hint, only the
    one referencing column (``t!col(*)``); a composite one by the table alone, unless another
    self key of the table answers to that too (ambiguous); a one-to-one one never."""
    if not fk.is_self:
        return True, fk.name
    if fk.one_to_one:
        return False, None
    if len(fk.columns) == 1:
        return True, fk.columns[0]
    others = [k for k in keys if k.is_self and k.table_key == fk.table_key and k is not fk
              and not k.one_to_one]  # fmt: skip
    return not others, None


def unembeddable(fk: ForeignKey, keys: list[ForeignKey]) -> str | None:
    """Why no embed can find ``fk`` (None: one can): findRel looks the parent up in the
    request's schema only, and finds some self-referencing keys never (``embed_hint``)."""
    if fk.schema != fk.ref_schema:
        return "its tables are in different schemas; an embed finds tables of its own only"
    if not embed_hint(fk, keys)[0]:
        return (
            "a one-to-one self-referencing key"
            if fk.one_to_one
            else "a composite self-referencing key beside another self key (ambiguous)"
        )
    return None


@dataclass(frozen=True)
class Function:
    """One function or procedure (one overload), as the catalog has it."""

    oid: int
    schema: str
    name: str
    kind: str  # f | p | a (aggregate) | w (window)
    args: tuple[str, ...]  # input argument names, "" when unnamed
    returns_trigger: bool  # returns trigger (not event_trigger: PostgREST serves those)
    executable: bool
    arg_types: tuple[str, ...] = ()  # input arguments' types, as format_type prints them
    named: bool = True  # pg_proc.proargnames is set (PostgREST counts "" in it as a name)
    defaults: int = 0  # pronargdefaults: the last this many input arguments are optional
    # transactions since its pg_proc row was last written (created, replaced, renamed, moved,
    # granted): the sweep also asks the most recently changed; over 2^31 transactions ago the
    # count wraps (negative), and such a row is left to the sweep by OID
    changed_age: int = 0

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def signature(self) -> str:
        """``public.f(integer, text)``: this overload among others of the same name."""
        return signature(qualified(self.schema, self.name), self.arg_types)

    @property
    def callable_by_name(self) -> bool:
        """What PostgREST loads into its cache, serves under /rpc/ and lists in OpenAPI
        (SchemaCache.hs funcsSqlQuery, v11.2 and v12.0): ``prokind = 'f'``, not returning
        ``trigger``, and no argument without a name in pg_proc, or just one that takes the
        request body (``raw_body``)."""
        return self.not_served is None

    @property
    def not_served(self) -> str | None:
        """Why PostgREST leaves this overload out of its cache (None: it does not)."""
        if self.kind != "f":
            return NOT_SERVED_KINDS.get(self.kind, "not a plain function")
        if self.returns_trigger:
            return "a trigger function"
        if self.named or not self.args or self.raw_body:
            return None
        return "unnamed arguments"

    @property
    def raw_body(self) -> str | None:
        """The type of its one unnamed argument when PostgREST passes it the whole POST body
        (``bytea``, ``json``, ``jsonb``, ``text``, ``xml``: Plan.hs findProc); else None."""
        one = len(self.arg_types) == 1 and not self.named
        return self.arg_types[0] if one and self.arg_types[0] in RAW_BODY_MEDIA else None

    @property
    def named_call(self) -> bool:
        """Cached, and a request can name every argument (an empty name in pg_proc counts
        as a name for the cache but matches no request)."""
        return self.callable_by_name and all(self.args)

    def matches(self, keys: frozenset[str], single_object: bool = False) -> bool:
        """A GET naming ``keys`` finds this overload (Plan.hs findProc's matchesParams, v11.2
        and v12.0): every required argument named, the rest optional ones; with ``Prefer:
        params=single-object`` (``single_object``), whatever the keys, its one argument if
        that is json or jsonb (the keys are one object, passed as it)."""
        if single_object:
            return len(self.arg_types) == 1 and self.arg_types[0] in SINGLE_OBJECT_TYPES
        if not self.args:
            return not keys
        cut = len(self.args) - self.defaults
        required, optional = frozenset(self.args[:cut]), frozenset(self.args[cut:])
        return keys - optional == required

    @property
    def pgrst_name(self) -> str:
        """This overload as PostgREST's PGRST203 lists it: ``s.f(a => integer, b => text)``
        (Error.hs AmbiguousRpc: names unquoted, types as ``regtype`` prints them)."""
        params = ", ".join(f"{n} => {t}" for n, t in zip(self.args, self.arg_types, strict=False))
        return f"{self.schema}.{self.name}({params})"

    @property
    def probe_args(self) -> bool:
        """A cache-only probe can find this overload: by its argument names, or by the body
        type of its one unnamed argument."""
        return self.named_call or (self.callable_by_name and self.raw_body is not None)


@dataclass(frozen=True)
class Policy:
    """One row-level security policy of a table."""

    schema: str
    table: str
    name: str
    permissive: bool
    command: str  # r a w d *
    roles: tuple[str, ...]
    using: str | None
    check: str | None


@dataclass
class Catalog:
    """What the database holds, read in one snapshot: the side compared with the cache."""

    role: RoleInfo
    schemas: dict[str, bool] = field(default_factory=dict)  # schema -> role has USAGE
    relations: dict[str, Relation] = field(default_factory=dict)  # "schema.name"
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    functions: dict[str, list[Function]] = field(default_factory=dict)  # "schema.name"
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "schema.type" -> labels
    policies: dict[str, list[Policy]] = field(default_factory=dict)  # "schema.table"
    pgrst_settings: list[tuple[str, str, str, str]] = field(default_factory=list)
    postgrest_users: tuple[str, ...] = ()  # the users PostgREST's sessions log in as
    # the authenticator's in-database pgrst.db_anon_role, when the snapshot was asked to use
    # it (``in_db_anon``): (role, where it is set)
    anon_role_in_db: tuple[str, str] | None = None
    # "schema.table.column" -> (SELECT, INSERT, UPDATE) of the named columns
    column_privileges: dict[str, tuple[bool, bool, bool]] = field(default_factory=dict)
    # "schema.table.name" of a named column that is none -> (function schema, role may
    # EXECUTE, identity arguments as GRANT takes them) of each function that serves it as a
    # computed field (COMPUTED_FIELDS_QUERY)
    computed_fields: dict[str, list[tuple[str, bool, str]]] = field(default_factory=dict)
    # view key -> keys of the tables with RLS or policies it reads (see VIEW_RLS_QUERY)
    view_rls: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # view key -> those of them whose RLS the view's owner skips (see VIEW_RLS_QUERY)
    view_rls_bypassed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # relation key -> its primary key's columns, of the relations asked for (``keys_of``);
    # a table asked for without one maps to (); a view or one not asked for is absent
    # (unknown: a write's conflict target is then what the request names)
    primary_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # view key -> where its columns come from (unscoped snapshots; see VIEW_SOURCES_QUERY)
    view_sources: dict[str, ViewSource] = field(default_factory=dict)
    # computed relationships (COMPUTED_RELS_QUERY); their (table, function) pairs are
    # ``computed_pairs()``
    computed_rels: list[ComputedRel] = field(default_factory=list)
    # the inventory, read only when asked for (a reset's "what would be lost")
    triggers: set[str] = field(default_factory=set)  # "schema.table.trigger"
    grants: set[str] = field(default_factory=set)  # "table public.t: SELECT to anon"
    types: dict[str, str] = field(default_factory=dict)  # "schema.type" -> typtype (c d r m)
    function_signatures: set[str] = field(default_factory=set)  # "schema.name(arg types)"
    scoped: bool = False  # only the objects asked about were read (size-independent)
    # scoped: ("schema.name", kind) of the names that start or end like a name asked
    near: tuple[tuple[str, str], ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)

    def relation(self, schema: str, name: str) -> Relation | None:
        return self.relations.get(f"{schema}.{name}")

    def owns(self, relation: Relation) -> bool:
        return relation.owner in self.role.privileges_of

    def computed_pairs(self) -> frozenset[tuple[str, str]]:
        """(relation key, function key) of each computed relationship: PostgREST keys
        relationships by (table, foreign table), so one replaces every relationship of a
        pair whose function is named like the foreign table. Built per call: hoist it."""
        return frozenset((f"{c.schema}.{c.table}", f"{c.fn_schema}.{c.fn}")
                         for c in self.computed_rels)  # fmt: skip

    def db_schemas_override(self) -> list[tuple[str, str, str]]:
        """(role, database, value) of every in-database ``pgrst.db_schemas`` setting."""
        return [(r, d, v) for r, d, k, v in self.pgrst_settings if k == "pgrst.db_schemas"]


def _security_invoker(options: list[str] | None) -> bool:
    for option in options or ():
        key, _, value = option.partition("=")
        if key == "security_invoker":
            return value.lower() in {"true", "on", "1", "yes"}
    return False


_GRANT_FLAGS = ("SELECT", "INSERT", "UPDATE")


def _column_grants(rows: list[str] | None) -> dict[str, tuple[str, ...]]:
    """``["id:100", ...]`` (name: SELECT, INSERT, UPDATE flags) -> privilege -> columns."""
    grants: dict[str, list[str]] = {}
    for row in rows or ():
        name, _, flags = row.rpartition(":")
        for privilege, flag in zip(_GRANT_FLAGS, flags, strict=False):
            if flag == "1":
                grants.setdefault(privilege, []).append(name)
    return {k: tuple(v) for k, v in grants.items()}


def _view_source(row: dict[str, Any], catalog: Catalog) -> ViewSource:
    """A view's column origins: its target list's (column number, relation OID, column
    number) named through its rule's dependencies; views number their columns 1..n."""
    named = {(int(oid), int(num)): (f"{schema}.{rel}", col)
             for oid, num, schema, rel, col in row["sources"]}  # fmt: skip
    view = catalog.relations.get(f"{row['schema']}.{row['name']}")
    columns = view.columns if view is not None else ()
    origins = {
        columns[resno - 1]: named[(table, column)]
        for resno, table, column in target_origins(row["tree"])
        if 0 < resno <= len(columns) and (table, column) in named
    }
    return ViewSource(row["schema"], row["name"], origins)


def _input_args(names: list[str] | None, nargs: int) -> tuple[str, ...]:
    """The input arguments' names as PostgREST caches them (SchemaCache.hs funcsSqlQuery,
    v11.2 and v12.0): ``unnest(proargnames, proargtypes, proargmodes)`` pairs the names with
    the input types by position, so the first ``pronargs`` names are taken whatever their
    modes: ``f(INOUT a int, OUT b text, c int)`` is cached as ``f(a, b)``, not ``f(a, c)``."""
    given = tuple((names or [])[:nargs])
    return given + ("",) * (nargs - len(given))


@dataclass
class _Sent(Generic[R]):
    """A query sent on the snapshot's pipeline; its rows are read in the order sent."""

    cursor: psycopg.AsyncCursor[R]
    key: str  # its name in ``Catalog.timings_ms``
    start: float

    async def rows(self, timings: dict[str, float]) -> list[R]:
        """Its rows (made by the cursor's row factory), timed from sending to reading."""
        rows = await self.cursor.fetchall()
        timings[self.key] = (time.perf_counter() - self.start) * 1000
        return rows


async def _send(
    conn: psycopg.AsyncConnection[Any],
    query: str,
    params: Mapping[str, Any],
    key: str,
    factory: BaseRowFactory[R],
) -> _Sent[R]:
    """Send ``query`` without waiting for it (pipeline mode); rows by ``factory`` (by column
    name: dict_row; two or three columns: tuple_row)."""
    start = time.perf_counter()
    cur = conn.cursor(row_factory=factory)
    await cur.execute(query, params)
    return _Sent(cur, key, start)


async def snapshot(
    conn: psycopg.AsyncConnection,
    role: str,
    columns: tuple[tuple[str, str, str], ...] = (),
    names: frozenset[str] | None = None,
    *,
    inventory: bool = False,
    in_db_anon: bool = False,
    asked_as: Mapping[str, set[str]] | None = None,
    keys_of: frozenset[str] = frozenset(),
) -> Catalog:
    """Read everything the checks need; ``columns`` (schema, table, column) get their own
    privilege lookup because column privileges are only worth asking about by name.
    ``names`` scopes the snapshot to objects of those names (in any schema), so a check
    about one object costs the same at 10 tables as at 10,000. ``inventory`` also reads
    triggers, grants and non-enum types (three more queries), for the reset's comparison.
    ``in_db_anon``: ``role`` is the anon role as configured outside the database, which the
    authenticator's in-database ``pgrst.db_anon_role`` overrides (as in PostgREST).
    ``asked_as``: what each name was asked about as (``unfound``); without it every name
    reads the near names. ``keys_of``: relation names whose primary keys to read (a
    pasted write's table).

    The queries go in pipeline mode, in three round trips whatever their number: the
    settings and the role, then every query the role decides, then (only for named objects)
    the near names of those not found, the named views' tables with RLS and the named
    columns' privileges. Sent one after
    another, each waited for its answer: under load the event loop took 10-25 ms to come
    back to each of the 14, more than most take on the server. Each statement keeps the
    connection's statement_timeout and lock_timeout.
    """
    timings: dict[str, float] = {}
    async with conn.pipeline(), conn.transaction():
        await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        config = await _send(conn, PGRST_SETTINGS_QUERY, {}, "config", tuple_row)
        # the role asked about, sent at once: the settings rarely name another one
        asked = await _send(conn, ROLE_QUERY, {"role": role}, "role", tuple_row)
        settings, users = [], []
        for role_name, db, cfg in await config.rows(timings):
            if not cfg:  # a PostgREST session's user
                users.append(role_name)
                continue
            key, _, value = cfg.partition("=")
            settings.append((role_name, db, key, value))
        in_db = None
        if in_db_anon:
            in_db = in_database(settings, choose_authenticator(users, settings), "db_anon_role")
            if in_db and in_db[0] != role:
                role = in_db[0]
                await asked.rows(timings)  # read in order, then dropped
                asked = await _send(conn, ROLE_QUERY, {"role": role}, "role", tuple_row)
        got = await asked.rows(timings)
        if got:
            name, superuser, bypass, privs = got[0]
            role_info = RoleInfo(name, True, superuser, bypass, frozenset(privs))
        else:
            role_info = RoleInfo(role, False)
        # A role that does not exist has exactly PUBLIC's privileges.
        params: dict[str, Any] = {
            "role": role if role_info.exists else PUBLIC,
            "names": sorted(names) if names is not None else None,
        }
        catalog = Catalog(role=role_info, timings_ms=timings, scoped=names is not None,
                          pgrst_settings=settings, postgrest_users=tuple(users),
                          anon_role_in_db=in_db)  # fmt: skip
        schemas = await _send(conn, SCHEMAS_QUERY, params, "schemas", tuple_row)
        relations = await _send(conn, RELATIONS_QUERY, params, "relations", tuple_row)
        computed = await _send(
            conn, COMPUTED_RELS_QUERY, params, "computed_relationships", tuple_row
        )
        fk_query = FOREIGN_KEYS_QUERY if names is None else FOREIGN_KEYS_NAMED_QUERY
        foreign_keys = await _send(conn, fk_query, params, "foreign_keys", tuple_row)
        functions = await _send(conn, FUNCTIONS_QUERY, params, "functions", dict_row)
        enums = await _send(conn, ENUMS_QUERY, params, "enums", tuple_row)
        policies = await _send(conn, POLICIES_QUERY, params, "policies", dict_row)
        view_keys = None
        if names is None:  # a scoped check compares no OpenAPI notes
            view_keys = await _send(conn, VIEW_SOURCES_QUERY, {}, "view_keys", dict_row)
        views = None
        if names is None:  # scoped: in the third round trip, and only for a named view
            views = await _send(conn, VIEW_RLS_QUERY, params, "views", tuple_row)
        kept = [await _send(conn, query, {}, key, tuple_row)
                for key, (query, _) in INVENTORY.items()] if inventory else []  # fmt: skip
        pks = None
        if keys_of:
            pks = await _send(conn, PRIMARY_KEYS_QUERY, {"keys_of": sorted(keys_of)},
                              "primary_keys", tuple_row)  # fmt: skip

        for schema, usage in await schemas.rows(timings):
            catalog.schemas[schema] = usage
        privileges_of = role_info.privileges_of
        relations_by_key = catalog.relations
        # tuple rows in RELATIONS_QUERY's column order, made positionally: on DHIS2 (473
        # relations, 989 keys) the rows by name and the keyword calls were a third of the
        # snapshot's own CPU
        for (oid, schema, name, relkind, owner, rls, force_rls, options, sel, ins, upd, dele,
             visible, attnames, ancestors, changed_age, grants) in await relations.rows(timings):  # fmt: skip
            relations_by_key[f"{schema}.{name}"] = Relation(
                oid, schema, name, KIND_BY_RELKIND.get(relkind, "table"), owner, rls, force_rls,
                _security_invoker(options) if options else False, sel, ins, upd, dele,
                visible or owner in privileges_of,  # PostgREST: pg_has_role(relowner)
                tuple(attnames), ancestors[0] if ancestors else None, changed_age,
                _column_grants(grants) if grants else {}, tuple(ancestors or ()),
            )  # fmt: skip
        catalog.computed_rels = [
            ComputedRel(a_s, a_n, f_s, f_n, oid, r_s)
            for a_s, a_n, f_s, f_n, oid, r_s in await computed.rows(timings)
        ]
        computed_pairs = catalog.computed_pairs()
        keys = catalog.foreign_keys
        for (oid, schema, table, ref_schema, ref_table, name, key_columns, ref_columns,
             one_to_one) in await foreign_keys.rows(timings):  # fmt: skip
            overridden = bool(computed_pairs) and (
                (f"{schema}.{table}", f"{ref_schema}.{ref_table}") in computed_pairs
            )
            keys.append(ForeignKey(schema, table, ref_schema, ref_table, name, oid,
                                   tuple(key_columns), tuple(ref_columns), one_to_one,
                                   overridden))  # fmt: skip
        for row in await functions.rows(timings):
            args = _input_args(row.pop("arg_names"), row.pop("nargs"))
            fn = Function(**{**row, "arg_types": tuple(row["arg_types"])}, args=args)
            catalog.functions.setdefault(fn.qualified, []).append(fn)
        for schema, name, labels in await enums.rows(timings):
            catalog.enums[f"{schema}.{name}"] = tuple(labels)
        for row in await policies.rows(timings):
            policy = Policy(**{**row, "roles": tuple(row["roles"])})
            catalog.policies.setdefault(f"{policy.schema}.{policy.table}", []).append(policy)
        if view_keys is not None:
            for row in await view_keys.rows(timings):
                source = _view_source(row, catalog)
                catalog.view_sources[source.key] = source
        if views is not None:
            _view_rls(catalog, await views.rows(timings))
        for sent in kept:
            INVENTORY[sent.key][1](catalog, await sent.rows(timings))
        if pks is not None:
            # a table without one has none; a view's PostgREST infers from its base tables
            # (SchemaCache.hs addViewPrimaryKeys): known where the views' sources were read
            named = [r for r in catalog.relations.values() if r.name in keys_of]
            catalog.primary_keys.update((r.key, ()) for r in named if not r.is_view)
            for schema, name, key_columns in await pks.rows(timings):
                catalog.primary_keys[f"{schema}.{name}"] = tuple(key_columns)
            for r in named:
                if r.is_view and r.key in catalog.view_sources:
                    catalog.primary_keys[r.key] = view_primary_key(
                        r.key, catalog.view_sources, catalog.primary_keys
                    )
        # the third round trip, only for named objects: what depends on what was found.
        # The views' tables with RLS are read by the RLS check of a view only: planning the
        # query costs 4-6 ms on a fresh connection (2 ms more at 10,000 tables than at 100)
        if names is not None and any(r.is_view for r in catalog.relations.values()):
            views = await _send(conn, VIEW_RLS_QUERY, params, "views", tuple_row)
        near = None
        if names and unfound(names, asked_as or {}, catalog):  # else no typo to suggest for
            heads_tails = {
                "heads": sorted({n[:3] for n in names}),
                "tails": sorted({n[-3:] for n in names}),
            }
            near = await _send(conn, NEAR_NAMES_QUERY, heads_tails, "near_names", tuple_row)
        known = [c for c in columns if f"{c[0]}.{c[1]}" in catalog.relations]
        have = [c for c in known if c[2] in catalog.relations[f"{c[0]}.{c[1]}"].columns]
        # the named columns' privileges; the names a relation lacks may be computed fields
        privileges = await _per_column(conn, COLUMN_PRIVILEGES_QUERY, params, have,
                                       "column_privileges")  # fmt: skip
        virtual = [c for c in known if c not in have]
        fields = await _per_column(conn, COMPUTED_FIELDS_QUERY, params, virtual, "computed_fields")
        if views is not None and names is not None:
            _view_rls(catalog, await views.rows(timings))
        if near is not None:
            catalog.near = tuple(sorted({(name, kind) for name, kind in await near.rows(timings)}))
        if privileges is not None:
            for schema, rel, col, sel, ins, upd in await privileges.rows(timings):
                catalog.column_privileges[f"{schema}.{rel}.{col}"] = (sel, ins, upd)
        if fields is not None:
            for schema, rel, col, fn_schema, executable, args in await fields.rows(timings):
                found = catalog.computed_fields.setdefault(f"{schema}.{rel}.{col}", [])
                found.append((fn_schema, executable, args))
    return catalog


def _view_rls(catalog: Catalog, rows: list[tuple[Any, ...]]) -> None:
    for schema, name, tables, bypassed in rows:
        catalog.view_rls[f"{schema}.{name}"] = tuple(sorted(tables))
        catalog.view_rls_bypassed[f"{schema}.{name}"] = tuple(sorted(bypassed))


async def _per_column(
    conn: psycopg.AsyncConnection,
    query: str,
    params: dict[str, Any],
    columns: list[tuple[str, str, str]],
    key: str,
) -> _Sent[tuple[Any, ...]] | None:
    """``query`` about (schema, relation, column) triples, sent as three arrays; None
    (nothing sent) for none."""
    if not columns:
        return None
    arrays = {"schemas": [c[0] for c in columns], "rels": [c[1] for c in columns],
              "cols": [c[2] for c in columns]}  # fmt: skip
    return await _send(conn, query, {**params, **arrays}, key, tuple_row)


def unfound(names: frozenset[str], asked_as: Mapping[str, set[str]], catalog: Catalog) -> set[str]:
    """The names the scoped snapshot found no object of the asked kind for (``asked_as``:
    name -> "relation", "enum", "function"): only these can fail as missing, so only they need
    the near names (NEAR_NAMES_QUERY scans every relation, function and type name: 37 ms at
    10,000 tables). A relation (enum type) of the asked name in any schema is what
    did_you_mean picks for a typo of it anyway (1.0; the near names of that kind and name are
    the same rows). Functions are always unfound here: the near names also hold aggregates."""
    found = {"relation": {r.name for r in catalog.relations.values()},
             "enum": {key.split(".", 1)[1] for key in catalog.enums}}  # fmt: skip
    return {n for n in names
            if not asked_as.get(n) or any(n not in found.get(k, ()) for k in asked_as[n])}  # fmt: skip


SIGNATURES_QUERY = f"""
SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f', 'p', 'a', 'w') AND {USER_SCHEMAS}
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e')
"""


Rows = list[tuple[Any, ...]]


def _triggers(catalog: Catalog, rows: Rows) -> None:
    catalog.triggers.update(f"{schema}.{table}.{name}" for schema, table, name in rows)


def _grants(catalog: Catalog, rows: Rows) -> None:
    for kind, schema, name, privilege, grantee in rows:
        target = schema if kind == "schema" else f"{schema}.{name}"
        catalog.grants.add(f"{kind} {target}: {privilege} to {grantee}")


def _types(catalog: Catalog, rows: Rows) -> None:
    catalog.types.update((f"{schema}.{name}", typtype) for schema, name, typtype in rows)


def _signatures(catalog: Catalog, rows: Rows) -> None:
    catalog.function_signatures.update(sig for (sig,) in rows)


# the inventory's queries (``snapshot(..., inventory=True)``): timing key -> query, reader
INVENTORY: dict[str, tuple[str, Callable[[Catalog, Rows], None]]] = {
    "triggers": (TRIGGERS_QUERY, _triggers),
    "grants": (GRANTS_QUERY, _grants),
    "types": (TYPES_QUERY, _types),
    "signatures": (SIGNATURES_QUERY, _signatures),
}
