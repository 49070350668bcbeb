"""What may reach a screen or a file: secrets masked, control characters made visible.

One redaction for every output path of a process (CLI stdout and stderr, ``--json``, the
wizard's panels), the same ``Redactor`` the journal uses, seeded with the target's secrets.
Servers quote secrets back (an exception holding the password, an API echoing the
Authorization header), so known values and patterns are masked wherever text comes from.

Names and server text can carry terminal controls (an OSC 52 clipboard write, ``ESC[2J``,
BEL, C1 controls, bidi overrides); ``visible`` turns each into an escape a person can read
(``\\x1b``, ``\\u202e``), so no hostile text drives the reader's terminal.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections.abc import Iterable
from enum import Enum
from typing import Any, TextIO, TypeVar

from tui.core.transcript.redact import Redactor

T = TypeVar("T")

# C0 (but newline and tab), DEL, C1, zero-width and bidi controls, line/paragraph separators
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
_INVISIBLE_ALL = re.compile(_INVISIBLE.pattern[:1] + "\t\n" + _INVISIBLE.pattern[1:])
# What json.dumps(ensure_ascii=False) leaves raw: C1 and the format characters above
_JSON_RAW = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)

_REDACTOR = Redactor()


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = True) -> str:
    """``text`` with every control character as a readable escape; ``lines=False`` escapes
    newline and tab too (a name is one line)."""
    return (_INVISIBLE if lines else _INVISIBLE_ALL).sub(_escape, text)


def redactor() -> Redactor:
    """The process's redactor: every output path masks with it."""
    return _REDACTOR


def register_secrets(secrets: Iterable[str], journal: Any = None) -> None:
    """Mask these values on every output path (and in ``journal``, when given)."""
    for secret in secrets:
        if not secret:
            continue
        kind = "password" if len(secret) < 40 else "key"
        _REDACTOR.register(secret, kind)
        if journal is not None:
            journal.register_secret(secret, kind)


def mask(text: str) -> str:
    """``text`` with every known secret and secret-shaped value masked (``--flag value`` is
    prose here, not a command line)."""
    return _REDACTOR.text(text, flags=False)


def clean(text: str, *, lines: bool = True) -> str:
    """Masked and visible: the form of any string shown in a terminal."""
    return visible(mask(text), lines=lines)


def shield(obj: T) -> T:
    """A copy of a result (dataclasses, dicts, lists, strings) fit for a terminal: every string
    masked and made visible. Enums, numbers and None pass as they are."""
    return _shield(obj)  # type: ignore[no-any-return]


def _shield(obj: Any) -> Any:
    if isinstance(obj, str):
        return obj if isinstance(obj, Enum) else clean(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {f.name: _shield(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.init}
        return dataclasses.replace(obj, **changes)
    if isinstance(obj, dict):
        return {_shield(k): _shield(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(_shield(v) for v in obj)
    return obj


def json_text(value: Any) -> str:
    """One JSON document for stdout, secrets masked (``json_dumps``). Names keep every
    character: JSON's escapes make them safe, and scripts match them."""
    return json_dumps(_masked(value))


def _masked(obj: Any) -> Any:
    if isinstance(obj, str):
        return mask(obj)
    if isinstance(obj, dict):
        return {mask(str(k)): _masked(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_masked(v) for v in obj]
    return obj


def json_dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON with C1 and bidi controls written as ``\\u`` escapes (``json`` already escapes
    C0; the rest of Unicode stays readable), so a terminal showing it is not driven by it."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


class MaskedStream(io.TextIOBase):
    """A text stream that masks secrets line by line before they reach ``inner``.

    Whole lines are masked (a secret never spans lines); ``flush`` passes a partial line on,
    masked, so prompts and progress still show.
    """

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        head, newline, rest = self._pending.rpartition("\n")
        if newline:
            self.inner.write(mask(head + newline))
            self._pending = rest
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.inner.write(mask(self._pending))
            self._pending = ""
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.inner, "errors", None)

    def writable(self) -> bool:
        return True
