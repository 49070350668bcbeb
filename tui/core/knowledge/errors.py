"""PostgREST's error answers as data: one table per version family, and ``classify()``.

Families: 11 and 12 as measured on the real 11.2.2 / 12.0.2 (the sandbox, drift applied),
13 for v13 and later (v14, v16) from PostgREST's documented error table. Each entry
says what the answer means, which kind of object it is about, whether a schema-cache reload
could change it (``may_be_stale``) and what it means when the cache is not to blame. Names are
pulled out of the message by per-entry regexes, so a check never parses text itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from tui.core.model import Cause, ObjectKind

EMPTY_404 = "404{}"  # PostgREST 11-12: a write to a table the cache lacks answers 404 with {}
GENERAL = "any"  # version unknown: the union of every family


@dataclass(frozen=True)
class Pattern:
    """A regex over one field of the error body (named groups become ``ErrorClass.names``).
    A match may refine the entry's object kind and cause (e.g. 22P02 on an enum vs a uuid)."""

    regex: str
    field: str = "message"
    kind: ObjectKind | None = None
    cause: Cause | None = None


@dataclass(frozen=True)
class ErrorAnswer:
    """What one PostgREST error code means, and whether a reload could change it."""

    code: str
    http_status: int | None  # what PostgREST answers with this code (None: varies)
    meaning: str
    object_kind: ObjectKind | None = None
    may_be_stale: bool = False  # a schema-cache reload could change this answer
    cause_if_not_stale: Cause | None = None
    patterns: tuple[Pattern, ...] = ()


@dataclass(frozen=True)
class ErrorClass:
    """One classified answer. ``names`` holds what the message names: schema, relation,
    column, function, args, source, target, type, label (whichever apply)."""

    code: str | None
    http_status: int
    meaning: str
    object_kind: ObjectKind | None = None
    may_be_stale: bool = False
    cause_if_not_stale: Cause | None = None
    names: dict[str, str] = field(default_factory=dict)
    family: str = GENERAL
    known: bool = True  # False when no table entry matched

    def object_name(self, default_schema: str = "public") -> str | None:
        """The named object in the report's naming convention, when the message names one."""
        n = self.names
        schema = n.get("schema", default_schema)
        if self.object_kind is ObjectKind.COLUMN and "column" in n and "relation" in n:
            return f"{schema}.{n['relation']}.{n['column']}"
        if self.object_kind is ObjectKind.RELATIONSHIP and "source" in n and "target" in n:
            return f"{schema}.{n['source']}:{schema}.{n['target']}"
        if self.object_kind is ObjectKind.ENUM and "type" in n and "label" in n:
            return f"{schema}.{n['type']}:{n['label']}"
        if self.object_kind is ObjectKind.FUNCTION and "function" in n:
            return _qualify(n["function"], default_schema)
        if "relation" in n:
            return _qualify(n["relation"], schema)
        return None


def _qualify(name: str, schema: str) -> str:
    return name if "." in name else f"{schema}.{name}"


# -- the tables ---------------------------------------------------------------------------------
_Q = r"'(?P<{}>[^']+)'"  # a single-quoted name in PGRST messages

