"""Production topologies on the real stack: three PostgREST 12 instances on one database behind
a real nginx round-robin (one with ``db-channel-enabled = false``), one PostgREST whose db-uri
goes through a real PgBouncer in transaction mode, and one connected to a PostgreSQL 15
streaming standby. Each incident shape is told apart from evidence and every wait ends.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.remedy_helpers import run_cli, serves_column
from tui.sandbox import Sandbox
from tui.sandbox.shape import Topology

pytestmark = pytest.mark.integration

SandboxFactory = Callable[..., Sandbox]
NEW_COLUMN = "public.customers.loyalty_tier"  # the missing-column drift
QUIET_LAST = Topology(3, True, per_instance=((2, (("db-channel-enabled", False),)),))


def env_of(box: Sandbox, *, fleet: bool) -> dict[str, str]:
    """The sandbox's settings as the environment; the fleet's URLs only when asked."""
    env = box.connection().env()
    if not fleet:
        env.pop("PGRST_DOCTOR_API_URLS", None)
    return env


def check_json(box: Sandbox, cwd: Path, *args: str, fleet: bool = False) -> tuple[int, dict]:
    proc = run_cli(
        "check", "--json", "--timeout", "15", *args, cwd=cwd, env=env_of(box, fleet=fleet)
    )
    assert proc.stdout, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def causes(data: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in data["findings"]:
        if finding["cause"]:
            found.setdefault(finding["cause"], []).append(finding)
    return found


def test_a_fleet_behind_a_balancer_is_judged_instance_by_instance(
    make_sandbox: SandboxFactory, tmp_path: Path
) -> None:
    box = make_sandbox("12", topology=QUIET_LAST, drift=["missing-column"])
    conn = box.connection()
    urls = conn.api_urls
    box.execute("NOTIFY pgrst, 'reload schema'")
    assert serves_column(urls[0], conn.anon_key) and serves_column(urls[1], conn.anon_key)

    # one URL, the balancer's: the repeated answers disagree (one request in three is stale)
    code, data = check_json(box, tmp_path)
    assert code == 1 and data["verdict"] == "stale-cache"
    disagree = causes(data)["instances-disagree"]
    assert disagree[0]["objects"] == ["public.customers"]

    # every instance by its own URL: each judged on its own, the overall verdict the worst
    code, data = check_json(box, tmp_path, fleet=True)
    assert code == 1 and data["verdict"] == "stale-cache"
    by_url = {i["api_url"]: i for i in data["instances"]}
    assert [by_url[u]["verdict"] for u in urls] == ["healthy", "healthy", "stale-cache"]
    assert [by_url[u]["listening"] for u in urls] == [True, True, False]
    assert by_url[urls[2]]["stale_objects"] == [
        {"kind": "column", "name": NEW_COLUMN, "change": "added"}
    ]
    quiet = causes(data)["channel-mismatch"]
    assert quiet[0]["objects"] == [urls[2]] and "db-channel-enabled" in quiet[0]["fix"]

    # the reload verifies every instance and signals only the one NOTIFY cannot reach
    proc = run_cli("reload", "--json", cwd=tmp_path, env=env_of(box, fleet=True), timeout=90)
    outcome = json.loads(proc.stdout)
    assert proc.returncode == 0 and outcome["fixed"], proc.stdout
    signals = [s for s in outcome["steps"] if s["step"] == "signal"]
    assert [s["details"]["pid"] for s in signals] == [box.instances[2].pid]
    assert serves_column(urls[2], conn.anon_key, timeout=1)
    code, data = check_json(box, tmp_path)  # the balancer's answers agree again
    assert code == 0 and data["verdict"] == "healthy", data


def test_a_transaction_pooler_swallows_the_notify_and_the_wait_ends(
    make_sandbox: SandboxFactory, tmp_path: Path
) -> None:
    box = make_sandbox("12", topology=Topology(pooler=True), drift=["missing-column"])
    env = env_of(box, fleet=False)
    code, data = check_json(box, tmp_path)
    assert code == 1 and data["verdict"] == "stale-cache"
    pooled = causes(data)["listener-behind-pooler"]
    assert "pgbouncer" in pooled[0]["summary"] and pooled[0]["status"] == "fail"
    assert "notify" not in data["remedies"] and "signal" in data["remedies"]
    assert data["instances"][0]["listening"] is False  # the session shows; it hears nothing

    # asked for NOTIFY and told to wait: it stops at the KPI alert threshold and says why
    started = time.monotonic()
    proc = run_cli("reload", "--method", "notify", "--wait", "--json", cwd=tmp_path, env=env)
    took = time.monotonic() - started
    outcome = json.loads(proc.stdout)
    # 1: sent and not served within the threshold; 4: refused, when the pooler had already
    # handed the LISTEN backend to another client (no LISTEN session left to see)
    assert proc.returncode in (1, 4) and not outcome["fixed"], proc.stdout
    assert took < 30, f"the wait did not end at the alert threshold ({took:.0f} s)"
    assert "pgbouncer" in outcome["why_not_reached"]
    assert outcome["proposal"]["id"] == "signal"

    proc = run_cli("reload", "--json", cwd=tmp_path, env=env, timeout=60)
    outcome = json.loads(proc.stdout)
    assert proc.returncode == 0 and outcome["fixed"]
    assert outcome["steps"][0]["step"] == "signal"  # no NOTIFY sent to nobody


def test_postgrest_on_a_standby_never_hears_the_primary(
    make_sandbox: SandboxFactory, tmp_path: Path
) -> None:
    box = make_sandbox("12", topology=Topology(standby=True), drift=["missing-column"])
    code, data = check_json(box, tmp_path)
    assert code == 1 and data["verdict"] == "stale-cache"
    standby = causes(data)["postgrest-on-standby"]
    assert standby[0]["status"] == "fail" and "standby" in standby[0]["summary"]
    assert "notify" not in data["remedies"]

    proc = run_cli("reload", "--json", cwd=tmp_path, env=env_of(box, fleet=False), timeout=60)
    outcome = json.loads(proc.stdout)
    assert proc.returncode == 0 and outcome["fixed"], proc.stdout
    assert outcome["steps"][0]["step"] == "signal"
