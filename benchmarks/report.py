"""Turn a run's samples into the console table and BENCHMARKS.md (only measured numbers)."""

from __future__ import annotations

from benchmarks import runbook_procedure
from benchmarks.budgets import (
    BUDGETS,
    CORPUS_METRICS,
    GLOBAL_BUDGETS,
    HOST_LOOP_REFERENCE,
    HOST_SPEED_OF,
    METRICS,
    TARGETED_SPREAD_LIMIT_S,
    Budget,
)
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
        if name.startswith(("wizard_", "corpus_")):
            continue
        if not any(s.samples.get(name) for s in sizes):
            continue
        row = [cell(s.samples.get(name), metric.unit) for s in sizes]
        lines.append(f"| {metric.label} | " + " | ".join(row) + " |")
    return lines


def probe_table(
    results: RunResults, prefix: str = "probe_", which: str = "a full diagnosis"
) -> list[str]:
    """Per-probe elapsed time of the in-process diagnosis (they run concurrently)."""
    probes = sorted({k for s in results.sizes for k in s.samples if k.startswith(prefix)})
    if not probes:
        return []
    sizes = results.sizes
    lines = [
        f"## Where {which} spends its time (in process, per probe, concurrent)",
        "",
        "| probe | " + " | ".join(f"{s.tables:,} tables" for s in sizes) + " |",
        "|---" * (len(sizes) + 1) + "|",
    ]
    for name in probes:
        row = [cell(s.samples.get(name), "s") for s in sizes]
        lines.append(f"| {name[len(prefix) : -len('_s')]} | " + " | ".join(row) + " |")
    return [*lines, ""]


BudgetRow = tuple[str, str, str, str, str, str]  # number, budget, where, median, verdict, host


def host_cell(samples: list[float] | None) -> str:
    """The host-speed loop's median (and range) in a wall-clock budget's phase."""
    return cell(samples, "s") if samples else NOT_MEASURED


def budget_rows(results: RunResults) -> list[BudgetRow]:
    """(number, budget, where, measured median, verdict, host speed meanwhile) for every
    budget; the host speed only for wall-clock budgets ("" otherwise)."""
    rows: list[BudgetRow] = []

    def judge(budget: Budget, samples: list[float] | None, where: str, host: str) -> None:
        unit = METRICS[budget.metric].unit
        if not samples:
            rows.append((str(budget.number), budget.text, where, NOT_MEASURED, "n/a", host))
            return
        median = Summary.of(samples).median
        verdict = "PASS" if passes(median, budget.limit, budget.comparator) else "FAIL"
        rows.append((str(budget.number), budget.text, where, fmt(median, unit), verdict, host))

    def host_of(budget: Budget, samples: dict[str, list[float]]) -> str:
        metric = HOST_SPEED_OF.get(budget.metric)
        return host_cell(samples.get(metric)) if metric else ""

    for budget in BUDGETS:
        for size in results.sizes:
            if budget.sizes is None or size.tables in budget.sizes:
                judge(budget, size.samples.get(budget.metric), f"{size.tables:,} tables",
                      host_of(budget, size.samples))  # fmt: skip
        if budget.sizes and not any(s.tables in budget.sizes for s in results.sizes):
            where = f"{budget.sizes[0]:,} tables"
            rows.append((str(budget.number), budget.text, where, "size not run", "n/a", ""))
    host = host_cell(results.global_samples.get(HOST_SPEED_OF["check_targeted_s"]))
    rows.extend(_targeted_row(results.sizes, host))
    for budget in GLOBAL_BUDGETS:
        where = corpus_where(results) if budget.metric in CORPUS_METRICS else "once"
        judge(budget, results.global_samples.get(budget.metric), where,
              host_of(budget, results.global_samples))  # fmt: skip
    return rows


def corpus_where(results: RunResults) -> str:
    """The corpus schema the run chose (the largest of tests/corpus/ when it started)."""
    corpus = results.extra.get("corpus")
    if not isinstance(corpus, dict):
        return "largest corpus schema"
    return f"{corpus['name']} ({corpus['tables']} tables, {len(corpus['schemas'])} schemas)"


def corpus_section(results: RunResults) -> list[str]:
    """The corpus phase: which schema, why, and its measurements."""
    corpus = results.extra.get("corpus")
    if not isinstance(corpus, dict):
        return []
    others = ", ".join(f"{name} {tables}" for name, tables in corpus["all"].items())
    lines = [
        "## The largest corpus schema (issue 12)",
        "",
        f"{corpus['name']}: the corpus schema with the most tables when the run started "
        f"(tables per corpus: {others}); exposed schemas {', '.join(corpus['schemas'])}, "
        f"anon role `{corpus['anon_role']}`, served by PostgREST 12.0.2 with a fresh cache.",
        "",
    ]
    for name in CORPUS_METRICS:
        metric = METRICS[name]
        lines.append(f"- {metric.label}: {cell(results.global_samples.get(name), metric.unit)}")
    return [*lines, ""]


