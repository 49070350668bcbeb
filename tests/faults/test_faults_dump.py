"""The full pre-reset dump on the real cluster: schema and rows of tables whose names have blanks,
partitioned tables and columns the migrations never had come back exactly; a dump that is not
the file its manifest describes is refused with nothing touched."""

from __future__ import annotations

import json
import shutil

import psycopg
import pytest

from tests.integration.remedy_helpers import Events, run_cli, target_of
from tui.core.remedies.dump import DumpStep
from tui.core.remedies.restore import RestoreStep, RowsRestoreStep
from tui.core.tools import pg_binaries

pytestmark = pytest.mark.integration
BINDIR = pg_binaries().bindir

AWKWARD = """
CREATE TABLE public."order lines" ("line id" int PRIMARY KEY, "the note" text);
INSERT INTO public."order lines" VALUES (1, 'tab	inside'), (2, ''), (3, NULL);
CREATE TABLE public.events (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.events_2025 PARTITION OF public.events
  FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.events_2026 PARTITION OF public.events
  FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO public.events VALUES (1, '2025-05-01'), (2, '2026-05-01'), (3, '2026-06-01');
ALTER TABLE public.customers ADD COLUMN phone text;
UPDATE public.customers SET phone = '+44 ' || id;
"""

STATE = """
SELECT (SELECT json_agg(t ORDER BY "line id") FROM public."order lines" t),
       (SELECT json_agg(e ORDER BY id) FROM public.events e),
       (SELECT json_agg(c ORDER BY id) FROM public.customers c),
       (SELECT count(*) FROM public.events_2026)
"""


def state(box) -> tuple:
    with psycopg.connect(box.db_url) as conn:
        return conn.execute(STATE).fetchone()


def wipe(box) -> None:
    """What a reset does to these objects: gone, customers back to the migrations' shape."""
    box.execute(
        'DROP TABLE public."order lines", public.events;'
        "ALTER TABLE public.customers DROP COLUMN phone;"
    )


async def test_full_dump_of_blank_names_and_partitions_restores_the_exact_database(
    sandbox12, tmp_path
) -> None:
    box = sandbox12
    box.execute(AWKWARD)
    before = state(box)
    target = target_of(box)
    events = Events()
    step = DumpStep(target, out_dir=tmp_path / "session", pg_bindir=BINDIR)
    result = await step.run(events)
    assert result.ok, events.text()
    dump = step.dump
    assert dump.rows["public.order lines"] == 3
    assert dump.rows["public.events_2025"] == 1 and dump.rows["public.events_2026"] == 2
    assert json.loads(dump.manifest.read_text())["sha256"] == dump.sha256

    wipe(box)
    restored = await RestoreStep(target, dump.path, pg_bindir=BINDIR).run(events)
    assert restored.ok, restored.summary
    assert state(box) == before

    # rows alone, into a schema that already has the objects (a --keep-unmigrated reset)
    box.execute('TRUNCATE public."order lines", public.events, public.customers CASCADE')
    rows = await RowsRestoreStep(target, dump.path, pg_bindir=BINDIR).run(events)
    assert rows.ok, rows.summary
    assert rows.details["failed_rows"] == []
    assert state(box) == before


async def test_rows_that_cannot_go_back_are_named_one_by_one(sandbox12, tmp_path) -> None:
    box = sandbox12
    box.execute(AWKWARD)
    target = target_of(box)
    events = Events()
    step = DumpStep(target, out_dir=tmp_path / "s", pg_bindir=BINDIR)
    assert (await step.run(events)).ok, events.text()
    # the re-created table refuses one of the dumped rows
    box.execute(
        'TRUNCATE public."order lines";'
        'ALTER TABLE public."order lines" ADD CONSTRAINT no_empty CHECK ("the note" <> \'\')'
    )
    result = await RowsRestoreStep(target, step.dump.path, pg_bindir=BINDIR).run(events)
    assert not result.ok
    failed = result.details["failed_rows"]
    assert [(f["table"], f["row"]) for f in failed] == [("public.order lines", "2\t")]
    with psycopg.connect(box.db_url) as conn:
        kept = conn.execute('SELECT "line id" FROM public."order lines" ORDER BY 1').fetchall()
    assert kept == [(1,), (3,)]
    assert "row not restored: public.order lines: 2" in events.text()


async def test_a_swapped_dump_is_refused_exit_4_with_nothing_touched(sandbox12, tmp_path) -> None:
    box = sandbox12
    box.execute(AWKWARD)
    target = target_of(box)
    first = DumpStep(target, out_dir=tmp_path / "a", pg_bindir=BINDIR)
    assert (await first.run(Events())).ok
    box.execute("INSERT INTO public.customers (name) VALUES ('later')")
    second = DumpStep(target, out_dir=tmp_path / "b", pg_bindir=BINDIR)
    assert (await second.run(Events())).ok
    wipe(box)
    shutil.copyfile(second.dump.path, first.dump.path)  # same name, other content
    c = box.connection()
    proc = run_cli(
        "restore", str(first.dump.path), "--confirm", box.dbname, cwd=tmp_path, env=c.env()
    )
    assert proc.returncode == 4, proc.stderr
    assert "sha256" in proc.stderr and "nothing was touched" in proc.stderr
    assert "Traceback" not in proc.stderr
    with psycopg.connect(box.db_url) as conn:
        assert conn.execute("SELECT to_regclass('public.events')").fetchone()[0] is None
    # the untouched second dump restores through the same command
    proc = run_cli(
        "restore", str(second.dump.path), "--confirm", box.dbname, cwd=tmp_path, env=c.env()
    )
    assert proc.returncode == 0, proc.stderr
    with psycopg.connect(box.db_url) as conn:
        assert conn.execute("SELECT count(*) FROM public.events").fetchone()[0] == 3
