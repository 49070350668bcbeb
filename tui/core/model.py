"""The one result vocabulary every part shares: the CLI prints it, ``--json`` serialises it,
the wizard's panels render it and the transcript records it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

SCHEMA_VERSION = 1


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"  # the check itself could not run (timeout, crash)
    SKIPPED = "skipped"  # a prerequisite failed; `summary` says which


class Tone(StrEnum):
    """What a word means to the reader; each front end maps a tone to its own style."""

    GOOD = "good"
    WARN = "warn"
    BAD = "bad"
    MUTED = "muted"


@dataclass(frozen=True)
class Wording:
    """The one glyph and word for a status or verdict, rendered as is by the CLI, the wizard
    and the transcript (colour is never the only signal; renderers add only style)."""

    glyph: str
    word: str
    tone: Tone
    meaning: str = ""  # verdicts: what it means for the person on call

    @property
    def label(self) -> str:
        return f"{self.glyph} {self.word}"


STATUS_WORDING: dict[Status, Wording] = {
    Status.PASS: Wording("✓", "ok", Tone.GOOD),
    Status.WARN: Wording("!", "warning", Tone.WARN),
    Status.FAIL: Wording("✗", "problem", Tone.BAD),
    Status.ERROR: Wording("?", "error", Tone.BAD),  # the check could not run: no verdict
    Status.SKIPPED: Wording("-", "skipped", Tone.MUTED),
}
STATUS_GLYPH: dict[Status, str] = {s: w.glyph for s, w in STATUS_WORDING.items()}


class Cause(StrEnum):
    """The exact cause vocabulary (scripts and CI depend on these strings)."""

    STALE_CACHE = "stale-cache"
    OBJECT_MISSING = "object-missing"
    SCHEMA_NOT_EXPOSED = "schema-not-exposed"
    MISSING_PRIVILEGE = "missing-privilege"
    NO_LISTENER = "no-listener"
    RLS_DISABLED = "rls-disabled"
    RLS_BYPASSED = "rls-bypassed"
    ENUM_VALUE_MISSING = "enum-value-missing"
    API_UNREACHABLE = "api-unreachable"
    DB_UNREACHABLE = "db-unreachable"
    DB_LOGIN_REJECTED = "db-login-rejected"  # it answered: wrong password, user or database
    AUTH_REJECTED = "auth-rejected"
    CACHE_LOAD_FAILED = "cache-load-failed"
    AUTO_RELOAD_OFF = "auto-reload-off"
    INSTANCES_DISAGREE = "instances-disagree"
    LISTENER_BEHIND_POOLER = "listener-behind-pooler"
    POSTGREST_ON_STANDBY = "postgrest-on-standby"
    CHANNEL_MISMATCH = "channel-mismatch"


class Verdict(StrEnum):
    HEALTHY = "healthy"
    STALE_CACHE = "stale-cache"
    NOT_CACHE = "not-cache"
    UNREACHABLE = "unreachable"
    # the database rejected the login (password, user, database): a setting to fix, exit 2
    MISCONFIGURED = "misconfigured"
    # nothing failed, but the cache could not be compared with the database (no OpenAPI, no
    # catalog, drift unknown): never "healthy"
    UNDETERMINED = "undetermined"


VERDICT_WORDING: dict[Verdict, Wording] = {
    Verdict.HEALTHY: Wording(
        "✓", "healthy", Tone.GOOD, "the API serves what the database holds."
    ),
    Verdict.STALE_CACHE: Wording(
        "✗", "stale cache", Tone.BAD,
        "PostgREST serves an old picture of the database: reload its schema cache.",
    ),
    Verdict.NOT_CACHE: Wording(
        "✗", "not the cache", Tone.BAD,
        "a reload will not fix what you see: fix the problems below.",
    ),
    Verdict.UNREACHABLE: Wording(
        "✗", "unreachable", Tone.BAD,
        "the database or the API could not be reached; nothing else could be judged.",
    ),
    Verdict.MISCONFIGURED: Wording(
        "✗", "misconfigured", Tone.BAD,
        "the database refused the login: fix the setting named above.",
    ),
    Verdict.UNDETERMINED: Wording(
        "?", "undetermined", Tone.WARN,
        "the cache could not be compared with the database: not known to be healthy.",
    ),
}  # fmt: skip


def verdict_line(verdict: Verdict) -> str:
    """``✗ stale cache: PostgREST serves …``: the verdict as every front end words it."""
    w = VERDICT_WORDING[verdict]
    return f"{w.label}: {w.meaning}"


# CLI exit code per verdict (2 = usage/config, 4 = refused by a guard are raised, not verdicts).
VERDICT_EXIT: dict[Verdict, int] = {
    Verdict.HEALTHY: 0,
    Verdict.STALE_CACHE: 1,
    Verdict.NOT_CACHE: 1,
    Verdict.UNREACHABLE: 3,
    Verdict.MISCONFIGURED: 2,
    Verdict.UNDETERMINED: 5,
}


class ObjectKind(StrEnum):
    TABLE = "table"
    VIEW = "view"
    MATERIALIZED_VIEW = "materialized view"
    COLUMN = "column"
    FUNCTION = "function"
    RELATIONSHIP = "relationship"
    ENUM = "enum"


class Change(StrEnum):
    ADDED = "added"  # in the database, not (yet) in PostgREST's cache
    REMOVED = "removed"  # still in PostgREST's cache, gone from the database


@dataclass(frozen=True, order=True)
class StaleObject:
    """One object on which the database and PostgREST's cache disagree.

    Names, each identifier quoted as psql quotes it (``names.quote_ident``: ``test."x.y"``):
    tables/views/functions ``schema.name``; columns ``schema.table.column``; relationships
    ``schema.from:schema.to!constraint`` (PostgREST's embed hint; a key only OpenAPI showed
    is hinted by its column); enum values ``schema.type:label`` (the label as is).
    """

    kind: ObjectKind
    name: str
    change: Change

    def to_json(self) -> dict[str, str]:
        return {"kind": str(self.kind), "name": self.name, "change": str(self.change)}


@dataclass
class Finding:
    """The result of one check."""

    check: str  # stable id, e.g. "listener", "drift", "rls"
    status: Status
    summary: str  # one line, plain words
    cause: Cause | None = None
    objects: list[str] = field(default_factory=list)
    fix: str | None = None  # the exact command or SQL to run, never prose
    evidence: dict[str, Any] = field(default_factory=dict)  # what the verdict rests on
    elapsed_ms: float = 0.0
    title: str = ""  # human heading for panels; defaults to the check id
    runbook_note: str | None = None  # where RUN-002 would have misled, in plain words

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "status": str(self.status),
            "cause": str(self.cause) if self.cause else None,
            "objects": list(self.objects),
            "summary": self.summary,
            "fix": self.fix,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }

    def to_record(self) -> dict[str, Any]:
        """Everything, for the transcript (evidence included)."""
        record = asdict(self)
        record["status"] = str(self.status)
        record["cause"] = str(self.cause) if self.cause else None
        return record


@dataclass
class Report:
    """What `pgrst-doctor check` answers; ``to_json`` is the stable ``--json`` object."""

    verdict: Verdict
    postgrest_version: str | None
    listening: bool | None
    stale_objects: list[StaleObject]
    findings: list[Finding]
    remedies: list[str]
    elapsed_ms: float
    server_version: str | None = None  # PostgreSQL's
    fingerprint: dict[str, Any] | None = None  # system identifier, database, server version
    config_error: str | None = None  # a wrong password/user/database: the user's to fix (exit 2)

    @property
    def exit_code(self) -> int:
        return 2 if self.config_error else VERDICT_EXIT[self.verdict]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "verdict": str(self.verdict),
            "postgrest_version": self.postgrest_version,
            "listening": self.listening,
            "stale_objects": [o.to_json() for o in sorted(self.stale_objects)],
            "findings": [f.to_json() for f in self.findings],
            "remedies": list(self.remedies),
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
