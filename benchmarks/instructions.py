"""Our own cost, whatever the host's speed: the instructions one `check` executes, counted by
valgrind's callgrind (the same count on a loaded or a quiet machine, within a few per cent
from the event loop's polling), for this code and for a reference commit's.

The reference is that commit's source tree (``git archive``, no worktree) run by this
interpreter with this venv's packages: a second venv per run would cost minutes, and a
dependency the reference lacks is never imported by it.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from benchmarks.check_cost import CHECK_PROBE_TIMEOUT, target_env
from tui.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[1]
SIZE = 100  # tables: the sandbox the counts are taken on
TIMEOUT = 900.0  # seconds for one check under callgrind (~50x slower than without)
# `pgrst-doctor` as its console script runs it, from whichever tree is first on sys.path
ENTRY = 'import sys; from tui.cli import main; sys.argv[0] = "pgrst-doctor"; sys.exit(main())'
CHECKS = {"full": (), "targeted": ("--table", "public.t42")}  # what is counted, by name
_TOTAL = re.compile(r"^(?:summary|totals):\s*(\d+)", re.MULTILINE)


def parse_total(callgrind_out: str) -> int:
    """The instructions (the first event, Ir) of a callgrind output file: its ``summary:``
    line, else its ``totals:`` line (either may be missing depending on the version)."""
    match = _TOTAL.search(callgrind_out)
    if match is None:
        raise ValueError("no summary or totals line in the callgrind output")
    return int(match.group(1))


def available() -> bool:
    return shutil.which("valgrind") is not None


def commit_of(ref: str = "HEAD") -> str:
    """The short hash of ``ref`` in this repository, ``+changes`` when HEAD's tree is dirty."""
    short = _git("rev-parse", "--short", ref).strip()
    if ref == "HEAD" and _git("status", "--porcelain", "--untracked-files=no", "--", "tui").strip():
        short += "+changes"
    return short


def _git(*args: str) -> str:
    out = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                         timeout=60, check=True)  # fmt: skip
    return out.stdout


@contextlib.contextmanager
def source_tree(commit: str) -> Iterator[Path]:
    """The commit's files in a temporary directory (``git archive``: no worktree to clean)."""
    with tempfile.TemporaryDirectory(prefix="bench-ref-") as tmp:
        archive = Path(tmp) / "src.tar"
        subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), commit, "tui"],
                       capture_output=True, timeout=120, check=True)  # fmt: skip
        with tarfile.open(archive) as tar:
            tar.extractall(Path(tmp) / "src", filter="data")
        yield Path(tmp) / "src"


def _argv(args: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-c", ENTRY, "check", "--json", "--timeout", CHECK_PROBE_TIMEOUT,
            *args]  # fmt: skip


def count(sandbox: Sandbox, args: tuple[str, ...], source: Path | None = None) -> int:
    """Instructions of one ``check --json [args]`` (``source``: that tree's code instead of
    this one), after one uncounted run that fills its bytecode cache."""
    with tempfile.TemporaryDirectory(prefix="bench-cg-") as tmp:
        root = Path(tmp)
        env = target_env(sandbox, root)
        if source is not None:
            env["PYTHONPATH"] = str(source)  # ahead of this venv's editable install
        subprocess.run(_argv(args), env=env, cwd=root, capture_output=True, timeout=TIMEOUT,
                       check=False)  # fmt: skip
        out = root / "callgrind.out"
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *_argv(args)],
            env=env, cwd=root, capture_output=True, text=True, timeout=TIMEOUT, check=False,
        )  # fmt: skip
        if run.returncode not in (0, 1):  # healthy or stale: a verdict; anything else is not
            raise RuntimeError(f"check under callgrind exited {run.returncode}: "
                               f"{run.stderr.strip().splitlines()[-1:]}")  # fmt: skip
        return parse_total(out.read_text(errors="replace"))


def measure(
    sandbox: Sandbox, commit: str | None = None, log: Callable[[str], None] = print
) -> dict[str, object]:
    """Counts of every check in CHECKS, of this code or (``commit``) of that commit's:
    ``{"commit": short hash, "full": n, "targeted": n}``."""
    counted: dict[str, object] = {"commit": commit_of(commit or "HEAD")}
    with contextlib.ExitStack() as stack:
        source = stack.enter_context(source_tree(commit)) if commit else None
        for name, args in CHECKS.items():
            log(f"instructions: {name} check, {counted['commit']}")
            counted[name] = count(sandbox, args, source)
    return counted
