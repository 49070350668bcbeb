"""The benchmark budgets as data: which metric, which limit, at which sizes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    label: str
    unit: str  # "s", "ms", "x", "MB", "req/s", "count", "%", "bytes"


METRICS: dict[str, Metric] = {
    "host_loop_s": Metric(
        "host speed: a pure-Python loop of 5M additions, before each stale run (lower is faster)",
        "s",
    ),
    "host_loop_targeted_s": Metric(
        "host speed during the targeted checks (5M additions, once per round)", "s"
    ),
    "host_loop_wizard_s": Metric("host speed around the wizard phase (5M additions)", "s"),
    "host_loop_corpus_s": Metric("host speed around the corpus phase (5M additions)", "s"),
    "generate_s": Metric("schema generation (tables, FKs, functions)", "s"),
    "pgrst_start_s": Metric("PostgREST start -> /ready (cache loaded)", "s"),
    "openapi_s": Metric(
        "PostgREST OpenAPI GET (anon; mean of the GETs just before and after the check)", "s"
    ),
    "openapi_mb": Metric("OpenAPI document size", "MB"),
    "reload_s": Metric("PostgREST reload: NOTIFY -> new function served", "s"),
    "check_full_s": Metric("`pgrst-doctor check` (all symptoms), wall", "s"),
    "check_full_minus_openapi_s": Metric("check minus OpenAPI GET (same run)", "s"),
    "check_targeted_s": Metric("`pgrst-doctor check --table public.t42`, wall", "s"),
    "targeted_diagnosis_s": Metric(
        "its diagnosis in process (Diagnosis.run(), --table public.t42), total", "s"
    ),
    "check_full_rss_mb": Metric("check peak RSS (GNU time %M: wait4 ru_maxrss)", "MB"),
    "check_stale_objects": Metric("stale objects the check reported", "count"),
    "runbook_supabase_s": Metric("runbook procedure, SQL via `supabase db query`", "s"),
    "runbook_psql_s": Metric("runbook procedure, bare psql + curl", "s"),
    "speedup_vs_supabase": Metric("runbook (supabase db query) / check, same run", "x"),
    "speedup_vs_psql": Metric("runbook (psql + curl) / check, same run", "x"),
    "catalog_s": Metric("engine catalog snapshot (catalog probe alone)", "s"),
    "catalog_over_reload": Metric("catalog snapshot / PostgREST reload, same run", "x"),
    "diagnosis_s": Metric("in-process Diagnosis.run() total", "s"),
    "slowest_probe_s": Metric("its slowest single probe (elapsed_ms)", "s"),
    "parallel_ratio": Metric("Diagnosis total / slowest probe", "x"),
    "detect_lag_ms": Metric(
        "verify detected - observer's first 200 received (own process, 1 ms pauses)", "ms"
    ),
    "detect_observer_wait_ms": Metric(
        "observer's first 200: send -> receive (held during the swap)", "ms"
    ),
    "detect_reload_s": Metric("NOTIFY -> observer's first 200 (reload, observer view)", "s"),
    "detect_rate_rps": Metric("verify polling rate", "req/s"),
    "detect_openapi_gets": Metric("OpenAPI documents fetched while polling", "count"),
    "check_one_instance_s": Metric("check of one instance (fleet phase, alternating)", "s"),
    "check_three_instances_s": Metric("check of three instances, each judged (same run)", "s"),
    "fleet_ratio": Metric("three instances / one instance, same run", "x"),
    "corpus_check_s": Metric(
        "`pgrst-doctor check` (all symptoms) of the largest corpus schema", "s"
    ),
    "corpus_openapi_s": Metric(
        "its OpenAPI GET, default schema (mean of the GETs just before and after the check)", "s"
    ),
    "corpus_check_minus_openapi_s": Metric("corpus check minus its OpenAPI GET (same run)", "s"),
    "corpus_openapi_all_s": Metric(
        "every exposed schema's OpenAPI document, one after another (what the check reads)", "s"
    ),
    "corpus_openapi_mb": Metric("its OpenAPI document size, default schema", "MB"),
    "corpus_stale_objects": Metric(
        "stale objects the corpus check reported (fresh cache)", "count"
    ),
    "wizard_start_s": Metric("wizard cold start -> first screen on a tmux terminal", "s"),
    "wizard_idle_cpu_pct": Metric("wizard idle CPU (process CPU / wall, 5 s idle)", "%"),
}


@dataclass(frozen=True)
class Budget:
    number: int
    text: str
    metric: str
    comparator: str  # "<=" or ">="
    limit: float
    sizes: tuple[int, ...] | None = None  # None: every size measured


BUDGETS: tuple[Budget, ...] = (
    Budget(1, "full check minus OpenAPI GET <= 0.3 s", "check_full_minus_openapi_s", "<=", 0.3),
    Budget(
        2,
        ">= 5x faster than runbook via supabase db query",
        "speedup_vs_supabase",
        ">=",
        5.0,
        (1000,),
    ),
    Budget(2, ">= 2x faster than runbook via psql + curl", "speedup_vs_psql", ">=", 2.0, (1000,)),
    Budget(3, "catalog snapshot / PostgREST reload <= 1", "catalog_over_reload", "<=", 1.0),
    Budget(4, "check total <= 1.3x slowest probe", "parallel_ratio", "<=", 1.3),
    Budget(5, "reload detected within 25 ms of being served", "detect_lag_ms", "<=", 25.0),
    Budget(5, "verify polls at <= 50 requests/s", "detect_rate_rps", "<=", 50.0),
    Budget(5, "no OpenAPI document fetched per poll", "detect_openapi_gets", "<=", 0.0),
    Budget(6, "peak RSS of a full check <= 250 MB", "check_full_rss_mb", "<=", 250.0, (10000,)),
    Budget(7, "checking three instances <= 1.2x one", "fleet_ratio", "<=", 1.2, (100, 1000)),
)

# Size-independent budgets (measured once per run, not per schema size).
GLOBAL_BUDGETS: tuple[Budget, ...] = (
    Budget(6, "wizard cold start to first screen <= 1.0 s", "wizard_start_s", "<=", 1.0),
    Budget(6, "wizard idle CPU about zero (<= 1 %)", "wizard_idle_cpu_pct", "<=", 1.0),
    # issue 12: the largest schema of tests/corpus/ (chosen when the run starts)
    Budget(
        8,
        "full check of the largest corpus schema minus its OpenAPI GET <= 0.3 s",
        "corpus_check_minus_openapi_s",
        "<=",
        0.3,
    ),
)

# Metrics of the corpus phase, in the order the report lists them.
CORPUS_METRICS = tuple(name for name in METRICS if name.startswith("corpus_"))

# A targeted check must not depend on schema size: medians across sizes within this band.
TARGETED_SPREAD_LIMIT_S = 0.05

# Wall-clock budgets and the host-speed samples taken in the same phase, shown beside their
# verdict (budgets stay absolute: a slower host fails them sooner; the verdict does not move).
HOST_SPEED_OF: dict[str, str] = {
    "check_full_minus_openapi_s": "host_loop_s",  # the same size's stale runs
    "detect_lag_ms": "host_loop_s",
    "check_targeted_s": "host_loop_targeted_s",
    "wizard_start_s": "host_loop_wizard_s",
    "corpus_check_minus_openapi_s": "host_loop_corpus_s",
}
# The host-speed loop on 2026-12-01 (quiet machine), when the budgets were last met.
HOST_LOOP_REFERENCE = "0.12 s on 2026-12-01"
