"""The user's failing request: which objects it touches, and what its replayed answer means."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote

from tui.core.checks import objects
from tui.core.checks.evidence import Evidence
from tui.core.checks.fixes import RELOAD, fix
from tui.core.checks.request_columns import (
    Embed,
    column_list,
    field_column,
    field_of,
    parse_select,
    top_level,
)
from tui.core.model import Cause, Finding, ObjectKind, StaleObject, Status
from tui.core.names import split_unquoted
from tui.core.probes.cache_only import body_keys, content_type

if TYPE_CHECKING:  # a check without --request loads neither
    from tui.core.request import FailingRequest
    from tui.core.specs import ObjectRef


def embeds(select: str, parent: str) -> list[tuple[str, str]]:
    """(parent, embedded name) for every embed of a select list, nested ones under the embed
    that holds them (``a(b(c))``: (t, a), (a, b), (b, c)); ``count()`` is an aggregate."""

    def walk(node: Embed) -> list[tuple[str, str]]:
        return [pair for e in node.embeds for pair in [(node.name, e.name), *walk(e)]]

    return walk(parse_select(select, parent))


def selected_columns(select: str) -> list[str]:
    """Plain column names of a select list: ``alias:col::cast`` -> ``col``; embeds, ``*``,
    JSON paths and aggregates are skipped (a 42703 names a real column of the relation;
    request_columns reads the rest for the privileges they need)."""
    columns = []
    for item in top_level(select):
        if "(" in item or "*" in item or "->" in item:
            continue
        name = field_column(field_of(item))
        if name and name.replace("_", "").isalnum():
            columns.append(name)
    return columns


def objects_in(request: FailingRequest, default_schema: str) -> list[ObjectRef]:
    """Tables, columns, functions and relationships a request names (no I/O)."""
    from tui.core.specs import ObjectRef

    headers = {k.lower(): v for k, v in request.headers.items()}
    schema = headers.get("accept-profile") or headers.get("content-profile") or default_schema
    path, _, query = request.path.partition("?")
    parts = [unquote(p) for p in path.strip("/").split("/") if p]
    if not parts:
        return []
    if parts[0] == "rpc" and len(parts) > 1:
        return [ObjectRef(ObjectKind.FUNCTION, schema, parts[1])]
    table = parts[-1]
    refs = [ObjectRef(ObjectKind.TABLE, schema, table)]
    params = dict(parse_qsl(query, keep_blank_values=True))
    for column in selected_columns(params.get("select", "")):
        refs.append(ObjectRef(ObjectKind.COLUMN, schema, table, column=column))
    for parent, name in embeds(params.get("select", ""), table):
        refs.append(ObjectRef(ObjectKind.RELATIONSHIP, schema, parent,
                              target_schema=schema, target_name=name))  # fmt: skip
    if request.method.upper() in {"POST", "PATCH", "PUT"}:
        columns = body_keys(request.body, content_type(request))
        if "columns" in params:
            columns += column_list(params["columns"])
        for column in dict.fromkeys(columns):
            refs.append(ObjectRef(ObjectKind.COLUMN, schema, table, column=column))
    return refs


CACHE_ONLY = " (asked of PostgREST's cache only: nothing was sent to the database)"

# how Diagnosis._describe words a timeout or a failed connection
UNANSWERED = ("no answer within", "cannot connect to")


def check(ev: Evidence, stale: list[StaleObject]) -> Finding | None:
    replay = ev.replay
    if replay is None:
        if "request" in ev.errors:
            why = ev.errors["request"]
            if why.startswith(UNANSWERED):
                # PostgREST took the connection but not the request (a slow query, a lock,
                # db-pre-request): the user's request is not served, whatever the cache holds
                return Finding(
                    "request", Status.FAIL,
                    f"replay failed: {why}; PostgREST does not answer this request",
                    cause=Cause.API_UNREACHABLE,
                    fix=fix(Cause.API_UNREACHABLE, "local" if ev.local_stack else "remote",
                            api_url=ev.target.api_url.rstrip("/")),
                    title="Your request",
                )  # fmt: skip
            return Finding("request", Status.ERROR, f"replay failed: {why}",
                           title="Your request")  # fmt: skip
        return None
    title = f"Your request: {replay.request}"
    form = " (replayed for real, once)" if replay.for_real else CACHE_ONLY
    if replay.ok and not replay.for_real and (blocked := _blocked_in_catalog(ev, stale)):
        # PostgREST resolves it, but PostgreSQL would refuse it: the catalog says why (the
        # cache-only form never reaches PostgreSQL, so its 42501 / 42P01 never comes back)
        return replace(blocked, check="request", title=title,
                       summary=f"resolves in PostgREST's cache{form}, but {blocked.summary}")  # fmt: skip
    if replay.ok:
        if replay.for_real:
            summary = f"answers {replay.status}{form}: PostgREST serves it"
        else:
            shown = "" if replay.planned else f"answers {replay.status}: "
            summary = (f"{shown}PostgREST's cache resolves everything it names{form}; "
                       "privileges are judged from the catalog")  # fmt: skip
        return Finding("request", Status.PASS, summary, title=title)
    error = replay.error
    assert error is not None
    what = f"answers {replay.status} {error.code or ''}{form}: {error.meaning}"
    explained_by_stale = error.may_be_stale and bool(stale) and _touches(ev, stale)
    if explained_by_stale:
        return Finding("request", Status.FAIL, f"{what}; the objects it needs are stale",
                       cause=Cause.STALE_CACHE, fix=RELOAD.format(channel=ev.target.channel),
                       objects=[s.name for s in stale], title=title)  # fmt: skip
    cause = error.cause_if_not_stale
    named = error.object_name(ev.exposed[0])  # the object the answer names, for the report
    if choices := error.names.get("choices"):  # PGRST201: the request must name one key
        what += f"; name the key in the embed, one of: {choices}"
    return Finding(
        "request", Status.FAIL, what, cause=cause, title=title,
        objects=[named] if named else [],
        evidence={"status": replay.status, "code": error.code, "names": error.names},
        runbook_note=None if error.may_be_stale else
        "This answer does not come from the schema cache: a reload won't change it.",
    )  # fmt: skip


def _blocked_in_catalog(ev: Evidence, stale: list[StaleObject]) -> Finding | None:
    """The first failing catalog verdict (missing, not exposed, no privilege) on an object
    the request names, or None."""
    if ev.failing is None or ev.catalog is None:
        return None
    schema = (ev.exposed or ["public"])[0]
    names = objects_in(ev.failing, schema)
    judged = objects.check(replace(ev, objects=tuple(names)), stale) if names else []
    return next((f for f in judged if f.status is Status.FAIL and f.cause is not None
                 and f.cause is not Cause.STALE_CACHE), None)  # fmt: skip


def _touches(ev: Evidence, stale: list[StaleObject]) -> bool:
    names = {o.display for o in ev.objects}
    tables = {o.table_display for o in ev.objects}
    pairs = {frozenset(_ends(o.display)) for o in ev.objects if o.kind is ObjectKind.RELATIONSHIP}
    for s in stale:
        parts = split_unquoted(split_unquoted(s.name, ":!")[0], ".")
        if s.name in names or ".".join(parts[:2]) in tables:
            return True
        if s.kind is ObjectKind.RELATIONSHIP and frozenset(_ends(s.name)) in pairs:
            return True
    return False


def _ends(rel: str) -> tuple[str, ...]:
    """A relationship's two tables, whichever way round and whatever key it names."""
    return tuple(split_unquoted(split_unquoted(rel, "!")[0], ":"))
