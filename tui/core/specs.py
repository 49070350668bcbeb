"""Objects the user names on the command line or in the wizard (`--table`, `--column`, ...).

Grammar: dot-separated identifiers, each bare (``orders``, ``Öl``) or double-quoted with ``""``
for a quote inside (``"My.Table"``, ``"a ""b"" c"``). Names are taken as written, like
PostgREST's URLs (no case folding). A missing schema means ``public``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.core.errors import UsageError
from tui.core.model import ObjectKind
from tui.core.names import qualified, relationship_name, split_unquoted, unquote

NAMEDATALEN = 63  # PostgreSQL's identifier limit, in bytes
DEFAULT_SCHEMA = "public"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class ObjectRef:
    """A named database object. ``kind`` is table (also for views), column, function,
    relationship or enum. Relationship: ``schema.name`` -> ``target_schema.target_name``,
    ``hint`` the foreign key's name when given (``!fk_name``, as PostgREST disambiguates);
    column: ``column``; enum value: ``name`` is the type, ``label`` the value.
    """

    kind: ObjectKind
    schema: str
    name: str
    column: str | None = None
    target_schema: str | None = None
    target_name: str | None = None
    label: str | None = None
    hint: str | None = None

    @property
    def key(self) -> str:
        """The catalog's key of the table (or function, or type): ``schema.name`` unquoted."""
        return f"{self.schema}.{self.name}"

    @property
    def display(self) -> str:
        """The name in the StaleObject / JSON naming convention (quoted as psql does)."""
        if self.kind is ObjectKind.COLUMN:
            return qualified(self.schema, self.name, self.column or "")
        if self.kind is ObjectKind.RELATIONSHIP:
            return relationship_name(self.schema, self.name, self.target_schema or self.schema,
                                     self.target_name or "", self.hint)  # fmt: skip
        if self.kind is ObjectKind.ENUM:
            return f"{qualified(self.schema, self.name)}:{self.label}"
        return qualified(self.schema, self.name)

    @property
    def table_display(self) -> str:
        return qualified(self.schema, self.name)


# -- tokenizer ----------------------------------------------------------------------------------
_ECHO_MAX = 80  # error messages quote the user's text, but never a megabyte of it


def _echo(text: str) -> str:
    """The user's text for an error message: quoted, and shortened when overlong (after
    quoting: an escaped control or astral character takes up to ten characters)."""
    shown = repr(text)
    return shown if len(shown) <= _ECHO_MAX else f"{shown[:60]}…{shown[-12:]}"


def _split(text: str, seps: str, flag: str) -> list[tuple[str, str]]:
    """Split ``text`` at unquoted separator characters; returns (part, separator-before) pairs.

    Quoted parts lose their quotes (``""`` becomes ``"``); bare parts are stripped of
    surrounding blanks.
    """
    parts: list[tuple[str, str]] = []
    i, sep_before, n = 0, "", len(text)
    while True:
        while i < n and text[i] == " ":
            i += 1
        spelled = text[i : i + 3] in ('U&"', 'u&"')  # PostgreSQL's Unicode identifier
        if spelled:
            i += 2
        if i < n and text[i] == '"':
            i += 1
            chunk: list[str] = []
            while True:
                if i >= n:
                    raise UsageError(f"{flag} {_echo(text)}: unterminated double quote")
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        chunk.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                chunk.append(text[i])
                i += 1
            part = "".join(chunk)
            if spelled:
                part = unquote('U&"' + part.replace('"', '""') + '"')
            while i < n and text[i] == " ":
                i += 1
            if i < n and text[i] not in seps:
                raise UsageError(f"{flag} {_echo(text)}: unexpected text after a quoted name")
        else:
            start = i
            while i < n and text[i] not in seps:
                if text[i] == '"':
                    raise UsageError(
                        f"{flag} {_echo(text)}: a double quote may only start a name; "
                        'quote the whole name, e.g. "My.Table"'
                    )
                i += 1
            part = text[start:i].strip()
            if not part:
                raise UsageError(f"{flag} {_echo(text)}: empty name")
        _check_ident(part, text, flag, spelled)
        parts.append((part, sep_before))
        if i >= n:
            return parts
        sep_before = text[i]
        i += 1


def _check_ident(part: str, text: str, flag: str, spelled: bool = False) -> None:
    """``spelled``: written as ``U&"..."``, whose escapes may name any character."""
    if not part:
        raise UsageError(f"{flag} {_echo(text)}: empty name")
    if not spelled and _CONTROL.search(part):
        raise UsageError(
            f"{flag} {_echo(text)}: a control character in a name is spelled as PostgreSQL "
            'reads it, e.g. U&"red\\001B[31m"'
        )
    if len(part.encode("utf-8")) > NAMEDATALEN:
        raise UsageError(
            f"{flag} {_echo(text)}: name {part[:20]!r}… is longer than PostgreSQL's "
            f"{NAMEDATALEN}-byte limit"
        )


def _dotted(text: str, flag: str, counts: tuple[int, ...], shape: str) -> list[str]:
    parts = _split(text, ".", flag)
    if len(parts) not in counts:
        raise UsageError(f"{flag} {_echo(text)}: expected {shape}")
    return [p for p, _ in parts]


