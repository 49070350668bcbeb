"""Wizard start-up and idle CPU (measured once; independent of schema size)."""

from __future__ import annotations

from benchmarks.results import RunResults


def measure(results: RunResults, runs: int) -> None:
    raise NotImplementedError("make_app has not landed yet")
