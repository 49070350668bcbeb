"""Start-up measures that must run before the first import of httpx or psycopg, in one place.

``tui/core/__init__.py`` runs ``install()``, so they are in force before any module of the core
(which is where httpx and psycopg are imported) loads. Each is a measured win of the
``check`` path (``-X importtime`` and callgrind instruction counts, which do not depend on the
host's load; BENCHMARKS.md, "Profiling and fixes"), and each keeps what the library does:

- **httpx's command-line client is never imported.** httpx imports its CLI (click, rich's
  console and pygments: ~0.1 s by ``-X importtime``) whenever click is installed, and
  ``results`` (the schema differ of ``reset --keep-unmigrated``) brings click in. The doctor
  never runs httpx's CLI; a ``None`` entry makes that optional import fail at once, and httpx
  then defines its stand-in ``main``.
- **psycopg's version strings come from its installed distribution's folder name.**
  ``psycopg.version`` and ``psycopg_binary.version`` each ask ``importlib.metadata`` for their
  distribution's version, which imports importlib.metadata (with zipfile, csv, email's parser)
  and scans every ``sys.path`` entry's distributions, twice (measured win below). pip
  names that folder ``<name>-<version>.dist-info`` beside the package; when exactly one such
  folder is there, a module holding that version stands in for the version module. Otherwise
  (another installer, two folders) nothing is done and psycopg asks importlib.metadata itself.

One more measure is not installed here but asked for by the command line, since only it knows
that the process is its own and runs one command (``hold_collection`` / ``loaded``):

- **No cyclic garbage collection while a command's modules load, and none walks them again.**
  Loading psycopg, httpx, asyncio and the engine creates ~300,000 tracked objects that live
  until exit; the collector walked them over and over as they came in, and again in its
  collections at exit. ``hold_collection`` pauses it; ``loaded`` moves what is there into the
  permanent generation (``gc.freeze``) and resumes it, so garbage made while the command runs
  is collected as before, only the loaded modules are no longer walked.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import sys
import types

# callgrind (instructions, the same whatever the host's load), this machine, 2026-12-07:
# `import psycopg` 642 M; `import tui.core, psycopg` with this measure 595 M (-7 %); the
# check's whole import path 1.109 G -> 1.080 G (-2.6 %: http.client imports email anyway).
# importlib.metadata's scan of the distributions' folders is file-system work callgrind does
# not count. Win: -29 M instructions (2.6 %) of the check's imports.

# (module psycopg imports, top-level package, distribution name as pip writes its folder)
VERSION_MODULES = (
    ("psycopg.version", "psycopg", "psycopg"),
    ("psycopg_binary.version", "psycopg_binary", "psycopg_binary"),
)


def _installed_version(package: str, dist: str) -> str | None:
    """The version in the one ``<dist>-<version>.dist-info`` folder beside ``package``,
    found without importing the package (None: not exactly one such folder)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    site = os.path.dirname(next(iter(spec.submodule_search_locations)))
    prefix, suffix = f"{dist}-", ".dist-info"
    try:
        found = [n for n in os.listdir(site) if n.startswith(prefix) and n.endswith(suffix)]
    except OSError:
        return None
    if len(found) != 1:
        return None
    version = found[0][len(prefix) : -len(suffix)]
    return version if version and version[0].isdigit() else None


def _version_modules() -> None:
    for module, package, dist in VERSION_MODULES:
        if module in sys.modules:
            continue
        version = _installed_version(package, dist)
        if version is None:
            continue
        stand_in = types.ModuleType(module, "The installed distribution's version (startup.py).")
        stand_in.__version__ = version  # type: ignore[attr-defined]
        sys.modules[module] = stand_in


def install() -> None:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    _version_modules()


_held = False  # hold_collection paused the collector; loaded resumes it


def hold_collection() -> None:
    """Pause cyclic garbage collection while a command's modules load (see the module doc).
    Only for a process that runs one command and ends: the caller must call ``loaded``."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def loaded() -> None:
    """The command's modules are in: freeze them (never walked again) and collect as before.
    Does nothing unless ``hold_collection`` paused the collector; safe to call twice."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