_COMMON: tuple[ErrorAnswer, ...] = (
    ErrorAnswer("PGRST000", 503, "PostgREST cannot connect to the database",
                cause_if_not_stale=Cause.DB_UNREACHABLE),
    ErrorAnswer("PGRST001", 503, "database client error inside PostgREST",
                cause_if_not_stale=Cause.DB_UNREACHABLE),
    ErrorAnswer("PGRST002", 503, "the schema cache failed to load (statement timeout, invalid "
                "db-schemas); reloading won't help until that is fixed",
                cause_if_not_stale=Cause.CACHE_LOAD_FAILED),
    ErrorAnswer("PGRST003", 504, "timed out acquiring a database connection from the pool",
                cause_if_not_stale=Cause.DB_UNREACHABLE),
    ErrorAnswer("PGRST100", 400, "query string could not be parsed"),
    ErrorAnswer("PGRST101", 405, "functions accept only GET and POST"),
    ErrorAnswer("PGRST102", 400, "request body is empty or not valid JSON"),
    ErrorAnswer("PGRST103", 416, "invalid range"),
    ErrorAnswer("PGRST105", 405, "invalid PUT request"),
    ErrorAnswer("PGRST106", 406, "schema not exposed (not in db-schemas)",
                cause_if_not_stale=Cause.SCHEMA_NOT_EXPOSED,
                patterns=(Pattern(r"following: (?P<exposed>.*)$"),)),
    ErrorAnswer("PGRST107", None, "media type not available"),
    ErrorAnswer("PGRST108", 400, "filter on a resource that is not embedded in select"),
    ErrorAnswer("PGRST111", 500, "invalid response.headers setting"),
    ErrorAnswer("PGRST112", 500, "invalid response.status setting"),
    ErrorAnswer("PGRST114", 400, "limit/offset with PUT"),
    ErrorAnswer("PGRST115", 400, "PUT primary key does not match the body"),
    ErrorAnswer("PGRST116", 406, "singular response requested but 0 or many rows"),
    ErrorAnswer("PGRST117", 405, "unsupported HTTP verb"),
    ErrorAnswer("PGRST118", 400, "related order on a relationship that is not to-one"),
    ErrorAnswer("PGRST120", 400, "bad operator on an embedded resource filter"),
    ErrorAnswer("PGRST200", 400, "relationship not in the schema cache (new foreign key, or "
                "none exists, or the target's schema is not exposed)",
                ObjectKind.RELATIONSHIP, True, Cause.OBJECT_MISSING,
                (Pattern(r"between " + _Q.format("source") + r" and " + _Q.format("target")),
                 Pattern(r"in the schema " + _Q.format("schema"), field="details"))),
    # 300 Multiple Choices: an error. Stale only when a cached key is gone from the database;
    # otherwise the request must name its key, as PostgREST's hint lists them
    ErrorAnswer("PGRST201", 300, "ambiguous embedding: more than one relationship matches",
                ObjectKind.RELATIONSHIP, True, None,
                (Pattern(r"found for " + _Q.format("source") + r" and " + _Q.format("target")),
                 Pattern(r"following: (?P<choices>.+?)\. Find the desired", field="hint"))),
    ErrorAnswer("PGRST202", 404, "function not in the schema cache (new function, or no "
                "function with these argument names exists)",
                ObjectKind.FUNCTION, True, Cause.OBJECT_MISSING,
                (Pattern(r"function (?P<function>[^\s(]+)\((?P<args>[^)]*)\)"),
                 Pattern(r"function (?P<function>\S+) without parameters"))),
    ErrorAnswer("PGRST203", 300, "overloaded function: cannot choose the candidate",
                ObjectKind.FUNCTION, True),  # stale when a cached overload was dropped
    ErrorAnswer("PGRST204", 400, "column (a body key or ?columns=) not in the schema cache",
                ObjectKind.COLUMN, True, Cause.OBJECT_MISSING,
                (Pattern(r"\bColumn " + _Q.format("column") + r" of relation "
                         + _Q.format("relation")),  # v11.0 - v12.0.2
                 Pattern(r"find the " + _Q.format("column") + r" column of "
                         + _Q.format("relation")))),  # v12.0.3+
    ErrorAnswer("PGRST300", 500, "PostgREST has no JWT secret configured"),
    ErrorAnswer("PGRST301", 401, "the JWT was rejected", cause_if_not_stale=Cause.AUTH_REJECTED),
    ErrorAnswer("PGRST302", 401, "anonymous access is disabled and no JWT was sent",
                cause_if_not_stale=Cause.AUTH_REJECTED),
    # PostgreSQL's own answers, passed through by PostgREST
    ErrorAnswer("42P01", 404, "relation does not exist in the database",
                ObjectKind.TABLE, False, Cause.OBJECT_MISSING,
                (Pattern(r'relation "(?:(?P<schema>[^".]+)\.)?(?P<relation>[^"]+)" does not'),)),
    ErrorAnswer("42703", 400, "column does not exist in the relation queried (not staleness)",
                ObjectKind.COLUMN, False, Cause.OBJECT_MISSING,
                (Pattern(r'column "(?P<column>[^"]+)" of relation "(?P<relation>[^"]+)"'),
                 Pattern(r"column (?P<relation>[^\s.\"]+)\.(?P<column>\S+) does not exist"),
                 Pattern(r'column "(?P<column>[^"]+)" does not exist'))),
    ErrorAnswer("42883", 404, "function or operator does not exist in the database",
                None, False, Cause.OBJECT_MISSING,
                (Pattern(r"function (?P<function>[^\s(]+)\((?P<args>[^)]*)\) does not exist",
                         kind=ObjectKind.FUNCTION),)),
    ErrorAnswer("42501", None, "permission denied: the request role lacks a GRANT "
                "(privileges are not cached)", None, False, Cause.MISSING_PRIVILEGE,
                (Pattern(r"permission denied for (?:table|view|materialized view) "
                         r"(?P<relation>\S+)", kind=ObjectKind.TABLE),
                 Pattern(r"permission denied for function (?P<function>\S+)",
                         kind=ObjectKind.FUNCTION),
                 Pattern(r"permission denied for schema (?P<schema>\S+)"))),
    ErrorAnswer("22P02", 400, "invalid input: PostgreSQL rejected a value (enum labels are "
                "checked by PostgreSQL, never by the cache)", None, False, None,
                (Pattern(r'invalid input value for enum (?:(?P<schema>[^\s.:]+)\.)?'
                         r'(?P<type>[^\s.:]+): "(?P<label>.*)"$',
                         kind=ObjectKind.ENUM, cause=Cause.ENUM_VALUE_MISSING),)),
    ErrorAnswer("22023", None, "invalid parameter value (e.g. the JWT role does not exist)"),
)  # fmt: skip

