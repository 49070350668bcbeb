"""The headless core (no Textual, no I/O at import).

One start-up measure lives here because it must run before any module imports httpx: httpx
imports its own command-line client (click, rich's console and pygments, ~0.1 s of every
command's start-up, measured with ``-X importtime``) whenever click is installed, and
``results`` (the schema differ of ``reset --keep-unmigrated``) brings click in. The doctor never
runs httpx's CLI; a ``None`` entry makes that optional import fail at once, and httpx then
defines its stand-in ``main``.
"""

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
