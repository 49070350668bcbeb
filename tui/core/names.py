"""Names as psql prints them and as PostgREST's URL grammar reads them.

``quote_ident`` is PostgreSQL's rule (``quote_ident()``, psql's ``\\d``): a name stays bare
only when it reads back as itself unquoted, i.e. lower-case letters, digits and ``_`` (not
first a digit), and not a keyword other than an unreserved one. Everything printed about an
object (stale names, fixes, titles) goes through it, so ``test."x.y"`` is never ambiguous.
A name holding a control, zero-width or bidi character (``controls.ANY``) is spelled as
PostgreSQL's Unicode identifier, ``U&"red\001B[31m"``: it reads back as the same name in
SQL (a printed fix runs as printed), is one line, and cannot drive a reader's terminal.

Probes quote names for PostgREST's grammar with ``probes.cache_only.field`` (its
``pQuotedValue``, QueryParams.hs v11 and v12: a double-quoted name is taken literally).
"""

from __future__ import annotations

import functools
import re

from tui.core import controls

# pg_get_keywords() of PostgreSQL 15 where catcode <> 'U': the keywords quote_ident quotes.
QUOTED_KEYWORDS = frozenset({
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
    "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character",
    "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc",
    "distinct", "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float",
    "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having",
    "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into",
    "is", "isnull", "join", "lateral", "leading", "least", "left", "like", "limit", "localtime",
    "localtimestamp", "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null",
    "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps",
    "overlay", "placing", "position", "precision", "primary", "real", "references", "returning",
    "right", "row", "select", "session_user", "setof", "similar", "smallint", "some", "substring",
    "symmetric", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat",
    "trim", "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
    "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
    "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable"
})  # fmt: skip
_BARE = re.compile(r"[a-z_][a-z0-9_]*")


# Both memoised: a check quotes the same schema and table names thousands of times (DHIS2:
# 15,800 calls for 470 tables and 990 keys, a third of the drift's database side).
@functools.lru_cache(maxsize=1 << 16)
def quote_ident(name: str) -> str:
    """PostgreSQL's ``quote_ident``: bare when safe, else double-quoted with ``""``; with
    ``U&`` and ``\\XXXX`` escapes when the name holds a control character."""
    if _BARE.fullmatch(name) and name not in QUOTED_KEYWORDS:
        return name
    quoted = name.replace('"', '""')
    if controls.ANY.search(quoted):
        return 'U&"' + controls.ANY.sub(_unicode_escape, quoted.replace("\\", "\\\\")) + '"'
    return '"' + quoted + '"'


def _unicode_escape(match: re.Match[str]) -> str:
    return f"\\{ord(match.group(0)):04X}"  # the class is in the BMP: four digits suffice


_UESCAPE = re.compile(r"\\(\\|\+[0-9A-Fa-f]{6}|[0-9A-Fa-f]{4})")


@functools.lru_cache(maxsize=1 << 16)
def qualified(*parts: str) -> str:
    """``schema.table[.column]`` with each part quoted as needed (unambiguous)."""
    return ".".join(map(quote_ident, parts))


def relationship_name(
    schema: str, table: str, ref_schema: str, ref_table: str, hint: str | None = None
) -> str:
    """``schema.table:schema.table[!hint]``: the hint is the foreign key's name (or, for a
    key only seen in OpenAPI, its column), as PostgREST's ``!hint`` disambiguates embeds."""
    name = f"{qualified(schema, table)}:{qualified(ref_schema, ref_table)}"
    return f"{name}!{quote_ident(hint)}" if hint else name


def split_unquoted(text: str, seps: str) -> list[str]:
    """Split a printed name at separator characters outside double quotes; each piece
    keeps its quotes (see ``unquote``)."""
    pieces, start, quoted = [], 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted  # "" toggles twice: stays right
        elif ch in seps and not quoted:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return pieces


def unquote(piece: str) -> str:
    """The name behind one quote_ident'ed piece (``U&"..."`` escapes decoded)."""
    if len(piece) >= 4 and piece[:3] in ('U&"', 'u&"') and piece[-1] == '"':
        return _UESCAPE.sub(_unicode_char, piece[3:-1].replace('""', '"'))
    if len(piece) >= 2 and piece[0] == piece[-1] == '"':
        return piece[1:-1].replace('""', '"')
    return piece


def _unicode_char(match: re.Match[str]) -> str:
    code = match.group(1)
    return "\\" if code == "\\" else chr(int(code.lstrip("+"), 16))


def signature(name: str, arg_types: tuple[str, ...] | list[str]) -> str:
    """``public.f(integer, text)``: a printed function name with its input argument types as
    PostgreSQL's ``format_type`` prints them, which tells one overload from another."""
    return f"{name}({', '.join(arg_types)})"


def split_signature(text: str) -> tuple[str, tuple[str, ...] | None]:
    """``public.f(integer, text)`` -> (``public.f``, (``integer``, ``text``)); a name
    without an argument list -> (name, None). Parentheses inside quotes are a name's."""
    head = split_unquoted(text, "(")[0]
    if head == text or not text.endswith(")"):
        return text, None
    inner = text[len(head) + 1 : -1]
    return head, tuple(a.strip() for a in split_unquoted(inner, ",")) if inner.strip() else ()


def parse_qualified(text: str) -> list[str]:
    """``test."x.y"`` -> ``["test", "x.y"]`` (the inverse of ``qualified``)."""
    return [unquote(p) for p in split_unquoted(text, ".")]
