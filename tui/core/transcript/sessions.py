"""Finding recorded sessions: list them newest first, resolve an id (or ``--last``) to a dir."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.core.errors import UsageError
from tui.core.transcript.journal import JOURNAL_NAME, read_events, session_stamp, sessions_root
from tui.core.transcript.render import verdict_word


class UnknownSession(UsageError):
    """No session matches what the user asked for (exit 2)."""


@dataclass
class SessionInfo:
    """One session as ``pgrst-doctor sessions`` shows it."""

    id: str
    dir: Path
    started: str | None  # UTC ISO-8601 of the first event
    command: str | None
    verdict: str | None  # of the last verdict event, if any
    events: int
    target: str | None = None  # where it looked: "db host:port/name · api URL" (masked)
    warnings: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.dir / JOURNAL_NAME

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "dir": str(self.dir),
            "started": self.started,
            "command": self.command,
            "verdict": self.verdict,
            "target": self.target,
            "events": self.events,
            "warnings": list(self.warnings),
        }


def _session_dirs(root: Path) -> list[Path]:
    """Session directories, newest first, by the start their ids carry (to the microsecond,
    each after the ones before it: ``journal.new_session_id``)."""
    try:
        dirs = [d for d in root.iterdir() if d.is_dir() and (d / JOURNAL_NAME).is_file()]
    except OSError:
        return []
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(dirs, key=lambda d: (session_stamp(d.name) or oldest, d.name), reverse=True)


def describe(session_dir: Path) -> SessionInfo:
    """Read one session's journal into its listing row (corrupt lines counted as warnings)."""
    events, warnings = read_events(session_dir / JOURNAL_NAME)
    command = next(
        (e["payload"].get("command") for e in events if e["kind"] == "session"),
        None,
    )
    verdicts = [verdict_word(e["payload"]) for e in events if e["kind"] == "verdict"]
    verdicts = [v for v in verdicts if v is not None]
    targets = [e["payload"] for e in events if e["kind"] == "target"]
    return SessionInfo(
        id=session_dir.name,
        dir=session_dir,
        started=events[0]["ts"] if events else None,
        command=command if isinstance(command, str) else None,
        verdict=verdicts[-1] if verdicts else None,
        events=len(events),
        warnings=warnings,
        target=target_label(targets[-1]) if targets else None,
    )


def target_label(masked: dict[str, Any]) -> str | None:
    """A target in a few words from its masked form (``Target.masked()``, as journaled): the
    database's host:port/name and the API URL. The same words for a live target and a recorded
    one, so sessions can be matched to the target in force."""
    db, api = masked.get("db_url"), masked.get("api_url")
    if not isinstance(db, str) or not isinstance(api, str):
        return None
    parts = urlsplit(db)
    try:
        where = f"{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"
    except ValueError:  # a malformed port: show the masked URL as recorded
        where = db
    return f"{where or db} · {api}"


def list_sessions(root: Path | None = None) -> list[SessionInfo]:
    """Every recorded session, newest first."""
    return [describe(d) for d in _session_dirs(root or sessions_root())]


def find_session(
    ref: str | None = None,
    *,
    last: bool = False,
    root: Path | None = None,
    target: str | None = None,
) -> Path:
    """The session dir for ``ref``: a full id, its short-id suffix, a unique prefix, or a path
    to a session dir / journal file. ``last`` (or no ref) picks the newest session; with
    ``target`` (a ``target_label``) the newest one on that target."""
    root = root or sessions_root()
    if ref and last:
        raise UsageError("give a session id or --last, not both")
    dirs = _session_dirs(root)
    if not ref:
        if target is not None:
            dirs = [d for d in dirs if describe(d).target == target]
            if not dirs:
                raise UnknownSession(f"no session recorded on {target} (looked in {root})")
        if not dirs:
            raise UnknownSession(f"no sessions recorded yet (looked in {root})")
        return dirs[0]
    by_path = Path(ref).expanduser()
    if by_path.name == JOURNAL_NAME and by_path.is_file():
        return by_path.parent
    if (by_path / JOURNAL_NAME).is_file() and ("/" in ref or by_path.is_absolute()):
        return by_path
    exact = [d for d in dirs if d.name == ref]
    if exact:
        return exact[0]
    matches = [d for d in dirs if d.name.endswith(f"-{ref}") or d.name.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = ", ".join(d.name for d in matches[:3])
        raise UsageError(f"session {ref!r} is ambiguous ({names}…); give more of the id")
    raise UnknownSession(
        f"unknown session {ref!r}; `pgrst-doctor sessions` lists the recorded ones"
    )
