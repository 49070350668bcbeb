"""The characters no name or server text may carry raw to a reader: one class for every use.

C0 controls (newline and tab included), DEL, C1 controls, the zero-width and bidi formatting
characters, the line and paragraph separators and the BOM. ``shown.visible`` writes them as
readable escapes in prose; ``names.quote_ident`` spells a name holding one as PostgreSQL's
``U&"..."`` identifier, which reads back as the same name in SQL and holds none of them.
"""

from __future__ import annotations

import re

_FORMAT = "\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb"

ANY = re.compile(f"[\x00-\x1f{_FORMAT}]")
"""Every character of the class (a name is one line: newline and tab too)."""

IN_LINES = re.compile(f"[\x00-\x08\x0b-\x1f{_FORMAT}]")
"""The class less newline and tab: what prose may not carry raw (it keeps its lines)."""

BEYOND_JSON = re.compile(f"[{_FORMAT}]")
"""What ``json.dumps(ensure_ascii=False)`` leaves raw: DEL, C1 and the format characters."""
