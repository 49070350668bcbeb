"""Shared by the remedy tests: a Target for a sandbox, an event collector, the drift's objects."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.remedies.events import EventKind, StepEvent
from tui.core.target import Target
from tui.sandbox import DRIFTS, Sandbox

CACHE_DRIFTS = (
    "missing-table",
    "missing-column",
    "missing-relationship",
    "missing-function",
    "enum-rejected",
)


def target_of(box: Sandbox, **extra: object) -> Target:
    """The sandbox's Target (as the demo sees it), with ``extra`` fields replaced."""
    return dataclasses.replace(box.target(), **extra)  # type: ignore[arg-type]


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`pgrst-doctor ARGS` in a child process, off a terminal (stdin closed), as CI runs it."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        check=False,
    )


def stale_objects(*drifts: str) -> list[StaleObject]:
    return [
        StaleObject(ObjectKind(kind), name, Change(change))
        for drift in drifts
        for kind, name, change in DRIFTS[drift].expect_stale
    ]


class Events(list[StepEvent]):
    """An ``emit`` that keeps every event, for assertions on what a step reported."""

    def __call__(self, event: StepEvent) -> None:
        self.append(event)

    def of(self, kind: EventKind) -> list[StepEvent]:
        return [e for e in self if e.kind is kind]

    def text(self) -> str:
        return "\n".join(e.message for e in self)


def serves_column(api_url: str, key: str, timeout: float = 10.0) -> bool:
    """Poll one instance's OpenAPI until the drift's column shows (a reload took)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=5) as client:
        while time.monotonic() < deadline:
            doc = client.get(f"{api_url}/").json()
            if "loyalty_tier" in doc["definitions"]["customers"]["properties"]:
                return True
            time.sleep(0.1)
    return False
