"""The headless core must never pull in Textual: the CLI and the wizard share it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui.core


def _core_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(tui.core.__path__, prefix="tui.core.")
        if not info.name.endswith("__main__")
    ]


def test_core_has_modules_to_check():
    assert "tui.core.model" in _core_modules()


def test_importing_the_core_never_imports_textual():
    modules = [*_core_modules(), "tui.sandbox", "tui.cli"]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "", f"textual imported by the core: {result.stdout}"
