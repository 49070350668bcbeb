"""Exceptions that carry one clear, user-facing line (never a traceback).

Each has the process exit code the CLI uses for it.
"""

from __future__ import annotations


class DoctorError(Exception):
    """Base: ``str(err)`` is the one line shown to the user."""

    exit_code = 2


class UsageError(DoctorError):
    """Bad flags, malformed URLs/DSNs/object specs, unknown ids."""

    exit_code = 2


class MissingPart(DoctorError):
    """A required program or package is not installed; the message says how to get it."""

    exit_code = 2


class SandboxError(DoctorError):
    """The sandbox could not start (port taken, initdb failed, PostgREST did not get ready)."""

    exit_code = 2


class Unreachable(DoctorError):
    """The database or the API could not be reached within the timeout."""

    exit_code = 3


class GuardRefused(DoctorError):
    """A destructive step was refused by its guard (confirmation, dump, fingerprint, remote)."""

    exit_code = 4
