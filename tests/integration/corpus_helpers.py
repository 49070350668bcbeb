"""The corpus (tests/corpus/): real public schemas, loaded into the test cluster and served by
real PostgREST, each the way a deployment would: its own exposed schemas and anon role.

Which schemas each serves and which role reads them is data (``CORPORA``); the loader only
runs the published SQL, then the grants that table implies.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tui.cli import main
from tui.sandbox import Cluster, Sandbox

CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"
TABLE_PRIVILEGES = sql.SQL("SELECT, INSERT, UPDATE, DELETE")


@dataclass(frozen=True)
class Corpus:
    """One published schema and how it is served."""

    name: str  # folder under tests/corpus/
    schemas: tuple[str, ...]  # db-schemas, in order: the first is the default
    anon_role: str  # db-anon-role
    load_into: str | None = None  # run the file with this search_path (schema created first)
    prelude: bool = False  # run the folder's prelude.sql first (what the platform provides)
    roles: tuple[str, ...] = ()  # other roles it grants to or owns objects by (made first)
    own_grants: bool = False  # its own GRANTs decide existing objects (tables made later: ours)
    psql: bool = False  # a psql script (COPY ... FROM stdin with its rows inline): psql runs it

    @property
    def default_schema(self) -> str:
        return self.schemas[0]

    @property
    def template(self) -> str:
        return f"corpus_{self.name}"

    @property
    def schema_path(self) -> Path:
        return CORPUS_DIR / self.name / "schema.sql"

    def schema_sql(self) -> str:
        return self.schema_path.read_text(encoding="utf-8")

    def prelude_sql(self) -> str | None:
        path = CORPUS_DIR / self.name / "prelude.sql"
        return path.read_text(encoding="utf-8") if self.prelude else None


CORPORA: tuple[Corpus, ...] = (
    Corpus("pagila", ("public",), "web_anon"),
    Corpus("chinook", ("public",), "anon"),
    Corpus("northwind", ("northwind",), "web_anon", load_into="northwind"),
    Corpus(
        "adventureworks",
        ("sales", "person", "production", "purchasing", "humanresources", "sa"),
        "api_reader",
    ),
    Corpus("dhis2", ("public",), "dhis_reader"),
    # a Supabase migration set: its own grants to authenticated, served as the anon role
    Corpus("basejump", ("basejump", "public"), "authenticated", prelude=True),
    # views in api over tables in data, owned by role api that the RLS policies name; the anon
    # role gets two columns of a view (column-level grant) and two functions
    Corpus("starterkit", ("api",), "anonymous", roles=("webuser", "api"), own_grants=True),
    # a pg_dump of Graphile Starter: app_public (and the empty app_hidden) to the visitor role
    # under the dump's own grants, column-level UPDATE and INSERT among them
    Corpus(
        "graphile",
        ("app_public", "app_hidden"),
        "graphile_starter_visitor",
        roles=("graphile_starter",),
        own_grants=True,
    ),
    # LedgerSMB's base schema, a psql script with COPY data: four families of inheritance children
    # (notes, translations, file attachments) with keys to and from the children, rules
    Corpus("ledgersmb", ("public",), "lsmb_reader", psql=True),
)
CORPUS_IDS = [c.name for c in CORPORA]


def ensure_role(cluster: Cluster, role: str) -> None:
    """A NOLOGIN role PostgREST's authenticator may switch to (roles are cluster-wide)."""
    with psycopg.connect(cluster.dsn("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN NOINHERIT").format(sql.Identifier(role)))
        conn.execute(sql.SQL("GRANT {} TO authenticator").format(sql.Identifier(role)))


def grants(corpus: Corpus) -> sql.Composed:
    """Usage and table privileges on every exposed schema, now (unless the corpus grants its
    own) and for tables made later (as a deployment's default privileges do); functions keep
    PostgreSQL's EXECUTE to PUBLIC."""
    role = sql.Identifier(corpus.anon_role)
    existing = "" if corpus.own_grants else "GRANT {p} ON ALL TABLES IN SCHEMA {s} TO {r};"
    parts = []
    for schema in map(sql.Identifier, corpus.schemas):
        parts.append(
            sql.SQL(
                "GRANT USAGE ON SCHEMA {s} TO {r};" + existing
                + "ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT {p} ON TABLES TO {r};"
            ).format(s=schema, r=role, p=TABLE_PRIVILEGES)
        )  # fmt: skip
    return sql.Composed(parts)


