"""The session journal: one append-only JSON Lines file per session, fsynced per event.

Layout: ``<user data dir>/sessions/<YYYYMMDDTHHMMSSZ>-<short id>/journal.jsonl`` (dirs 0700,
file 0600, created with O_EXCL). Every line is one event::

    {"ts": "2026-11-24T00:15:55.123Z", "seq": 3, "actor": "tool", "kind": "check", "payload": {}}

Each ``record`` writes its whole line with one ``write`` and fsyncs before returning, so a crash,
SIGKILL or Ctrl+C loses nothing already recorded (``record_many``: several lines, one write).
Payloads are redacted before they are serialised: the file itself never holds a secret. The
first line (kind ``session``) says which command started the session.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import platformdirs

from tui import __version__
from tui.core.errors import DoctorError
from tui.core.shown import json_dumps
from tui.core.transcript.redact import Redactor

JOURNAL_NAME = "journal.jsonl"
JOURNAL_SCHEMA = "pgrst-doctor.journal/1"
KINDS = (
    "session",  # first line: command, tool version (written by Journal.start)
    "target",  # masked target + fingerprint
    "symptom",
    "check",  # Finding.to_record()
    "decision",  # what was decided + the evidence it rested on
    "step-start",
    "step-output",
    "step-end",
    "confirmation",
    "dump",  # path, sha256, bytes
    "kpi",  # id, target, alert, actual, verdict
    "note",  # free text from the user
    "verdict",  # Report.to_json()
)
ACTORS = ("user", "tool")
MAX_STRING = 256 * 1024  # per string in a payload; longer output is cut (after redaction)

Clock = Callable[[], datetime]


class JournalError(DoctorError):
    """The journal could not be created, opened or written (disk full, permissions)."""

    exit_code = 2


def sessions_root() -> Path:
    """Where session directories live (honours XDG_DATA_HOME through platformdirs)."""
    return Path(platformdirs.user_data_dir("pgrst-doctor")) / "sessions"


def utc_stamp(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and a Z: ``2026-11-24T00:15:55.123Z``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def session_stamp(name: str) -> datetime | None:
    """When the session named ``name`` started, from its id (``20261208T014902.123456Z-…``;
    ids from before microseconds, ``20261208T014902Z-…``, too); None for another name."""
    stamp = name.partition("-")[0]
    for form in ("%Y%m%dT%H%M%S.%fZ", "%Y%m%dT%H%M%SZ"):
        try:
            return datetime.strptime(stamp, form).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def new_session_id(root: Path, started: datetime) -> str:
    """A session id that sorts after every session in ``root``: the start to the
    microsecond, moved 1 µs past the newest when the clock says otherwise (two sessions in
    one tick, a clock stepped back), then a random suffix (another process, same moment)."""
    stamp = started.astimezone(UTC)
    try:
        newest = max(filter(None, (session_stamp(e.name) for e in os.scandir(root))), default=None)
    except OSError:
        newest = None
    if newest is not None and newest >= stamp:
        stamp = newest + timedelta(microseconds=1)
    return f"{stamp:%Y%m%dT%H%M%S.%f}Z-{os.urandom(3).hex()}"


def _now() -> datetime:
    return datetime.now(UTC)


def _cut(obj: Any) -> Any:
    if isinstance(obj, str) and len(obj) > MAX_STRING:
        return obj[:MAX_STRING] + f"\n… [cut: {len(obj) - MAX_STRING} more characters]"
    if isinstance(obj, dict):
        return {k: _cut(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_cut(v) for v in obj]
    return obj


class Journal:
    """An open session journal. Use ``Journal.start`` (new session) or ``Journal.attach``."""

    def __init__(self, session_dir: Path, fd: int, *, seq: int, clock: Clock) -> None:
        self.dir = session_dir
        self.path = session_dir / JOURNAL_NAME
        self.session_id = session_dir.name
        self._fd: int | None = fd
        self._seq = seq
        self._clock = clock
        self._lock = threading.Lock()
        self.redactor = Redactor()

    # opening

    @classmethod
    def start(cls, command: str, *, root: Path | None = None, clock: Clock = _now) -> Journal:
        """Create a new session directory and journal; records the ``session`` line."""
        root = root or sessions_root()
        started = clock()
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            for _ in range(20):
                name = new_session_id(root, started)
                try:
                    (root / name).mkdir(mode=0o700)
                    break
                except FileExistsError:
                    continue
            else:
                raise JournalError(f"cannot create a unique session directory in {root}")
            session_dir = root / name
            os.chmod(session_dir, 0o700)  # mkdir's mode is filtered by the umask
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC
            fd = os.open(session_dir / JOURNAL_NAME, flags, 0o600)
            os.fchmod(fd, 0o600)
            _fsync_dir(session_dir)
        except OSError as err:
            raise JournalError(f"cannot create the session journal in {root}: {err}") from None
        journal = cls(session_dir, fd, seq=0, clock=clock)
        journal.record(
            "session",
            {"schema": JOURNAL_SCHEMA, "command": command, "tool_version": __version__},
        )
        return journal

    @classmethod
    def attach(cls, session_dir: Path | str, *, clock: Clock = _now) -> Journal:
        """Continue an existing session (e.g. notes added later); ``seq`` carries on.

        Placeholders continue their numbering, but secrets registered in the earlier process
        are not known here (they are never stored), so register them again if needed.
        """
        session_dir = Path(session_dir)
        path = session_dir / JOURNAL_NAME
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
        except OSError as err:
            raise JournalError(f"cannot open the session journal {path}: {err}") from None
        try:
            data = path.read_bytes()
            if data and not data.endswith(b"\n"):  # a line cut by a crash stays on its own line
                os.write(fd, b"\n")
                os.fsync(fd)
        except OSError as err:
            os.close(fd)
            raise JournalError(f"cannot read the session journal {path}: {err}") from None
        text = data.decode("utf-8", "replace")
        last = 0
        for line in text.splitlines():
            try:
                seq = json.loads(line).get("seq")
            except (ValueError, AttributeError):
                continue
            if isinstance(seq, int):
                last = max(last, seq)
        journal = cls(session_dir, fd, seq=last, clock=clock)
        journal.redactor.continue_after([text])
        return journal

    # recording

    def register_secret(self, value: str, kind: str = "key") -> str:
        """Mask ``value`` wherever it appears in later events; returns its placeholder.

        ``kind`` is one of "jwt", "key", "password", "token". Empty values are ignored.
        """
        if not value:
            return ""
        with self._lock:
            return self.redactor.register(value, kind)

    def record(self, kind: str, payload: Mapping[str, Any], actor: str = "tool") -> dict[str, Any]:
        """Redact, append and fsync one event; returns the event as written."""
        return self.record_many([(kind, payload)], actor)[0]

    def record_many(
        self, events: Sequence[tuple[str, Mapping[str, Any]]], actor: str = "tool"
    ) -> list[dict[str, Any]]:
        """Events that arise together (a report's findings and its verdict): one write, one
        fsync, all or none (a fsync costs 1-10 ms on a laptop's disk; a report has ~15)."""
        if not events:
            return []
        for kind, _payload in events:
            if kind not in KINDS:
                raise ValueError(f"unknown journal event kind {kind!r}")
        if actor not in ACTORS:
            raise ValueError(f"unknown actor {actor!r}; expected 'user' or 'tool'")
        with self._lock:
            if self._fd is None:
                raise ValueError(f"journal {self.session_id} is closed")
            written: list[dict[str, Any]] = []
            for kind, payload in events:
                clean = _cut(self.redactor.value(dict(payload)))
                written.append({
                    "ts": utc_stamp(self._clock()),
                    "seq": self._seq + len(written) + 1,
                    "actor": actor,
                    "kind": kind,
                    "payload": clean,
                })  # fmt: skip
            data = "".join(
                json_dumps(event, compact=True) + "\n"  # cat-safe: every control escaped
                for event in written
            ).encode()
            end = os.lseek(self._fd, 0, os.SEEK_END)
            try:
                _write_all(self._fd, data)
                os.fsync(self._fd)
            except OSError as err:
                # a disk that fills mid-line leaves half a line: cut it, the file stays whole
                with contextlib.suppress(OSError):
                    os.ftruncate(self._fd, end)
                raise JournalError(f"cannot write the session journal {self.path}: {err}") from None
            self._seq += len(written)
            return written

    @property
    def closed(self) -> bool:
        return self._fd is None

    def close(self) -> None:
        """Close the file (idempotent). Everything recorded is already on disk."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Journal({self.session_id!r}, seq={self._seq})"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(path: Path) -> None:
    """Make the new directory entry durable too (a file fsync alone does not)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_events(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """All well-formed events of a journal, plus one warning per skipped line.

    Corrupt or truncated lines (a crash mid-write) are skipped, never fatal.
    """
    events: list[dict[str, Any]] = []
    warnings: list[str] = []
    try:
        data = path.read_bytes()
    except OSError as err:
        return [], [f"cannot read {path}: {err.strerror or err}"]
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            event = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            cut = number == len(lines) and not data.endswith(b"\n")
            why = "truncated (no line end)" if cut else "not valid JSON"
            warnings.append(f"{path.name} line {number}: skipped, {why}")
            continue
        if not _is_event(event):
            warnings.append(f"{path.name} line {number}: skipped, not a journal event")
            continue
        events.append(event)
    return events, warnings


def _is_event(event: Any) -> bool:
    return (
        isinstance(event, dict)
        and isinstance(event.get("ts"), str)
        and isinstance(event.get("seq"), int)
        and isinstance(event.get("kind"), str)
        and isinstance(event.get("payload"), dict)
        and event.get("actor") in ACTORS
    )
