"""Fleets, balancers, poolers and standbys from evidence: target resolution of several API
URLs, how repeated requests are shared out, which LISTEN a query holds, and the causes a
reload path gives (pure; the real topologies are in tests/integration/test_topologies.py)."""

from __future__ import annotations

import pytest

from tui.core.checks import topology
from tui.core.checks.evidence import Evidence
from tui.core.errors import UsageError
from tui.core.fleet import severity
from tui.core.model import Cause, Status, Verdict
from tui.core.probes.agreement import REQUESTS, Agreement, shares
from tui.core.probes.api import ApiInfo
from tui.core.probes.listener import ListenerInfo, _listen_channel
from tui.core.probes.path import InstancePath, PathInfo
from tui.core.target import Target, resolve_target

A, B, C = "http://127.0.0.1:3001", "http://127.0.0.1:3002", "http://127.0.0.1:3003"


def test_repeated_api_urls_keep_their_order_and_drop_duplicates():
    target = resolve_target({"api_url": [A, f"{B}/", A, C]}, env={})
    assert target.api_url == A and target.instances == (A, B, C)
    assert target.sources["api_url"] == "flag"
    one = target.for_instance(B)
    assert one.instances == (B,) and one.api_urls == () and one.admin_url is None


def test_the_environment_names_a_fleet_comma_separated():
    target = resolve_target({}, env={"PGRST_DOCTOR_API_URLS": f"{A}, {B}"})
    assert target.instances == (A, B)
    assert target.sources["api_url"] == "env:PGRST_DOCTOR_API_URLS"
    assert resolve_target({}, env={"PGRST_DOCTOR_API_URL": A}).instances == (A,)


def test_one_bad_url_in_a_fleet_is_one_clear_error():
    with pytest.raises(UsageError, match="--api-url"):
        resolve_target({"api_url": [A, "ftp://nope"]}, env={})


def test_a_remote_instance_makes_the_target_remote():
    target = resolve_target({"api_url": [A, "http://10.0.0.9:3000"]}, env={})
    assert not target.is_loopback


def test_requests_are_bounded_whatever_the_number_of_objects():
    for count in range(0, 6):
        got = shares(count)
        assert sum(got) <= REQUESTS and all(n >= 2 for n in got)
    assert shares(1) == [REQUESTS] and shares(2) == [4, 2]


def test_only_answers_both_ways_disagree():
    got = Agreement({"public.t": [True, True, False, True], "public.f": [True, None, True]})
    assert got.disagreeing == ["public.t"] and got.requests == 7


@pytest.mark.parametrize(
    ("query", "channel"),
    [('LISTEN "pgrst"', "pgrst"), ("listen Other;", "other"), ('LISTEN "a""b"', 'a"b'),
     ("SELECT 1", None), (None, None)],
)  # fmt: skip
def test_the_channel_a_listen_query_holds(query, channel):
    assert _listen_channel(query) == channel


def evidence(*paths: InstancePath, listening: bool = True, replicas: int = 0) -> Evidence:
    target = Target(db_url="postgresql://u@127.0.0.1:5432/db", api_url=A)
    api = ApiInfo(status=200, postgrest_version="12.0.2", exposed_schemas=["public"])
    return Evidence(target, "anon", api=api, listener=ListenerInfo("pgrst", listening),
                    path=PathInfo(replicas, list(paths)))  # fmt: skip


@pytest.mark.parametrize(
    ("path", "cause"),
    [
        (InstancePath(A, True, "postgrest", [7], via_pooler="pgbouncer"),
         Cause.LISTENER_BEHIND_POOLER),
        (InstancePath(A, True, "postgrest", [7], on_other_server=5433,
                      other_server_in_recovery=True), Cause.POSTGREST_ON_STANDBY),
        (InstancePath(A, True, "postgrest", [7], listens=True, listens_on_other="other"),
         Cause.CHANNEL_MISMATCH),
        (InstancePath(A, True, "postgrest", [7], listens=False), Cause.CHANNEL_MISMATCH),
    ],
)  # fmt: skip
def test_each_lost_notify_has_its_cause_and_blocks_notify(path, cause):
    ev = evidence(path)
    found = topology.reload_path(ev, stale=True)
    assert [f.cause for f in found] == [cause] and found[0].status is Status.FAIL
    assert "7" in (found[0].fix or "") or cause is Cause.CHANNEL_MISMATCH
    assert not topology.notify_reaches(ev)
    assert topology.reload_path(ev, stale=False)[0].status is Status.WARN


def test_a_direct_listening_instance_has_no_finding():
    ev = evidence(InstancePath(A, True, "postgrest", [7], listens=True))
    assert topology.reload_path(ev, stale=True) == [] and topology.notify_reaches(ev)


def test_a_standby_is_suspected_from_the_primary_alone():
    found = topology.reload_path(evidence(InstancePath(A, False), listening=False, replicas=1),
                                 stale=True)  # fmt: skip
    assert [f.cause for f in found] == [Cause.POSTGREST_ON_STANDBY]
    assert found[0].status is Status.WARN and "standby" in found[0].summary


def test_the_worst_verdict_wins():
    order = sorted(Verdict, key=severity)
    assert order[0] is Verdict.UNREACHABLE and order[-1] is Verdict.HEALTHY