def load_template(cluster: Cluster, corpus: Corpus) -> str:
    """The corpus in its own database, with its role and grants; returns the database name
    (used as the template of each served copy)."""
    for role in (corpus.anon_role, *corpus.roles):
        ensure_role(cluster, role)
    cluster.drop_database(corpus.template)
    cluster.create_database(corpus.template)
    with psycopg.connect(cluster.dsn(corpus.template), autocommit=True) as conn:
        prelude = corpus.prelude_sql()
        if prelude:
            conn.execute(prelude)  # type: ignore[arg-type]  # a file of ours
        if corpus.load_into:
            schema = sql.Identifier(corpus.load_into)
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
            conn.execute(sql.SQL("SET search_path = {}, public").format(schema))
        if not corpus.psql:
            conn.execute(corpus.schema_sql())  # type: ignore[arg-type]  # the published file
            conn.execute("RESET search_path")
    if corpus.psql:
        run_psql(cluster, corpus)
    cluster.execute(corpus.template, grants(corpus))
    return corpus.template


PSQL_TIMEOUT = 120  # seconds; the largest script loads in about a second


def run_psql(cluster: Cluster, corpus: Corpus) -> None:
    """The published script as its project runs it: psql, stopping at the first error."""
    argv = [str(cluster.bins.tool("psql")), "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    argv += ["-d", cluster.dsn(corpus.template), "-f", str(corpus.schema_path)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=PSQL_TIMEOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"psql could not load {corpus.name}: {done.stderr.strip()[-500:]}")


VERSIONS = ("12", "11")


def serve(cluster: Cluster, corpus: Corpus, version: str, tag: str) -> Sandbox:
    """A copy of the corpus database (``tag`` tells copies apart) served by PostgREST
    ``version``: a fresh cache."""
    box = Sandbox(
        postgrest_version=version,
        schemas=corpus.schemas,
        cluster=cluster,
        template=corpus.template,
        dbname=f"{corpus.template}_{tag}_{version}",
        anon_role=corpus.anon_role,
    )
    return box.start()


@contextlib.contextmanager
def serve_all(
    cluster: Cluster, tag: str, only: set[tuple[str, str]] | None = None
) -> Iterator[dict[tuple[str, str], Sandbox]]:
    """Every corpus (templates loaded) served by every PostgREST version, one process each,
    keyed by (corpus name, version); ``only`` those pairs when given; all stopped on exit."""
    boxes: dict[tuple[str, str], Sandbox] = {}
    try:
        for corpus in CORPORA:
            for version in VERSIONS:
                if only is None or (corpus.name, version) in only:
                    boxes[corpus.name, version] = serve(cluster, corpus, version, tag)
        yield boxes
    finally:
        for box in boxes.values():
            box.stop()


def target_flags(box: Sandbox, *, key: bool = True) -> list[str]:
    """``check`` flags for ``box``: with the anon role's key, or with none (the caller adds
    ``--anon-role``)."""
    conn = box.connection()
    flags = ["--db-url", conn.db_url, "--api-url", conn.api_url, "--admin-url", conn.admin_url]
    if key:
        flags += ["--api-key", conn.anon_key]
    return flags


def check_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict]:
    """``check --json`` in this process: (exit code, the one JSON object)."""
    code = main(["check", "--json", *argv])
    out, _err = capsys.readouterr()
    return code, json.loads(out)


RELOAD_WAIT = 15.0  # seconds for a NOTIFY to show; PostgREST reloads these in well under 1 s
CACHE_LOADED = "Schema cache loaded"  # PostgREST's log line after every (re)load


def reload(box: Sandbox) -> None:
    """NOTIFY, then wait until PostgREST logs that its cache reloaded (checking until healthy
    is not enough: objects the role may not see read healthy before the reload happened)."""
    assert box.postgrest is not None
    loads = box.postgrest.log_text().count(CACHE_LOADED)
    box.execute("NOTIFY pgrst, 'reload schema'")
    deadline = time.monotonic() + RELOAD_WAIT
    while box.postgrest.log_text().count(CACHE_LOADED) <= loads:
        assert time.monotonic() < deadline, "PostgREST did not reload after NOTIFY"
        time.sleep(0.05)
