"""The benchmark harness: ``python -m benchmarks.run [--sizes 100,1000,10000] [--runs 5]``.

Per size: a fresh database (shop seed + generated schema), a real PostgREST, the sandbox's
drift applied, then the measurements side by side, run after run. Prints a table and rewrites
BENCHMARKS.md (and benchmarks/last_run.json with every sample).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import (
    check_cost,
    corpus_cost,
    fleet_cost,
    instructions,
    postgrest_costs,
    report,
    runbook_procedure,
)
from benchmarks.machine import describe, host_loop_seconds
from benchmarks.results import RunResults, SizeResult
from benchmarks.schema_gen import SchemaShape, generate
from benchmarks.stats import paired
from tui.core.tools import postgrest_binary, supabase_cli
from tui.sandbox import Cluster, Sandbox, bootstrap_roles, seed_database

ROOT = Path(__file__).resolve().parents[1]
TARGETED_TABLE = "public.t42"
# Targeted checks per size: runs x this. Each is ~0.3 s, almost all start-up, with ±50 ms of
# host noise, and the size-independence budget compares medians within 50 ms.
TARGETED_REPEATS = 3


FLEET_SIZES = (100, 1000)  # the fleet budget: three instances of one database vs one


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def attempt(res: SizeResult | RunResults, what: str, fn: Callable[[], object]) -> object | None:
    """Run one measurement; a failure becomes a note (and a `not measured` cell), not a crash."""
    try:
        return fn()
    except Exception as exc:  # a benchmark reports what it could not measure
        line = str(exc).strip().splitlines()[:1] or [type(exc).__name__]
        res.notes.append(f"{what}: not measured ({type(exc).__name__}: {line[0][:200]})")
        return None


def log(message: str) -> None:
    print(f"[{_now()}] {message}", file=sys.stderr, flush=True)


# -- phases -----------------------------------------------------------------------------------
def stale_runs(box: Sandbox, res: SizeResult, runs: int, runbook: bool) -> None:
    """Cache stale: OpenAPI GET, full check, runbook, in-process diagnosis."""
    from benchmarks import engine_costs

    target = runbook_procedure.RunbookTarget(
        db_url=box.db_url,
        api_url=box.connection().api_url,
        anon_key=box.role_key("anon"),
        project_dir=box.connection().project_dir,
    )
    for i in range(runs):
        log(f"{res.tables}: stale run {i + 1}/{runs}")
        res.add("host_loop_s", host_loop_seconds())
        # the check sits between two OpenAPI GETs; their mean is "the same run's" OpenAPI time
        before, size = postgrest_costs.openapi_get(box)
        full = attempt(res, "full check", lambda: check_cost.run_check(box))
        after, _ = postgrest_costs.openapi_get(box)
        seconds = (before + after) / 2
        res.add("openapi_s", seconds)
        res.add("openapi_mb", size / 1e6)
        if isinstance(full, check_cost.CheckRun):
            if full.report is None or full.exit_code not in (0, 1):
                res.note(f"full check exit {full.exit_code}: {full.stderr[-300:]}")
            else:
                res.add("check_full_s", full.seconds)
                res.add("check_full_minus_openapi_s", full.seconds - seconds)
                res.add("check_full_rss_mb", full.max_rss_mb)
                res.add("check_stale_objects", len(full.report.get("stale_objects", [])))
        if runbook:
            for variant, metric in (("psql", "runbook_psql_s"), ("supabase", "runbook_supabase_s")):
                took = attempt(
                    res,
                    f"runbook via {variant}",
                    lambda v=variant: runbook_procedure.run_procedure(v, target)[0],
                )
                if isinstance(took, float):
                    res.add(metric, took)
        attempt(res, "in-process diagnosis", lambda: engine_costs.diagnosis_run(box, res))
    check = res.samples.get("check_full_s", [])
    for variant, speedup in (("psql", "speedup_vs_psql"), ("supabase", "speedup_vs_supabase")):
        manual = res.samples.get(f"runbook_{variant}_s", [])
        if check and len(manual) == len(check) == runs:
            res.samples[speedup] = paired(manual, check, "ratio")


def rotated(sized: list[tuple[Sandbox, SizeResult]], i: int) -> list[tuple[Sandbox, SizeResult]]:
    """Round ``i``'s order of the sizes: each size comes first (right after the host-speed
    loop), and last, equally often."""
    k = i % len(sized) if sized else 0
    return sized[k:] + sized[:k]


def targeted_runs(
    sized: list[tuple[Sandbox, SizeResult]], rounds: int, results: RunResults
) -> None:
    """The targeted check at every size in turn, round after round, with every sandbox up:
    whatever the host does meanwhile falls on all sizes alike (side by side, as the budget
    compares sizes); then its diagnosis in process, per probe, the same way."""
    from benchmarks import engine_costs

    for i in range(rounds):
        log(f"targeted checks, round {i + 1}/{rounds}")
        results.global_samples.setdefault("host_loop_targeted_s", []).append(host_loop_seconds())
        for box, res in rotated(sized, i):
            targeted = attempt(
                res,
                "targeted check",
                lambda b=box: check_cost.run_check(b, "--table", TARGETED_TABLE),
            )
            if not isinstance(targeted, check_cost.CheckRun):
                continue
            if targeted.report is None or targeted.exit_code not in (0, 1):
                res.note(f"targeted check exit {targeted.exit_code}: {targeted.stderr[-300:]}")
            else:
                res.add("check_targeted_s", targeted.seconds)
    log("targeted diagnoses in process")
    for i in range(rounds):
        for box, res in rotated(sized, i):
            attempt(
                res,
                "targeted diagnosis in process",
                lambda b=box, r=res: engine_costs.targeted_diagnosis(b, r, TARGETED_TABLE),
            )


def reload_runs(box: Sandbox, res: SizeResult, runs: int) -> None:
    """PostgREST reload (NOTIFY -> served), the catalog snapshot right after, verify detection."""
    from benchmarks import engine_costs

    for i in range(runs):
        log(f"{res.tables}: reload run {i + 1}/{runs}")
        reload_s = postgrest_costs.reload_after_notify(box, f"bench_reload_{i}")
        res.add("reload_s", reload_s)
        snap = attempt(res, "catalog snapshot", lambda: engine_costs.catalog_snapshot(box))
        if isinstance(snap, float):
            res.add("catalog_s", snap)
            res.add("catalog_over_reload", snap / reload_s)
        attempt(res, "reload detection", lambda k=i: engine_costs.detection(box, res, k))


def start_runs(box: Sandbox, res: SizeResult, runs: int) -> None:
    for i in range(runs):
        log(f"{res.tables}: start run {i + 1}/{runs}")
        res.add("pgrst_start_s", postgrest_costs.postgrest_start(box))


def measure_size(
    cluster: Cluster,
    tables: int,
    runs: int,
    runbook: bool,
    postgrest: str,
    stack: contextlib.ExitStack,
) -> tuple[Sandbox, SizeResult]:
    """One size's database and PostgREST (left running until ``stack`` closes) and its
    phases."""
    shape = SchemaShape.for_tables(tables)
    res = SizeResult(tables=shape.tables, functions=shape.functions, runs=runs)
    template = f"bench_tpl_{tables}"
    log(f"{tables}: generating {shape.tables} tables, {shape.functions} functions")
    seed_database(cluster, template)
    start = time.perf_counter()
    generate(cluster.dsn(template), shape)
    res.add("generate_s", time.perf_counter() - start)
    box = Sandbox(
        cluster=cluster, template=template, dbname=f"bench_{tables}", postgrest_version=postgrest
    )
    stack.callback(box.stop)
    box.start()
    cluster.drop_database(template)  # the sandbox has its own copy
    box.apply_drift(["all"])
    check_cost.warm_up(box)
    stale_runs(box, res, runs, runbook)
    reload_runs(box, res, runs)
    start_runs(box, res, runs)
    if tables in FLEET_SIZES:
        attempt(res, "fleet", lambda: fleet_cost.fleet_runs(box, res, runs, log))
    return box, res


def measure_wizard(cluster: Cluster, results: RunResults, runs: int) -> None:
    """On the plain shop sandbox with every drift: start-up does not depend on schema size."""
    from benchmarks import wizard_costs

    with Sandbox(cluster=cluster) as box:
        box.apply_drift(["all"])
        check_cost.warm_up(box)
        with host_speed_around(results, "host_loop_wizard_s"):
            wizard_costs.measure(results, runs, box)


@contextlib.contextmanager
def host_speed_around(results: RunResults, metric: str) -> Iterator[None]:
    """The host-speed loop just before and just after a phase (its budget's context)."""
    results.global_samples.setdefault(metric, []).append(host_loop_seconds())
    try:
        yield
    finally:
        results.global_samples[metric].append(host_loop_seconds())


def measure_instructions(
    sized: list[tuple[Sandbox, SizeResult]], results: RunResults, reference: str | None
) -> None:
    """Callgrind instruction counts of one full and one targeted check at 100 tables, this
    code's and the reference commit's (host-independent: see benchmarks/instructions.py)."""
    box = next((b for b, res in sized if res.tables == instructions.SIZE), None)
    if box is None:
        results.notes.append(
            f"instruction counts: not measured ({instructions.SIZE} tables not in --sizes)"
        )
        return
    if not instructions.available():
        results.notes.append("instruction counts: not measured (valgrind not installed)")
        return
    counted: dict[str, object] = {"size": instructions.SIZE, "reference_asked": reference}
    results.extra["instructions"] = counted
    counted["current"] = instructions.measure(box, None, log)
    if reference:  # kept apart: a reference that cannot be read loses only its own counts
        attempt(
            results,
            f"instruction counts of {reference}",
            lambda: counted.update(reference=instructions.measure(box, reference, log)),
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000", help="table counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument(
        "--runs-at",
        default="",
        help="fewer runs at some sizes when time is short, e.g. 10000:3",
    )
    parser.add_argument(
        "--runbook-sizes",
        default="100,1000",
        help="sizes at which the runbook procedure runs (it fetches OpenAPI three times)",
    )
    parser.add_argument("--postgrest", default="12", help="PostgREST major version")
    parser.add_argument("--no-wizard", action="store_true", help="skip the wizard start-up")
    parser.add_argument(
        "--no-corpus", action="store_true", help="skip the largest corpus schema (budget 8)"
    )
    parser.add_argument(
        "--no-instructions",
        action="store_true",
        help="skip the callgrind instruction counts (one full and one targeted check, ~1 min each)",
    )
    parser.add_argument(
        "--reference-commit",
        default="",
        metavar="COMMIT",
        help="also count the instructions of this commit's code (its tui tree, this venv)",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    runs_at = {int(k): int(v) for k, v in (p.split(":") for p in args.runs_at.split(",") if p)}
    runbook_sizes = {int(s) for s in args.runbook_sizes.split(",") if s.strip()}
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    started = time.monotonic()
    cluster = Cluster()
    results = RunResults(
        started_utc=_now(),
        command=command.strip(),
        machine=describe(postgrest_binary(args.postgrest), cluster.bins.bindir, supabase_cli()),
    )
    json_path = ROOT / "benchmarks" / "last_run.json"
    sized: list[tuple[Sandbox, SizeResult]] = []
    with cluster, contextlib.ExitStack() as stack:  # the sandboxes stop before the cluster
        bootstrap_roles(cluster)
        if not args.no_wizard:
            log("wizard start-up and idle CPU")
            attempt(results, "wizard", lambda: measure_wizard(cluster, results, args.runs))
        if not args.no_corpus:
            log("the largest corpus schema")
            with host_speed_around(results, "host_loop_corpus_s"):
                attempt(
                    results,
                    "corpus",
                    lambda: corpus_cost.measure(cluster, results, args.runs, log),
                )
            results.save(json_path)
        for tables in sizes:
            runs = runs_at.get(tables, args.runs)
            if runs < 5:
                results.notes.append(
                    f"{tables:,} tables: {runs} runs only (time budget), fewer than five"
                )
            box, res = measure_size(
                cluster, tables, runs, tables in runbook_sizes, args.postgrest, stack
            )
            sized.append((box, res))
            if tables not in runbook_sizes:
                res.note(
                    "runbook procedure not run at this size (--runbook-sizes; budget 2 is at 1,000)"
                )
            results.sizes.append(res)
            results.save(json_path)
        targeted_runs(sized, args.runs * TARGETED_REPEATS, results)
        results.save(json_path)
        if not args.no_instructions:
            log("instruction counts (callgrind)")
            attempt(
                results,
                "instruction counts",
                lambda: measure_instructions(sized, results, args.reference_commit or None),
            )
            results.save(json_path)
    results.finished_utc = _now()
    results.duration_s = time.monotonic() - started
    results.save(json_path)
    print(report.console(results))
    if not args.no_write:
        args.output.write_text(report.markdown(results))
        log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