def _prepare(text: str, flag: str) -> str:
    text = text.strip()
    if not text:
        raise UsageError(f"{flag} needs a name")
    if _CONTROL.search(text):
        raise UsageError(
            f"{flag} {_echo(text)}: a control character in a name is spelled as PostgreSQL "
            'reads it, e.g. U&"red\\001B[31m"'
        )
    return text


def _split_once(text: str, sep: str, flag: str, shape: str) -> tuple[str, str]:
    """Split at the first ``sep`` outside double quotes."""
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted  # "" toggles twice: stays right
        elif ch == sep and not quoted:
            return text[:i], text[i + 1 :]
    raise UsageError(f"{flag} {_echo(text)}: expected {shape}")


# -- parsers ------------------------------------------------------------------------------------
def parse_table(text: str, flag: str = "--table") -> ObjectRef:
    """``SCHEMA.NAME`` or ``NAME`` (public); tables and views alike."""
    text = _prepare(text, flag)
    parts = _dotted(text, flag, (1, 2), "[SCHEMA.]NAME")
    schema, name = parts if len(parts) == 2 else (DEFAULT_SCHEMA, parts[0])
    return ObjectRef(ObjectKind.TABLE, schema, name)


def parse_column(text: str, flag: str = "--column") -> ObjectRef:
    """``SCHEMA.TABLE.COLUMN`` or ``TABLE.COLUMN`` (public)."""
    text = _prepare(text, flag)
    parts = _dotted(text, flag, (2, 3), "[SCHEMA.]TABLE.COLUMN")
    schema, table, column = parts if len(parts) == 3 else (DEFAULT_SCHEMA, *parts)
    return ObjectRef(ObjectKind.COLUMN, schema, table, column=column)


_ARGS_TAIL = re.compile(r"\([^()\"]*\)\s*$")


def parse_function(text: str, flag: str = "--function") -> ObjectRef:
    """``SCHEMA.NAME`` or ``NAME`` (public); a trailing ``(args)`` as PGRST202 prints it is
    accepted and ignored (functions are matched by name)."""
    text = _prepare(text, flag)
    text = _ARGS_TAIL.sub("", text) if not text.endswith('"') else text
    parts = _dotted(text, flag, (1, 2), "[SCHEMA.]NAME")
    schema, name = parts if len(parts) == 2 else (DEFAULT_SCHEMA, parts[0])
    return ObjectRef(ObjectKind.FUNCTION, schema, name)


def parse_relationship(text: str, flag: str = "--relationship") -> ObjectRef:
    """``SCHEMA.FROM:SCHEMA.TO[!FK_NAME]``; a missing source schema is public, a missing
    target schema is the source's (embedding looks in the same schema). ``!FK_NAME`` names
    one foreign key between the two, as PostgREST's embed hint does (``parent!fk(*)``);
    without it, every key between them is checked."""
    text = _prepare(text, flag)
    shape = "[SCHEMA.]FROM:[SCHEMA.]TO[!FK_NAME]"
    pieces = split_unquoted(text, "!")
    if len(pieces) > 2:
        raise UsageError(f"{flag} {_echo(text)}: expected {shape}")
    hint = None
    if len(pieces) == 2:
        text = pieces[0]
        hint_parts = _split(pieces[1].strip(), "", flag) if pieces[1].strip() else []
        if not hint_parts:
            raise UsageError(f"{flag} {_echo(pieces[1])}: empty foreign key name after '!'")
        hint = hint_parts[0][0]
    left, right = _split_once(text, ":", flag, shape)
    src = _dotted(left, flag, (1, 2), shape) if left.strip() else []
    dst = _dotted(right, flag, (1, 2), shape) if right.strip() else []
    if not src or not dst:
        raise UsageError(f"{flag} {_echo(text)}: expected {shape}")
    schema, name = src if len(src) == 2 else (DEFAULT_SCHEMA, src[0])
    target_schema, target_name = dst if len(dst) == 2 else (schema, dst[0])
    return ObjectRef(
        ObjectKind.RELATIONSHIP,
        schema,
        name,
        target_schema=target_schema,
        target_name=target_name,
        hint=hint,
    )


def parse_enum_value(text: str, flag: str = "--enum-value") -> ObjectRef:
    """``SCHEMA.TYPE:LABEL`` or ``TYPE:LABEL`` (public). The label is everything after the
    first unquoted colon (it may contain dots); quote it to keep surrounding blanks."""
    text = _prepare(text, flag)
    shape = "[SCHEMA.]TYPE:LABEL"
    left, right = _split_once(text, ":", flag, shape)
    parts = _dotted(left, flag, (1, 2), shape) if left.strip() else []
    if not parts:
        raise UsageError(f"{flag} {_echo(text)}: expected {shape}")
    schema, type_name = parts if len(parts) == 2 else (DEFAULT_SCHEMA, parts[0])
    label_text = right.strip()
    if label_text.startswith('"'):
        label_parts = _split(label_text, "", flag)
        label = label_parts[0][0]
    else:
        label = label_text
        _check_ident(label, text, flag)
    return ObjectRef(ObjectKind.ENUM, schema, type_name, label=label)


SPEC_PARSERS = {
    "table": parse_table,
    "column": parse_column,
    "function": parse_function,
    "relationship": parse_relationship,
    "enum_value": parse_enum_value,
}
