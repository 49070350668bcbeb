"""The headless core (no Textual, no I/O at import).

The start-up measures that must precede any import of httpx or psycopg are installed here,
first thing; what each does and what it is worth is in ``startup.py``.
"""

from tui.core import startup

startup.install()