def _targeted_row(sizes: list[SizeResult], host: str) -> list[BudgetRow]:
    medians = {
        s.tables: Summary.of(s.samples["check_targeted_s"]).median
        for s in sizes
        if s.samples.get("check_targeted_s")
    }
    text = f"targeted check independent of size (medians within {TARGETED_SPREAD_LIMIT_S * 1000:.0f} ms)"
    if len(medians) < 2:
        return [("1", text, "all sizes", NOT_MEASURED, "n/a", host)]
    band = max(medians.values()) - min(medians.values())
    shown = ", ".join(f"{n:,}: {v:.3f} s" for n, v in medians.items())
    verdict = "PASS" if band <= TARGETED_SPREAD_LIMIT_S else "FAIL"
    return [("1", text, "all sizes", f"{shown} (spread {band * 1000:.0f} ms)", verdict, host)]


def giga(count: object) -> str:
    return f"{count / 1e9:.3f} G" if isinstance(count, int | float) else NOT_MEASURED


def instruction_rows(results: RunResults) -> list[tuple[str, str, str, str]]:
    """(check, this code, reference, this / reference) from the callgrind phase."""
    counted = results.extra.get("instructions")
    if not isinstance(counted, dict):
        return []
    current = counted.get("current") or {}
    reference = counted.get("reference") or {}
    rows = []
    for name, label in INSTRUCTION_CHECKS.items():
        mine, theirs = current.get(name), reference.get(name)
        ratio = f"{mine / theirs:.2f}x" if isinstance(mine, int) and isinstance(theirs, int) else ""
        rows.append((label, giga(mine), giga(theirs) if reference else "", ratio))
    return rows


INSTRUCTION_CHECKS = {
    "full": "`pgrst-doctor check --json` (all symptoms)",
    "targeted": "`pgrst-doctor check --json --table public.t42`",
}


def instruction_section(results: RunResults) -> list[str]:
    """Our own cost in instructions, this code beside the reference commit's."""
    counted = results.extra.get("instructions")
    rows = instruction_rows(results)
    if not isinstance(counted, dict) or not rows:
        return []
    current = counted.get("current") or {}
    reference = counted.get("reference") or {}
    mine = f"this code (`{current.get('commit', '?')}`)"
    asked = counted.get("reference_asked")
    theirs = (f"reference (`{reference['commit']}`)" if reference
              else f"reference (`{asked}`: not measured)" if asked else "reference (none given)")  # fmt: skip
    return [
        "## Our own cost, whatever the host's speed (callgrind instructions)",
        "",
        f"Instructions one check executes in its own process at {counted.get('size', 100)} "
        "tables (`valgrind --tool=callgrind`, one run each; PostgreSQL and PostgREST are not "
        "counted). Unlike wall time they hardly move with the host's load (within 1 % "
        "between runs of the same code), so they tell a change in our code from a slower host. The reference "
        "is that commit's `tui` tree run by this venv (`--reference-commit`).",
        "",
        f"| check | {mine} | {theirs} | this / reference |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
    ]


def console(results: RunResults) -> str:
    lines = metrics_table(results)
    for name in ("wizard_start_s", "wizard_idle_cpu_pct"):
        lines.append(
            f"{METRICS[name].label}: {cell(results.global_samples.get(name), METRICS[name].unit)}"
        )
    lines += corpus_section(results)
    lines.append("")
    lines.append("budgets:")
    for number, text, where, value, verdict, host in budget_rows(results):
        context = f" (host speed {host})" if host else ""
        lines.append(f"  [{verdict:4}] {number}. {text} @ {where}: {value}{context}")
    for check, mine, theirs, ratio in instruction_rows(results):
        beside = f" (reference {theirs}, {ratio})" if theirs else ""
        lines.append(f"instructions, {check}: {mine}{beside}")
    return "\n".join(lines)


