"""PostgREST's model of a schema, on the real PostgREST 12.0.2 and 11.2.2: foreign keys that
OpenAPI does not note (composite, one-to-one, replaced by a computed relationship), two keys
between one pair of tables, names with dots, spaces, quotes and non-ASCII letters, a partition,
an inheritance child, a foreign table, materialized views, views over views and column grants.

A fresh cache reads healthy; the drift table below, applied without NOTIFY, is reported
exactly (kind, printed name, change); after NOTIFY the check is healthy again. One sandbox
per PostgREST version.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from diagnosis_helpers import diagnose, stale_triples, target_for

from tui.core.model import Status, Verdict
from tui.core.specs import parse_column, parse_relationship, parse_table
from tui.core.target import Target
from tui.sandbox import Sandbox

pytestmark = pytest.mark.integration

SCHEMA = """
CREATE EXTENSION IF NOT EXISTS file_fdw;
CREATE SERVER k_files FOREIGN DATA WRAPPER file_fdw;
CREATE TABLE k_space (id int PRIMARY KEY, code text NOT NULL, UNIQUE (id, code));
CREATE TABLE k_zone (id int PRIMARY KEY, space_id int REFERENCES k_space (id),
                     type_id int CONSTRAINT zone_type_fk REFERENCES k_space (id), other_id int);
CREATE TABLE k_detail (id int PRIMARY KEY REFERENCES k_space (id));  -- one-to-one
CREATE TABLE k_comp (id int PRIMARY KEY, s_id int, s_code text,
                     FOREIGN KEY (s_id, s_code) REFERENCES k_space (id, code));  -- composite
CREATE TABLE k_comp2 (id int PRIMARY KEY, s_id int, s_code text);
CREATE TABLE k_owner (id int PRIMARY KEY);
CREATE TABLE k_pet (id int PRIMARY KEY, owner_id int REFERENCES k_owner (id));
-- a computed relationship named like the table: it replaces the key k_pet -> k_owner
CREATE FUNCTION k_owner(k_pet) RETURNS SETOF k_owner LANGUAGE sql STABLE ROWS 1
  AS $$ SELECT * FROM k_owner WHERE id = $1.owner_id $$;
CREATE TABLE "Weird.Name" (id int PRIMARY KEY, "a.b" text, "with space" text, "quo""te" text,
                           "ünï" text, space_id int REFERENCES k_space (id));
