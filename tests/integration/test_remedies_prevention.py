"""Prevention on the real sandbox: the event triggers make PostgREST reload by themselves; the
pre-commit reminder never clobbers a hook."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.remedy_helpers import Events, run_cli, stale_objects, target_of
from tui.core.diagnosis import Diagnosis
from tui.core.errors import GuardRefused
from tui.core.remedies.prevention import HOOK_MARKER, install_hook, install_trigger
from tui.core.remedies.verify import Verifier, VerifyStep

pytestmark = pytest.mark.integration


async def test_install_trigger_is_idempotent_and_ddl_then_reloads_postgrest(sandbox12) -> None:
    target = target_of(sandbox12)

    async def auto_reload_status() -> str:
        report = await Diagnosis(target).run()
        return next(str(f.status) for f in report.findings if f.check == "auto-reload")

    assert await auto_reload_status() == "warn"
    before, after = await install_trigger(target)
    assert not before.installed and after.installed
    assert await auto_reload_status() == "pass"  # the diagnosis sees it installed
    again_before, again_after = await install_trigger(target)
    assert again_before.installed and again_after.installed
    # DDL without any NOTIFY from us: the triggers send it
    since = time.perf_counter()
    sandbox12.apply_drift(["missing-relationship"])
    verifier = Verifier(target, stale_objects("missing-relationship"))
    await verifier.prepare()
    checked = await VerifyStep(verifier, since=since, timeout=5.0).run(Events())
    assert checked.ok, checked.summary


def test_install_trigger_off_a_terminal_without_yes_refuses_and_names_the_flag(tmp_path) -> None:
    proc = run_cli(
        "install-trigger",
        "--db-url",
        "postgresql://u@127.0.0.1:9/shop",
        "--api-url",
        "http://127.0.0.1:9",
        cwd=tmp_path,
        env={"XDG_DATA_HOME": str(tmp_path)},
    )
    assert proc.returncode == 4
    assert "--yes" in proc.stderr


def _git_repo(path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(path)], check=True, timeout=30)
    return path


def test_install_hook_creates_refuses_to_clobber_and_appends_once(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "fresh")
    path, what = install_hook(repo)
    assert what == "created" and HOOK_MARKER in path.read_text()
    assert os.access(path, os.X_OK)
    assert install_hook(repo) == (path, "present")

    other = _git_repo(tmp_path / "theirs")
    hook = other / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 0\n")
    with pytest.raises(GuardRefused, match="--append"):
        install_hook(other)
    assert hook.read_text() == "#!/bin/sh\nexit 0\n"
    install_hook(other, append=True)
    install_hook(other, append=True)
    text = hook.read_text()
    assert text.startswith("#!/bin/sh\nexit 0\n") and text.count(HOOK_MARKER) == 1


def test_installed_hook_prints_the_reminder_for_staged_migrations(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "proj")
    install_hook(repo)
    migration = repo / "supabase" / "migrations" / "20260101_add.sql"
    migration.parent.mkdir(parents=True)
    migration.write_text("CREATE TABLE t (id int);\n")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.test"]
    subprocess.run([*git, "add", "."], check=True, timeout=30)
    done = subprocess.run(
        [*git, "commit", "-q", "-m", "m"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0
    assert "pgrst-doctor reload" in done.stdout + done.stderr