METHOD = """\
## Method

- **Real stack only.** One throwaway PostgreSQL 15 cluster (`tui.sandbox.Cluster`, fsync off),
  the sandbox roles, and per size one database: the sandbox's shop seed plus a generated schema
  (`benchmarks/schema_gen.py`): N tables `public.t1..tN` of 10 columns each (bigint PK, a foreign
  key to `t(i/2)`, text, integer, numeric, boolean, timestamptz, jsonb, date and an enum column)
  and N/10 SQL functions `public.f1..fM` (1,000 at 10,000 tables). A real PostgREST 12.0.2
  serves it; then every drift of the sandbox's drift table (`tui/sandbox/drift.py`: new table,
  column, relationship, function, enum label, RLS look-alike) is applied without NOTIFY, so the
  cache is stale the way an incident finds it (the check must report 5 stale objects).
- **Side by side, paired by run.** Each stale run measures, one after another: PostgREST's
  OpenAPI GET, the full check, the OpenAPI GET again (the mean of the two is that run's OpenAPI
  time), the runbook procedures (psql, then Supabase CLI) and the in-process diagnosis. The
  targeted check is compared across sizes, so it runs at the end with every size's sandbox
  up, one size after another, round after round (three rounds per run), each round starting
  at the next size (each size runs first, right after the host-speed loop, and last equally
  often): what the host does meanwhile falls on every size alike. Then its diagnosis runs in
  process the same way, for the per-probe table at the end. (Run right after the full check and the 43.5 MB
  document, as before, it read 0.32-0.33 s at 10,000 tables against 0.27-0.28 s at 1,000, while
  its probes took the same 62-89 ms at 100 and at 10,000 tables in process timelines.) Differences and ratios pair run i with run i; the median over runs is
  reported with [min–max] and n. Each reload run pairs PostgREST's reload (NOTIFY -> a newly
  created function answers 200, polled every 5 ms) with a catalog snapshot right after it, then
  times reload detection (below). Start-up runs stop and start PostgREST.
- **The check as a user runs it:** `pgrst-doctor check --json --timeout 120` (and
  `--table public.t42`) as a fresh subprocess of the installed console script, the target in
  environment variables; wall time from spawn to exit; peak RSS from GNU `time -f %M` around
  it (a child forked straight from the harness would count the harness's pages until exec).
  `--timeout 120` because under load PostgREST needed 6-25 s for the 10,000-table document
  and the default 5 s per probe would cut it off; bytecode is cached as after any install
  (this machine's shell sets `PYTHONDONTWRITEBYTECODE=1`; the harness gives the children a
  `PYTHONPYCACHEPREFIX` in a temp dir, warmed by one unmeasured run).
- **What "minus OpenAPI" compares:** the OpenAPI GET is the whole document, read to its end,
  as the budget defines PostgREST's own cost. The check stops reading once it has `info`,
  `paths` and `definitions`: PostgREST sends `parameters` (about a quarter of the document,
  nothing the check needs) last. Where the document is large the check therefore ends before
  a full GET of it would, and the difference is negative.
- **Parallelism** is read from the in-process `Diagnosis.run()`: wall time of the whole run vs
  the largest `ProbeOutcome.elapsed_ms`.
- **Reload detection:** the remedies' `Verifier` (`tui/core/remedies/verify.py`) (its real probes and polling, instrumented only to
  timestamp each answer) watches a new table and a new function after NOTIFY, while an
  independent observer in its own process (`benchmarks/observer.py`) polls the new function
  back to back (1 ms pauses). Lag = when verify received its first converged answer minus when
  the observer received its first 200 (CLOCK_MONOTONIC in both processes). Rate = verify's
  requests from NOTIFY to detection per second; OpenAPI documents fetched are counted.
- **The runbook (RUN-002) as written:** every diagnosis command in its Verification Steps,
  Troubleshooting "Diagnosis" blocks and health-check script, in order, each as its own
  process: SQL through `supabase db query --db-url URL --yes "SQL"` (the runbook's
  `db execute` does not exist) or through bare `psql URL -c SQL`, HTTP through `curl` with the
  anon key, piped into `jq` where the runbook pipes (`benchmarks/runbook_procedure.py`).
  Remedies (NOTIFY, restart, reset) are not run: the check changes nothing either.
- **Wizard:** `pgrst-doctor wizard` in a real terminal (tmux 120x40), from spawn until the
  connect screen's "Next: symptoms" button is on the pane (polled every 5 ms); then the
  process's CPU time (utime+stime from /proc) over 5 idle seconds.
- **The largest corpus schema (budget 8, issue 12):** every schema under `tests/corpus/` is
  loaded by the tests' own loader (`tests/integration/corpus_helpers.py`: its exposed schemas,
  anon role and grants) and the one with the most tables (ordinary and partitioned, not
  partitions) is chosen when the run starts. PostgREST 12.0.2 serves it with a fresh cache
  (the check must say healthy); each run pairs the full check, as above, with the GETs of the
  default schema's OpenAPI document just before and after it, then fetches every exposed
  schema's document one after another (shown beside it: the check reads them all, at once).
- **Host speed beside each wall-clock budget:** a pure-Python loop of 5M additions, timed
  before each stale run, once per round of targeted checks, and before and after the wizard
  and corpus phases; the budget table shows its median in the budget's own phase. Budgets
  stay absolute: the loop is context for a verdict, never part of it.
- **Our own cost in instructions** (`--no-instructions` skips it, ~1 min per check; on a
  loaded host 2-3 min): at 100 tables, at the end of the run (its reload runs have made the
  cache fresh, so the full check is healthy), one `check --json` and one `check --json --table
  public.t42` under `valgrind --tool=callgrind` (our process only), for this code and for
  `--reference-commit`'s `tui` tree (`git archive` into a temp directory, run by this venv,
  so no second install). The same targeted check of the same code counted 1.414 G and
  1.418 G instructions in two runs twenty minutes apart at load 8-10 on 2026-12-07, while
  its wall time ranged 1.2-4.2 s.
- **Machine load:** the load average when the run began is under Machine below; earlier runs
  shared the machine with test suites. Absolute times carry noise; the spreads show how much.
"""


