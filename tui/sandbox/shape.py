"""The sandbox's shape as data (kept apart from the parts that start it, so the CLI can
parse ``--instances`` / ``--lb`` / ``--pooler`` / ``--standby`` without loading them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topology:
    """How many PostgREST instances, and what stands between them and the client or the
    database. ``per_instance`` overrides configuration keys of single instances (e.g.
    ``{2: {"db-channel-enabled": False}}``)."""

    instances: int = 1
    load_balancer: bool = False
    pooler: bool = False
    standby: bool = False
    per_instance: tuple[tuple[int, tuple[tuple[str, str | int | bool], ...]], ...] = ()

    def extra_for(self, index: int) -> dict[str, str | int | bool]:
        return {k: v for i, items in self.per_instance if i == index for k, v in items}
