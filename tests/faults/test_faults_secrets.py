"""Secrets and shells: nothing the user types is run by a shell, and no planted secret shows up
in what other users of the machine can see (process titles) or in what the doctor prints.
"""

from __future__ import annotations

import ast
import json
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tui.core.remedies.events import StepEvent, StepStatus
from tui.core.remedies.notify import NotifyCliStep
from tui.core.target import resolve_target
from tui.core.tools import supabase_cli

pytestmark = pytest.mark.integration  # the real PostgreSQL / PostgREST stack

REPO = Path(__file__).resolve().parents[2]
PLANTED_PASSWORD = "Planted-Pw-7Yq2"  # trust auth lets it in; it must never be seen

# Calls that hand a string to /bin/sh.
SHELL_CALLS = {
    ("os", "system"),
    ("os", "popen"),
    ("subprocess", "getoutput"),
    ("subprocess", "getstatusoutput"),
    ("asyncio", "create_subprocess_shell"),
}


def _shell_uses(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        where = f"{path.name}:{node.lineno}"
        if isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else ""
            if (owner, func.attr) in SHELL_CALLS or func.attr == "create_subprocess_shell":
                found.append(f"{where} {owner}.{func.attr}")
        for kw in node.keywords:
            if kw.arg == "shell" and not (
                isinstance(kw.value, ast.Constant) and kw.value.value is False
            ):
                found.append(f"{where} shell=")
    return found


def test_no_code_runs_anything_through_a_shell():
    files = sorted((REPO / "tui").rglob("*.py")) + sorted((REPO / "benchmarks").rglob("*.py"))
    assert len(files) > 20
    uses = [use for path in files for use in _shell_uses(path)]
    assert uses == []


def test_the_shell_scan_would_notice_a_shell(tmp_path):
    """Guard against a scan that can never fail."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os, subprocess, asyncio\n"
        "os.system('ls')\nsubprocess.run('ls', shell=True)\n"
        "asyncio.create_subprocess_shell('ls')\nos.popen('ls')\n"
    )
    assert len(_shell_uses(sample)) == 4


class CmdlineWatcher:
    """Samples every process's argv (/proc/*/cmdline) and keeps any that holds a needle."""

    def __init__(self, needles: list[str]) -> None:
        self.needles = [n.encode() for n in needles]
        self.seen: list[str] = []
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
                try:
                    raw = cmdline.read_bytes()
                except OSError:
                    continue
                if any(n in raw for n in self.needles):
                    self.seen.append(raw.replace(b"\0", b" ").decode(errors="replace")[:200])
            self.samples += 1

    def __enter__(self) -> CmdlineWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


@contextmanager
def watching(*needles: str) -> Iterator[CmdlineWatcher]:
    with CmdlineWatcher(list(needles)) as watcher:
        yield watcher


async def test_supabase_cli_notify_keeps_the_password_out_of_process_titles(sandbox12):
    """`supabase db query` gets the URL without its password; PGPASSWORD carries it."""
    conn = sandbox12.connection()
    db_url = sandbox12.db_url.replace(":postgres@", f":{PLANTED_PASSWORD}@")
    target = resolve_target(
        {"db_url": db_url, "api_url": conn.api_url, "admin_url": conn.admin_url},
        env={},
        cwd=Path.cwd(),
    )
    events: list[StepEvent] = []
    with watching(PLANTED_PASSWORD) as watcher:
        result = await NotifyCliStep(target, cli=str(supabase_cli()), listening=True).run(
            events.append
        )
    assert result.status is StepStatus.OK, result.summary
    assert watcher.samples > 3
    assert watcher.seen == []
    shown = json.dumps([e.to_json() for e in events]) + json.dumps(result.to_json())
    assert PLANTED_PASSWORD not in shown


def test_check_keeps_planted_secrets_out_of_output_journal_exports_and_titles(doctor, sandbox12):
    """Password, anon key and service key planted in flags, env and a pasted curl command."""
    import os

    conn = sandbox12.connection()
    db_url = sandbox12.db_url.replace(":postgres@", f":{PLANTED_PASSWORD}@")
    curl = (
        f"curl '{conn.api_url}/customers?select=*&apikey={conn.service_key}' "
        f"-H 'Authorization: Bearer {conn.service_key}' -H 'apikey: {conn.service_key}'"
    )
    env = {"PGRST_DOCTOR_DB_URL": db_url, "ANON_KEY": conn.anon_key,
           "SERVICE_ROLE_KEY": conn.service_key, "PGRST_DOCTOR_API_URL": conn.api_url}  # fmt: skip
    planted = [PLANTED_PASSWORD, conn.anon_key, conn.service_key]
    outputs = []
    with watching(*planted) as titles:
        for extra in ((), ("--json",), ("-v",)):
            run = doctor("check", "--request", curl, "--timeout", "3", *extra, env=env, budget=3)
            run.assert_calm(run.code)
            assert run.code in (0, 1), run.output
            outputs.append(run.output)
    for fmt in ("md", "json"):
        exported = doctor("export", "--last", "--format", fmt, env=env, budget=10)
        exported.assert_calm(0)
        outputs.append(exported.output)
    files = [p for p in Path(os.environ["XDG_DATA_HOME"]).rglob("*") if p.is_file()]
    assert any(p.name == "journal.jsonl" for p in files), "check records a session journal"
    outputs += [p.read_text(errors="replace") for p in files]
    for text in outputs:
        for secret in planted:
            assert secret not in text
            assert secret[-16:] not in text  # not even the signature's tail
    # the doctor's own argv holds the pasted curl (the user's choice, documented: prefer env);
    # no other process may show a planted secret
    assert [t for t in titles.seen if " -m tui check " not in t] == []


# A password holding every character libpq may cut a URL at; each piece is planted too.
SCRAM_PASSWORD = "Frag0ne@Tw0Part:Thr3e/Four4"
PIECES = ["Frag0ne", "Tw0Part", "Thr3e", "Four4"]


def _form_url(form: str, user: str, port: int, dbname: str) -> str:
    from urllib.parse import quote

    host = f"127.0.0.1:{port}/{dbname}"
    return {
        "userinfo-encoded": f"postgresql://{user}:{quote(SCRAM_PASSWORD, safe='')}@{host}",
        "password-param": f"postgresql://{user}@{host}?password={quote(SCRAM_PASSWORD, safe='')}",
        # libpq ends the user info at the first "@": the rest lands in host and dbname
        "raw": f"postgresql://{user}:{SCRAM_PASSWORD}@{host}",
    }[form]


@pytest.mark.parametrize("form", ["userinfo-encoded", "password-param", "raw"])
async def test_children_get_no_secret_in_argv_in_any_conninfo_form(
    sandbox12, scram_user, tmp_path, form
):
    """supabase db query (reload), pg_dump (before a reset), pg_restore and psql (restore),
    with a password PostgreSQL really checks (SCRAM): no piece of it in any process title."""
    from psycopg import sql

    from tui.core.remedies.dump import DumpStep
    from tui.core.remedies.restore import RestoreStep
    from tui.core.tools import pg_binaries

    scram_user.cluster.execute(
        "postgres",
        sql.SQL("ALTER ROLE {} PASSWORD {}").format(
            sql.Identifier(scram_user.user), sql.Literal(SCRAM_PASSWORD)
        ),
    )
    conn = sandbox12.connection()
    db_url = _form_url(form, scram_user.user, scram_user.cluster.port, sandbox12.dbname)
    target = resolve_target({"db_url": db_url, "api_url": conn.api_url}, env={})
    events: list[StepEvent] = []
    bindir = pg_binaries().bindir
    with watching(SCRAM_PASSWORD, *PIECES) as watcher:
        notified = await NotifyCliStep(target, cli=str(supabase_cli()), listening=True).run(
            events.append
        )
        dump_step = DumpStep(target, out_dir=tmp_path / "dumps", pg_bindir=bindir)
        dumped = await dump_step.run(events.append)
        restored = None
        if dump_step.dump is not None:
            tables = sql.SQL(", ").join(
                sql.Identifier(*name.split(".", 1)) for name in dump_step.dump.rows
            )
            scram_user.cluster.execute(
                sandbox12.dbname, sql.SQL("TRUNCATE {} CASCADE").format(tables)
            )
            restored = await RestoreStep(target, dump_step.dump.path, pg_bindir=bindir).run(
                events.append
            )
    assert watcher.samples >= (1 if form == "raw" else 3)  # raw: every step stops at once
    assert watcher.seen == []
    if form == "raw":  # libpq reads host "Tw0Part:Thr3e/Four4@127.0.0.1": nothing connects
        assert notified.status is StepStatus.FAILED and dumped.status is StepStatus.FAILED
    else:  # the password reached every child through its environment: SCRAM let it in
        assert notified.status is StepStatus.OK, notified.summary
        assert dumped.status is StepStatus.OK, dumped.summary
        assert restored is not None and restored.status is StepStatus.OK, restored.summary
        assert sum(dump_step.dump.rows.values()) > 0
    shown = json.dumps([e.to_json() for e in events]) + notified.summary + dumped.summary
    for secret in (SCRAM_PASSWORD, *PIECES):
        assert secret not in shown


ECHO_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.RWNob2VkLWtleS1zaWduYXR1cmU"


def test_secrets_quoted_back_and_raw_at_pieces_reach_no_output_nor_artifact(doctor, cluster):
    """The API quotes the request back (apikey, Authorization: Bearer) and a password=…; the
    DB URL's password holds a raw "@", so libpq reads its second half as the host and quotes
    it in its error ("failed to resolve host 'RawF6@127.0.0.1'"). stdout, stderr, --json,
    the journal and both exports (stdout and -o) hold none of it."""
    import os

    import fault_servers as fs

    db_url = f"postgresql://postgres:FirstH@RawF6@127.0.0.1:{cluster.port}/postgres"
    planted = ["FirstH@RawF6", "FirstH", "RawF6", ECHO_KEY, ECHO_KEY[-16:], "Echoed-Srv-Pw42"]
    env = {"PGRST_DOCTOR_DB_URL": db_url, "ANON_KEY": ECHO_KEY}
    texts: dict[str, str] = {}
    with fs.FaultServer(fs.echo_headers) as api:
        for extra in ((), ("--json",), ("-v",)):
            run = doctor("check", "--api-url", api.url, "--timeout", "2", *extra, env=env,
                         budget=2)  # fmt: skip
            run.assert_calm(3)
            texts[f"check {extra}"] = run.output
    assert "<key#" in texts["check ('-v',)"]  # the echoed key was shown, masked
    for fmt in ("md", "json"):
        exported = doctor("export", "--last", "--format", fmt, env=env, budget=10)
        exported.assert_calm(0)
        texts[f"export {fmt}"] = exported.output
        out = Path(f"ticket.{fmt}")
        doctor("export", "--last", "--format", fmt, "-o", str(out), env=env).assert_calm(0)
        texts[str(out)] = out.read_text()
    for path in Path(os.environ["XDG_DATA_HOME"]).rglob("*"):
        if path.is_file():
            texts[str(path)] = path.read_text(errors="replace")
    for where, text in texts.items():
        for secret in planted:
            assert secret not in text, f"{secret!r} in {where}"


# An OSC 52 clipboard write, a clear-screen, a C1 CSI and a right-to-left override in one name.
HOSTILE_TABLE = "osc\x1b]52;c;SGFja2VkIQ==\x07cls\x1b[2Jcsi\x9b31mrlo\u202ex"
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def test_a_table_named_with_terminal_controls_cannot_drive_the_terminal(doctor, sandbox12):
    """Created after PostgREST loaded its cache, so `check` names it as stale: in plain output
    (NO_COLOR, -v), --json and the Markdown export it shows escaped, never as raw bytes."""
    from psycopg import sql

    from tui.core.names import parse_qualified

    sandbox12.cluster.execute(
        sandbox12.dbname,
        sql.SQL("CREATE TABLE public.{} (id int); GRANT SELECT ON public.{} TO anon").format(
            sql.Identifier(HOSTILE_TABLE), sql.Identifier(HOSTILE_TABLE)
        ),
    )
    env = {**sandbox12.connection().env(), "NO_COLOR": "1"}
    outputs = {}
    for extra in ((), ("-v",), ("--json",)):
        run = doctor("check", "--timeout", "3", *extra, env=env, budget=3)
        run.assert_calm(1)
        outputs[f"check {extra}"] = run.output
    exported = doctor("export", "--last", "--format", "md", env=env, budget=10)
    exported.assert_calm(0)
    outputs["export md"] = exported.output
    for where, text in outputs.items():
        for control in RAW_CONTROLS:
            assert control not in text, f"{control!r} raw in {where}"
    shown = (
        'U&"osc\\001B]52;c;SGFja2VkIQ==\\0007cls\\001B[2Jcsi\\009B31mrlo\\202Ex"'  # as SQL reads it
    )
    assert shown in outputs["check ()"] and shown in outputs["check ('-v',)"]
    report = json.loads(outputs["check ('--json',)"])
    names = [parse_qualified(o["name"]) for o in report["stale_objects"]]
    assert ["public", HOSTILE_TABLE] in names, report  # exact


def test_export_never_writes_through_a_symlink_nor_over_a_file(doctor, tmp_path):
    """`export -o`: a link (to an existing file or dangling) is refused even with --force; an
    existing file is replaced only with --force; the refusals are one line, exit 2."""
    import fault_servers as fs

    env = {"PGRST_DOCTOR_DB_URL": f"postgresql://u@127.0.0.1:{fs.dead_port()}/db",
           "PGRST_DOCTOR_API_URL": f"http://127.0.0.1:{fs.dead_port()}"}  # fmt: skip
    doctor("check", "--timeout", "1", env=env, budget=1).assert_calm(3)  # a session to export
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link, dangling = tmp_path / "ticket.md", tmp_path / "dangling.md"
    link.symlink_to(victim)
    dangling.symlink_to(tmp_path / "created-by-the-export.txt")
    for path in (link, dangling):
        for force in ((), ("--force",)):
            run = doctor("export", "--last", "-o", str(path), *force, env=env)
            run.assert_one_line_error(2, "symbolic link")
    assert victim.read_text() == "precious"
    assert not (tmp_path / "created-by-the-export.txt").exists()
    existing = tmp_path / "existing.md"
    existing.write_text("keep me")
    doctor("export", "--last", "-o", str(existing), env=env).assert_one_line_error(2, "--force")
    assert existing.read_text() == "keep me"
    doctor("export", "--last", "-o", str(existing), "--force", env=env).assert_calm(0)
    assert existing.read_text().startswith("#")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600


PARAM_PASSWORD = "Param-Pw-Planted-83k"  # trust auth lets it in


def test_reload_by_every_method_and_reset_keep_a_password_param_out_of_process_titles(
    doctor, sandbox12
):
    """The password as a ?password= parameter (it reached argv whole before): `reload` by
    NOTIFY, the Supabase CLI, SIGUSR1 and a restart command, then a confirmed `reset`
    (pg_dump, supabase db reset), each fixing a real stale table, under the sampler."""
    from test_faults_reset import reset_argv, rows, target_env

    box = sandbox12
    url = box.db_url.replace(":postgres@", "@") + f"?password={PARAM_PASSWORD}"
    env = target_env(box, url)
    pid = str(box.postgrest.pid)
    with watching(PARAM_PASSWORD) as titles:
        for method in ("notify", "notify-cli", "signal", "restart"):
            box.execute(f"CREATE TABLE public.stale_{method.replace('-', '_')} (id int);"
                        f"GRANT SELECT ON public.stale_{method.replace('-', '_')} TO anon")  # fmt: skip
            extra = ["--restart-cmd", f"kill -USR1 {pid}"] if method == "restart" else []
            run = doctor("reload", "--method", method, *extra, "--json", "--timeout", "3",
                         env=env, budget=90)  # fmt: skip
            run.assert_calm(0)
            assert run.json()["fixed"] is True, (method, run.output)
            assert PARAM_PASSWORD not in run.output
        box.apply_drift(["missing-table"])
        reset = doctor(*reset_argv(box, "--confirm", box.dbname, "--json"), env=env, budget=300)
    reset.assert_calm(0)
    assert rows(box) == (2, False)
    assert PARAM_PASSWORD not in reset.output
    assert titles.samples > 3 and titles.seen == [], titles.seen
