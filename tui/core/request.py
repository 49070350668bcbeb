"""The user's failing request (`--request`): first evidence, and after a fix, the proof."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FailingRequest:
    """An HTTP request relative to the API root. Auth headers are *not* kept here: the
    replay always uses the target's key, so secrets from a pasted curl never travel further.
    """

    method: str
    path: str  # path + query, relative to the API root, starting with "/"
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)  # non-secret headers only

    @property
    def display(self) -> str:
        return f"{self.method} {self.path}"