PROFILING = """\
## Profiling and fixes

Numbers from the profiling sessions that led to each fix (cProfile, pyinstrument, `-X
importtime`, EXPLAIN ANALYZE). They are before/after pairs taken minutes apart on the same
sandbox, so they carry the same noise as the tables above. The first seven rows are from
2026-11-24 (load 3-7), the next six from 2026-12-01 (a quiet machine, load below 1), the
rest from 2026-12-07, on a machine shared with five other engineers' test suites (load 10-18,
wall times 5-10x a quiet machine's): their evidence is what the load does not change,
callgrind instruction counts, EXPLAIN ANALYZE on the server, connections.

| what was slow | evidence | fix (commit) | after |
|---|---|---|---|
| every httpx client built its own SSL context; httpcore ran `import sniffio` (not installed) on every async request, re-searching `sys.path` | in-process diagnosis at 1,000 tables: 2.55 / 2.63 / 3.17 s; cProfile: `load_verify_locations` 4 calls 0.47 s, `current_async_library` 888 calls 1.0 s | one shared SSL context per process, a failed `sniffio` import cached (`tui/core/httpclient.py`, used by `probes/base.py`, `remedies/io.py`) | 0.99 / 0.92 s |
| the OpenAPI document was read whole, then decoded (43.5 MB at 10,000 tables) | `check --timeout 120` at 10,000 tables: 24.7 and 31.8 s while `curl` took 11.4 and 14.2 s; peak RSS 181 / 176 MB | decode it while it streams in, entry by entry, and skip its `parameters` (`probes/openapi_stream.py`, `probes/openapi.py`) | 14.6 and 10.1 s vs `curl` 13.8 and 13.9 s; peak RSS 116 MB |
| `pgrst-doctor check` imported every subcommand (reload, reset, export, sandbox, prevention) | import CPU of the check path 0.40 s | import only the named subcommand's module (`tui/cli/__init__.py`) | 0.33 s |
| the wizard imported psycopg and httpx through `tui.sandbox` for a version table | `tui.sandbox` 0.20 s in `-X importtime` | `tui.sandbox` loads its names on first use | `wizard_cmd` import 0.06 s CPU, no psycopg/httpx |
| verify waited for each answer before the next tick; right after a reload PostgREST held some answers 100-300 ms | detection lag at 1,000 tables: 9 / 130 / 127 / 3 ms (25 ms ticks) | one probe per 20 ms tick without waiting, at most 4 in flight (`remedies/verify.py`) | -7 / 22 / 10 / 48 ms |
| the OpenAPI GET began only once the engine was imported (~0.25 s into a `check`) | `check --timeout 120` at 1,000 tables on a quiet machine: 1.00 / 0.98 / 0.99 s, `curl` 0.44-0.47 s | `check` asks for the document first thing, in a stdlib thread; the probe takes the stream over (`probes/openapi_prefetch.py`, `cli/check_cmd.py`, `probes/openapi.py`) | 0.83 / 0.82 / 0.79 s |
| this machine's shell sets `PYTHONDONTWRITEBYTECODE=1`, so every start recompiled all tui modules | headless wizard import 0.41-0.70 s | the harness runs children with cached bytecode, as an installed package has | 0.19-0.24 s |
| the conclusion (pure checks) at 10,000 tables: drift built `schema.table.column` strings for 100,000 columns on each side, filtered them by table, and built the database side twice | pyinstrument: `Diagnosis.conclude` 0.49 s under the profiler, ~0.3 s after the last probe in a timeline | columns stay grouped per relation and compare as two small sets; the database side is built once per check (`core/drift.py`, `checks/staleness.py`) | 0.09 s |
| the targeted check grew with the schema (0.37 / 0.40 / 0.44 s): its scoped foreign-key query filtered the joined `pg_constraint` by name, scanning every key | EXPLAIN ANALYZE at 10,000 tables: 39 ms (a nested loop over 10,004 keys); in-process targeted diagnosis 62-73 ms at 10,000 tables vs 24-25 ms at 100 | the named relations' keys come through `pg_depend`'s index on the referenced object (`probes/catalog.py`) | 0.1 ms; 29-31 ms in process at 10,000 tables |
| the function sweep asked PostgREST about the 200 newest functions on every full check (102 requests at 1,000 tables, 200 at 10,000), competing with the OpenAPI document for PostgREST and for the event loop | 107 HTTP requests per check at 1,000 tables, 17 at 100 (counted by wrapping `AsyncClient.send`) | newest OID first in waves of 8 until a wave resolves without a miss, plus the 8 most recently changed catalog rows (`age(pg_proc.xmin)`) so a renamed old function is found too (`probes/sweep.py`) | 21 requests per check at 1,000 and 10,000 tables (16 of them `/rpc/`) |
| every path's operations went through the object hook although only the path names are used; the `parameters` member (12 MB at 10,000 tables) was decoded and dropped | decoding the 43.5 MB document in 64 KB chunks: 0.79 s; per member, `paths` 23.5 MB 0.195 s hooked vs 0.090 s plain, `parameters` 0.30 s | path entries are decoded without the hook and kept as names; reading stops once `info`, `paths` and `definitions` are in, so `parameters` (PostgREST sends it last) is never read (`probes/openapi_stream.py`, `probes/openapi.py`) | `check --timeout 120` at 10,000 tables: 5.3-6.3 s while `curl` took 4.7-5.6 s, then 2.7-3.6 s while `curl` took 3.1-3.6 s; peak RSS 116 -> 99 MB |
| the OpenAPI prefetch imported asyncio before sending its request | timeline: first byte of the request 70-90 ms into the process | asyncio is imported by the reader only (`probes/openapi_prefetch.py`); `check` no longer imports `remedies.io` or `tomllib` (without a project config) | request sent 45-70 ms into the process |
| a report's ~15 findings were journaled with one fsync each | 0.16 ms per fsync on this machine's disk (1.3 ms on 2026-11-24's /tmp; 1-10 ms is usual on a laptop) | `Journal.record_many`: one write and one fsync per report (`transcript/journal.py`) | one fsync |
| computed relationships (issue 12's catalog query) joined `pg_class` on `reltype`, from every function of one argument | EXPLAIN ANALYZE at 10,000 tables: 170-190 ms, two sequential scans of `pg_class` | from the user's functions through `pg_type`'s row-type links, index lookups (`probes/catalog.py`) | 9-21 ms under load 12-18 |
| the path probe waited for the listener, then opened a connection of its own for `pg_stat_replication` and only then read `/proc` for the socket table | a 9-probe timeline on the shop sandbox: path ended last, ~200 ms after the listener; the socket table took 45-57 ms of CPU, 130-180 ms of wall time on this host (~1,100 TCP sockets, 178 processes) | the standby count rides on the database probe's connection; the socket table is read in a thread from the start (`diagnosis.py`, `probes/db.py`) | one connection fewer; path no longer the last probe to end |
| the agreement probe opened a connection of its own for the recent objects and waited for the whole targeted probe, OpenAPI document included, so its six requests did not interleave with the targeted ones | a 9-probe timeline: agreement ended after targeted every run | the recent objects come from the catalog snapshot (`age(xmin)` per relation); its six requests follow the targeted sweeps, not the document, and go alone (`RequestGate`: no other request starts meanwhile) (`probes/agreement.py`, `probes/targeted.py`) | one connection fewer; it no longer waits for the document |
| `import psycopg` asked `importlib.metadata` for two version strings: it imported importlib.metadata (zipfile, csv, email's parser) and scanned every distribution on `sys.path`, twice | callgrind: `import psycopg` 642 M instructions; the check's whole import path 1.109 G | the versions are read from the one `*.dist-info` folder beside each package (`core/startup.py`; otherwise psycopg asks itself) | 595 M (-7 %) with the core's own import; the check's import path 1.080 G (-2.6 %) |
| the targeted check still grew with the schema (medians 0.775 / 0.799 / 0.885 s at 100 / 1,000 / 10,000 tables, spread 110 ms; budget 50 ms): two of its scoped catalog queries read a whole catalog | EXPLAIN ANALYZE at 10,000 tables (at 100): the foreign-key query's one-to-one test sorted every one-column unique constraint in the database, 42-57 ms (0.7-1.0 ms); the near names for "did you mean" scanned every relation, function and type name, 37-62 ms (1.8-4.8 ms). Flat with size: our process (callgrind 1.409 G instructions at 100 tables, 1.435 G at 10,000), PostgREST's answers (~1 ms each at both sizes, `curl`), the requests (6 HTTP, none for the OpenAPI document, a sweep or the agreement) | a key's one-to-one test asks its own table's constraints (pg_constraint's index on conrelid); the near names are read only for a name not found as what it was asked about, the one case a typo is suggested for (`catalog.unfound`; `probes/catalog.py`, `diagnosis.py`) | EXPLAIN ANALYZE 0.6 ms at both sizes, near names not read; callgrind 1.414 G at 100 tables, 1.423 G at 10,000; the scoped snapshot in process (fresh connection each, 15 interleaved runs, load 8-9): 121 ms at 100 tables vs 244 ms at 10,000 before, 107 vs 122 ms after |
| a check of named objects also asked the admin server for `/schema_cache` (PostgREST 12.2+: the whole cache, which grows with the schema) and parsed it, though only a full comparison reads it | the targeted check's 6 HTTP requests (recorded by wrapping `AsyncClient.send`), one of them `/schema_cache`; 12.0.2 answers it 404, so its size was not measured here (12.0.2 and 11.2.2 installed) | a scoped diagnosis leaves it out (`probes/admin.py`, `diagnosis.py`) | 5 requests; the full check still reads it |
| the targeted check's size spread (0.674 / 0.678 / 0.733 s at 100 / 1,000 / 10,000 tables, 59 ms; budget 50 ms): every part of it side by side at 100 and 10,000 tables (sizes interleaved, medians, load 4-9), and only the database's work grew: two scoped catalog statements took longer to plan on a fresh connection | EXPLAIN (ANALYZE, BUFFERS) of each statement, in the snapshot's order: the foreign-key query planned in 13.8 ms at 100 tables, 20.6 ms at 10,000 (nine catalogs joined; richer statistics on bigger catalogs), the view RLS query 4.2 vs 6.2 ms, every other statement within 0.2 ms; backend CPU of the whole targeted diagnosis (its three sessions, `/proc/<pid>/schedstat`) 65.8 vs 72.5 ms. Flat: connection start-up (4.4 ms backend CPU at both), PostgREST's answers to the check's 5 requests (0.6-0.8 ms each at both, 100 fresh connections each), PostgREST's CPU per check (~10 ms at both, in 10 ms ticks), our process (callgrind 1.351 G instructions at 100 tables, 1.319 G at 10,000) | the scoped foreign-key query reads each named key's names, columns and one-to-one test through one-relation subqueries, so the planner has no join order to search; the view RLS query is sent only when a named relation is a view, in the third round trip (`probes/catalog.py`). The harness rotates the sizes' order each round (10,000 ran last in every round) and times the targeted diagnosis per probe in process (`benchmarks/run.py`, `engine_costs.py`) | the foreign-key query 12-15 ms on a fresh connection at both sizes (28-32 ms before, client wall); backend CPU of the targeted diagnosis 54.9 vs 54.8 ms; the scoped snapshot 132 / 126 ms at 100 / 10,000 tables (163 / 173 ms before; 25 interleaved runs, load 5-7); the same findings |
| a check's database side (three connections, the catalog's pipelined round trips, the listener's self-test) began only once the engine was imported; on DHIS2 it was what the check waited for last | per-phase timelines of DHIS2 checks (`tui/core` patched after import: no extra imports; 5 interleaved pairs at load 12-13, medians, ms from process start): engine imported 4,221, catalog built 5,817 (1.7 s after it), OpenAPI decoded 4,953, probes done 6,303, exit 6,403 | the server facts, the listener and (no object named) the whole snapshot are read by a thread with its own event loop, begun once psycopg is imported, before httpx and the checks; the diagnosis takes each read over once when it asks for the same one, with the same connection settings, transaction and time bound; a cancelled wait cancels the query on the server (`probes/db_prefetch.py`, `cli/check_cmd.py`) | engine imported 3,706, catalog built 3,533 (before it), OpenAPI decoded 4,779, probes done 6,125, exit 6,195; again at load 11 against the code before it (`37b71aa`): catalog built 3.0 s after the engine before, 0.6 s before it after. Process CPU the same (10 pairs, paired median -0.03 s). Callgrind, whole check: 1.675 G -> 1.754 G instructions, 51 M of which is the time bound's 0.1 s polling, which valgrind's 50x slower run multiplies (1.703 G with a 5 s tick) |
| the snapshot's rows came by name (`dict_row`: a dict per row) and were made by keyword (each key's dict copied once more), 473 relations and 989 keys on DHIS2 | callgrind, snapshots on one open connection (0 vs 3, difference / 3): 113 M instructions per snapshot; its own CPU in process 38.0 ms (median of 12, load ~12) | tuple rows unpacked in the query's column order, made positionally (`probes/catalog.py`); the relations and keys equal field by field to the previous code's, whole and scoped | 58 M instructions per snapshot; 25.6 ms. Whole check at `a42b2e7` vs `37b71aa` (before both rows): 1.602 G vs 1.640 G instructions |
| a plain check imported what only named objects, a pasted error, `--request` or a fleet use (`specs`, `pasted_error`, `request`, `probes/alike`, `probes/replay`), compiled regular expressions it never ran, and Python 3.11 built a docstring from `inspect.signature` for 33 of its dataclasses | callgrind with a dump per module, per compiled pattern and per dataclass (the check at 100 tables): our modules 345 M of the imports, dataclass creation 238 M of it (58 classes), module-level patterns 50 M (redaction's `name: value` shape alone 9.8 M, used by a full check, not by `--table`; 13 M never used by a plain check) | imported where used, named for types under `TYPE_CHECKING` (`cli/check_cmd.py`, `diagnosis.py`, `checks/evidence.py`, ...); patterns only some inputs need compile on first use (`core/regex.py` `on_first_use`); a one-line docstring on each dataclass | pairs in one run: 1,484 -> 1,460 (imports) -> 1,447 M (patterns), `--table` 1,327 -> 1,310 -> 1,300 M; dataclass creation 212.7 -> 203.0 M. This code against itself without the three, hash seed 0 (`ed8646e`): full 1.455 G -> 1.399 G (-3.8 %), `--table` 1.296 G -> 1.248 G (-3.7 %). Left: `eq=False`/`repr=False` would save ~1-2.6 M per large class (Catalog, Evidence, Inventory, Found) but change what equality and repr mean; not done |
| the wizard's diagnosis screen laid the whole screen out ten times a second per running panel (`Static.update` asks for a layout; the spinner and the step timer called it each frame) and rebuilt its footer on every bindings signal (twice at start, six times per diagnosis: focus moves, `disabled` flips) | pilot on the shop sandbox, load 12-14: 44 layouts in 3 s of 8 panels spinning; a warm diagnosis 1.35 s CPU (median of 9; the same checks in process 0.15-0.30 s), 18-24 layouts, 6 footer builds; cProfile: `Screen._refresh_layout` and the renders after it ~60 % of the diagnosis | one-line text that fits is redrawn in place (`ui/widgets/live_line.py`, check panel and step timer); the footer shows its keys from its first compose and rebuilds only when they change (`ui/widgets/footer.py`) | 0 layouts while spinning, 0.59 s CPU per 3 s spinning vs 0.92 s; 240 hand-ticked spinner frames 2.8 s vs 4.0 s CPU; a warm diagnosis 1.09 s CPU (median of 9, side by side), 15-18 layouts, 1 footer build; the first diagnosis 1.52 s vs 2.01 s |
| budgets 1 (100 tables) and 8 (DHIS2) still fail: is PostgREST's own OpenAPI time on the check's critical path? (issue 12) | per-phase timelines of `check --json` (2026-12-08, load ~4; `tui/core` patched as its modules load, no extra imports; ms from process start): 100 tables, the early GET sent at 152, its last byte in at 334, the engine loaded at 582, the document taken over at 687 and decoded by 693; DHIS2, sent at 133, first byte at 177, engine loaded at 710, taken over at 805, decoded by 832. Process CPU 0.65-0.88 s of a 0.80-1.31 s wall (medians 0.75 / 0.86 s, n=5) | nothing left to overlap: PostgREST's 0.14 s / 0.30 s already pass while the engine loads, at both sizes, so the check waits on its own CPU. Importing the libraries alone (`import tui.core, asyncio, psycopg, httpx, httpcore, anyio._backends._asyncio`, no I/O) took 0.49 s [0.41-0.59] (n=7, load 5), more than budget 1 allows a whole 100-table check (GET 0.14 s + 0.3 s) | — |
| the API probe's question (GET / with a profile that cannot exist: PostgREST checks the key, then lists its exposed schemas), which the targeted sweeps and the agreement probe wait for, went out only once the diagnosis ran and its first HTTP client had imported httpcore and anyio | the 100-table timeline above: the API probe done at 725 ms, 120 ms into the diagnosis; the sweeps (62 ms) and the agreement's six sequential requests (37 ms) came after it | the stdlib thread start that sends the OpenAPI GET sends this question too, in every check (scoped ones included), and `api.api_info` takes the answer over once when it asks with the same key; no answer (refused, reset) means it asks itself, so its error reads as before (`probes/openapi_prefetch.py`, `probes/api.py`, `cli/check_cmd.py`; 97ba40a). Every early answer is now closed by whoever stops reading it, `stop` closing those nobody took (ae60827) | two runs of 7 interleaved pairs against this code without the two commits (medians; ms from process start; load 7, then 5): 100 tables, API probe done 1,927 -> 1,661 / 1,385 -> 1,023, exit 2,240 -> 2,048 / 1,515 -> 1,220, paired wall difference -0.195 / -0.110 s; DHIS2, API probe done 1,998 -> 1,865 / 1,687 -> 1,373, exit 2,139 -> 2,162 / 1,792 -> 1,711, paired -0.058 / -0.007 s; `--table public.t42`, API probe done 1,470 -> 1,298 / 926 -> 710, exit 1,582 -> 1,554 / 979 -> 846, paired -0.004 / -0.073 s; process CPU the same within its spread. Callgrind (whole process, hash seed 0): 100 tables 1.501 G -> 1.467 G, DHIS2 1.634 G -> 1.623 G. Findings identical (stale-cache with 5 objects; DHIS2 healthy) |
| the path probe's socket table parsed every line of `/proc/net/tcp` into a socket | 1,381 lines on this host, 1,329 of them TIME_WAIT (closed connections owned by no process, many left by the checks' own requests); `socket_table()` 45 ms of CPU (median of 15) | only LISTEN and ESTABLISHED lines, the states the path probe asks about, are parsed (`probes/sockets.py`, ae60827) | 37 ms (the rest is the kernel writing the table and the `/proc/*/fd` scan) |

Before and after on the same machine within the same hour (2026-12-01, 18:42 this code,
18:47 the code of 2026-11-24 at `25d9061`; the same harness, sizes and five runs; medians):

| | 100 tables | 1,000 tables | 10,000 tables |
|---|---|---|---|
| check minus OpenAPI GET, before | 0.231 s | 0.302 s | 1.012 s |
| check minus OpenAPI GET, after | 0.243 s | 0.083 s | -0.244 s |
| targeted check, before | 0.241 s | 0.342 s | 0.471 s |
| targeted check, after | 0.267 s | 0.243 s | 0.244 s |
| peak RSS, before / after | 43.6 / 43.5 MB | 50.6 / 48.6 MB | 115.9 / 98.5 MB |
| runbook (psql + curl) / check, before / after | 1.46x / 1.53x | 2.59x / 3.94x | |

The fixes above act where the schema is large; at 100 tables both versions spend the same
~0.23 s, nearly all of it Python start-up (next paragraph). On 2026-11-24 the same 100-table
check measured 0.353 s under load 3-7.

Instruction counts at 100 tables (2026-12-07 19:50-19:57, the harness's callgrind phase alone,
`--sizes 100 --runs 1`): this code at `1d1cac1` 1.585 G for `check --json`, 1.418 G for `check
--table public.t42`; the code of 2026-12-01 at `7fee54e` 1.606 G and 1.463 G. Our own cost did
not grow since 2026-12-01; the same checks' wall time did, 3-4x (the targeted check at 100
tables: 0.267 s then, 0.775 s at 18:23), with the host's Python speed (the 5M-addition loop:
0.12 s then, 0.2-0.9 s on 2026-12-07). The same targeted check counted
1.414 G and 1.418 G in two runs twenty minutes apart.

Still open (not fixed here):
- Our own start-up CPU, measured 2026-12-08 at load 6 (main-thread CPU, `time.thread_time`
  around each call): creating the 86 dataclasses on the check's path costs 70-92 ms (55 of
  them `tui.core`'s: 59 ms; Python 3.11 compiles each generated `__init__`, `__eq__`,
  `__repr__`, ... with `exec`), and `re._compile` 35-42 ms over 348 calls (the largest:
  `transcript.redact` 4.2 ms, psycopg's datetime 4.1 ms, `core.regex` 3.6 ms). Tried and not
  kept: decoding DHIS2's dropped `paths` values with a C builtin as `object_pairs_hook` (no
  dict built): `paths` as one document 23.5 -> 9 ms, but in the stream decoder, entry by entry,
  8.6 vs 10.2 ms, and callgrind counted the whole decode 2 M higher.
- Budget 8 (DHIS2: check minus its OpenAPI GET <= 0.3 s) once the database side runs ahead
  of the imports (2026-12-07, rows above): what remains is this process's own CPU, nearly all
  of it on one thread. Callgrind of the DHIS2 check: 1.60 G instructions, of which the imports
  are ~1.09 G; DHIS2 adds ~0.2 G over a 100-table check: the OpenAPI decode 129 M (already
  below a plain `json.loads` of what it keeps: 35.6 vs 47.0 ms, `parameters` is skipped; its
  `paths`, 1.06 MB of 1.8 MB, are decoded for their names only), the drift inventory 45 M
  (the OpenAPI-note candidates and the relationship names of 989 keys), the snapshot 58 M (in
  the early thread). After the engine is in, the first HTTP client imports httpcore and the
  first request anyio (~70 modules, ~0.1 s each at load 8) before the probes' requests go
  out. The coordinator's quiet run of 2026-12-07 (check 0.884 s, GET 0.323 s) puts the
  check's CPU near the whole of GET + 0.3 s, so budget 8 now waits on the start-up cost it
  shares with budget 1. Not done: rewriting the whole check's foreign-key query (29-41 ms on
  the server, nested loops for want of catalog statistics): it now runs while the engine
  loads and ends before it, even at load 13.
- A name not found as what it was asked about (a typo, a dropped table) and every `--function`
  still read the near names, a scan of every relation, function and type name (37-62 ms at
  10,000 tables): a missing-arguments finding on an existing function is matched against
  them, and they hold aggregates the catalog's function list leaves out.
- On this host wall time cannot show a 50 ms spread: the same targeted check took 1.2-4.2 s
  per run at load 9 (2026-12-07 20:02) and 0.9-3.1 s at load 5-7 (23:00, 100 and 10,000
  tables in turn: medians 1.74 / 1.70 s), so the budget's verdict waits for the coordinator's
  quieter run. What the parts showed grow (the catalog statements' planning) no longer does;
  if the quiet run still reads a spread, the per-probe table of the targeted diagnosis says
  which part carries it.
- Budget 1 at small schemas has the least room, and it depends on how fast the host runs
  Python at the time. At 100 tables PostgREST's document takes ~0.05 s, so nearly all of a
  check is Python start-up: in a timeline of a 100-table check the OpenAPI request leaves at
  45-70 ms, the imports end at 140-190 ms (psycopg ~45 ms, httpx with httpcore, anyio and h11
  ~35 ms, asyncio, ssl and email ~20 ms, the tui modules ~30 ms), the probes take 75-90 ms
  more (CPU-bound: ~25 ms of httpcore/anyio imports on the first request, three database
  connections, 17 HTTP requests), and the report is out 3 ms later. Importing those modules
  alone, without any I/O, takes 0.22-0.24 s of wall time. Every full harness run of
  2026-12-01 at 100 tables (medians): 0.293 s (18:34), 0.243 s (18:42), 0.231 s (18:47, the
  previous code), 0.336 s (19:05, FAIL), 0.274 s (19:16), 0.256 s (19:21), 0.268 s (19:32, the
  run above); the same check by hand took 0.24-0.28 s at 18:33 and 0.30-0.46 s at 19:12, with
  the load average below 1 both times. The 19:21 run also read reload detection at 1,000
  tables as 28.0 ms (over its 25 ms budget; 3.6-15.9 ms in the other runs, code unchanged).
  Tried and not kept: `gc.disable()` for `check` (imports alone ~10 % faster, the whole check
  no different in a 15-pair A/B).
- The sweep's early stop rests on "a function created after the last reload has a higher OID
  than every function created before it". Not covered: a function created in a transaction
  still open at the reload and committed after newer ones were loaded, a rename followed by
  more than 8 rewrites of other functions, and OID wraparound; each is found when it falls in
  a wave with a miss, and `--function` asks about one by name (docs/diagnosis.md).
- With the default `--timeout 5` a 10,000-table check now reads its part of the document in
  2.5-2.7 s here (it gave up before: PostgREST took 6-25 s for the whole document under load);
  under heavy load it can still run out and then says to raise `--timeout`.
- Earlier harness runs read the check's peak RSS from `wait4()` on a child forked from the
  harness itself and got 138-189 MB at 10,000 tables (76-80 MB at 1,000): the fork counted the
  harness's own resident pages. Run by hand the same check peaked at 115-119 MB (51 MB at
  1,000); the harness now measures through GNU time.
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
        "## Budgets",
        "",
        "Budgets are absolute, as issue 7 set them. Beside each wall-clock budget, the host "
        "speed in the same phase: the pure-Python loop of 5M additions (lower is faster; "
        f"{HOST_LOOP_REFERENCE}). A slower host fails a wall-clock budget sooner; the "
        "instruction counts below tell our code's cost apart from the host's speed.",
        "",
        "| # | budget | where | measured (median) | verdict | host speed meanwhile |",
        "|---|---|---|---|---|---|",
        *(f"| {n} | {t} | {w} | {v} | {d} | {h} |" for n, t, w, v, d, h in budget_rows(results)),
        "",
        *instruction_section(results),
        "## All measurements (median [min–max] (n runs))",
        "",
        *metrics_table(results),
        "",
    ]
    for name in ("wizard_start_s", "wizard_idle_cpu_pct"):
        metric = METRICS[name]
        out.append(f"- {metric.label}: {cell(results.global_samples.get(name), metric.unit)}")
    out.append("")
    out += corpus_section(results)
    out += probe_table(results)
    out += probe_table(results, "targeted_probe_", "the targeted check (`--table public.t42`)")
    notes = list(results.notes)
    for size in results.sizes:
        notes += [f"{size.tables:,} tables: {n}" for n in size.notes]
    if notes:
        out += ["## Notes", "", *(f"- {n}" for n in notes), ""]
    out.append(PROFILING)
    return "\n".join(out)
