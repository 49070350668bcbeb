"""Several instances, a balancer, a pooler, a standby: will every instance hear a reload, and
do the instances behind one URL agree?"""

from __future__ import annotations

from tui.core.checks.evidence import Evidence
from tui.core.checks.fixes import fix
from tui.core.model import Cause, Finding, Status

TITLE_AGREE = "Instances behind the URL"
TITLE_PATH = "Reload path"


def _pid(pids: list[int]) -> str:
    return str(pids[0]) if pids else "<postgrest pid>"


def agreement(ev: Evidence) -> Finding | None:
    got = ev.agreement
    if got is None or not got.asked:
        return None
    url = ev.target.api_url
    split = got.disagreeing
    if not split:
        return Finding(
            "instances", Status.PASS,
            f"{got.requests} repeated requests about {', '.join(got.asked)} got the same answer",
            title=TITLE_AGREE,
        )  # fmt: skip
    detail = "; ".join(
        f"{name}: resolved {got.asked[name].count(True)} of {len(got.asked[name])} times"
        for name in split
    )
    return Finding(
        "instances",
        Status.FAIL,
        f"answers disagree behind {url} ({detail}): several PostgREST instances serve this URL "
        "and some still hold a stale cache; probe each with its own --api-url",
        cause=Cause.INSTANCES_DISAGREE,
        objects=split,
        fix=fix(Cause.INSTANCES_DISAGREE, "each", api_url=url),
        evidence={"asked": got.asked},
        title=TITLE_AGREE,
        runbook_note="RUN-002 checks one answer; behind a load balancer one answer in three "
        "can be stale while the others are fresh.",
    )


def reload_path(ev: Evidence, stale: bool) -> list[Finding]:
    """Why a NOTIFY would not reach an instance, each from evidence: a pooler between it and
    the database, a standby it is connected to, a channel it does not LISTEN on."""
    info = ev.path
    if info is None:
        return []
    status = Status.FAIL if stale else Status.WARN
    channel = ev.target.channel
    listening_somewhere = bool(ev.listener and ev.listener.listening)
    findings: list[Finding] = []
    for path in info.instances:
        url = path.api_url
        if path.via_pooler:
            findings.append(Finding(
                "reload-path", status,
                f"{url}: PostgREST reaches the database through {path.via_pooler} (a pooler): "
                "its LISTEN session is shared with other clients, so NOTIFY never reaches it",
                cause=Cause.LISTENER_BEHIND_POOLER, objects=[url],
                fix=fix(Cause.LISTENER_BEHIND_POOLER, "direct", pid=_pid(path.pids)),
                evidence={"pooler": path.via_pooler, "db_ports": path.db_ports}, title=TITLE_PATH,
            ))  # fmt: skip
        elif path.on_other_server and path.other_server_in_recovery:
            findings.append(Finding(
                "reload-path", status,
                f"{url}: PostgREST is connected to a standby (port {path.on_other_server}, in "
                "recovery): LISTEN cannot run there and the primary's NOTIFY never arrives",
                cause=Cause.POSTGREST_ON_STANDBY, objects=[url],
                fix=fix(Cause.POSTGREST_ON_STANDBY, "primary", pid=_pid(path.pids)),
                evidence={"standby_port": path.on_other_server}, title=TITLE_PATH,
            ))  # fmt: skip
        elif path.listens_on_other:
            findings.append(Finding(
                "reload-path", status,
                f'{url}: PostgREST LISTENs on "{path.listens_on_other}", not on "{channel}"',
                cause=Cause.CHANNEL_MISMATCH, objects=[url],
                fix=fix(Cause.CHANNEL_MISMATCH, "other", other=path.listens_on_other,
                        channel=channel, api_url=url),
                title=TITLE_PATH,
            ))  # fmt: skip
        elif path.listens is False and listening_somewhere:
            findings.append(Finding(
                "reload-path", status,
                f'{url}: this PostgREST does not LISTEN on "{channel}" (db-channel-enabled = '
                "false?) although another session does: NOTIFY reaches that session, and this "
                "instance stays stale after every NOTIFY",
                cause=Cause.CHANNEL_MISMATCH, objects=[url],
                fix=fix(Cause.CHANNEL_MISMATCH, "disabled", channel=channel, api_url=url),
                title=TITLE_PATH,
            ))  # fmt: skip
    suspected = standby_suspected(ev)
    if suspected and not any(f.cause is Cause.POSTGREST_ON_STANDBY for f in findings):
        findings.append(suspected)
    return findings


def standby_suspected(ev: Evidence) -> Finding | None:
    """Remote evidence: the API answers, nobody LISTENs on the primary, standbys stream from
    it. PostgREST may be reading from one of them."""
    info = ev.path
    if info is None or not info.replicas or ev.listener is None or ev.listener.listening:
        return None
    if ev.api is None or not ev.api.postgrest_version:
        return None
    return Finding(
        "reload-path", Status.WARN,
        f"no PostgREST LISTENs on this primary, the API answers, and {info.replicas} standby"
        f"{'s' if info.replicas != 1 else ''} stream from it: is PostgREST connected to a "
        "standby? (LISTEN cannot run in recovery)",
        cause=Cause.POSTGREST_ON_STANDBY,
        fix=fix(Cause.POSTGREST_ON_STANDBY, "primary", pid=_pid(ev.local_pids)),
        evidence={"replicas": info.replicas}, title=TITLE_PATH,
    )  # fmt: skip


def notify_reaches(ev: Evidence) -> bool:
    """False when the evidence shows that a NOTIFY cannot reach this instance."""
    info = ev.path
    if info is None:
        return True
    return not any(
        p.via_pooler
        or (p.on_other_server and p.other_server_in_recovery)
        or p.listens_on_other
        or p.listens is False
        for p in info.instances
    )


def other_instances(ev: Evidence) -> list[Finding]:
    """The fleet's other instances, judged on their own: a stale one is a stale cache of
    this target even when the first instance is fresh."""
    findings = []
    for other in ev.instances:
        report = other.report
        if str(report.verdict) == "healthy":
            continue
        names = ", ".join(o.name for o in sorted(report.stale_objects)[:5])
        stale = str(report.verdict) == "stale-cache"
        findings.append(Finding(
            "instances", Status.FAIL,
            f"{other.api_url}: {report.verdict}" + (f" ({names})" if names else ""),
            cause=Cause.STALE_CACHE if stale else None, objects=[other.api_url],
            fix=next((f.fix for f in report.findings if f.fix and f.status is Status.FAIL),
                     None),
            title="Other instances",
        ))  # fmt: skip
    return findings
