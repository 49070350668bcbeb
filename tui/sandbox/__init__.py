"""The embedded sandbox: a throwaway PostgreSQL 15 cluster and a real PostgREST on loopback.

Names load on first use (PEP 562), so importing a light submodule such as
``tui.sandbox.tools`` (the CLI does, for the first-use fetch) does not pull in psycopg
and httpx: that cost ~0.15 s of the wizard's start-up (BENCHMARKS.md).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.sandbox.cluster import Cluster
    from tui.sandbox.drift import DRIFTS, SYMPTOM_IDS, Drift
    from tui.sandbox.stack import Connection, Sandbox, bootstrap_roles, seed_database

# exported name -> submodule that defines it
_EXPORTS = {
    "Cluster": "cluster",
    "DRIFTS": "drift",
    "SYMPTOM_IDS": "drift",
    "Drift": "drift",
    "Connection": "stack",
    "Sandbox": "stack",
    "bootstrap_roles": "stack",
    "seed_database": "stack",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tui.sandbox' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"tui.sandbox.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DRIFTS",
    "SYMPTOM_IDS",
    "Cluster",
    "Connection",
    "Drift",
    "Sandbox",
    "bootstrap_roles",
    "seed_database",
]
