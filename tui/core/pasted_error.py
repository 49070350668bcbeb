"""A pasted PostgREST error as the starting point: what on-call has in hand at 3 a.m.

Accepts the bare message (any version's wording), the JSON body, a log line that contains
either, and a supabase-js / postgrest-js error object as logged (JSON, or the single-quoted
object notation ``console.log`` prints). The code comes from the ``code`` field, a ``PGRSTnnn``
token, or the first error-table entry whose message pattern matches (knowledge/errors.py: the
patterns per code and version are data, not ifs here). The symptom is the one whose object
kinds include the error's; the objects are what the message names. Names the message leaves
unqualified (PGRST204 says ``'customers'``) are qualified later through the exposed schemas
(``qualify``), since PostgREST resolved them in the request's schema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from tui.core.errors import UsageError
from tui.core.knowledge.errors import EMPTY_404, ERROR_TABLES, GENERAL, ErrorClass, classify
from tui.core.knowledge.symptoms import SYMPTOMS
from tui.core.model import ObjectKind
from tui.core.specs import DEFAULT_SCHEMA, ObjectRef

MAX_PASTE = 64 * 1024  # a pasted log excerpt; more is not an error message
FIELDS = ("code", "message", "details", "hint")

# one field of a JSON body, a JS object as console.log prints it, or logfmt: key, then value
_STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`(?:[^`\\]|\\.)*`'
_FIELD = re.compile(
    r"""(?<![\w$])(?P<q>["']?)(?P<key>code|message|details|hint)(?P=q)\s*[:=]\s*"""
    rf"""(?P<value>(?:(?:{_STRING})(?:\s*\+\s*(?:{_STRING}))*)|null|undefined|[\w.-]+)"""
)
_PART = re.compile(_STRING)
_PGRST_CODE = re.compile(r"\bPGRST\d{3}\b")
# a bare "404 {}" (PostgREST 11-12's answer to a write on a table the cache lacks)
_EMPTY_404 = re.compile(r"(?:^|\D)404\D[^{}]*\{\s*\}\s*$|^\s*\{\s*\}\s*$")
_JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


@dataclass(frozen=True)
class PastedError:
    """What a pasted error says. ``unqualified``: objects whose schema the message leaves out
    (their ``schema`` is a placeholder until ``qualify``)."""

    code: str
    meaning: str
    may_be_stale: bool
    symptom: str | None  # a key of SYMPTOMS; None: not about one kind of object
    objects: tuple[ObjectRef, ...] = ()
    unqualified: tuple[ObjectRef, ...] = ()
    message: str = ""

    def intake_line(self, objects: tuple[ObjectRef, ...] | None = None) -> str:
        """One line for the screen and the CLI: code, the symptom it is, what it names
        (``objects``: as the diagnosis qualified them)."""
        symptom = SYMPTOMS[self.symptom].title if self.symptom else "every check"
        names = ", ".join(o.display for o in (self.objects if objects is None else objects))
        return f"From the error: {self.code} → {symptom}" + (f" · {names}" if names else "")

    def to_json(self, objects: tuple[ObjectRef, ...] | None = None) -> dict[str, Any]:
        return {
            "code": self.code,
            "meaning": self.meaning,
            "symptom": self.symptom,
            "objects": [o.display for o in (self.objects if objects is None else objects)],
        }


def _unquote(token: str) -> str:
    if token.startswith('"'):
        try:
            return str(json.loads(token))
        except ValueError:
            return token[1:-1]
    body = token[1:-1]
    return re.sub(r"\\(.)", lambda m: _JS_ESCAPES.get(m.group(1), m.group(1)), body)


def _value(raw: str) -> str | None:
    if raw in ("null", "undefined"):
        return None
    parts = _PART.findall(raw)
    return "".join(_unquote(p) for p in parts) if parts else raw


def extract_fields(text: str) -> dict[str, str | None]:
    """``code``/``message``/``details``/``hint`` wherever they appear in ``text``: a JSON body,
    a JS object (quoted or bare keys, '…' "…" `…` strings, ``'a' + 'b'`` joins), logfmt, or a
    JSON body escaped inside a JSON log line. The first occurrence of each key wins."""
    for candidate in (text, text.replace('\\"', '"')):
        found: dict[str, str | None] = {}
        for match in _FIELD.finditer(candidate):
            found.setdefault(match["key"], _value(match["value"]))
        if "code" in found or "message" in found:
            return found
    return {}


def _code_from_message(message: str) -> str | None:
    """The error-table entry whose message pattern matches (every version's wording); the
    longest match is the most specific (``function f(x) does not exist`` is 42883, not the
    PGRST202 pattern that matches its first half)."""
    best: tuple[int, str] | None = None
    for code, answer in ERROR_TABLES[GENERAL].items():
        for pattern in answer.patterns:
            match = re.search(pattern.regex, message) if pattern.field == "message" else None
            if match and (best is None or match.end() - match.start() > best[0]):
                best = (match.end() - match.start(), code)
    return best[1] if best else None


def _refs(klass: ErrorClass) -> tuple[list[ObjectRef], list[ObjectRef]]:
    """(objects, the unqualified among them) named by a classified error."""
    n, kind = klass.names, klass.object_kind
    qualified = "schema" in n
    schema = n.get("schema", DEFAULT_SCHEMA)
    ref: ObjectRef | None = None
    if kind is ObjectKind.COLUMN and {"relation", "column"} <= n.keys():
        rel_schema, _, rel = n["relation"].rpartition(".")
        qualified = qualified or bool(rel_schema)
        ref = ObjectRef(kind, rel_schema or schema, rel, column=n["column"])
    elif kind is ObjectKind.RELATIONSHIP and {"source", "target"} <= n.keys():
        ref = ObjectRef(kind, schema, n["source"], target_schema=schema, target_name=n["target"])
    elif kind is ObjectKind.FUNCTION and "function" in n:
        fn_schema, _, name = n["function"].rpartition(".")
        qualified = bool(fn_schema)
        ref = ObjectRef(kind, fn_schema or schema, name)
    elif kind is ObjectKind.ENUM and {"type", "label"} <= n.keys():
        ref = ObjectRef(kind, schema, n["type"], label=n["label"])
    elif kind in (ObjectKind.TABLE, ObjectKind.VIEW) and "relation" in n:
        rel_schema, _, rel = n["relation"].rpartition(".")
        qualified = qualified or bool(rel_schema)
        ref = ObjectRef(ObjectKind.TABLE, rel_schema or schema, rel)
    if ref is None:
        return [], []
    return [ref], ([] if qualified else [ref])


def symptom_for(kind: ObjectKind | None) -> str | None:
    """The runbook symptom about this kind of object (knowledge/symptoms.py)."""
    if kind is None:
        return None
    return next((s.id for s in SYMPTOMS.values() if str(kind) in s.object_kinds), None)


def parse_error(text: str) -> PastedError:
    """Read a pasted error; raises UsageError (exit 2) when ``text`` holds none."""
    text = (text or "").strip()
    if not text:
        raise UsageError("--error needs the error text (its message, JSON body or log line)")
    if len(text) > MAX_PASTE:
        raise UsageError(f"--error: {len(text)} characters is a log, not an error; paste the line")
    fields = extract_fields(text)
    message = fields.get("message") or ""
    code = fields.get("code")
    if not code and (token := _PGRST_CODE.search(text)):
        code = token.group(0)
    if not code:
        code = _code_from_message(message or text)
    if not code and _EMPTY_404.search(text):
        code = EMPTY_404
    if not code:
        shown = text if len(text) <= 60 else text[:57] + "…"
        raise UsageError(
            f"--error {shown!r}: no PostgREST or PostgreSQL error found "
            "(paste its message, its JSON body or the line that logged it)"
        )
    body: dict[str, Any] = {
        "code": code,
        "message": message or text,
        "details": fields.get("details") or ("" if fields else text),
        "hint": fields.get("hint"),
    }
    answer = ERROR_TABLES[GENERAL].get(code)
    status = answer.http_status if answer and answer.http_status else 400
    klass = classify(None, 404, {}) if code == EMPTY_404 else classify(None, status, body)
    objects, unqualified = _refs(klass)
    return PastedError(
        code=code,
        meaning=klass.meaning,
        may_be_stale=klass.may_be_stale,
        symptom=symptom_for(klass.object_kind),
        objects=tuple(objects),
        unqualified=tuple(unqualified),
        message=message or text,
    )


def qualify(
    error: PastedError, exposed: list[str], relations: set[str] | frozenset[str]
) -> tuple[ObjectRef, ...]:
    """The error's objects with a schema each. PostgREST looked an unqualified name up in the
    request's schema: the first exposed one unless a profile header chose another, so the first
    exposed schema that holds the relation (``relations``: "schema.name" keys) wins, else the
    first exposed schema."""
    schemas = list(exposed) or [DEFAULT_SCHEMA]
    out: list[ObjectRef] = []
    for ref in error.objects:
        if ref not in error.unqualified:
            out.append(ref)
            continue
        schema = next((s for s in schemas if f"{s}.{ref.name}" in relations), schemas[0])
        if ref.kind is ObjectKind.RELATIONSHIP:
            out.append(replace(ref, schema=schema, target_schema=schema))
        else:
            out.append(replace(ref, schema=schema))
    return tuple(out)
