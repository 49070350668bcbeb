"""The start-up measures of tui/core/startup.py keep what they replace."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.core import startup


def _package(site: Path, name: str, *dist_infos: str) -> None:
    (site / name).mkdir()
    (site / name / "__init__.py").write_text("")
    for folder in dist_infos:
        (site / folder).mkdir()


@pytest.mark.parametrize(
    ("folders", "expected"),
    [
        (("fakepkg-3.3.9.dist-info",), "3.3.9"),
        (("fakepkg-3.3.9.dist-info", "fakepkg-3.2.0.dist-info"), None),  # which one? ask
        ((), None),  # another installer: importlib.metadata decides
        (("fakepkg_extra-1.0.dist-info",), None),  # another distribution's folder
    ],
)
def test_the_version_comes_from_the_one_dist_info_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folders: tuple[str, ...], expected: str | None
) -> None:
    _package(tmp_path, "fakepkg", *folders)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert startup._installed_version("fakepkg", "fakepkg") == expected


def test_psycopg_reports_the_versions_importlib_metadata_reads() -> None:
    """In a fresh interpreter: psycopg loads without importlib.metadata, and its version
    strings are the ones the installed distributions declare."""
    code = (
        "import sys, tui.core, psycopg\n"
        "assert 'importlib.metadata' not in sys.modules, 'metadata imported'\n"
        "from importlib import metadata\n"
        "assert psycopg.__version__ == metadata.version('psycopg'), psycopg.__version__\n"
        "binary = sys.modules.get('psycopg_binary')\n"
        "assert binary is None or binary.__version__ == metadata.version('psycopg-binary')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _fresh(code: str) -> None:
    """Run ``code`` in a fresh interpreter (freezing the collector is for good there)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_collector_is_held_while_loading_and_then_freezes_what_loaded() -> None:
    _fresh(
        "import gc\n"
        "from tui.core import startup\n"
        "startup.hold_collection()\n"
        "assert not gc.isenabled()\n"
        "import psycopg\n"
        "startup.loaded()\n"
        "assert gc.isenabled()\n"
        "frozen = gc.get_freeze_count()\n"
        "assert frozen > 10000, frozen\n"
        "startup.loaded()\n"  # a second call changes nothing
        "assert gc.get_freeze_count() == frozen\n"
    )


def test_loaded_without_a_hold_freezes_nothing() -> None:
    """An in-process caller (tests, the wizard) never held it: nothing is frozen for good."""
    _fresh(
        "import gc\n"
        "from tui.core import startup\n"
        "startup.loaded()\n"
        "assert gc.isenabled() and gc.get_freeze_count() == 0\n"
        "gc.disable()\n"  # a caller that disabled it itself keeps it off
        "startup.hold_collection(); startup.loaded()\n"
        "assert not gc.isenabled() and gc.get_freeze_count() == 0\n"
    )


def test_main_with_arguments_leaves_the_collector_alone() -> None:
    """Only the console script (main() without argv) owns the process and holds it."""
    _fresh(
        "import gc\n"
        "from tui.cli import main\n"
        "assert main(['check', '--symptom', 'no-such-symptom']) == 2\n"
        "assert gc.isenabled() and gc.get_freeze_count() == 0\n"
        "import sys\n"
        "sys.argv = ['pgrst-doctor', 'check', '--symptom', 'no-such-symptom']\n"
        "assert main() == 2\n"  # held, then resumed on the usage error's way out
        "assert gc.isenabled() and gc.get_freeze_count() > 0\n"
    )
