"""Pure helpers: medians with spread, and ratios paired run by run (same run, side by side)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Median of the samples and their spread (min, max); ``n`` says how many runs."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, samples: Sequence[float]) -> Summary:
        if not samples:
            raise ValueError("no samples to summarise")
        return cls(statistics.median(samples), min(samples), max(samples), len(samples))

    @property
    def spread(self) -> float:
        """(max - min) / median: how noisy the runs were (0 when the median is 0)."""
        return (self.high - self.low) / self.median if self.median else 0.0


def paired(a: Sequence[float], b: Sequence[float], op: str) -> list[float]:
    """Combine run i of ``a`` with run i of ``b``: ``"ratio"`` a/b or ``"diff"`` a-b."""
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length: {len(a)} vs {len(b)}")
    if op == "ratio":
        return [x / y if y else float("inf") for x, y in zip(a, b, strict=True)]
    if op == "diff":
        return [x - y for x, y in zip(a, b, strict=True)]
    raise ValueError(f"unknown pairing {op!r}")


def passes(value: float, limit: float, comparator: str) -> bool:
    """``"<="`` or ``">="`` against a budget limit."""
    if comparator == "<=":
        return value <= limit
    if comparator == ">=":
        return value >= limit
    raise ValueError(f"unknown comparator {comparator!r}")
