"""Secret masking for everything the transcript records, plus terminal-escape stripping.

Redaction runs inside ``Journal.record``, so the journal file never holds a secret. Masked
values become stable, per-session placeholders (``<jwt#1>``, ``<password#1>``, ``<key#1>``,
``<token#1>``) so a timeline stays readable: the same secret always gets the same placeholder.
The value -> placeholder map lives only in memory; it is never written anywhere.

Three layers, in this order, each applied to every string (recursively through dicts/lists):

1. literal values the caller registered, or that an earlier pattern already found;
2. self-identifying shapes: JWTs (``eyJ….….…``), Supabase keys (``sb_secret_…``);
3. context: passwords in URLs/DSNs, ``name=value`` (query params, env, libpq keywords,
   ``--flag=value``), ``name: value`` headers (``Authorization``, ``apikey``), ``--flag value``
   and any dict value under a key named like a secret.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from tui.core.regex import on_first_use

KINDS = ("jwt", "key", "password", "token")

PLACEHOLDER_RE = re.compile(r"<(jwt|key|password|token)#(\d+)>")
_PLACEHOLDER_ONLY = re.compile(r"^(?:<(?:jwt|key|password|token)#\d+>)+$")
# Display strings other code already masked (``Target.masked()``): nothing left to hide.
_ALREADY_MASKED = re.compile(
    r"^(?:\(none\)|none|null|\*+|\(redacted\)|<redacted>|[A-Za-z0-9_-]{0,8}…\(redacted\))$",
    re.IGNORECASE,
)

# Registered values shorter than this are masked only as whole tokens (not inside words), so a
# short password such as "postgres" does not turn "postgresql://" into "<password#1>ql://".
ANYWHERE_MIN = 12
# Well-known default passwords (local Supabase, docker images): masked where they sit as a
# password, but not wherever the word appears.
PUBLIC_DEFAULTS = frozenset({"postgres", "password", "supabase", "secret", "admin", "root"})
# Values found by a contextual pattern are remembered (and masked anywhere later) from this size.
LEARN_MIN = 8

_B64 = r"[A-Za-z0-9_-]"
_JWT_RE = re.compile(rf"eyJ{_B64}*\.{_B64}+(?:\.{_B64}+)+|eyJ{_B64}*\.{_B64}+\.")
_JWT_FULL = re.compile(rf"eyJ{_B64}*(?:\.{_B64}*){{2,}}")
_SB_KEY_RE = re.compile(r"sb_(?:publishable|secret)_[A-Za-z0-9_-]+")
# scheme://user:password@host — greedy up to the last "@" of the authority (unencoded "@").
_URL_PW_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@'\"]*:)([^\s/?#'\"]+)@")
# Bare values stop at controls: "Bearer\x1b[0m tok" must not mask the escape and leave "tok".
_VALUE = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^\s&;,'\"\x00-\x1f\x7f-\x9f]+"
# Only names containing one of these can be secret names (``secret_kind_for_name`` decides);
# the lookahead keeps the Python callback off every "http:" and "select=".
_MAYBE = r"(?=[A-Za-z0-9_.-]*?(?i:passw|pw|secret|token|key|authorization|jwt|credential))"
# The three name/value shapes are compiled on first use (regex.py): a plain check never runs
# the first and last, a targeted one none of them, and _COLON_RE alone costs ~10 M instructions.
_ASSIGN_RE = on_first_use(
    rf"(?<![A-Za-z0-9_.-]){_MAYBE}(-{{0,2}}[A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)({_VALUE})"
)
# "person.password:person.person" (a relationship of AdventureWorks' person.password table)
# names objects: a dotted name glued to what follows its colon is not a "password: value" pair.
_COLON_RE = on_first_use(
    rf"(?<![A-Za-z0-9_-])(?!(?<=\.)[A-Za-z][A-Za-z0-9_-]*:[^\s:])([\"']?){_MAYBE}([A-Za-z][A-Za-z0-9_-]*)\1(\s*:\s*)"
    rf"(?:(Bearer|Basic|Token|Digest)\s+)?({_VALUE})",
    re.IGNORECASE,
)
_FLAG_RE = on_first_use(
    rf"(?<![A-Za-z0-9_-]){_MAYBE}(--?[A-Za-z][A-Za-z0-9-]*)(\s+)(?!--|-[A-Za-z](?:\s|$))({_VALUE})"
)
_CONTROL_ANY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SCHEME_RE = re.compile(r"^(Bearer|Basic|Token|Digest)\s+(\S.*)$", re.IGNORECASE | re.DOTALL)

_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_SECRET_WORDS = {
    "password": "password",
    "passwd": "password",
    "pgpassword": "password",
    "pw": "password",
    "pwd": "password",
    "secret": "key",
    "token": "token",
    "apikey": "key",
    "key": "key",
    "authorization": "token",
    "credential": "password",
    "credentials": "password",
}
# A name whose last word is one of these describes a secret, it does not hold one.
_DESCRIPTIVE = {
    "source", "sources", "kind", "type", "name", "names", "id", "ids", "count", "present",
    "set", "hint", "path", "file", "length", "len", "role", "roles", "exp", "expires", "ttl",
    "column", "columns", "masked", "configured", "known", "found", "missing", "required",
}  # fmt: skip
# Words that hold a secret when part of a longer word ("dbpassword", "sessiontoken").
_STEMS = (("password", "password"), ("passwd", "password"), ("secret", "key"), ("token", "token"))
# Structural uses of "key" that are not secrets.
_NOT_SECRET = {
    "primary",
    "foreign",
    "sort",
    "partition",
    "cache",
    "unique",
    "pkey",
    "fkey",
    "claim",
}

# --- terminal escapes -------------------------------------------------------------------------

_ESCAPES_RE = re.compile(
    r"\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL/ST (ST optional: cut off)
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit OSC
    r"|\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC
    r"|[\x90\x98\x9e\x9f][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # 8-bit DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"  # other ESC sequences (and a lone ESC)
)
_CONTROLS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_escapes(text: str) -> str:
    """Remove CSI/OSC/DCS and other escape sequences and C0/C1 controls except newline and tab.

    Exported transcripts are pasted into tickets and terminals; hidden OSC sequences can carry
    host names or rewrite the reader's terminal, so none survive.
    """
    return _CONTROLS_RE.sub("", _ESCAPES_RE.sub("", text))


# --- names ------------------------------------------------------------------------------------


def secret_kind_for_name(name: str) -> str | None:
    """The placeholder kind if ``name`` (a dict key, env var, flag, header) holds a secret."""
    words = [w.lower() for w in _WORD_SPLIT.split(name) if w]
    if not words or words[-1] in _DESCRIPTIVE or _NOT_SECRET.intersection(words):
        return None
    for word in reversed(words):
        if word in _SECRET_WORDS:
            return _SECRET_WORDS[word]
        for stem, kind in _STEMS:
            if stem in word and not word.startswith("no"):
                return kind
        if word.endswith("apikey"):
            return "key"
    return None


def _colon_name_kind(name: str) -> str | None:
    """Like ``secret_kind_for_name`` but stricter: prose such as "primary key: id" is not a
    header, so a bare "key" does not count before a colon."""
    return None if name.lower() == "key" else secret_kind_for_name(name)


def kind_of_value(value: str, hint: str) -> str:
    """Placeholder kind from the value's own shape first, then the context's hint."""
    if _JWT_FULL.fullmatch(value):
        return "jwt"
    if _SB_KEY_RE.fullmatch(value):
        return "key"
    return hint


# --- the redactor -----------------------------------------------------------------------------


class Redactor:
    """Per-session masking state: known values and their placeholders, counts per kind."""

    def __init__(self) -> None:
        self._placeholders: dict[str, str] = {}  # every masked value -> its placeholder
        self._literals_set: set[str] = set()  # values masked wherever they appear
        self._counters: Counter[str] = Counter()
        self._literal_re: re.Pattern[str] | None = None

    # state

    def continue_after(self, texts: Iterable[str]) -> None:
        """Number new placeholders after those already used (attaching to a session)."""
        for text in texts:
            for match in PLACEHOLDER_RE.finditer(text):
                kind, n = match.group(1), int(match.group(2))
                self._counters[kind] = max(self._counters[kind], n)

    def register(self, value: str, kind: str = "key") -> str:
        """Mask ``value`` wherever it appears from now on; returns its placeholder."""
        if kind not in KINDS:
            raise ValueError(f"unknown secret kind {kind!r}; expected one of {KINDS}")
        if not isinstance(value, str) or not value:
            raise ValueError("a secret must be a non-empty string")
        # A JWT is a jwt whatever the caller called it; a public default ("postgres") is masked
        # in password positions only, not as every user, database and role named "postgres".
        anywhere = value.lower() not in PUBLIC_DEFAULTS
        return self._placeholder(value, kind_of_value(value, kind), anywhere=anywhere)

    def counts(self) -> dict[str, int]:
        """Distinct secrets masked so far, per kind."""
        return {k: n for k, n in sorted(self._counters.items()) if n}

    def _placeholder(self, value: str, kind: str, *, anywhere: bool = True) -> str:
        placeholder = self._placeholders.get(value)
        if placeholder is None:
            self._counters[kind] += 1
            placeholder = f"<{kind}#{self._counters[kind]}>"
            self._placeholders[value] = placeholder
        if anywhere and value not in self._literals_set:
            self._literals_set.add(value)
            self._literal_re = None
        return placeholder

    def _mask(self, value: str, hint: str) -> str:
        """Placeholder for a value found by a pattern (remembered when long enough)."""
        if not value or _PLACEHOLDER_ONLY.match(value) or _ALREADY_MASKED.match(value):
            return value
        known = self._placeholders.get(value)
        if known is not None:
            return known
        # Too short to mask anywhere later ("true", "x"): numbered, but only masked in context.
        anywhere = len(value) >= LEARN_MIN and value.lower() not in PUBLIC_DEFAULTS
        return self._placeholder(value, kind_of_value(value, hint), anywhere=anywhere)

    # strings

    def text(self, text: str, *, flags: bool = True) -> str:
        """Mask every secret in a free-form string (command lines, output, URLs, prose).
        ``flags=False`` leaves ``--flag value`` alone: the doctor's own messages name flags in
        prose ("--api-key does not look like a key")."""
        if not text:
            return text
        learned = len(self._literals_set)
        text = self._shapes(text)
        if "://" in text:
            text = _sub_named(
                _URL_PW_RE,
                1,
                lambda m: m.group(1) + self._mask(m.group(2), "password") + "@",
                text,
                hint=_URL_HINT,
                name_chars=_SCHEME_CHARS,
            )
        if "=" in text:
            text = _sub_named(_ASSIGN_RE(), 1, self._assign, text)
        if ":" in text:
            text = _sub_named(_COLON_RE(), 2, self._colon, text)
        if flags and "-" in text:
            text = _sub_named(_FLAG_RE(), 1, self._flag, text)
        if len(self._literals_set) != learned:  # earlier occurrences of newly learned values
            text = self._literals(text)
        return text

    def _shapes(self, text: str) -> str:
        """Known values and self-identifying shapes only (no context needed)."""
        text = self._literals(text)
        if "eyJ" in text:
            text = _JWT_RE.sub(lambda m: self._mask(m.group(0), "jwt"), text)
        if "sb_" in text:
            text = _SB_KEY_RE.sub(lambda m: self._mask(m.group(0), "key"), text)
        return text

    def _literals(self, text: str) -> str:
        if not self._literals_set:
            return text
        if self._literal_re is None:
            values = sorted(self._literals_set, key=len, reverse=True)
            parts = [
                re.escape(v) if len(v) >= ANYWHERE_MIN
                else rf"(?<![A-Za-z0-9]){re.escape(v)}(?![A-Za-z0-9])"
                for v in values
            ]  # fmt: skip
            self._literal_re = re.compile("|".join(parts))
        return self._literal_re.sub(lambda m: self._placeholders[m.group(0)], text)

    def _assign(self, m: re.Match[str]) -> str | None:
        kind = secret_kind_for_name(m.group(1))
        if kind is None:
            return None
        return m.group(1) + m.group(2) + self._quoted(m.group(3), kind)

    def _quoted(self, raw: str, kind: str) -> str:
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
            return raw[0] + self._mask(raw[1:-1], kind) + raw[0]
        return self._mask(raw, kind)

    def _colon(self, m: re.Match[str]) -> str | None:
        quote, name, sep, scheme, value = m.groups()
        kind = _colon_name_kind(name)
        if kind is None:
            return None
        if scheme and scheme.lower() == "basic":
            kind = "password"
        prefix = f"{quote}{name}{quote}{sep}" + (f"{scheme} " if scheme else "")
        return prefix + self._quoted(value, kind)

    def _flag(self, m: re.Match[str]) -> str | None:
        flag, space, value = m.groups()
        kind = secret_kind_for_name(flag)
        if kind is None:
            return None
        return flag + space + self._quoted(value, kind)

    # structures

    def value(self, obj: Any, *, hint: str | None = None) -> Any:
        """Mask a JSON-like value recursively. ``hint`` set = the value sits under a key named
        like a secret, so its strings are masked whole. Non-JSON scalars become strings."""
        if isinstance(obj, str):
            return self._string(obj, hint)
        if obj is None or isinstance(obj, bool | int):
            return obj
        if isinstance(obj, float):  # NaN/inf would make the JSON export unreadable to jq
            return obj if math.isfinite(obj) else str(obj)
        if isinstance(obj, Mapping):
            out: dict[str, Any] = {}
            for key, item in obj.items():
                name = self._string(str(key), None)
                out[name] = self.value(item, hint=secret_kind_for_name(str(key)) or hint)
            return out
        if isinstance(obj, list | tuple | set | frozenset):
            return [self.value(item, hint=hint) for item in obj]
        if isinstance(obj, bytes | bytearray):
            return self._string(bytes(obj).decode("utf-8", "replace"), hint)
        return self._string(str(obj), hint)

    def _string(self, raw: str, hint: str | None) -> str:
        # Kept exact (every renderer makes controls visible, shown.visible), unless colour
        # codes shield a secret: "\x1b[1mpassword\x1b[0m=x" is masked in its stripped form.
        # Masked before stripping too: an escape must not eat a secret's first character.
        text = self.text(raw)
        if _CONTROL_ANY.search(text):
            stripped = _strip_around_placeholders(text)
            if (masked := self.text(stripped)) != stripped:
                text = masked
        if hint is None or not text or _PLACEHOLDER_ONLY.match(text):
            return text
        scheme = _SCHEME_RE.match(text)
        if scheme:
            rest = scheme.group(2)
            kind = "password" if scheme.group(1).lower() == "basic" else hint
            if _PLACEHOLDER_ONLY.match(rest):
                return text
            return f"{scheme.group(1)} {self._mask(rest, kind)}"
        return self._mask(text, hint)


# Every secret name holds one of these words (``_MAYBE``); finding them first keeps the
# name/value patterns to a window around each, so a 1 MB line costs milliseconds, not seconds.
_NAME_HINT = ("passw", "pw", "secret", "token", "key", "authorization", "jwt", "credential")
_URL_HINT = ("://",)
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_SCHEME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-")
_NAME_MAX = 4096  # characters of a name before its hint word
_VALUE_MAX = 65536  # characters of a match after its hint word


def _sub_named(
    pattern: re.Pattern[str],
    name_group: int,
    mask: Callable[[re.Match[str]], str | None],
    text: str,
    *,
    hint: tuple[str, ...] = _NAME_HINT,
    name_chars: frozenset[str] = _NAME_CHARS,
) -> str:
    """``pattern.sub`` for name/value patterns where ``mask`` returns None for a harmless name.

    Then only the name is consumed and the search resumes right after it, so "A= PGPASSWORD=x"
    or "note: Authorization: Bearer x" cannot hide the secret inside a harmless value.
    The pattern runs only where its name can be: from the start of the name around each
    ``hint`` (a word every match's name holds) to a bounded window after it.
    """
    out: list[str] = []
    done = 0  # text[:done] is settled (copied to out)
    cursor = 0  # hints before this were dealt with
    for at, after in _hints(text, hint):
        if at < cursor:
            continue
        start, floor = at, max(done, at - _NAME_MAX)
        while start > floor and text[start - 1] in name_chars:
            start -= 1
        end = min(len(text), after + _VALUE_MAX)
        m = pattern.search(text, max(done, start - 1), end)  # -1: an opening quote
        if m is None or m.start() > at:  # this hint starts no match
            continue
        replacement = mask(m)
        if replacement is None:
            cursor = m.end(name_group)
            continue
        out.append(text[done : m.start()] + replacement)
        done = cursor = m.end()
    out.append(text[done:])
    return "".join(out)


def _hints(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of ``words`` in ``text``, ignoring ASCII case, in
    order (``str.find`` runs at memory speed; a case-blind regex alternation does not)."""
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: ASCII-only lowering
        low = text.translate(_ASCII_LOWER)
    found: list[tuple[int, int]] = []
    for word in words:
        at = low.find(word)
        while at >= 0:
            found.append((at, at + len(word)))
            at = low.find(word, at + 1)
    found.sort()
    return found


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


_PLACEHOLDER_SPLIT = on_first_use(r"(<(?:jwt|key|password|token)#\d+>)")


def _strip_around_placeholders(text: str) -> str:
    """``strip_escapes`` that cannot eat into a placeholder ("\x1b<jwt#1>")."""
    parts = _PLACEHOLDER_SPLIT().split(text)
    return "".join(p if i % 2 else strip_escapes(p) for i, p in enumerate(parts))


def masked_counts(texts: Iterable[str]) -> dict[str, int]:
    """Distinct placeholders per kind found in already-redacted text (for export footers)."""
    seen: set[tuple[str, str]] = set()
    for text in texts:
        seen.update((m.group(1), m.group(2)) for m in PLACEHOLDER_RE.finditer(text))
    counts = Counter(kind for kind, _ in seen)
    return {k: counts[k] for k in KINDS if counts[k]}


def masking_footer(counts: Mapping[str, int]) -> str:
    """The closing line of every export: what was masked, in words."""
    total = sum(counts.values())
    if not total:
        return "Masked: no secrets were detected in this session."
    parts = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    noun = "secret" if total == 1 else "secrets"
    return f"Masked: {total} {noun} ({parts}); the values never reached the journal."
