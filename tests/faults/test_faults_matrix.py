"""docs/RELIABILITY.md stays true: every test it names exists, and every fault test is in it."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MATRIX = REPO / "docs" / "RELIABILITY.md"
SOURCES = [*sorted((REPO / "tests" / "faults").glob("test_faults_*.py")),
           REPO / "tests" / "unit" / "test_input_parsers.py"]  # fmt: skip


def _defined() -> set[str]:
    """Every test function the matrix may cite, and every test module (cited as a file):
    a row may rest on a unit, integration or wizard test as well as on a fault test."""
    names: set[str] = set()
    for path in (REPO / "tests").rglob("test_*.py"):
        names.add(path.stem)
        names.update(re.findall(r"^(?:async )?def (test_\w+)", path.read_text(), re.M))
    return names


def _named() -> set[str]:
    text = MATRIX.read_text()
    return {n for n in re.findall(r"`(test_[\w*]+)", text)}


def test_every_test_the_matrix_names_exists():
    defined = _defined()
    missing = []
    for name in _named():
        if "*" in name:  # a family: test_*_spec_round_trips_*
            pattern = re.compile(name.replace("*", r"\w*") + "$")
            if not any(pattern.match(d) for d in defined):
                missing.append(name)
        elif name not in defined:
            missing.append(name)
    assert missing == []


def test_every_fault_test_is_in_the_matrix():
    named = _named()
    families = [re.compile(n.replace("*", r"\w*") + "$") for n in named if "*" in n]
    fault_tests = set()
    for path in SOURCES[:-1]:
        if path.name == "test_faults_matrix.py":
            continue
        fault_tests.update(re.findall(r"^(?:async )?def (test_\w+)", path.read_text(), re.M))
    unlisted = sorted(
        t for t in fault_tests if t not in named and not any(f.match(t) for f in families)
    )
    assert unlisted == []
