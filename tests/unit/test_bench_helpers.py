"""The benchmark harness's pure pieces: medians, paired ratios, budgets, machine facts."""

from __future__ import annotations

import pytest

from benchmarks import runbook_procedure
from benchmarks.budgets import BUDGETS, METRICS
from benchmarks.machine import cpu_model, mem_total_gib
from benchmarks.schema_gen import SchemaShape, batches
from benchmarks.stats import Summary, paired, passes


def test_summary_takes_median_and_spread() -> None:
    s = Summary.of([0.5, 0.1, 0.3, 0.2, 0.4])
    assert (s.median, s.low, s.high, s.n) == (0.3, 0.1, 0.5, 5)
    assert s.spread == pytest.approx(0.4 / 0.3)


def test_summary_refuses_no_samples() -> None:
    with pytest.raises(ValueError):
        Summary.of([])


def test_paired_ratio_and_diff_combine_run_by_run() -> None:
    assert paired([4.0, 9.0], [2.0, 3.0], "ratio") == [2.0, 3.0]
    assert paired([4.0, 9.0], [2.0, 3.0], "diff") == [2.0, 6.0]


def test_paired_refuses_uneven_runs() -> None:
    with pytest.raises(ValueError):
        paired([1.0], [1.0, 2.0], "ratio")


def test_passes_compares_in_the_budget_direction() -> None:
    assert passes(0.3, 0.3, "<=") and not passes(0.31, 0.3, "<=")
    assert passes(5.0, 5.0, ">=") and not passes(4.9, 5.0, ">=")


def test_every_budget_names_a_known_metric() -> None:
    assert all(b.metric in METRICS for b in BUDGETS)


def test_shape_has_one_function_per_ten_tables_capped_at_1000() -> None:
    assert SchemaShape.for_tables(100).functions == 10
    assert SchemaShape.for_tables(10_000).functions == 1_000
    assert SchemaShape.for_tables(50_000).functions == 1_000
    assert SchemaShape.for_tables(5).functions == 1


def test_batches_cover_every_table_once() -> None:
    ranges = batches(1_234, 500)
    assert ranges == [(1, 500), (501, 1000), (1001, 1234)]
    assert batches(0) == []


def test_cpu_model_and_memory_parse_proc_files() -> None:
    info = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: fpu\n"
    assert cpu_model(info) == "AMD EPYC 7B13"
    assert cpu_model("processor\t: 0\n") == "unknown"
    assert mem_total_gib("MemTotal:       24576000 kB\n") == pytest.approx(23.4375)


def test_runbook_procedure_routes_sql_through_the_chosen_client() -> None:
    supabase = runbook_procedure.sql_argv("supabase", "postgresql://x@h/db", "SELECT 1")
    assert supabase[1:4] == ["db", "query", "--db-url"] and supabase[-2:] == ["--yes", "SELECT 1"]
    assert runbook_procedure.sql_argv("psql", "postgresql://x@h/db", "SELECT 1") == [
        "psql",
        "postgresql://x@h/db",
        "-c",
        "SELECT 1",
    ]
    counts = runbook_procedure.counts()
    assert counts["sql"] == 6 and counts["openapi"] == 3
