"""Samples collected by a benchmark run, saved as JSON after every size so nothing is lost."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class SizeResult:
    tables: int
    functions: int
    runs: int
    samples: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, metric: str, value: float) -> None:
        self.samples.setdefault(metric, []).append(value)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


@dataclass
class RunResults:
    started_utc: str
    command: str
    machine: dict[str, str]
    sizes: list[SizeResult] = field(default_factory=list)
    global_samples: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    finished_utc: str = ""
    duration_s: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> RunResults:
        data = json.loads(path.read_text())
        sizes = [SizeResult(**s) for s in data.pop("sizes")]
        return cls(sizes=sizes, **data)
