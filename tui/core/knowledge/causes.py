"""Causes in plain words: whether a reload fixes it, and the shape of the exact fix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from tui.core.model import Cause, Finding, Status


@dataclass(frozen=True)
class CauseInfo:
    cause: Cause
    title: str
    explanation: str  # plain words for the findings screen
    reload_fixes: bool
    exposes_data: bool = False  # rows visible that should not be: shown before anything else


CAUSES: dict[Cause, CauseInfo] = {
    c.cause: c
    for c in (
        CauseInfo(
            Cause.STALE_CACHE,
            "Stale schema cache",
            "The database has changed since PostgREST last loaded its schema cache.",
            True,
        ),
        CauseInfo(
            Cause.OBJECT_MISSING,
            "Object does not exist",
            "The object is not in the database (or not where the request looks): "
            "no reload can serve it. Check the migration ran on this database.",
            False,
        ),
        CauseInfo(
            Cause.SCHEMA_NOT_EXPOSED,
            "Schema not exposed",
            "The object's schema is not in PostgREST's db-schemas, so the API never serves it.",
            False,
        ),
        CauseInfo(
            Cause.MISSING_PRIVILEGE,
            "Missing privilege",
            "The request role has no GRANT on the object: PostgreSQL answers 42501 and "
            "OpenAPI hides it. Privileges are not cached; a reload changes nothing.",
            False,
        ),
        CauseInfo(
            Cause.NO_LISTENER,
            "No PostgREST is listening",
            "No PostgREST session LISTENs on the channel: NOTIFY reaches nobody.",
            False,
        ),
        CauseInfo(
            Cause.RLS_DISABLED,
            "RLS not enabled",
            "Policies exist but row level security is not enabled on the table, so they are "
            "ignored. RLS is PostgreSQL's, not the cache's.",
            False,
            exposes_data=True,
        ),
        CauseInfo(
            Cause.RLS_BYPASSED,
            "RLS bypassed",
            "The request role owns the table, has BYPASSRLS (e.g. the service_role key), a "
            "permissive policy lets every row through, or a view without security_invoker is "
            "queried.",
            False,
            exposes_data=True,
        ),
        CauseInfo(
            Cause.ENUM_VALUE_MISSING,
            "Enum label does not exist",
            "PostgreSQL rejects the value (22P02) because the type has no such label.",
            False,
        ),
        CauseInfo(
            Cause.API_UNREACHABLE,
            "API unreachable",
            "PostgREST did not answer at the API URL within the timeout.",
            False,
        ),
        CauseInfo(
            Cause.DB_UNREACHABLE,
            "Database unreachable",
            "The database did not accept the connection within the timeout.",
            False,
        ),
        CauseInfo(
            Cause.DB_LOGIN_REJECTED,
            "Database login rejected",
            "The database answered and refused the login: a wrong password, user or database "
            "name. Waiting or retrying will not help; fixing the setting will.",
            False,
        ),
        CauseInfo(
            Cause.AUTH_REJECTED,
            "Key rejected",
            "PostgREST rejected the API key / JWT (PGRST301/302/303) before looking at any table.",
            False,
        ),
        CauseInfo(
            Cause.CACHE_LOAD_FAILED,
            "Schema cache fails to load",
            "PostgREST answers 503 PGRST002: its schema cache query fails (statement timeout, "
            "invalid db-schemas). Reloading won't help until that is fixed.",
            False,
        ),
        CauseInfo(
            Cause.AUTO_RELOAD_OFF,
            "Automatic reload is off",
            "No enabled event trigger sends NOTIFY after DDL, so every migration leaves the "
            "cache stale until someone reloads by hand.",
            False,
        ),
        CauseInfo(
            Cause.INSTANCES_DISAGREE,
            "Instances disagree",
            "The same question got different answers from the same URL: a load balancer sends "
            "requests to several PostgREST instances and some of them still hold a stale "
            "cache. Each instance reloads on its own; probe each one with its own --api-url.",
            True,
        ),
        CauseInfo(
            Cause.LISTENER_BEHIND_POOLER,
            "Listener behind a transaction pooler",
            "PostgREST's LISTEN goes through a transaction-mode pooler, which hands the backend "
            "that ran LISTEN to other clients: the session shows in pg_stat_activity, NOTIFY is "
            "accepted, and the notification never reaches PostgREST.",
            False,
        ),
        CauseInfo(
            Cause.POSTGREST_ON_STANDBY,
            "PostgREST connected to a standby",
            "LISTEN cannot run on a hot standby and NOTIFY sent on the primary is not "
            "replicated: this instance never hears a reload.",
            False,
        ),
        CauseInfo(
            Cause.CHANNEL_MISMATCH,
            "Instance not listening on the channel",
            "This PostgREST instance does not LISTEN on the channel NOTIFY is sent to "
            "(db-channel-enabled = false, or another db-channel), while others may.",
            False,
        ),
    )
}


# display order: what is wrong before what is unknown before what merely warns
STATUS_RANK = {Status.FAIL: 0, Status.ERROR: 1, Status.WARN: 2, Status.SKIPPED: 3, Status.PASS: 4}


def exposes_data(finding: Finding) -> bool:
    """A security exposure (RLS off or bypassed) that is not merely "checked and fine"."""
    info = CAUSES.get(finding.cause) if finding.cause else None
    return bool(info and info.exposes_data and finding.status is not Status.PASS)


def shown_first(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in the order both front ends show them: security exposures first, then by
    status (problems, errors, warnings, skipped, passed); ties keep the checks' order."""
    return sorted(findings, key=lambda f: (not exposes_data(f), STATUS_RANK[f.status]))


def one_per_cause(findings: Iterable[Finding]) -> list[Finding]:
    """Each cause once, for display: findings with the same cause and the same fix (the drift
    check and a scoped object's check both saying "stale cache, NOTIFY") become the first of
    them, its objects the union, the others named in its summary. Order is kept; passing
    findings and findings without a cause are never merged."""
    merged: list[Finding] = []
    first: dict[tuple[Cause, str | None, Status], int] = {}
    for finding in findings:
        key = (finding.cause, finding.fix, finding.status) if finding.cause else None
        if key is None or finding.status is Status.PASS or key not in first:
            if key is not None and finding.status is not Status.PASS:
                first[key] = len(merged)
            merged.append(replace(finding, objects=list(finding.objects)))
            continue
        lead = merged[first[key]]
        lead.objects += [o for o in finding.objects if o not in lead.objects]
        lead.summary += f"; also {finding.title or finding.check}"
    return merged
