"""One PostgreSQL cluster for the whole test run, also when pytest-xdist runs it in workers.

Without xdist the ``cluster`` session fixture starts it, as before. With xdist (``-n N``) the
controller starts it once, before the first worker (``pytest_configure_node``), hands each
worker its port and folder through ``workerinput``, and stops it when the run ends; every
worker attaches to it and isolates its tests by database, as the tests always did.

What is cluster-wide (roles, ``pg_hba.conf``, template databases loaded on first use) is
changed under ``cluster_lock``, a file lock in the cluster's folder that all workers share.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tui.sandbox import Cluster, bootstrap_roles, seed_database

TEMPLATE_DB = "shop_template"
WORKER_KEY = "pgrst_doctor_cluster"  # workerinput: {"port": int, "base_dir": str}


def prepare(cluster: Cluster) -> Cluster:
    """The roles and the seeded template every sandbox copies."""
    bootstrap_roles(cluster)
    seed_database(cluster, TEMPLATE_DB)
    return cluster


@contextlib.contextmanager
def cluster_lock(cluster: Cluster, name: str) -> Iterator[None]:
    """Hold ``name``'s lock across all processes of the run (pg_hba edits, shared templates)."""
    path = Path(cluster.base_dir) / f"{name}.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once_per_cluster(cluster: Cluster, name: str, build: Callable[[], object]) -> None:
    """Run ``build`` once per cluster, whichever worker asks first; the others wait for it."""
    done = Path(cluster.base_dir) / f"{name}.done"
    with cluster_lock(cluster, name):
        if not done.exists():
            build()
            done.touch()


def attached(config: pytest.Config) -> Cluster | None:
    """In an xdist worker: the controller's cluster (never started or stopped here)."""
    info = getattr(config, "workerinput", {}).get(WORKER_KEY)
    if info is None:
        return None
    return Cluster(base_dir=Path(info["base_dir"]), port=int(info["port"]))


class ControllerCluster:
    """xdist controller plugin: start the cluster for the first worker, stop it at the end."""

    def __init__(self) -> None:
        self.cluster: Cluster | None = None

    def pytest_configure_node(self, node: object) -> None:
        if self.cluster is None:
            self.cluster = prepare(Cluster().start())
        node.workerinput[WORKER_KEY] = {  # type: ignore[attr-defined]
            "port": self.cluster.port,
            "base_dir": str(self.cluster.base_dir),
        }

    def pytest_unconfigure(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()
            self.cluster = None


def register_controller(config: pytest.Config) -> None:
    """In the xdist controller (tests distributed to workers): share one cluster."""
    distributed = getattr(config.option, "dist", "no") != "no" and not config.option.collectonly
    if distributed and not hasattr(config, "workerinput"):
        config.pluginmanager.register(ControllerCluster(), "pgrst-doctor-shared-cluster")


HEAVY_FIXTURES = ("cluster", "snap_compare")  # the real stack, or a rendered screen


def heaviest_modules_first(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In xdist workers: whole modules reordered, those with the most stack- or render-bound
    (or ``integration``) tests first, so no long module is handed out last and runs alone at the end of the run
    (``--dist loadfile`` hands modules out in collection order). Order inside a module, and
    every run without xdist, stay as collected."""
    if not hasattr(config, "workerinput"):
        return
    weight: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        heavy = item.get_closest_marker("integration") is not None or any(
            name in getattr(item, "fixturenames", ()) for name in HEAVY_FIXTURES
        )
        weight[module] = weight.get(module, 0) + heavy
    items.sort(key=lambda item: -weight[item.nodeid.split("::")[0]])  # stable sort
