"""PostgREST settings the doctor must read where PostgREST reads them: its config file, its
environment (``PGRST_*``) and, with ``db-config`` on, the authenticator's in-database settings
(Config.hs, Config/Database.hs at v12.0.2 and v11.2.2).

One real PostgREST 12.0.2 serves ``public`` with ``db-extra-search-path = "public, ext"`` and a
``db-pre-config`` function in its config file. A view in ``public`` reaches its table through
a view in ``ext``, so PostgREST infers the view's relationship (and writes its OpenAPI
``<fk/>`` note) only because ``ext`` is on the extra search path: a doctor that assumes the
default search path reads a fresh cache as stale.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from corpus_helpers import check_json, target_flags
from psycopg import sql

from tests.integration import audit_trap
from tui.sandbox import Cluster, Sandbox

pytestmark = pytest.mark.integration

EXTRA = "public, ext"
PRE_CONFIG = "public.doctor_pre_config"
SCHEMA = """
CREATE SCHEMA ext;
GRANT USAGE ON SCHEMA ext TO anon;
CREATE TABLE public.shelves (id int PRIMARY KEY);
CREATE TABLE public.books (id int PRIMARY KEY, shelf_id int REFERENCES public.shelves);
CREATE VIEW ext.books_inner AS SELECT id, shelf_id FROM public.books;
CREATE VIEW public.books_shelved AS SELECT id, shelf_id FROM ext.books_inner;
GRANT SELECT ON public.shelves, public.books, ext.books_inner, public.books_shelved TO anon;
"""
# PostgREST calls it as the authenticator, inside its read-only settings query: the audit
# trap records the call through dblink (a transaction of its own)
PRE_CONFIG_SQL = f"""
CREATE FUNCTION {PRE_CONFIG}() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  PERFORM audit_trap.record('pre-config');
  PERFORM set_config('pgrst.db_max_rows', '1000', true);
END $$;
NOTIFY pgrst, 'reload config';
NOTIFY pgrst, 'reload schema';
"""


def wait_for(what: str, ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 20
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def served(cluster: Cluster) -> Iterator[Sandbox]:
    """PostgREST 12.0.2 whose config file sets the extra search path and a pre-config
    function; the cache loaded with the view's relationship through ``ext``."""
    from tests.conftest import TEMPLATE_DB

    box = Sandbox(
        postgrest_version="12",
        cluster=cluster,
        template=TEMPLATE_DB,
        postgrest_extra={"db-extra-search-path": EXTRA, "db-pre-config": PRE_CONFIG},
    ).start()
    try:
        box.execute(SCHEMA)
        audit_trap.install(box)
        box.execute(PRE_CONFIG_SQL)
        conn = box.connection()
        embed = f"{conn.api_url}/books_shelved?select=id,shelves(id)"
        wait_for("the cache has the view's relationship through ext", lambda: httpx.get(
            embed, headers={"apikey": conn.anon_key}).status_code == 200)  # fmt: skip
        # the trap sees PostgREST call the function (on 'reload config'), so it would see
        # the doctor call it
        wait_for(
            "PostgREST called db-pre-config", lambda: "pre-config (dblink)" in audit_trap.hits(box)
        )
        yield box
    finally:
        box.stop()


def config_file(box: Sandbox) -> Path:
    assert box.postgrest is not None
    return box.postgrest.config_path


def alter_authenticator(box: Sandbox, key: str, value: str | None) -> None:
    """``ALTER ROLE authenticator IN DATABASE <this sandbox's> SET/RESET pgrst.<key>``."""
    query = (
        sql.SQL("ALTER ROLE authenticator IN DATABASE {} SET {} = {}").format(
            sql.Identifier(box.dbname), sql.Identifier("pgrst", key), sql.Literal(value)
        )
        if value is not None
        else sql.SQL("ALTER ROLE authenticator IN DATABASE {} RESET {}").format(
            sql.Identifier(box.dbname), sql.Identifier("pgrst", key)
        )
    )
    assert box.cluster is not None
    box.cluster.execute(box.dbname, query)


SOURCES = ["config-file", "environment", "database"]


@contextlib.contextmanager
def told(
    box: Sandbox, monkeypatch: pytest.MonkeyPatch, source: str, key: str, value: str
) -> Iterator[list[str]]:
    """``check`` flags for ``box`` with PostgREST's setting ``key`` given where ``source``
    says: the config file PostgREST runs with (already holding it), PostgREST's environment
    variable, or the authenticator's in-database setting (reset afterwards)."""
    flags = target_flags(box)
    if source == "config-file":
        flags += ["--postgrest-config", str(config_file(box))]
    elif source == "environment":
        monkeypatch.setenv("PGRST_" + key.upper(), value)
    else:
        alter_authenticator(box, key, value)
    try:
        yield flags
    finally:
        if source == "database":
            alter_authenticator(box, key, None)


def drift_summary(data: dict) -> str:
    return next(f["summary"] for f in data["findings"] if f["check"] == "drift")


@pytest.mark.parametrize("source", SOURCES)
def test_the_extra_search_path_is_read_where_postgrest_reads_it(
    served: Sandbox,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    source: str,
) -> None:
    """A fresh cache is healthy when the doctor is told the extra search path the way
    PostgREST is: ``--postgrest-config``, ``PGRST_DB_EXTRA_SEARCH_PATH``, or the
    authenticator's ``pgrst.db_extra_search_path`` read from the catalog."""
    with told(served, monkeypatch, source, "db_extra_search_path", EXTRA) as flags:
        code, data = check_json(capsys, flags)
    assert (data["verdict"], code, data["stale_objects"]) == ("healthy", 0, []), [
        (f["check"], f["summary"]) for f in data["findings"] if f["status"] != "pass"
    ]


@pytest.mark.parametrize("source", SOURCES)
def test_a_pre_config_function_is_named_from_any_source_and_never_called(
    served: Sandbox,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    source: str,
) -> None:
    """``db-pre-config`` from PostgREST's config file, ``PGRST_DB_PRE_CONFIG`` or the
    authenticator's ``pgrst.db_pre_config``: the doctor names the function and where it is
    set, and says it may set what the doctor read (here the extra search path, given by
    the environment) without calling it."""
    monkeypatch.setenv("PGRST_DB_EXTRA_SEARCH_PATH", EXTRA)
    where = {
        "config-file": f"in {config_file(served)}",
        "environment": "PGRST_DB_PRE_CONFIG",
        "database": f"ALTER ROLE authenticator IN DATABASE {served.dbname}",
    }[source]
    audit_trap.clear(served)
    with told(served, monkeypatch, source, "db_pre_config", PRE_CONFIG) as flags:
        code, data = check_json(capsys, flags)
    assert audit_trap.hits(served) == []  # named, never called
    summary = drift_summary(data)
    assert f"db-pre-config {PRE_CONFIG}" in summary and where in summary, summary
    assert "db-extra-search-path" in summary and "not called" in summary, summary
    assert (data["verdict"], code) == ("healthy", 0)
    # told of none, the doctor says nothing about one
    monkeypatch.delenv("PGRST_DB_PRE_CONFIG", raising=False)
    code, data = check_json(capsys, target_flags(served))
    assert "db-pre-config" not in drift_summary(data)
