"""The wizard's first screen comes up without psycopg, httpx, the probes or the later screens
(start-up budget 6, BENCHMARKS.md); libpq's reading of the target follows it: the banner names
the database as libpq reads it, the secrets are masked, the journal records the target first.

Run in a fresh interpreter: this test process has psycopg loaded already (the app then reads
the target as it starts, which the snapshot tests cover).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PASSWORD = "first-screen-pw"  # a test value, never a real secret
HEAVY = (
    "psycopg",
    "httpx",
    "tui.core.probes.base",
    "tui.core.diagnosis",
    "tui.core.remedies.events",
    "tui.core.pasted_error",
    "tui.ui.screens.symptoms",
    "tui.ui.screens.diagnosis",
    "tui.ui.screens.remediation",
    "tui.ui.screens.transcript",
)

START = r"""
import asyncio, json, sys
from pathlib import Path

import tui.cli
tui.cli.build_parser(["wizard"])  # the command line's own imports count too
from tui.core.target import Target
from tui.core.transcript.journal import Journal
from tui.ui.app import DoctorApp

HEAVY, PASSWORD, ROOT = json.loads(sys.argv[1])
seen = {}


on_mount = DoctorApp.on_mount


def first_screen_up(app):  # the first screen is on the terminal: what is loaded now?
    seen["loaded"] = sorted(m for m in HEAVY if m in sys.modules)
    seen["screen"] = type(app.screen).__name__
    seen["banner"] = str(app.screen.query_one("#banner-db").render())


def spy(self):  # asked first, so it runs before anything the app does after the first refresh
    self.call_after_refresh(first_screen_up, self)
    on_mount(self)


DoctorApp.on_mount = spy


async def main():
    # libpq reads ?dbname= over the URL's path: only its reading names "other"
    url = f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/shop?dbname=other"
    journal = Journal.start("wizard", root=Path(ROOT))
    app = DoctorApp(Target(db_url=url, api_url="http://127.0.0.1:1"), journal=journal)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3000):
            if app.db_name is not None and "banner" in seen:
                break
            await pilot.pause(0.01)
        await pilot.pause()
        seen["banner_after"] = str(app.screen.query_one("#banner-db").render())
        from tui.core.shown import mask

        seen["masked"] = mask(f"password {PASSWORD} here")
    journal.close()
    seen["journal"] = journal.path.read_text()
    print(json.dumps(seen))


asyncio.run(main())
"""


def test_first_screen_loads_no_database_or_http_client_and_reads_the_target_after(
    tmp_path: Path,
) -> None:
    args = json.dumps([HEAVY, PASSWORD, str(tmp_path)])
    done = subprocess.run(
        [sys.executable, "-c", START, args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["screen"] == "ConnectScreen"
    assert seen["loaded"] == [], f"imported before the first screen: {seen['loaded']}"
    assert seen["banner"].startswith("DB … ·")  # not the URL's guess ("shop")
    assert seen["banner_after"].startswith("DB other ·")
    assert PASSWORD not in seen["masked"]
    events = [json.loads(line) for line in seen["journal"].splitlines()]
    assert [e["kind"] for e in events[:2]] == ["session", "target"]
    assert PASSWORD not in seen["journal"]


RUN_AS_CONSOLE = r"""
import gc, json, sys
from tui.cli import main
from tui.ui.app import DoctorApp

seen = {}


def run(self, *args, **kwargs):  # the app as it would start: is the collector back on?
    seen["enabled"] = gc.isenabled()
    seen["frozen"] = gc.get_freeze_count()


DoctorApp.run = run
sys.argv = ["pgrst-doctor", "wizard"]
main()
print(json.dumps(seen))
"""


def test_the_wizard_loads_with_the_collector_paused_and_runs_with_it_on(tmp_path: Path) -> None:
    """`pgrst-doctor wizard` loads Textual and the app with the garbage collector paused, then
    freezes what loaded and turns it back on before the app runs (a session can last hours)."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", RUN_AS_CONSOLE],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["enabled"] is True
    assert seen["frozen"] > 10_000  # Textual's modules, frozen once loaded
