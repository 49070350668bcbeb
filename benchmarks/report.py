"""Turn a run's samples into the console table and BENCHMARKS.md (only measured numbers)."""

from __future__ import annotations

from benchmarks import runbook_procedure
from benchmarks.budgets import BUDGETS, GLOBAL_BUDGETS, METRICS, TARGETED_SPREAD_LIMIT_S, Budget
from benchmarks.results import RunResults, SizeResult
from benchmarks.stats import Summary, passes

NOT_MEASURED = "not measured"


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "x":
        return f"{value:.2f}x"
    if unit in ("MB", "req/s", "%"):
        return f"{value:.1f} {unit}"
    return f"{value:g}"


def cell(samples: list[float] | None, unit: str) -> str:
    if not samples:
        return NOT_MEASURED
    s = Summary.of(samples)
    if s.n == 1 or s.low == s.high:
        return f"{fmt(s.median, unit)} (n={s.n})"
    return f"{fmt(s.median, unit)} [{fmt(s.low, unit)}–{fmt(s.high, unit)}] (n={s.n})"


def metrics_table(results: RunResults) -> list[str]:
    sizes = results.sizes
    head = "| metric | " + " | ".join(f"{s.tables:,} tables" for s in sizes) + " |"
    lines = [head, "|---" * (len(sizes) + 1) + "|"]
    for name, metric in METRICS.items():
        if name.startswith("wizard_"):
            continue
        if not any(s.samples.get(name) for s in sizes):
            continue
        row = [cell(s.samples.get(name), metric.unit) for s in sizes]
        lines.append(f"| {metric.label} | " + " | ".join(row) + " |")
    return lines


def probe_table(results: RunResults) -> list[str]:
    """Per-probe elapsed time of the in-process diagnosis (they run concurrently)."""
    probes = sorted({k for s in results.sizes for k in s.samples if k.startswith("probe_")})
    if not probes:
        return []
    sizes = results.sizes
    lines = [
        "## Where a full diagnosis spends its time (in process, per probe, concurrent)",
        "",
        "| probe | " + " | ".join(f"{s.tables:,} tables" for s in sizes) + " |",
        "|---" * (len(sizes) + 1) + "|",
    ]
    for name in probes:
        row = [cell(s.samples.get(name), "s") for s in sizes]
        lines.append(f"| {name[len('probe_') : -len('_s')]} | " + " | ".join(row) + " |")
    return [*lines, ""]


def budget_rows(results: RunResults) -> list[tuple[str, str, str, str, str]]:
    """(number, budget, where, measured median, verdict) for every budget."""
    rows: list[tuple[str, str, str, str, str]] = []

    def judge(budget: Budget, samples: list[float] | None, where: str) -> None:
        unit = METRICS[budget.metric].unit
        if not samples:
            rows.append((str(budget.number), budget.text, where, NOT_MEASURED, "n/a"))
            return
        median = Summary.of(samples).median
        verdict = "PASS" if passes(median, budget.limit, budget.comparator) else "FAIL"
        rows.append((str(budget.number), budget.text, where, fmt(median, unit), verdict))

    for budget in BUDGETS:
        for size in results.sizes:
            if budget.sizes is None or size.tables in budget.sizes:
                judge(budget, size.samples.get(budget.metric), f"{size.tables:,} tables")
        if budget.sizes and not any(s.tables in budget.sizes for s in results.sizes):
            rows.append(
                (
                    str(budget.number),
                    budget.text,
                    f"{budget.sizes[0]:,} tables",
                    "size not run",
                    "n/a",
                )
            )
    rows.extend(_targeted_row(results.sizes))
    for budget in GLOBAL_BUDGETS:
        judge(budget, results.global_samples.get(budget.metric), "once")
    return rows


def _targeted_row(sizes: list[SizeResult]) -> list[tuple[str, str, str, str, str]]:
    medians = {
        s.tables: Summary.of(s.samples["check_targeted_s"]).median
        for s in sizes
        if s.samples.get("check_targeted_s")
    }
    text = f"targeted check independent of size (medians within {TARGETED_SPREAD_LIMIT_S * 1000:.0f} ms)"
    if len(medians) < 2:
        return [("1", text, "all sizes", NOT_MEASURED, "n/a")]
    band = max(medians.values()) - min(medians.values())
    shown = ", ".join(f"{n:,}: {v:.3f} s" for n, v in medians.items())
    verdict = "PASS" if band <= TARGETED_SPREAD_LIMIT_S else "FAIL"
    return [("1", text, "all sizes", f"{shown} (spread {band * 1000:.0f} ms)", verdict)]


