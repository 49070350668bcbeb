"""Generate a large schema fast: N tables of 10 columns with foreign keys, N/10 functions.

The DDL is built on the server by one PL/pgSQL function (identifiers through ``format('%I')``,
bounds as parameters) and run in batches: one transaction per batch keeps the lock table
within PostgreSQL's defaults (``max_locks_per_transaction`` 64) while 10,000 tables still take
only seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

MAX_FUNCTIONS = 1_000
BATCH = 500  # tables per transaction: ~5 locks each (table, pkey, toast, toast index, FK)
ENUM_TYPE = "bench_status"

# Each table: id, a foreign key to its parent (t(i/2): a tree, so fan-in varies), 8 data columns.
_GENERATOR = """
CREATE OR REPLACE FUNCTION pg_temp.bench_generate(lo integer, hi integer, fn_lo integer,
                                                  fn_hi integer)
RETURNS void LANGUAGE plpgsql AS $gen$
DECLARE
  i integer;
BEGIN
  IF NOT EXISTS (SELECT FROM pg_type WHERE typname = 'bench_status'
                 AND typnamespace = 'public'::regnamespace) THEN
    CREATE TYPE public.bench_status AS ENUM ('new', 'active', 'archived');
  END IF;
  FOR i IN lo..hi LOOP
    EXECUTE format(
      'CREATE TABLE public.%I ('
      '  id bigint PRIMARY KEY,'
      '  parent_id bigint REFERENCES public.%I (id),'
      '  name text NOT NULL,'
      '  qty integer NOT NULL DEFAULT 0,'
      '  price numeric(12, 2),'
      '  active boolean NOT NULL DEFAULT true,'
      '  created_at timestamptz NOT NULL DEFAULT now(),'
      '  doc jsonb,'
      '  day date,'
      '  status public.bench_status NOT NULL DEFAULT ''new'''
      ')',
      't' || i, 't' || greatest(i / 2, 1));
  END LOOP;
  FOR i IN fn_lo..fn_hi LOOP
    EXECUTE format(
      'CREATE FUNCTION public.%I(a integer) RETURNS integer LANGUAGE sql IMMUTABLE AS %L',
      'f' || i, 'SELECT a + ' || i);
  END LOOP;
END
$gen$;
"""


@dataclass(frozen=True)
class SchemaShape:
    """What one benchmark size creates (besides whatever the database already holds)."""

    tables: int
    functions: int
    columns_per_table: int = 10

    @classmethod
    def for_tables(cls, tables: int) -> SchemaShape:
        """One function per ten tables, 1,000 at most (the largest schema benchmarked)."""
        if tables < 1:
            raise ValueError("a schema needs at least one table")
        return cls(tables=tables, functions=min(MAX_FUNCTIONS, max(1, tables // 10)))


def batches(total: int, size: int = BATCH) -> list[tuple[int, int]]:
    """Inclusive 1-based ranges covering 1..total, ``size`` at a time."""
    return [(lo, min(lo + size - 1, total)) for lo in range(1, total + 1, size)]


def generate(dsn: str, shape: SchemaShape, *, timeout: float = 600.0) -> None:
    """Create ``public.t1..tN`` and ``public.f1..fM`` in the database at ``dsn``."""
    table_ranges = batches(shape.tables)
    fn_ranges = batches(shape.functions)
    with psycopg.connect(dsn, connect_timeout=10) as conn:
        conn.execute("SELECT set_config('statement_timeout', %s, false)", (f"{int(timeout)}s",))
        conn.execute(_GENERATOR)
        conn.commit()
        for index, (lo, hi) in enumerate(table_ranges):
            fn_lo, fn_hi = fn_ranges[index] if index < len(fn_ranges) else (1, 0)
            conn.execute("SELECT pg_temp.bench_generate(%s, %s, %s, %s)", (lo, hi, fn_lo, fn_hi))
            conn.commit()
        for fn_lo, fn_hi in fn_ranges[len(table_ranges) :]:
            conn.execute("SELECT pg_temp.bench_generate(1, 0, %s, %s)", (fn_lo, fn_hi))
            conn.commit()


def count_generated(dsn: str) -> SchemaShape:
    """Count what ``generate`` made (tables ``t<n>``, functions ``f<n>``), for checks and tests."""
    with psycopg.connect(dsn, connect_timeout=10) as conn:
        row = conn.execute(
            """
            SELECT
              (SELECT count(*) FROM pg_class c
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
                   AND c.relname ~ '^t[0-9]+$'),
              (SELECT count(*) FROM pg_proc p
                 WHERE p.pronamespace = 'public'::regnamespace AND p.proname ~ '^f[0-9]+$'),
              (SELECT round(avg(n)) FROM (
                 SELECT count(*) AS n FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
                   AND c.relname ~ '^t[0-9]+$' AND a.attnum > 0 AND NOT a.attisdropped
                 GROUP BY c.oid) per_table)
            """
        ).fetchone()
    assert row is not None
    return SchemaShape(
        tables=int(row[0]), functions=int(row[1]), columns_per_table=int(row[2] or 0)
    )


def count_foreign_keys(dsn: str) -> int:
    with psycopg.connect(dsn, connect_timeout=10) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
            " AND connamespace = 'public'::regnamespace AND conrelid::regclass::text ~ '^t[0-9]+$'"
        ).fetchone()
    return int(row[0]) if row else 0
