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
