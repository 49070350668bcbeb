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


CALLGRIND_OUT = """# callgrind format
version: 1
creator: callgrind-3.19.0
cmd:  python -c ... check --json
events: Ir
summary: 1409099411

fl=(1) ???
fn=(1) 0x0000000000001100
0 3
totals: 1409099411
"""


def test_callgrind_totals_are_read_from_summary_or_totals() -> None:
    from benchmarks.instructions import parse_total

    assert parse_total(CALLGRIND_OUT) == 1_409_099_411
    no_summary = CALLGRIND_OUT.replace("summary: 1409099411\n", "")
    assert parse_total(no_summary) == 1_409_099_411
    with pytest.raises(ValueError):
        parse_total("events: Ir\nfn=(1) main\n")


def _results(**extra: object):
    from benchmarks.results import RunResults, SizeResult

    small = SizeResult(tables=100, functions=10, runs=3)
    small.samples = {
        "host_loop_s": [0.30, 0.35, 0.32],
        "check_full_minus_openapi_s": [0.25, 0.28, 0.35],
        "catalog_over_reload": [0.2, 0.25, 0.22],
        "check_targeted_s": [0.40, 0.41],
    }
    large = SizeResult(tables=10_000, functions=1_000, runs=3)
    large.samples = {"check_targeted_s": [0.43, 0.44]}
    results = RunResults(started_utc="t", command="c", machine={}, sizes=[small, large])
    results.global_samples = {"host_loop_targeted_s": [0.5, 0.7], "wizard_start_s": [0.9]}
    results.extra.update(extra)
    return results


def test_wall_clock_budgets_show_the_host_speed_of_their_phase_and_keep_their_verdict() -> None:
    from benchmarks.report import budget_rows, markdown

    rows = {(r[1], r[2]): r for r in budget_rows(_results())}
    full = rows[("full check minus OpenAPI GET <= 0.3 s", "100 tables")]
    # the verdict is the absolute budget's (median 0.28 <= 0.3), the host speed beside it
    assert full[3:] == ("0.280 s", "PASS", "0.320 s [0.300 s–0.350 s] (n=3)")
    ratio = rows[("catalog snapshot / PostgREST reload <= 1", "100 tables")]
    assert ratio[5] == ""  # a ratio of two times in one run: no host context
    targeted = next(r for r in rows.values() if r[1].startswith("targeted check"))
    assert targeted[4] == "PASS" and targeted[5] == "0.600 s [0.500 s–0.700 s] (n=2)"
    wizard = rows[("wizard cold start to first screen <= 1.0 s", "once")]
    assert wizard[4:] == ("PASS", "not measured")  # no host loop taken around it
    page = markdown(_results())
    assert "| verdict | host speed meanwhile |" in page
    assert "| 0.280 s | PASS | 0.320 s [0.300 s–0.350 s] (n=3) |" in page


def test_instruction_counts_render_beside_the_reference_commit() -> None:
    from benchmarks.report import console, instruction_rows, markdown

    counted = {
        "size": 100,
        "current": {"commit": "abc1234", "full": 2_000_000_000, "targeted": 1_400_000_000},
        "reference": {"commit": "7fee54e", "full": 2_500_000_000, "targeted": 1_400_000_000},
    }
    rows = instruction_rows(_results(instructions=counted))
    assert rows == [
        ("`pgrst-doctor check --json` (all symptoms)", "2.000 G", "2.500 G", "0.80x"),
        ("`pgrst-doctor check --json --table public.t42`", "1.400 G", "1.400 G", "1.00x"),
    ]
    page = markdown(_results(instructions=counted))
    assert "| check | this code (`abc1234`) | reference (`7fee54e`) | this / reference |" in page
    assert "| `pgrst-doctor check --json` (all symptoms) | 2.000 G | 2.500 G | 0.80x |" in page
    assert "all symptoms): 2.000 G (reference 2.500 G, 0.80x)" in console(
        _results(instructions=counted)
    )
    alone = {"size": 100, "current": {"commit": "abc1234", "full": 2_000_000_000}}
    assert instruction_rows(_results(instructions=alone))[0][1:] == ("2.000 G", "", "")
    assert "reference (none given)" in markdown(_results(instructions=alone))
    failed = {**alone, "reference_asked": "deadbee"}  # its counts could not be taken
    assert "| reference (`deadbee`: not measured) |" in markdown(_results(instructions=failed))
    assert instruction_rows(_results()) == []
    assert "## Our own cost" not in markdown(_results())
    assert "(all symptoms): 2.000 G\n" in console(_results(instructions=alone))


def test_targeted_rounds_rotate_so_each_size_runs_first_and_last_equally_often() -> None:
    from benchmarks.run import rotated

    sized = [("box100", 100), ("box1000", 1000), ("box10000", 10000)]
    orders = [[size for _, size in rotated(sized, i)] for i in range(6)]  # type: ignore[arg-type]
    assert all(sorted(order) == [100, 1000, 10000] for order in orders)
    firsts, lasts = sorted(o[0] for o in orders), sorted(o[-1] for o in orders)
    assert firsts == lasts == [100, 100, 1000, 1000, 10000, 10000]
    assert rotated([], 3) == []


def test_the_targeted_diagnosis_per_probe_renders_in_its_own_table() -> None:
    from benchmarks.report import markdown

    results = _results()
    results.sizes[0].samples["targeted_probe_catalog_s"] = [0.121, 0.107]
    results.sizes[1].samples["targeted_probe_catalog_s"] = [0.122]
    results.sizes[0].samples["probe_openapi_s"] = [0.2]
    page = markdown(results)
    section = page.split("## Where the targeted check (`--table public.t42`) spends its time")[1]
    assert "| catalog | 0.114 s [0.107 s–0.121 s] (n=2) | 0.122 s (n=1) |" in section
    assert "openapi" not in section.split("##")[0]  # the full diagnosis's probes stay apart