CREATE TABLE k_parted (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE k_parted_2024 PARTITION OF k_parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE k_base (id int PRIMARY KEY);
CREATE TABLE k_child (extra text) INHERITS (k_base);
CREATE FOREIGN TABLE k_foreign (id int) SERVER k_files OPTIONS (filename '/dev/null');
CREATE MATERIALIZED VIEW k_mat AS SELECT id FROM k_space;
CREATE VIEW k_view AS SELECT id, space_id FROM k_zone;
CREATE VIEW k_view2 AS SELECT id FROM k_view;
CREATE TABLE k_ren (id int PRIMARY KEY, old_name text);
CREATE TABLE k_old (id int PRIMARY KEY);
CREATE TABLE k_private (id int PRIMARY KEY, email text, secret text);
GRANT SELECT ON k_space, k_zone, k_detail, k_comp, k_comp2, k_owner, k_pet, "Weird.Name",
  k_parted, k_base, k_child, k_foreign, k_mat, k_view, k_view2, k_ren, k_old TO anon;
REVOKE ALL ON k_private FROM anon;  -- the default privileges granted it
GRANT SELECT (id, email) ON k_private TO anon;
"""

# (SQL applied without NOTIFY, the stale objects it must read as: kind, printed name, change)
DRIFTS: list[tuple[str, set[tuple[str, str, str]]]] = [
    ("ALTER TABLE k_zone ADD CONSTRAINT zone_other_fk FOREIGN KEY (other_id) "
     "REFERENCES k_space (id)",  # a third key between related tables
     {("relationship", "public.k_zone:public.k_space!zone_other_fk", "added")}),
    ("ALTER TABLE k_comp2 ADD CONSTRAINT comp2_fk FOREIGN KEY (s_id, s_code) "
     "REFERENCES k_space (id, code)",  # composite: OpenAPI cannot show it, an embed can
     {("relationship", "public.k_comp2:public.k_space!comp2_fk", "added")}),
    ('ALTER TABLE "Weird.Name" ADD COLUMN "x.y" text, ADD COLUMN "Mixed Case" text',
     {("column", 'public."Weird.Name"."x.y"', "added"),
      ("column", 'public."Weird.Name"."Mixed Case"', "added")}),
    ('CREATE TABLE "Ünïcode Täble" (id int); GRANT SELECT ON "Ünïcode Täble" TO anon',
     {("table", 'public."Ünïcode Täble"', "added")}),
    ("CREATE MATERIALIZED VIEW k_mat2 AS SELECT id FROM k_space; GRANT SELECT ON k_mat2 TO anon",
     {("materialized view", "public.k_mat2", "added")}),
    ("CREATE VIEW k_view3 AS SELECT id FROM k_view2; GRANT SELECT ON k_view3 TO anon",
     {("view", "public.k_view3", "added")}),
    ("ALTER TABLE k_ren RENAME COLUMN old_name TO new_name",
     {("column", "public.k_ren.new_name", "added"), ("column", "public.k_ren.old_name", "removed")}),
    # OpenAPI drops the old name at once (a live privilege query); the OID tells it is a rename
    ("ALTER TABLE k_old RENAME TO k_new", {("table", "public.k_new", "added")}),
    ("GRANT SELECT (secret) ON k_private TO anon; REVOKE SELECT ON k_child FROM anon;"
     "GRANT SELECT ON k_child TO anon", set()),  # privileges are live: never stale
]  # fmt: skip


async def _settled(target: Target) -> object:
    """The report once the cache reloaded (NOTIFY is asynchronous)."""
    deadline = time.monotonic() + 20
    report = await diagnose(target)
    while report.stale_objects and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        report = await diagnose(target)
    return report


def _refs(*specs: str):
    parsers = {"t": parse_table, "c": parse_column, "r": parse_relationship}
    return tuple(parsers[s[0]](s[2:]) for s in specs)


async def test_fresh_cache_healthy_drift_exact_notify_healthy(make_sandbox, postgrest_version):
    box: Sandbox = make_sandbox(postgrest_version)
    box.execute(SCHEMA + "NOTIFY pgrst, 'reload schema';")
    target = target_for(box)
    fresh = await _settled(target)
    assert fresh.stale_objects == [], fresh.stale_objects
    assert fresh.verdict is Verdict.HEALTHY, [f.to_json() for f in fresh.findings]

    # named objects of every kind, on the fresh cache: none stale, none "missing"
    named = await diagnose(target, objects=_refs(
        "t:k_parted_2024", "t:k_mat", "t:k_view2", "t:k_foreign", "t:k_child", "t:k_private",
        'c:"Weird.Name"."a.b"', 'c:"Weird.Name"."quo""te"', 'c:"Weird.Name"."with space"',
        "r:k_zone:k_space!zone_type_fk", "r:k_zone:k_space", "r:k_comp:k_space",
        "r:k_detail:k_space", 'r:"Weird.Name":k_space',
    ))  # fmt: skip
    objects = {f.title: f for f in named.findings if f.check in ("object", "rls")}
    assert named.stale_objects == [], named.stale_objects
    assert not [f.title for f in objects.values() if f.status is Status.FAIL], [
        (f.title, f.summary) for f in objects.values() if f.status is Status.FAIL
    ]
    partition = objects["table: public.k_parted_2024"]
    assert partition.status is Status.WARN and "partition of public.k_parted" in partition.summary
    assert objects["table: public.k_mat"].summary.startswith("materialized view public.k_mat")
    private = objects["table: public.k_private"].summary
    assert "only its columns id, email" in private

    rls = await diagnose(target, objects=_refs("t:k_mat", "t:k_view2"),
                         symptoms=("rls-not-enforced",))  # fmt: skip
    for finding in (f for f in rls.findings if f.check == "rls"):
        assert finding.status is Status.PASS and finding.fix is None, finding.to_json()

    expected: set[tuple[str, str, str]] = set()
    for sql, stale in DRIFTS:
        box.execute(sql)
        expected |= stale
    drifted = await diagnose(target)
    assert stale_triples(drifted) == expected
    assert drifted.verdict is Verdict.STALE_CACHE
    summary = next(f.summary for f in drifted.findings if f.check == "drift")
    assert "public.k_new renamed or moved since the cache loaded" in summary
    second = await diagnose(target, objects=_refs("r:k_zone:k_space!zone_other_fk"))
    assert ("relationship", "public.k_zone:public.k_space!zone_other_fk", "added") in (
        stale_triples(second)
    )

    box.execute("NOTIFY pgrst, 'reload schema'")
    after = await _settled(target)
    assert after.stale_objects == [] and after.verdict is Verdict.HEALTHY, after.stale_objects
