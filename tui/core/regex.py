"""Regular expressions compiled on first use, not when their module is imported.

Compiling a pattern costs every process that imports its module, whether or not the
pattern is ever used: a plain ``check`` compiled ~13 M instructions of patterns it never
ran (redaction's ``name=value`` and ``--flag value`` shapes, Rich's escape codes, the admin
server's metrics, ...), ``check --table`` ~10 M (redaction's ``name: value`` shape alone is
~10 M; callgrind, docs/ARCHITECTURE.md). A pattern that only some commands or inputs need
is declared with ``on_first_use`` and called to get it: ``_FLAG_RE().search(text)``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable


def on_first_use(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function returning ``re.compile(pattern, flags)``, compiled at its first call."""
    return functools.cache(lambda: re.compile(pattern, flags))
