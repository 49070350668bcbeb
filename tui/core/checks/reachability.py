"""Can we reach the database and PostgREST, and does PostgREST accept the key and have a
schema cache at all? These gate every other check.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tui.core.checks.evidence import Evidence
from tui.core.checks.fixes import fix
from tui.core.knowledge.connection_errors import configuration_error
from tui.core.model import Cause, Finding, Status
from tui.core.target import origin_words


def login_problem(ev: Evidence) -> str | None:
    """A login the server rejected (wrong password, user, database): the user's setting to
    fix, named with where it came from. None when the database answered or was unreachable."""
    if ev.server is not None:
        return None
    problem = configuration_error(ev.errors.get("database", ""))
    if problem is None:
        return None
    origin = origin_words(ev.target.sources.get("db_url", "default"), "--db-url")
    return f"{problem}: fix the database URL in {origin}"


def database(ev: Evidence) -> Finding:
    if ev.server is None:
        url = urlsplit(ev.target.db_url)
        if (problem := login_problem(ev)) is not None:
            return Finding(
                "database",
                Status.FAIL,
                f"{problem} (the server said: {ev.errors.get('database', '')})",
                cause=Cause.DB_LOGIN_REJECTED,
                fix=fix(Cause.DB_LOGIN_REJECTED, "login", user=url.username or "postgres",
                        host=url.hostname, port=url.port or 5432,
                        database=url.path.lstrip("/") or "postgres"),
                evidence={"error": ev.errors.get("database")},
                title="Database",
            )  # fmt: skip
        variant = "local" if ev.local_stack else "remote"
        return Finding(
            "database",
            Status.FAIL,
            f"database unreachable: {ev.errors.get('database', 'no answer')}",
            cause=Cause.DB_UNREACHABLE,
            fix=fix(Cause.DB_UNREACHABLE, variant, host=url.hostname, port=url.port or 5432),
            title="Database",
        )
    s = ev.server
    role = "standby (read-only replica)" if s.in_recovery else "primary"
    return Finding(
        "database",
        Status.PASS,
        f"PostgreSQL {s.server_version} ({role}), database {s.database} as {s.db_user}",
        evidence={"fingerprint": s.fingerprint, "in_recovery": s.in_recovery},
        title="Database",
    )


def api(ev: Evidence) -> Finding:
    title = "PostgREST API"
    if ev.api is None:
        variant = "local" if ev.local_stack else "remote"
        return Finding(
            "api",
            Status.FAIL,
            f"API unreachable at {ev.target.api_url}: {ev.errors.get('api', 'no answer')}",
            cause=Cause.API_UNREACHABLE,
            fix=fix(Cause.API_UNREACHABLE, variant, api_url=ev.target.api_url.rstrip("/")),
            title=title,
        )
    info = ev.api
    version = info.postgrest_version or "unknown version"
    if info.auth_rejected:
        assert info.error is not None
        return Finding(
            "api",
            Status.FAIL,
            f"PostgREST {version} rejects the key ({info.error.code}): "
            f"{_message(info.body) or info.error.meaning}",
            cause=Cause.AUTH_REJECTED,
            fix=fix(Cause.AUTH_REJECTED, "key"),
            title=title,
            runbook_note="A rejected key fails every request before any table is looked up; "
            "no schema reload changes that.",
        )
    if ev.role_known and ev.catalog is not None and not ev.catalog.role.exists:
        role = ev.catalog.role.name
        return Finding(
            "api",
            Status.FAIL,
            f"the key's role {role!r} does not exist in the database: PostgREST cannot switch "
            "to it, so every request with this key fails",
            cause=Cause.AUTH_REJECTED,
            fix=fix(Cause.AUTH_REJECTED, "role", role=role, authenticator=ev.authenticator),
            title=title,
        )
    if info.cache_load_failed:
        return Finding(
            "api",
            Status.FAIL,
            f"PostgREST {version} answers 503 PGRST002: its schema cache fails to load",
            cause=Cause.CACHE_LOAD_FAILED,
            fix=cache_load_fix(ev),
            title=title,
            runbook_note="Sending NOTIFY only repeats the failing load; fix what makes the "
            "schema-cache query fail first.",
        )
    if info.error is not None and not info.exposed_schemas:
        cause = info.error.cause_if_not_stale
        if cause in (Cause.API_UNREACHABLE, Cause.DB_UNREACHABLE):
            return Finding(
                "api",
                Status.FAIL,
                f"PostgREST answers {info.status} {info.error.code}: {info.error.meaning}",
                cause=cause,
                fix=fix(cause, "local" if ev.local_stack else "remote",
                        api_url=ev.target.api_url.rstrip("/"),
                        host=urlsplit(ev.target.db_url).hostname,
                        port=urlsplit(ev.target.db_url).port or 5432),
                title=title,
            )  # fmt: skip
        if not info.error.code and info.postgrest_version is None:
            # no PostgREST error code and no postgrest Server header: something else answers
            # (a proxy's 5xx or redirect, a web server): nothing below can be checked
            return Finding(
                "api",
                Status.FAIL,
                f"{ev.target.api_url} answers {info.status} but not as PostgREST "
                f"({_not_postgrest(info.status)})",
                cause=Cause.API_UNREACHABLE,
                fix=fix(Cause.API_UNREACHABLE, "local" if ev.local_stack else "remote",
                        api_url=ev.target.api_url.rstrip("/")),
                title=title,
            )  # fmt: skip
        return Finding(
            "api",
            Status.WARN,
            f"PostgREST {version} answers {info.status} ({info.error.code or 'no code'}); "
            "exposed schemas unknown",
            title=title,
        )
    return Finding(
        "api",
        Status.PASS,
        f"PostgREST {version} answers; exposed schemas: {', '.join(info.exposed_schemas)}",
        evidence={"exposed_schemas": info.exposed_schemas},
        title=title,
    )


def cache_load_fix(ev: Evidence) -> str:
    """Pick the setting most likely to make PostgREST's cache query fail."""
    auth = ev.authenticator
    if ev.catalog:
        for role, _db, key, _value in ev.catalog.pgrst_settings:
            if key == "statement_timeout" and role == auth:
                return fix(Cause.CACHE_LOAD_FAILED, "timeout", authenticator=auth,
                           channel=ev.target.channel)  # fmt: skip
        for role, _db, key, value in ev.catalog.pgrst_settings:
            if key == "pgrst.db_schemas" and role == auth:
                missing = [
                    s.strip() for s in value.split(",") if s.strip() not in ev.catalog.schemas
                ]
                if missing:
                    return fix(Cause.CACHE_LOAD_FAILED, "schemas", authenticator=auth,
                               channel=ev.target.channel)  # fmt: skip
    return fix(Cause.CACHE_LOAD_FAILED, "generic", channel=ev.target.channel)


def _not_postgrest(status: int) -> str:
    if 300 <= status < 400:
        return "a redirect: is --api-url the PostgREST root?"
    if status >= 500:
        return "a server error from whatever is in front of PostgREST"
    return "no PostgREST error code: is --api-url the PostgREST root?"


def _message(body: object) -> str:
    if isinstance(body, dict):
        return str(body.get("message") or "")
    return ""


def admin(ev: Evidence) -> Finding | None:
    """PostgREST's own health view, when the admin server was given (--admin-url)."""
    if ev.admin is None:
        return None
    info = ev.admin
    loads = info.cache_loads
    if info.ready == 200:
        extra = ""
        if loads:
            extra = f"; schema cache loads: {int(loads.get('SUCCESS', 0))} ok"
            extra += f", {int(loads.get('FAIL', 0))} failed" if loads.get("FAIL") else ""
        return Finding("admin", Status.PASS, f"/live {info.live}, /ready 200{extra}",
                       title="Admin server")  # fmt: skip
    return Finding(
        "admin",
        Status.WARN,
        f"/ready answers {info.ready}: PostgREST is (re)loading its schema cache or its "
        "database connection is down",
        title="Admin server",
        evidence={"live": info.live, "ready": info.ready, "cache_loads": loads},
    )