def console(results: RunResults) -> str:
    lines = metrics_table(results)
    for name in ("wizard_start_s", "wizard_idle_cpu_pct"):
        lines.append(
            f"{METRICS[name].label}: {cell(results.global_samples.get(name), METRICS[name].unit)}"
        )
    lines.append("")
    lines.append("budgets:")
    for number, text, where, value, verdict in budget_rows(results):
        lines.append(f"  [{verdict:4}] {number}. {text} @ {where}: {value}")
    return "\n".join(lines)


METHOD = """\
## Method

- **Real stack only.** One throwaway PostgreSQL 15 cluster (`tui.sandbox.Cluster`, fsync off),
  the sandbox roles, and per size one database: the sandbox's shop seed plus a generated schema
  (`benchmarks/schema_gen.py`): N tables `public.t1..tN` of 10 columns each (bigint PK, a foreign
  key to `t(i/2)`, text, integer, numeric, boolean, timestamptz, jsonb, date and an enum column)
  and N/10 SQL functions `public.f1..fM` (1,000 at 10,000 tables). A real PostgREST (12.0.2)
  serves it; then every drift of the sandbox's drift table (`tui/sandbox/drift.py`: new table,
  column, relationship, function, enum label, RLS look-alike) is applied without NOTIFY, so the
  cache is stale the way an incident finds it.
- **Side by side.** Each run measures PostgREST's OpenAPI GET, the full check, the OpenAPI GET again
  (their mean is the run's OpenAPI time), the targeted
  check, the runbook procedures and the in-process diagnosis one after another; ratios and
  differences are paired within a run (run i with run i), then the median over runs is taken.
  Reload runs pair PostgREST's reload (NOTIFY -> a newly created function answers 200, polled
  every 5 ms) with a catalog snapshot taken right after it.
- **Medians of at least five runs**, with [min–max] and n shown; the machine is shared with
  other work (test suites of the other parts ran concurrently), so spreads are reported, not
  hidden.
- **The check as a user runs it:** `pgrst-doctor check --json` (and `--table public.t42`) as a
  fresh subprocess of the installed console script, target from environment variables; wall
  time from spawn to exit; peak RSS from `wait4()` of that child alone.
- **The runbook (RUN-002) as written:** every diagnosis command in its Verification Steps,
  Troubleshooting "Diagnosis" blocks and health-check script, in order, each as its own
  process: SQL through `supabase db query --db-url URL --yes "SQL"` (the runbook's
  `db execute` does not exist) or through bare `psql URL -c SQL`, HTTP through `curl` with the
  anon key, piped into `jq` where the runbook pipes. Remedies (NOTIFY, restart, reset) are not
  run: the check changes nothing either.
"""


def markdown(results: RunResults) -> str:
    counts = runbook_procedure.counts()
    out = [
        "# Benchmarks",
        "",
        f"Generated by `{results.command}` ({results.started_utc} – {results.finished_utc} UTC, "
        f"{results.duration_s / 60:.1f} min). Every number below was measured in that run; "
        "cells say `not measured` where a measurement could not be taken.",
        "",
        METHOD,
        "Runbook procedure: "
        f"{counts['sql']} SQL commands, {counts['http']} curl requests ({counts['openapi']} of "
        f"them fetch the whole OpenAPI document), {counts['jq']} jq pipes, "
        f"{counts['other']} config grep.",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in results.machine.items()),
        "",
        "## Budgets (issue 7)",
        "",
        "| # | budget | where | measured (median) | verdict |",
        "|---|---|---|---|---|",
        *(f"| {n} | {t} | {w} | {v} | {d} |" for n, t, w, v, d in budget_rows(results)),
        "",
        "## All measurements (median [min–max] (n runs))",
        "",
        *metrics_table(results),
        "",
    ]
    for name in ("wizard_start_s", "wizard_idle_cpu_pct"):
        metric = METRICS[name]
        out.append(f"- {metric.label}: {cell(results.global_samples.get(name), metric.unit)}")
    out.append("")
    out += probe_table(results)
    notes = list(results.notes)
    for size in results.sizes:
        notes += [f"{size.tables:,} tables: {n}" for n in size.notes]
    if notes:
        out += ["## Notes", "", *(f"- {n}" for n in notes), ""]
    return "\n".join(out)
