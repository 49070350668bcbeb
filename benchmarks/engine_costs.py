"""The engine's own costs, in process: Diagnosis probes, the catalog snapshot, verify polling."""

from __future__ import annotations

from benchmarks.results import SizeResult
from tui.sandbox import Sandbox


def diagnosis_run(box: Sandbox, res: SizeResult) -> None:
    raise NotImplementedError("Diagnosis has not landed yet")


def catalog_snapshot(box: Sandbox) -> float:
    raise NotImplementedError("the catalog probe has not landed yet")


def detection(box: Sandbox, res: SizeResult, k: int) -> None:
    raise NotImplementedError("verify polling has not landed yet")
