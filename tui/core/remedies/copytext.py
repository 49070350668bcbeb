"""Reading the data section of a dump as ``pg_restore --data-only -f -`` prints it.

Each table's rows are one ``COPY schema.table (columns) FROM stdin;`` block ending in ``\\.``;
names are quoted the way PostgreSQL quotes identifiers (``public."my table"``), so they are
parsed as identifiers, never split on blanks. Partitions hold their own rows (a partitioned
table has no block of its own), so row counts are kept per leaf table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

END_OF_DATA = "\\."


def parse_identifier(text: str, start: int = 0) -> tuple[str, int]:
    """One identifier at ``start`` (quoted or not) and the index just after it."""
    if text.startswith('"', start):
        out, i = [], start + 1
        while i < len(text):
            if text[i] == '"':
                if text.startswith('"', i + 1):
                    out.append('"')
                    i += 2
                    continue
                return "".join(out), i + 1
            out.append(text[i])
            i += 1
        raise ValueError("unterminated quoted identifier")
    i = start
    while i < len(text) and (text[i].isalnum() or text[i] in "_$"):
        i += 1
    if i == start:
        raise ValueError(f"no identifier at {text[start : start + 20]!r}")
    return text[start:i], i


def parse_qualified(text: str, start: int = 0) -> tuple[tuple[str, str], int]:
    """``schema.name`` (each part quoted or not) at ``start``: ((schema, name), end)."""
    schema, i = parse_identifier(text, start)
    if not text.startswith(".", i):
        raise ValueError("expected schema.name")
    name, i = parse_identifier(text, i + 1)
    return (schema, name), i


def copy_target(line: str) -> tuple[str, str] | None:
    """(schema, table) of a ``COPY … FROM stdin;`` header line, None for any other line."""
    if not (line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;")):
        return None
    try:
        return parse_qualified(line, len("COPY "))[0]
    except ValueError:
        return None


def key(schema: str, name: str) -> str:
    return f"{schema}.{name}"


class CopyCounter:
    """Rows per table, fed line by line (a large dump is counted without holding it)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self._current: str | None = None

    def __call__(self, line: str) -> None:
        if self._current is None:
            target = copy_target(line)
            if target is not None:
                self._current = key(*target)
                self.counts[self._current] = 0
        elif line == END_OF_DATA:
            self._current = None
        else:
            self.counts[self._current] += 1


def copy_row_counts(lines: Iterable[str]) -> dict[str, int]:
    counter = CopyCounter()
    for line in lines:
        counter(line)
    return counter.counts


@dataclass
class CopyBlock:
    header: str  # the COPY statement exactly as pg_restore printed it
    table: tuple[str, str]
    rows: list[str] = field(default_factory=list)  # COPY text lines, without their newline


@dataclass
class DataSection:
    blocks: list[CopyBlock] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)  # sequence values: SELECT setval(…);


def read_data_section(lines: Iterator[str]) -> DataSection:
    """Split a data-only SQL script into COPY blocks and the ``setval`` calls (the rest is
    pg_restore's SET preamble, which the caller's own session settings replace)."""
    section = DataSection()
    block: CopyBlock | None = None
    for raw in lines:
        line = raw.rstrip("\n")
        if block is not None:
            if line == END_OF_DATA:
                section.blocks.append(block)
                block = None
            else:
                block.rows.append(line)
            continue
        target = copy_target(line)
        if target is not None:
            block = CopyBlock(line.rstrip().removesuffix(";"), target)
        elif line.startswith("SELECT pg_catalog.setval("):
            section.statements.append(line)
    return section
