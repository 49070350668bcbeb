"""Decode PostgREST's OpenAPI document while it arrives, member by member.

PostgREST streams the document (at 10,000 tables: first byte after ~1 s, 43 MB over the next
several seconds). Decoding each top-level member, and each entry of a top-level object
("paths", "definitions", ...), as soon as its closing byte is in lets the decoding overlap the
download: when the last byte arrives, almost nothing is left to do. Only the undecoded tail is
held, never the whole body. Entries use ``json``'s C decoder; members not kept are decoded
without the hook and dropped, and members kept for their entries' names only (``paths``: half
the document) are decoded without the hook too, their values dropped. Once every kept member
is in, the rest of the body is not needed: ``finished`` tells the reader to stop (PostgREST
sends ``parameters``, a quarter of the document, after ``paths`` and ``definitions``).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

_SPACE = re.compile(r"[ \t\n\r]*")
_AFTER_NUMBER = frozenset(",}] \t\n\r")
_NUMBER_GOES_ON = frozenset("0123456789.eE+-")
# one entry's head: "name" : (the name without escapes is taken as is)
_ENTRY_HEAD = re.compile(r'[ \t\n\r]*"((?:[^"\\]|\\.)*)"[ \t\n\r]*:[ \t\n\r]*')
_ENTRY_TAIL = re.compile(r"[ \t\n\r]*([,}])")
_LONGEST_LITERAL = 9  # "-Infinity": an error this close to the end may be a cut-off literal

# states: where the next byte belongs
(
    _START,
    _FIRST,
    _KEY,
    _COLON,
    _VALUE,
    _NEXT,
    _ENTRY_FIRST,
    _ENTRY_KEY,
    _DONE,
) = range(9)


class NeedMore(Exception):
    """The buffer ends inside the next token."""


class DocumentStream:
    """``feed(bytes)`` as chunks arrive, then ``close()`` for the document (a dict).

    ``keep``: top-level members to return (None: all); entries of kept objects go through
    ``object_hook`` exactly as ``json.loads(..., object_hook=...)`` would pass them, but the
    top-level object and its member objects themselves are not passed to the hook.
    ``names_only``: kept object members whose entries map to None (values checked, not kept).
    ``readers``: kept object members whose entries are decoded without the hook (in C only)
    and then passed, one value at a time, to the member's reader, which keeps what it returns.
    With ``keep`` given, the document is ``finished`` as soon as every kept member is complete;
    what follows is neither read nor checked. Raises ValueError on a body that is not one
    JSON object (as far as it was read).
    """

    def __init__(
        self,
        object_hook: Callable[[dict[str, Any]], Any] | None = None,
        keep: frozenset[str] | None = None,
        names_only: frozenset[str] = frozenset(),
        readers: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        self._hooked = json.JSONDecoder(object_hook=object_hook)
        self._plain = json.JSONDecoder()
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._keep = keep
        self._names_only = names_only
        self._readers = readers or {}
        self._complete: set[str] = set()  # kept members read to their end
        self._rest_ignored = False  # finished before the end: the tail is not read
        self._buf = ""
        self._pos = 0
        self._state = _START
        self._key = ""
        self._members: dict[str, Any] = {}
        self._entries: dict[str, Any] | None = None  # the member object being filled
        self.document: dict[str, Any] | None = None

    @property
    def finished(self) -> bool:
        """The document is complete: more input is not needed."""
        return self.document is not None

    # -- input ------------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        if self._rest_ignored:
            return
        text = self._utf8.decode(data)
        if self._state == _DONE:
            if text.strip():
                raise ValueError("data after the end of the JSON document")
            return
        self._buf = self._buf[self._pos :] + text
        self._pos = 0
        self._run(final=False)

    def close(self) -> dict[str, Any]:
        if self._rest_ignored:
            return self._members
        self.feed_final()
        if self.document is None:
            raise ValueError("the JSON document ends too early")
        return self.document

    def feed_final(self) -> None:
        text = self._utf8.decode(b"", final=True)
        self._buf = self._buf[self._pos :] + text
        self._pos = 0
        if self._state != _DONE:
            self._run(final=True)
        if self._buf[self._pos :].strip():
            raise ValueError("data after the end of the JSON document")

    # -- the state machine ------------------------------------------------------------------
    def _skip(self) -> None:
        self._pos = _SPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]

    def _char(self) -> str:
        self._skip()
        if self._pos >= len(self._buf):
            raise NeedMore
        return self._buf[self._pos]

    def _expect(self, char: str) -> None:
        got = self._char()
        if got != char:
            raise ValueError(f"expected {char!r} at offset {self._pos}, found {got!r}")
        self._pos += 1

    def _decode(self, decoder: json.JSONDecoder, final: bool) -> Any:
        self._skip()
        value, end = self._raw(decoder, self._pos, final)
        if not final and (
            end >= len(self._buf)  # a number may go on; objects are sure but wait one byte
            or (isinstance(value, int | float) and self._buf[end] not in _AFTER_NUMBER)
        ):
            raise NeedMore  # "0" of "0.5" decodes as 0: wait for the number's end
        self._pos = end
        return value

    def _raw(self, decoder: json.JSONDecoder, pos: int, final: bool) -> tuple[Any, int]:
        """raw_decode; an error that the next bytes may still fix is NeedMore."""
        try:
            return decoder.raw_decode(self._buf, pos)
        except json.JSONDecodeError as exc:
            cut = exc.msg.startswith("Unterminated string") or (
                exc.pos >= len(self._buf) - _LONGEST_LITERAL
            )
            if final or not cut:
                raise ValueError(str(exc)) from None
            raise NeedMore from None

    def _key_at(self, final: bool) -> str:
        if self._char() != '"':
            raise ValueError(f"expected a member name at offset {self._pos}")
        key = self._decode(self._plain, final)
        if not isinstance(key, str):  # pragma: no cover - a '"' always starts a string
            raise ValueError("member name is not a string")
        return key

    def _run(self, *, final: bool) -> None:
        try:
            while self._state != _DONE:
                self._step(final)
        except NeedMore:
            if final:
                raise ValueError("the JSON document ends too early") from None

    def _step(self, final: bool) -> None:
        state = self._state
        if state == _START:
            self._expect("{")
            self._state = _FIRST
        elif state == _FIRST:
            self._state = _NEXT if self._char() == "}" else _KEY
        elif state == _KEY:
            self._key = self._key_at(final)
            self._state = _COLON
        elif state == _COLON:
            self._expect(":")
            self._state = _VALUE
        elif state == _VALUE:
            kept = self._keep is None or self._key in self._keep
            if self._char() == "{":
                self._pos += 1
                self._entries = {} if kept else None
                if self._entries is not None:
                    self._members[self._key] = self._entries
                self._state = _ENTRY_FIRST
            else:
                value = self._decode(self._hooked if kept else self._plain, final)
                if kept:
                    self._members[self._key] = value
                self._member_done()
        elif state == _NEXT:
            char = self._char()
            self._pos += 1
            if char == ",":
                self._state = _KEY
            elif char == "}":
                self.document = self._members
                self._state = _DONE
            else:
                raise ValueError(f"expected ',' or '}}' at offset {self._pos - 1}")
        elif state == _ENTRY_FIRST:
            if self._char() == "}":
                self._pos += 1
                self._entries = None
                self._member_done()
            else:
                self._state = _ENTRY_KEY
        elif state == _ENTRY_KEY:
            self._entries_run(final)

    def _member_done(self) -> None:
        """The current member's value is complete; the document too once all kept ones are."""
        self._state = _NEXT
        if self._keep is None or self._key not in self._keep:
            return
        self._complete.add(self._key)
        if self._complete >= self._keep:
            self.document = self._members
            self._state = _DONE
            self._rest_ignored = True

    def _entries_run(self, final: bool) -> None:
        """Decode whole entries (name, value, delimiter) while they are complete."""
        buf, size = self._buf, len(self._buf)
        entries = self._entries
        names_only = self._key in self._names_only
        reader = self._readers.get(self._key)
        plain = entries is None or names_only or reader is not None
        decoder = self._plain if plain else self._hooked
        while True:
            head = _ENTRY_HEAD.match(buf, self._pos)
            if head is None:
                self._skip()
                if self._pos >= size or (buf[self._pos] == '"' and not final):
                    raise NeedMore  # the name is cut off
                raise ValueError(f"expected a member name at offset {self._pos}")
            value, end = self._raw(decoder, head.end(), final)
            tail = _ENTRY_TAIL.match(buf, end)
            if tail is None:
                rest = buf[end:].lstrip(" \t\n\r")
                number_cut = isinstance(value, int | float) and (
                    not rest or rest[0] in _NUMBER_GOES_ON
                )
                if not final and (not rest or number_cut):
                    raise NeedMore
                raise ValueError(f"expected ',' or '}}' at offset {end}")
            if entries is not None:
                name = head.group(1)
                entries[json.loads(f'"{name}"') if "\\" in name else name] = (
                    None if names_only else reader(value) if reader is not None else value
                )
            self._pos = tail.end()
            if tail.group(1) == "}":
                self._entries = None
                self._member_done()
                return
