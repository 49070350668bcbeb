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
import os
import re
from collections.abc import Callable, Iterable
from enum import Enum
from functools import cache
from typing import Any, TextIO, TypeVar

from tui.core import controls
from tui.core.regex import on_first_use
from tui.core.transcript.redact import Redactor

T = TypeVar("T")

_REDACTOR = Redactor()


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = True) -> str:
    """``text`` with every control character as a readable escape; ``lines=False`` escapes
    newline and tab too (a name is one line). Plain text comes back as the same object."""
    pattern = controls.IN_LINES if lines else controls.ANY
    return pattern.sub(_escape, text) if pattern.search(text) else text


def redactor() -> Redactor:
    """The process's redactor: every output path masks with it."""
    return _REDACTOR


def register_secrets(secrets: Iterable[str], journal: Any = None) -> None:
    """Mask these values on every output path (and in ``journal``, when given)."""
    for secret in secrets:
        if not secret:
            continue
        kind = "password" if len(secret) < 40 else "key"
        quoted = json.dumps(secret, ensure_ascii=False)[1:-1]  # as it sits inside JSON
        for form in {secret, quoted}:
            _REDACTOR.register(form, kind)
            if journal is not None:
                journal.register_secret(form, kind)


def mask(text: str) -> str:
    """``text`` with every known secret and secret-shaped value masked (``--flag value`` is
    prose here, not a command line)."""
    return _REDACTOR.text(text, flags=False)


def clean(text: str, *, lines: bool = True) -> str:
    """Masked and visible: the form of any string shown in a terminal."""
    return visible(mask(text), lines=lines)


def shield(obj: T, *, masked: bool = True) -> T:
    """A copy of a result (dataclasses, dicts, lists, strings) fit for a terminal: every string
    made visible, and masked unless ``masked=False`` (a command's stdout masks it already).
    Enums, numbers and None pass as they are."""
    fix = clean if masked else visible
    return _shield(obj, fix)  # type: ignore[no-any-return]


def _shield(obj: Any, fix: Callable[[str], str]) -> Any:
    """``obj`` itself when nothing in it changes (a 10,000-object report is mostly plain)."""
    if isinstance(obj, str):
        return obj if isinstance(obj, Enum) else fix(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for name in _init_fields(type(obj)):
            value = getattr(obj, name)
            if (new := _shield(value, fix)) is not value:
                changes[name] = new
        return dataclasses.replace(obj, **changes) if changes else obj
    if isinstance(obj, dict):
        items = [(_shield(k, fix), _shield(v, fix)) for k, v in obj.items()]
        same = all(a is k and b is v for (a, b), (k, v) in zip(items, obj.items(), strict=True))
        return obj if same else dict(items)
    if isinstance(obj, list | tuple):
        new = [_shield(v, fix) for v in obj]
        return obj if all(a is b for a, b in zip(new, obj, strict=True)) else type(obj)(new)
    return obj


@cache
def _init_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


def json_text(value: Any) -> str:
    """One JSON document for a command's stdout, where ``MaskedStream`` masks it (one pass
    over the text: per-string masking of a 10,000-object report costs a second). Names keep
    every character: JSON's escapes make them safe, and scripts match them."""
    return json_dumps(value)


def json_dumps(value: Any, *, indent: int | None = None, compact: bool = False) -> str:
    """JSON with C1 and bidi controls written as ``\\u`` escapes (``json`` already escapes
    C0; the rest of Unicode stays readable), so a terminal showing it is not driven by it.
    Strings stay exact: a reader of the JSON gets every character back."""
    separators = (",", ":") if compact else None
    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    return controls.BEYOND_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


# What Rich itself writes to a terminal: colours and styles (SGR), and for a live status
# line the cursor hide/show, erase-line, cursor-up and carriage return. Kept on a terminal;
# any other control is escaped (a hostile name's ESC[2J or OSC 52 included). Compiled for a
# masked stream only (regex.py).
_RICH_OWN = on_first_use(r"\x1b\[[0-9;:]*m|\x1b\[\?25[hl]|\x1b\[[0-2]?K|\x1b\[[0-9]*[ABCDG]|\r")
_STYLES = on_first_use(r"\x1b\[[0-9;:]*m")


def screened(text: str, keep: re.Pattern[str] | None) -> str:
    """``visible(text)`` but for the sequences ``keep`` matches (the writer's own)."""
    if not controls.IN_LINES.search(text):
        return text
    if keep is None:
        return visible(text)
    out: list[str] = []
    done = 0
    for own in keep.finditer(text):
        out += [visible(text[done : own.start()]), own.group()]
        done = own.end()
    out.append(visible(text[done:]))
    return "".join(out)


class MaskedStream(io.TextIOBase):
    """A text stream that masks secrets line by line before they reach ``inner``, and makes
    control characters visible except Rich's own styling and status-line sequences (on a
    terminal; off one only styles, and only when FORCE_COLOR asks Rich for them).

    Whole lines are masked (a secret never spans lines); ``flush`` passes a partial line on,
    masked, so prompts and progress still show.
    """

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner
        self._pending = ""
        tty = bool(getattr(inner, "isatty", lambda: False)())
        self._keep = _RICH_OWN() if tty else (_STYLES() if os.environ.get("FORCE_COLOR") else None)

    def write(self, text: str) -> int:
        self._pending += text
        head, newline, rest = self._pending.rpartition("\n")
        if newline:
            self.inner.write(screened(mask(head + newline), self._keep))
            self._pending = rest
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.inner.write(screened(mask(self._pending), self._keep))
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
