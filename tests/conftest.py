"""Shared fixtures: one real PostgreSQL cluster per test session, isolation by database.

Each integration test gets its own database (a copy of a seeded template) and its own real
PostgREST process, so NOTIFY, drift and reloads never leak between tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from shared_cluster import (
    TEMPLATE_DB,
    attached,
    heaviest_modules_first,
    prepare,
    register_controller,
)

from tui.sandbox import Cluster, Sandbox
from tui.sandbox.shape import Topology

__all__ = ["TEMPLATE_DB"]  # tests import it from here

# Hypothesis' timing checks (a 200 ms deadline per example, "input generation is slow") measure
# the machine, not the code: under xdist on 2 cores they fail at random. Properties stay as is.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

# The checkout's npm parts (`just setup`), as the Justfile exports it; per-test XDG dirs
# (below) would otherwise move the user data dir the locator falls back to.
os.environ.setdefault("PGRST_DOCTOR_TOOLS", str(Path(__file__).resolve().parents[1] / ".tools"))

# Environment that target resolution reads: tests start from a clean slate.
TARGET_ENV = (
    "PGRST_DOCTOR_DB_URL",
    "SUPABASE_DB_URL",
    "DATABASE_URL",
    "DB_URL",
    "PGRST_DOCTOR_API_URL",
    "API_URL",
    "REST_URL",
    "SUPABASE_URL",
    "PGRST_DOCTOR_ADMIN_URL",
    "ANON_KEY",
    "SUPABASE_ANON_KEY",
    "SERVICE_ROLE_KEY",
    "SUPABASE_SERVICE_ROLE_KEY",
    "PGPASSWORD",
    # PostgREST's own settings, which the doctor reads as PostgREST would
    "PGRST_DB_ANON_ROLE",
    "PGRST_DB_CONFIG",
    "PGRST_DB_EXTRA_SEARCH_PATH",
    "PGRST_DB_PRE_CONFIG",
)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """XDG dirs in tmp_path (journals, dumps), no inherited targets, deterministic UI."""
    for name in TARGET_ENV:
        monkeypatch.delenv(name, raising=False)
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "xdg" / var.lower()))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.chdir(tmp_path)


def pytest_configure(config: pytest.Config) -> None:
    register_controller(config)  # under xdist: the controller owns the one cluster


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    heaviest_modules_first(config, items)


@pytest.fixture(scope="session")
def cluster(pytestconfig: pytest.Config) -> Iterator[Cluster]:
    """The one PostgreSQL 15 cluster of the test run, with roles and a seeded template: the
    xdist controller's when the tests run in workers (tests/shared_cluster.py), else its own."""
    shared = attached(pytestconfig)
    if shared is not None:
        yield shared
        return
    with Cluster() as pg:
        yield prepare(pg)


SandboxFactory = Callable[..., Sandbox]


@pytest.fixture
def make_sandbox(cluster: Cluster) -> Iterator[SandboxFactory]:
    """Start sandboxes (own database + own PostgREST) in the shared cluster; stopped after."""
    started: list[Sandbox] = []

    def factory(
        postgrest_version: str = "12",
        *,
        schemas: tuple[str, ...] = ("public",),
        drift: tuple[str, ...] | list[str] = (),
        postgrest_extra: dict | None = None,
        topology: Topology | None = None,
    ) -> Sandbox:
        box = Sandbox(
            postgrest_version=postgrest_version,
            schemas=schemas,
            cluster=cluster,
            template=TEMPLATE_DB,
            postgrest_extra=postgrest_extra,
            topology=topology,
        )
        started.append(box)
        box.start()
        if drift:
            box.apply_drift(list(drift))
        return box

    yield factory
    for box in reversed(started):
        box.stop()


@pytest.fixture(params=["12", "11"], ids=["pgrst12", "pgrst11"])
def postgrest_version(request: pytest.FixtureRequest) -> str:
    """Run a test against PostgREST 12.0.2 and 11.2.2."""
    return request.param


@pytest.fixture
def sandbox(make_sandbox: SandboxFactory, postgrest_version: str) -> Sandbox:
    """A fresh shop database and PostgREST, for each PostgREST version."""
    return make_sandbox(postgrest_version)


@pytest.fixture
def sandbox12(make_sandbox: SandboxFactory) -> Sandbox:
    """A fresh shop database and PostgREST 12.0.2 only (for version-independent behaviour)."""
    return make_sandbox("12")