# v11-12 only: codes removed in 13, and the bare 404 {} a stale write gets.
_UP_TO_12: tuple[ErrorAnswer, ...] = (
    ErrorAnswer("PGRST109", 400, "limited update/delete without order"),
    ErrorAnswer("PGRST110", 400, "max rows to change surpassed"),
    ErrorAnswer("PGRST119", 400, "spread on a relationship that is not to-one"),
    ErrorAnswer(EMPTY_404, 404, "a write to a table the schema cache lacks (new table, or a "
                "table that never existed): PostgREST 11-12 answer 404 with an empty {}",
                ObjectKind.TABLE, True, Cause.OBJECT_MISSING),
)  # fmt: skip

_FROM_12: tuple[ErrorAnswer, ...] = (
    ErrorAnswer("PGRST121", 500, "cannot parse a RAISE 'PGRST' JSON payload"),
    ErrorAnswer("PGRST122", 400, "invalid preferences with handling=strict"),
    ErrorAnswer("PGRST123", 400, "aggregates are disabled"),
    ErrorAnswer("PGRST124", 400, "max-affected violated"),
)  # fmt: skip

_FROM_13: tuple[ErrorAnswer, ...] = (
    ErrorAnswer("PGRST106", 406, "schema not exposed (not in db-schemas)",
                cause_if_not_stale=Cause.SCHEMA_NOT_EXPOSED,
                patterns=(Pattern(r"following: (?P<exposed>.*)$"),  # v13.0.0 - v13.0.6
                          Pattern(r"^Invalid schema: (?P<schema>.*)$"),  # v13.0.7+
                          Pattern(r"exposed: (?P<exposed>.*)$", field="hint"))),
    ErrorAnswer("PGRST125", 404, "invalid path in the URL"),
    ErrorAnswer("PGRST126", 404, "OpenAPI is disabled but the root was requested"),
    ErrorAnswer("PGRST127", 400, "feature not implemented"),
    ErrorAnswer("PGRST128", 400, "max-affected with an RPC that does not return SETOF"),
    ErrorAnswer("PGRST205", 404, "table or view not in the schema cache: the same answer for "
                "one created after the last load and one that never existed",
                ObjectKind.TABLE, True, Cause.OBJECT_MISSING,
                (Pattern(r"the table '(?:(?P<schema>[^'.]+)\.)?(?P<relation>[^']+)'"),)),
    ErrorAnswer("PGRST303", 401, "JWT claims were rejected (expired, audience, ...)",
                cause_if_not_stale=Cause.AUTH_REJECTED),
    ErrorAnswer("22023", None, "invalid parameter value (e.g. the JWT role does not exist)",
                patterns=(Pattern(r'role "(?P<role>[^"]+)" does not exist',
                                  cause=Cause.AUTH_REJECTED),)),
)  # fmt: skip

# Answers without a PostgREST/PostgreSQL code (gateways, proxies), by HTTP status.
_BY_STATUS: dict[int, ErrorAnswer] = {
    a.http_status or 0: a
    for a in (
        ErrorAnswer("HTTP401", 401, "the gateway or PostgREST rejected the key",
                    cause_if_not_stale=Cause.AUTH_REJECTED),
        ErrorAnswer("HTTP403", 403, "forbidden", cause_if_not_stale=Cause.AUTH_REJECTED),
        ErrorAnswer("HTTP502", 502, "the gateway cannot reach PostgREST",
                    cause_if_not_stale=Cause.API_UNREACHABLE),
        ErrorAnswer("HTTP503", 503, "service unavailable", cause_if_not_stale=Cause.API_UNREACHABLE),
        ErrorAnswer("HTTP504", 504, "the gateway timed out waiting for PostgREST",
                    cause_if_not_stale=Cause.API_UNREACHABLE),
    )
}  # fmt: skip


