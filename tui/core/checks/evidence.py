"""Everything the probes collected, in one read-only bundle the pure checks work from."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from tui.core.knowledge.symptoms import ALL_SYMPTOMS, SYMPTOMS
from tui.core.postgrest_config import (
    choose_authenticator,
    extra_search_path_in_force,
    in_database,
    pre_config_in_force,
    pre_config_note,
    split_schemas,
)
from tui.core.probes.admin import AdminInfo
from tui.core.probes.agreement import Agreement
from tui.core.probes.api import ApiInfo
from tui.core.probes.catalog import Catalog
from tui.core.probes.db import ServerInfo
from tui.core.probes.listener import ListenerInfo
from tui.core.probes.openapi import SchemaDoc
from tui.core.probes.path import PathInfo
from tui.core.probes.targeted import TargetedAnswer
from tui.core.target import Target

if TYPE_CHECKING:
    # fleet builds on the diagnosis; the others are loaded only by a fleet, a --request,
    # named objects: a plain check needs none of them
    from tui.core.fleet import InstanceReport
    from tui.core.probes.alike import Alike
    from tui.core.probes.replay import ReplayResult
    from tui.core.request import FailingRequest
    from tui.core.specs import ObjectRef

LOCAL_SUPABASE_PORTS = {54321, 54322}
UNKNOWN_ROLE = (
    "no key was given and the anon role is unknown (name it with --anon-role, "
    "PGRST_DB_ANON_ROLE or --postgrest-config)"
)


T = TypeVar("T")


@dataclass(frozen=True)
class Found:
    """What one probe found, typed: each probe sets its own fields, None means not set.

    The field names are what its panel shows (``catalog: …``); ``Evidence.absorb`` merges
    one probe's findings into the bundle the checks read.
    """

    server: ServerInfo | None = None
    api: ApiInfo | None = None
    catalog: Catalog | None = None
    scoped: bool | None = None  # openapi: not needed, the named objects are probed directly
    disabled: bool | None = None  # openapi: the API serves no OpenAPI document
    docs: list[SchemaDoc] | None = None
    listener: ListenerInfo | None = None
    pids: list[int] | None = None  # PostgREST processes on this machine
    admin: AdminInfo | None = None
    replay: ReplayResult | None = None
    answers: list[TargetedAnswer] | None = None
    openapi_disabled: bool | None = None  # targeted: tables probed one by one instead
    path: PathInfo | None = None
    agreement: Agreement | None = None
    alike: Alike | None = None  # openapi: placed against another instance's full comparison
    instances: list[InstanceReport] | None = None  # the other instances of a fleet
    error: BaseException | None = None  # the probe crashed with this

    def shown(self) -> dict[str, Any]:
        """The fields set, in order, for a panel or a transcript line."""
        pairs = ((f.name, getattr(self, f.name)) for f in fields(self))
        return {name: value for name, value in pairs if value is not None}


def _or(new: T | None, old: T) -> T:
    return old if new is None else new


@dataclass
class Evidence:
    """Every probe's findings merged (``absorb``): the one bundle the pure checks read."""

    target: Target
    role: str | None  # the PostgreSQL role the API key maps to; None: no key, anon role unknown
    symptoms: tuple[str, ...] = ALL_SYMPTOMS
    objects: tuple[ObjectRef, ...] = ()  # named by the user or read from the failing request
    scoped: bool = False  # objects were named: only they were probed (no OpenAPI, no sweep)
    failing: FailingRequest | None = None  # the user's request, as given
    server: ServerInfo | None = None
    api: ApiInfo | None = None
    catalog: Catalog | None = None
    docs: list[SchemaDoc] | None = None
    openapi_disabled: bool = False
    listener: ListenerInfo | None = None
    admin: AdminInfo | None = None
    replay: ReplayResult | None = None
    targeted: list[TargetedAnswer] = field(default_factory=list)
    local_pids: list[int] = field(default_factory=list)
    path: PathInfo | None = None  # how reloads reach each instance (pooler, standby, channel)
    agreement: Agreement | None = None  # repeated answers behind the URL
    alike: Alike | None = None  # the same cache as the instance compared in full (or newer)
    instances: list[InstanceReport] = field(default_factory=list)  # the other instances
    errors: dict[str, str] = field(default_factory=dict)  # probe id -> why it has no evidence
    failed: set[str] = field(default_factory=set)  # probe ids that errored (not skipped)
    role_source: str = ""  # said where the role is not the key's or the target's (in-db)
    # the anon role was read outside the database (environment, file, project) and no
    # in-database setting overrides it: a db-pre-config function still may
    anon_role_outside: bool = False

    def absorb(self, found: Found) -> None:
        """Take one probe's findings; fields it did not set keep what others found."""
        self.server = _or(found.server, self.server)
        self.api = _or(found.api, self.api)
        self.catalog = _or(found.catalog, self.catalog)
        self.docs = _or(found.docs, self.docs)
        self.listener = _or(found.listener, self.listener)
        self.local_pids = _or(found.pids, self.local_pids)
        self.admin = _or(found.admin, self.admin)
        self.replay = _or(found.replay, self.replay)
        self.targeted = _or(found.answers, self.targeted)
        self.path = _or(found.path, self.path)
        self.agreement = _or(found.agreement, self.agreement)
        self.alike = _or(found.alike, self.alike)
        self.instances = _or(found.instances, self.instances)
        self.openapi_disabled = self.openapi_disabled or bool(found.disabled)

    @property
    def role_known(self) -> bool:
        return self.role is not None

    @property
    def role_shown(self) -> str:
        return self.role if self.role is not None else "(unknown anon role)"

    @property
    def cache_dump(self) -> bool:
        """PostgREST's /schema_cache was read, for a full comparison (v12.2+)."""
        return self.admin is not None and self.admin.dump is not None and not self.scoped

    @property
    def cache_answered(self) -> bool:
        """PostgREST said something about its cache: an OpenAPI document, an answer to a
        probe, or its cache dump."""
        return self.docs is not None or bool(self.targeted) or self.cache_dump

    @property
    def narrowed(self) -> bool:
        """The user picked symptoms (not the default "all")."""
        return set(self.symptoms) != set(ALL_SYMPTOMS)

    def asks(self, symptom: str) -> bool:
        return symptom in self.symptoms

    def kinds_asked(self) -> set[str]:
        kinds: set[str] = set()
        for symptom in self.symptoms:
            info = SYMPTOMS.get(symptom)
            if info:
                kinds.update(info.object_kinds)
        return kinds

    @property
    def postgrest_version(self) -> str | None:
        if self.api and self.api.postgrest_version:
            return self.api.postgrest_version
        for doc in self.docs or ():
            if doc.version:
                return doc.version
        return self.replay.postgrest_version if self.replay else None

    @property
    def exposed(self) -> list[str]:
        """PostgREST's own answer, else the authenticator's in-database ``pgrst.db_schemas``
        (it overrides PostgREST's environment and file), else the project's files."""
        if self.api and self.api.exposed_schemas:
            return list(self.api.exposed_schemas)
        if self.catalog and self.target.db_config:
            found = in_database(self.catalog.pgrst_settings, self.authenticator, "db_schemas")
            if found:
                return list(split_schemas(found[0]))
        return list(self.target.schemas_hint) or ["public"]

    @property
    def extra_search_path(self) -> tuple[str, ...]:
        """PostgREST's ``db-extra-search-path``: in-database, environment, file, default."""
        return self._extra_search_path[0]

    @property
    def _extra_search_path(self) -> tuple[tuple[str, ...], str]:
        settings = self.catalog.pgrst_settings if self.catalog else []
        return extra_search_path_in_force(self.target, settings, self.authenticator)

    @property
    def pre_config_note(self) -> str:
        """Names the ``db-pre-config`` function, wherever it is set, and what it may set
        that the doctor read from outside the database (never calling it)."""
        settings = self.catalog.pgrst_settings if self.catalog else []
        found = pre_config_in_force(self.target, settings, self.authenticator)
        if found is None:
            return ""
        in_db = self.catalog is not None and self.target.db_config
        read = [
            key for key, outside in (
                ("db-anon-role", self.anon_role_outside),
                ("db-schemas", not self.exposed_known and not (
                    in_db and in_database(settings, self.authenticator, "db_schemas"))),
                ("db-extra-search-path",
                 not self._extra_search_path[1].startswith("set in the database")),
            ) if outside
        ]  # fmt: skip
        return pre_config_note(found, read)

    @property
    def exposed_known(self) -> bool:
        return bool(self.api and self.api.exposed_schemas)

    @property
    def authenticator(self) -> str:
        """The role PostgREST logs in as (its sessions' user, else the usual name)."""
        users = [s.user for s in self.listener.sessions if s.user] if self.listener else []
        if self.catalog is None:
            return users[0] if users else "authenticator"
        return choose_authenticator([*users, *self.catalog.postgrest_users],
                                    self.catalog.pgrst_settings)  # fmt: skip

    @property
    def local_stack(self) -> bool:
        """The Supabase CLI's local stack (its default ports on loopback)."""
        ports = {urlsplit(self.target.api_url).port, urlsplit(self.target.db_url).port}
        return self.target.is_loopback and bool(ports & LOCAL_SUPABASE_PORTS)
