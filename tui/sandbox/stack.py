"""The sandbox: a PostgreSQL database seeded with a small shop and a real PostgREST serving it.

Used by ``pgrst-doctor sandbox``, ``pgrst-doctor demo``, the test fixtures and the benchmarks,
so every one of them runs the same real parts.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tui.core.errors import SandboxError, UsageError
from tui.core.target import Target
from tui.core.tools import DEFAULT_POSTGREST
from tui.sandbox import jwt
from tui.sandbox.cluster import Cluster
from tui.sandbox.drift import DRIFTS, Drift, select_drifts
from tui.sandbox.postgrest import PostgrestConfig, PostgrestServer

SUPERUSER_PASSWORD = "postgres"  # trust auth ignores it; kept so URLs look like Supabase's


def sql_text(name: str) -> str:
    return resources.files("tui.sandbox").joinpath("sql", name).read_text()


def bootstrap_roles(cluster: Cluster) -> None:
    cluster.execute("postgres", sql_text("roles.sql"))


def seed_database(cluster: Cluster, dbname: str) -> None:
    """Create ``dbname`` holding the shop schema (roles must exist)."""
    cluster.create_database(dbname)
    cluster.execute(dbname, sql_text("seed.sql"))


@dataclass(frozen=True)
class Connection:
    """What a client needs to reach the sandbox (secrets included: print with care)."""

    db_url: str
    api_url: str
    admin_url: str
    anon_key: str
    service_key: str
    project_dir: Path

    def env(self) -> dict[str, str]:
        """Environment variables, in the names target resolution reads."""
        return {
            "PGRST_DOCTOR_DB_URL": self.db_url,
            "PGRST_DOCTOR_API_URL": self.api_url,
            "PGRST_DOCTOR_ADMIN_URL": self.admin_url,
            "ANON_KEY": self.anon_key,
            "SERVICE_ROLE_KEY": self.service_key,
        }

    def exports(self) -> str:
        """Shell ``export`` lines of ``env()``."""
        return "\n".join(f"export {key}='{value}'" for key, value in self.env().items())


class Sandbox:
    """A seeded database plus its own PostgREST, inside a shared or an own cluster."""

    def __init__(
        self,
        *,
        postgrest_version: str = DEFAULT_POSTGREST,
        schemas: tuple[str, ...] = ("public",),
        cluster: Cluster | None = None,
        template: str | None = None,
        dbname: str | None = None,
        postgrest_extra: dict[str, str | int | bool] | None = None,
        anon_role: str = "anon",
    ) -> None:
        self.postgrest_version = postgrest_version
        self.schemas = schemas
        self._own_cluster = cluster is None
        self.cluster = cluster
        self.template = template
        self.dbname = dbname or f"shop_{uuid.uuid4().hex[:8]}"
        self.postgrest_extra = postgrest_extra or {}
        self.anon_role = anon_role  # db-anon-role; the anon key names it too
        self.jwt_secret = jwt.new_secret()
        self.workdir = Path(tempfile.mkdtemp(prefix="pgrst-sandbox-"))
        self.workdir.chmod(0o711)  # PostgREST runs as the service user when we are root
        self.postgrest: PostgrestServer | None = None
        self.applied: list[Drift] = []

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> Sandbox:
        try:
            if self.cluster is None:
                self.cluster = Cluster().start()
                bootstrap_roles(self.cluster)
            if self.template:
                self.cluster.create_database(self.dbname, template=self.template)
            else:
                seed_database(self.cluster, self.dbname)
            self._write_project()
            config = PostgrestConfig(
                db_port=self.cluster.port,
                db_name=self.dbname,
                jwt_secret=self.jwt_secret,
                schemas=self.schemas,
                anon_role=self.anon_role,
                extra=self.postgrest_extra,
            )
            self.postgrest = PostgrestServer(
                config, workdir=self.workdir / "postgrest", major=self.postgrest_version
            ).start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Tear down in order: PostgREST, the database (shared cluster) or the cluster."""
        if self.postgrest is not None:
            self.postgrest.stop()
            self.postgrest = None
        if self.cluster is not None:
            if self._own_cluster:
                self.cluster.stop()
                self.cluster = None
            else:
                # the shared cluster goes away at session end anyway
                with contextlib.suppress(Exception):
                    self.cluster.drop_database(self.dbname)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what clients need -------------------------------------------------------------------
    def _require(self) -> tuple[Cluster, PostgrestServer]:
        if self.cluster is None or self.postgrest is None:
            raise SandboxError("the sandbox is not running")
        return self.cluster, self.postgrest

    @property
    def db_url(self) -> str:
        cluster, _ = self._require()
        return cluster.dsn(self.dbname, password=SUPERUSER_PASSWORD)

    def role_key(self, role: str) -> str:
        return jwt.role_key(role, self.jwt_secret)

    def connection(self) -> Connection:
        _, server = self._require()
        return Connection(
            db_url=self.db_url,
            api_url=server.api_url,
            admin_url=server.admin_url,
            anon_key=self.role_key(self.anon_role),
            service_key=self.role_key("service_role"),
            project_dir=self.workdir / "project",
        )

    def target(self) -> Target:
        """The doctor's Target for this sandbox (its anon key is what a failing client sends)."""
        conn = self.connection()
        return Target(
            db_url=conn.db_url,
            api_url=conn.api_url,
            api_key=conn.anon_key,
            service_key=conn.service_key,
            admin_url=conn.admin_url,
            project_dir=conn.project_dir,
            schemas_hint=self.schemas,
            anon_role=self.anon_role,
            sources=dict.fromkeys(
                ("db_url", "api_url", "api_key", "service_key", "admin_url"), "sandbox"
            ),
        )

    # -- drift -------------------------------------------------------------------------------
    def apply_drift(self, names: list[str]) -> list[Drift]:
        """Run each symptom's DDL without NOTIFY; PostgREST's cache goes stale."""
        try:
            drifts = select_drifts(names)
        except KeyError as exc:
            raise UsageError(
                f"unknown drift {exc.args[0]!r}: choose all or one of {', '.join(DRIFTS)}"
            ) from None
        cluster, _ = self._require()
        for drift in drifts:
            if drift in self.applied:
                continue
            cluster.execute(self.dbname, drift.sql)
            self.applied.append(drift)
        return drifts

    def execute(self, statements: str) -> None:
        cluster, _ = self._require()
        cluster.execute(self.dbname, statements)

    # -- a Supabase project folder mirroring the seed (for `supabase db reset --db-url`) ------
    def _write_project(self) -> None:
        supabase = self.workdir / "project" / "supabase"
        (supabase / "migrations").mkdir(parents=True, exist_ok=True)
        (supabase / "config.toml").write_text(
            'project_id = "pgrst-doctor-sandbox"\n\n'
            f"[api]\nschemas = [{', '.join(repr(s) for s in self.schemas)}]\n"
            'extra_search_path = ["public"]\n\n'
            f"[db]\nport = {self.cluster.port if self.cluster else 54322}\nmajor_version = 15\n"
        )
        (supabase / "migrations" / "20260101000000_shop.sql").write_text(sql_text("seed.sql"))
