"""What each remedy step does to the world, as data: the ticket summary states what changed,
what was lost and what was written from these kinds and the steps' typed outcomes, never
from a step's name. A new step is one row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Effect(StrEnum):
    READS = "reads"  # looks only: nothing changes
    RELOADS = "reloads"  # the schema cache reloads; the database is untouched
    RESTARTS = "restarts"  # PostgREST restarts: the API is down for seconds
    SAVES = "saves"  # writes a file (a dump, a migration); the database is untouched
    DROPS = "drops"  # the database is rebuilt from its migrations: the rest is lost
    RESTORES = "restores"  # dumped schema or rows go back into the database
    VERIFIES = "verifies"  # reads; a request replayed for real (typed yes) may write


@dataclass(frozen=True)
class StepKind:
    effect: Effect
    changed: str = ""  # what is different once the step succeeded ("" when nothing)


STEP_KINDS: dict[str, StepKind] = {
    "notify": StepKind(Effect.RELOADS, "schema cache reload sent (NOTIFY)"),
    "notify-cli": StepKind(Effect.RELOADS, "schema cache reload sent (NOTIFY, Supabase CLI)"),
    "signal": StepKind(Effect.RELOADS, "schema cache reload signalled (SIGUSR1)"),
    "restart": StepKind(Effect.RESTARTS, "PostgREST restarted"),
    "unmigrated": StepKind(Effect.READS),
    "dump": StepKind(Effect.SAVES),
    "fingerprint": StepKind(Effect.READS),
    "keep": StepKind(Effect.SAVES, "a new migration keeps the objects no migration had"),
    "reset": StepKind(Effect.DROPS, "database reset: every schema dropped, migrations re-applied"),
    "migrated": StepKind(Effect.READS),
    "restore": StepKind(Effect.RESTORES, "the dumped database put back"),
    "verify": StepKind(Effect.VERIFIES),
}


def kind_of(step: str) -> StepKind | None:
    return STEP_KINDS.get(step)