def _table(*groups: tuple[ErrorAnswer, ...]) -> dict[str, ErrorAnswer]:
    table: dict[str, ErrorAnswer] = {}
    for group in groups:
        table.update({a.code: a for a in group})
    return table


def _union(*tables: dict[str, ErrorAnswer]) -> dict[str, ErrorAnswer]:
    """Later tables win, but every family's message patterns are kept (wordings differ)."""
    merged: dict[str, ErrorAnswer] = {}
    for table in tables:
        for code, answer in table.items():
            if code in merged:
                old = merged[code].patterns
                extra = tuple(p for p in old if p not in answer.patterns)
                answer = replace(answer, patterns=answer.patterns + extra)
            merged[code] = answer
    return merged


ERROR_TABLES: dict[str, dict[str, ErrorAnswer]] = {
    "11": _table(_COMMON, _UP_TO_12),
    "12": _table(_COMMON, _UP_TO_12, _FROM_12),
    "13": _table(_COMMON, _FROM_12, _FROM_13),
}
ERROR_TABLES[GENERAL] = _union(ERROR_TABLES["11"], ERROR_TABLES["12"], ERROR_TABLES["13"])


# -- classification -----------------------------------------------------------------------------
def version_family(version: str | None) -> str:
    """ "12.0.2" -> "12", "11.2.2" -> "11", "14.6" / "16.0" -> "13" (13 and later share a
    table), None or unparsable -> "any". Versions before 11 use the 11 table."""
    match = re.match(r"\s*v?(\d+)", version or "")
    if not match:
        return GENERAL
    major = int(match.group(1))
    if major >= 13:
        return "13"
    return "12" if major == 12 else "11"


def _body_dict(body: Any) -> dict[str, Any] | None:
    if isinstance(body, dict):
        return body
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8", errors="replace")
    if isinstance(body, str):
        try:
            parsed = json.loads(body) if body.strip() else None
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else json.dumps(value)


def classify(postgrest_version: str | None, status: int, body: Any) -> ErrorClass:
    """What an answer means, looked up in the version family's table.

    ``body`` may be a parsed dict, JSON text or bytes. Lookup order: the body's ``code``; the
    bare 404 ``{}`` (11-12 and unknown versions); the HTTP status alone.
    """
    family = version_family(postgrest_version)
    table = ERROR_TABLES[family]
    data = _body_dict(body)
    code = data.get("code") if data else None
    answer: ErrorAnswer | None = None
    if isinstance(code, str) and code:
        answer = table.get(code)
        if answer is None and family != GENERAL:
            answer = ERROR_TABLES[GENERAL].get(code)
    elif status == 404 and data == {} and EMPTY_404 in table:
        answer = table[EMPTY_404]
    if answer is None and not code:
        answer = _BY_STATUS.get(status)
    if answer is None:
        message = _text(data.get("message")) if data else ""
        return ErrorClass(
            code=code if isinstance(code, str) else None,
            http_status=status,
            meaning=message or f"HTTP {status}",
            family=family,
            known=False,
        )
    kind, cause, names = answer.object_kind, answer.cause_if_not_stale, {}
    for pattern in answer.patterns:
        text = _text(data.get(pattern.field)) if data else ""
        match = re.search(pattern.regex, text)
        if not match:
            continue
        names.update({k: v for k, v in match.groupdict().items() if v is not None})
        kind = pattern.kind or kind
        cause = pattern.cause or cause
    return ErrorClass(
        code=answer.code,
        http_status=status,
        meaning=answer.meaning,
        object_kind=kind,
        may_be_stale=answer.may_be_stale,
        cause_if_not_stale=cause,
        names=names,
        family=family,
    )


_EXPOSED_PATTERNS = (
    ("message", re.compile(r"following:\s*(?P<list>.*)$")),  # up to v13.0.6
    ("hint", re.compile(r"exposed:\s*(?P<list>.*)$")),  # v13.0.7+
)


def exposed_schemas_from_pgrst106(body: Any) -> list[str]:
    """The exposed schemas PGRST106 lists: in the message up to v13.0.6, in the hint after."""
    data = _body_dict(body)
    if not data or data.get("code") != "PGRST106":
        return []
    for field_name, pattern in _EXPOSED_PATTERNS:
        match = pattern.search(_text(data.get(field_name)))
        if match:
            return [s.strip() for s in match.group("list").split(",") if s.strip()]
    return []
