"""An audit trap for "diagnosis never executes anything": every trigger and function it sets
records its call through dblink, in a transaction of its own, so a call is seen even when the
request ran read-only or was rolled back (as an audit trigger with a loopback connection would
escape PostgREST's transaction).

On every table of the exposed schema: statement- and row-level triggers (BEFORE and AFTER,
INSERT/UPDATE/DELETE/TRUNCATE), SECURITY DEFINER; on the views, INSTEAD OF triggers; plus a
volatile function exposed through /rpc, one with an argument, and a view whose SELECT calls a
volatile function. ``hits(box)`` counts what ran.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from tui.sandbox import Sandbox

TRAP_SQL = """
CREATE EXTENSION IF NOT EXISTS dblink;
CREATE SCHEMA audit_trap;
CREATE TABLE audit_trap.hits (id bigserial PRIMARY KEY, what text NOT NULL,
                              at timestamptz NOT NULL DEFAULT clock_timestamp());
-- a direct insert (as most audit triggers do) and a loopback one that escapes the transaction
CREATE FUNCTION audit_trap.record(what text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
BEGIN
  PERFORM public.dblink_exec({conninfo},
    format('INSERT INTO audit_trap.hits (what) VALUES (%L)', what || ' (dblink)'));
  BEGIN
    INSERT INTO audit_trap.hits (what) VALUES (what);
  EXCEPTION WHEN read_only_sql_transaction THEN NULL;
  END;
END $fn$;
CREATE FUNCTION audit_trap.on_change() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
BEGIN
  PERFORM audit_trap.record(format('%s %s %s %s', TG_WHEN, TG_LEVEL, TG_OP, TG_TABLE_NAME));
  IF TG_LEVEL = 'ROW' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RETURN NULL;
END $fn$;
DO $do$
DECLARE rel record;
BEGIN
  FOR rel IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') LOOP
    IF rel.relkind = 'v' THEN
      EXECUTE format('CREATE TRIGGER audit_trap_instead INSTEAD OF INSERT OR UPDATE OR DELETE '
                     'ON %s FOR EACH ROW EXECUTE FUNCTION audit_trap.on_change()', rel.name);
      CONTINUE;
    END IF;
    EXECUTE format('CREATE TRIGGER audit_trap_bs BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE '
                   'ON %s FOR EACH STATEMENT EXECUTE FUNCTION audit_trap.on_change()', rel.name);
    EXECUTE format('CREATE TRIGGER audit_trap_as AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                   'ON %s FOR EACH STATEMENT EXECUTE FUNCTION audit_trap.on_change()', rel.name);
    EXECUTE format('CREATE TRIGGER audit_trap_br BEFORE INSERT OR UPDATE OR DELETE '
                   'ON %s FOR EACH ROW EXECUTE FUNCTION audit_trap.on_change()', rel.name);
  END LOOP;
END $do$;
-- a volatile audit function exposed via /rpc (no argument, and one with an argument)
CREATE FUNCTION public.audit_ping() RETURNS integer LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN PERFORM audit_trap.record('rpc audit_ping'); RETURN 1; END $fn$;
CREATE FUNCTION public.audit_note(note text) RETURNS text LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN PERFORM audit_trap.record('rpc audit_note ' || note); RETURN note; END $fn$;
-- a view whose SELECT calls a volatile function (per row, and once per scan)
CREATE FUNCTION public.audit_seen(what text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN PERFORM audit_trap.record('view ' || what); RETURN true; END $fn$;
CREATE VIEW public.audited_customers AS
  SELECT c.id, c.name, public.audit_seen('audited_customers row') AS seen
  FROM public.customers c, (SELECT public.audit_seen('audited_customers scan')) once;
GRANT SELECT ON public.audited_customers TO anon, authenticated;
GRANT USAGE ON SCHEMA audit_trap TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.audit_ping(), public.audit_note(text),
  public.audit_seen(text) TO anon, authenticated;
"""


def install(box: Sandbox) -> None:
    """Set the trap in the sandbox's database (then reload PostgREST's cache yourself)."""
    cluster = box.cluster
    assert cluster is not None
    conninfo = sql.Literal(f"host=127.0.0.1 port={cluster.port} dbname={box.dbname} user=postgres")
    box.execute(sql.SQL(TRAP_SQL.replace("{conninfo}", "{}")).format(conninfo))


def hits(box: Sandbox) -> list[str]:
    """What ran since the trap was set (or since ``clear``), oldest first."""
    with psycopg.connect(box.db_url, autocommit=True) as conn:
        rows = conn.execute("SELECT what FROM audit_trap.hits ORDER BY id").fetchall()
    return [r[0] for r in rows]


def clear(box: Sandbox) -> None:
    box.execute("TRUNCATE audit_trap.hits")
