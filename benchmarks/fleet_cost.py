"""Issue 17's budget: checking three PostgREST instances of one database costs at most 1.2x
checking one. Two more instances join the size's sandbox for this phase only (so they reload
nothing during the other phases), and the one-instance and three-instance checks alternate
run by run, so the ratio is taken side by side.
"""

from __future__ import annotations

import copy

from benchmarks import check_cost
from benchmarks.results import SizeResult
from benchmarks.stats import paired
from tui.sandbox import Sandbox
from tui.sandbox.postgrest import PostgrestServer

FLEET_SIZE = 3


def extra_instances(box: Sandbox, count: int) -> list[PostgrestServer]:
    """``count`` more PostgREST processes serving the sandbox's database, started."""
    assert box.postgrest is not None
    started: list[PostgrestServer] = []
    try:
        for i in range(count):
            config = copy.deepcopy(box.postgrest.config)
            config.server_port = config.admin_port = 0
            server = PostgrestServer(
                config, workdir=box.workdir / f"bench-instance-{i + 2}", major=box.postgrest_version
            )
            started.append(server.start())
    except BaseException:
        for server in started:
            server.stop()
        raise
    return started


def fleet_runs(box: Sandbox, res: SizeResult, runs: int, log) -> None:
    others = extra_instances(box, FLEET_SIZE - 1)
    try:
        flags: list[str] = []
        for url in [box.connection().api_url, *(s.api_url for s in others)]:
            flags += ["--api-url", url]
        one, three = [], []
        for i in range(runs):
            log(f"{res.tables}: fleet run {i + 1}/{runs}")
            a = check_cost.run_check(box)
            b = check_cost.run_check(box, *flags)
            if a.report is None or b.report is None or len(b.report.get("instances", [])) != 3:
                res.note(f"fleet run {i + 1}: exit {a.exit_code}/{b.exit_code}: {b.stderr[-200:]}")
                continue
            one.append(a.seconds)
            three.append(b.seconds)
        for value in one:
            res.add("check_one_instance_s", value)
        for value in three:
            res.add("check_three_instances_s", value)
        if one:
            res.samples["fleet_ratio"] = paired(three, one, "ratio")
    finally:
        for server in others:
            server.stop()
