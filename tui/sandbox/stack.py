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
from tui.sandbox.shape import Topology
from tui.sandbox.topology import LoadBalancer, Pooler, Standby

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

    api_urls: tuple[str, ...] = ()  # every instance's own URL, when there are several

    def env(self) -> dict[str, str]:
        """Environment variables, in the names target resolution reads."""
        urls = {"PGRST_DOCTOR_API_URLS": ",".join(self.api_urls)} if self.api_urls else {}
        return {
            "PGRST_DOCTOR_DB_URL": self.db_url,
            "PGRST_DOCTOR_API_URL": self.api_url,
            **urls,
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
        topology: Topology | None = None,
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
        self.topology = topology or Topology()
        self.instances: list[PostgrestServer] = []
        self.balancer: LoadBalancer | None = None
        self.pooler: Pooler | None = None
        self.standby: Standby | None = None
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
            self._start_topology(self.cluster)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_topology(self, cluster: Cluster) -> None:
        """The PostgREST instances and what stands around them (see topology.py): the last
        instance goes through the pooler or to the standby when those are asked for."""
        shape = self.topology
        direct_port = cluster.port
        special_port = cluster.port
        extra_last: dict[str, str | int | bool] = {}
        if shape.standby:
            standby = self.standby = Standby(cluster)
            standby.start()
            special_port = standby.port
        if shape.pooler:
            self.pooler = Pooler(
                special_port, self.workdir / "pgbouncer", ("authenticator", "postgres")
            ).start()
            special_port = self.pooler.port
            extra_last["db-prepared-statements"] = False
        for index in range(shape.instances):
            last = index == shape.instances - 1
            extra = dict(self.postgrest_extra)
            extra.update(shape.extra_for(index))
            if last:
                extra.update(extra_last)
            config = PostgrestConfig(
                db_port=special_port if last else direct_port,
                db_name=self.dbname,
                jwt_secret=self.jwt_secret,
                schemas=self.schemas,
                anon_role=self.anon_role,
                extra=extra,
            )
            name = "postgrest" if index == 0 else f"postgrest-{index + 1}"
            server = PostgrestServer(
                config, workdir=self.workdir / name, major=self.postgrest_version
            )
            self.instances.append(server.start())
        self.postgrest = self.instances[0]
        if shape.load_balancer:
            upstreams = [f"127.0.0.1:{s.config.server_port}" for s in self.instances]
            self.balancer = LoadBalancer(upstreams, self.workdir / "nginx").start()

    def describe_topology(self) -> list[str]:
        """One line per part beyond the single direct PostgREST, for the sandbox's banner."""
        lines = []
        for index, server in enumerate(self.instances if len(self.instances) > 1 else []):
            notes = [f"{k} = {v}" for k, v in self.topology.extra_for(index).items()]
            last = index == len(self.instances) - 1
            if last and self.pooler:
                notes.append(f"through pgbouncer on port {self.pooler.port}")
            if last and self.standby:
                notes.append(f"connected to the standby on port {self.standby.port}")
            lines.append(f"instance {index + 1}: {server.api_url} {'; '.join(notes)}".rstrip())
        if len(self.instances) == 1 and self.pooler:
            lines.append(
                f"PostgREST reaches the database through pgbouncer (port {self.pooler.port})"
            )
        if len(self.instances) == 1 and self.standby:
            lines.append(f"PostgREST is connected to the standby (port {self.standby.port})")
        if self.balancer:
            lines.append(f"nginx round-robin on {self.balancer.api_url}")
        return lines

    def stop(self) -> None:
        """Tear down in order: the balancer, PostgREST, the pooler, the standby, the database
        (shared cluster) or the cluster."""
        for part in (self.balancer, *reversed(self.instances), self.postgrest, self.pooler):
            if part is not None:
                with contextlib.suppress(Exception):
                    part.stop()
        self.balancer = self.pooler = self.postgrest = None
        self.instances = []
        if self.standby is not None:
            self.standby.stop()
            self.standby = None
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
        several = len(self.instances) > 1
        return Connection(
            db_url=self.db_url,
            api_url=self.balancer.api_url if self.balancer else server.api_url,
            api_urls=tuple(s.api_url for s in self.instances) if several else (),
            admin_url=server.admin_url,
            anon_key=self.role_key(self.anon_role),
            service_key=self.role_key("service_role"),
            project_dir=self.workdir / "project",
        )

    def target(self) -> Target:
        """The doctor's Target for this sandbox (its anon key is what a failing client sends)."""
        conn = self.connection()
        fleet = ((conn.api_url,) if self.balancer else ()) + conn.api_urls
        return Target(
            db_url=conn.db_url,
            api_url=conn.api_url,
            api_urls=fleet if len(fleet) > 1 else (),
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
        if self.standby is not None:
            self.standby.wait_replayed()
        return drifts

    def execute(self, statements: str) -> None:
        cluster, _ = self._require()
        cluster.execute(self.dbname, statements)
        if self.standby is not None:
            self.standby.wait_replayed()

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
