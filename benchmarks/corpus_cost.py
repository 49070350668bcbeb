"""Issue 12's budget: a full check of the largest corpus schema (tests/corpus/, real public
schemas this project did not write) costs at most PostgREST's own OpenAPI GET + 0.3 s.

Every corpus is loaded with the tests' own loader (``tests/integration/corpus_helpers``: its
exposed schemas, its anon role, its grants) and the one with the most tables is chosen when
the run starts, so a corpus added later is measured without a change here. A real PostgREST
12.0.2 serves it with a fresh cache; each run is the OpenAPI GET of the default schema, the
full check, the GET again (their mean is the run's OpenAPI time, as budget 1 pairs them), and
then the documents of every exposed schema, one after another (what the check reads, shown
beside it).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import psycopg

from benchmarks import check_cost, postgrest_costs
from benchmarks.results import RunResults
from benchmarks.stats import paired
from tui.sandbox import Cluster

ROOT = Path(__file__).resolve().parents[1]
POSTGREST = "12"

# Tables PostgREST serves as tables: ordinary and partitioned ones, not partitions.
TABLES_QUERY = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
"""


def corpus_helpers() -> ModuleType:
    """The tests' corpus loader (tests/ is not a package: imported from its folder)."""
    folder = str(ROOT / "tests" / "integration")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("corpus_helpers")


@dataclass(frozen=True)
class Loaded:
    corpus: Any  # corpus_helpers.Corpus (tests/ is not importable as a package)
    tables: int


def load_all(cluster: Cluster) -> list[Loaded]:
    """Every corpus in its own template database, with its table count."""
    helpers = corpus_helpers()
    loaded = []
    for corpus in helpers.CORPORA:
        template = helpers.load_template(cluster, corpus)
        with psycopg.connect(cluster.dsn(template)) as conn:
            row = conn.execute(TABLES_QUERY).fetchone()
        loaded.append(Loaded(corpus, int(row[0]) if row else 0))
    return loaded


def openapi_all(box: Any, schemas: tuple[str, ...]) -> float:
    """Every exposed schema's OpenAPI document, one after another, bodies read whole."""
    assert box.postgrest is not None
    with httpx.Client(
        timeout=postgrest_costs.HTTP_TIMEOUT, headers=postgrest_costs.auth_headers(box)
    ) as client:
        total = 0.0
        for schema in schemas:
            took, _size = postgrest_costs.timed_get(
                client, f"{box.postgrest.api_url}/", {"Accept-Profile": schema}
            )
            total += took
    return total


def measure(cluster: Cluster, results: RunResults, runs: int, log: Callable[[str], None]) -> None:
    loaded = load_all(cluster)
    largest = max(loaded, key=lambda item: item.tables)
    corpus = largest.corpus
    name, schemas = corpus.name, corpus.schemas
    sizes = ", ".join(f"{item.corpus.name} {item.tables}" for item in loaded)
    results.extra["corpus"] = {
        "name": name,
        "tables": largest.tables,
        "schemas": list(schemas),
        "anon_role": corpus.anon_role,
        "all": {item.corpus.name: item.tables for item in loaded},
    }
    log(f"corpus: {name} is the largest ({sizes} tables), served by PostgREST {POSTGREST}")
    helpers = corpus_helpers()
    box = helpers.serve(cluster, corpus, POSTGREST, "bench")
    try:
        check_cost.warm_up(box)
        checks, gets = [], []
        for i in range(runs):
            log(f"corpus {name}: run {i + 1}/{runs}")
            before, size = postgrest_costs.openapi_get(box)
            run = check_cost.run_check(box)
            after, _ = postgrest_costs.openapi_get(box)
            every = openapi_all(box, schemas)
            report = run.report or {}
            if run.exit_code not in (0, 1) or not report:
                results.notes.append(
                    f"corpus {name} check exit {run.exit_code}: {run.stderr[-200:]}"
                )
                continue
            if report.get("verdict") != "healthy":
                results.notes.append(
                    f"corpus {name} run {i + 1}: verdict {report.get('verdict')} on a fresh cache"
                )
            checks.append(run.seconds)
            gets.append((before + after) / 2)
            results.global_samples.setdefault("corpus_openapi_all_s", []).append(every)
            results.global_samples.setdefault("corpus_openapi_mb", []).append(size / 1e6)
            results.global_samples.setdefault("corpus_stale_objects", []).append(
                len(report.get("stale_objects", []))
            )
        results.global_samples["corpus_check_s"] = checks
        results.global_samples["corpus_openapi_s"] = gets
        results.global_samples["corpus_check_minus_openapi_s"] = paired(checks, gets, "diff")
    finally:
        box.stop()
        for item in loaded:
            cluster.drop_database(item.corpus.template)
