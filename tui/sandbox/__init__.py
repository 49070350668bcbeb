"""The embedded sandbox: a throwaway PostgreSQL 15 cluster and a real PostgREST on loopback."""

from tui.sandbox.cluster import Cluster
from tui.sandbox.drift import DRIFTS, SYMPTOM_IDS, Drift
from tui.sandbox.stack import Connection, Sandbox, bootstrap_roles, seed_database

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
