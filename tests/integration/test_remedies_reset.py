"""The guarded reset on the real sandbox: refusals leave the data alone; a confirmed reset leaves a
verified dump, a reset database and a restore that works."""

from __future__ import annotations

import asyncio
import hashlib
import json
import stat
from pathlib import Path

import psycopg
import pytest

from tests.integration.remedy_helpers import Events, run_cli, target_of
from tui.core.errors import GuardRefused
from tui.core.remedies.events import EventKind
from tui.core.remedies.reset import ResetRequest, run_reset
from tui.core.remedies.restore import RestoreStep
from tui.core.tools import pg_binaries, supabase_cli
from tui.sandbox.cluster import Cluster

pytestmark = pytest.mark.integration
BINDIR = pg_binaries().bindir


def counts(box) -> tuple[int, bool]:
    """(customers rows, does the drift table invoices exist)."""
    with psycopg.connect(box.db_url) as conn:
        customers = conn.execute("SELECT count(*) FROM public.customers").fetchone()[0]
        invoices = conn.execute("SELECT to_regclass('public.invoices') IS NOT NULL").fetchone()[0]
    return customers, invoices


def dumps_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("dump-*") if p.is_file()]


async def test_reset_without_the_right_name_is_refused_before_any_io(sandbox12, tmp_path) -> None:
    box = sandbox12
    box.apply_drift(["missing-table"])
    target = target_of(box)
    for typed in (None, "", box.dbname.upper(), box.dbname + "x"):
        with pytest.raises(GuardRefused, match=f"--confirm {box.dbname}"):
            await run_reset(
                target,
                ResetRequest(confirm=typed, session_dir=tmp_path),
                emit=Events(),
                pg_bindir=BINDIR,
                cli=None,
            )
    assert counts(box) == (2, True)
    assert dumps_under(tmp_path) == []


async def test_reset_whose_dump_fails_is_refused_with_the_data_intact(sandbox12, tmp_path) -> None:
    box = sandbox12
    box.apply_drift(["missing-table"])
    # a role that may connect but not touch the tables: the write fence's LOCK, before the
    # dump, is refused by the server (as the real pg_dump would be)
    url = box.cluster.dsn(box.dbname, user="authenticator", password="authenticator-sandbox")
    target = target_of(box, db_url=url)
    events = Events()
    with pytest.raises(GuardRefused) as refused:
        await run_reset(
            target,
            ResetRequest(
                confirm=box.dbname,
                session_dir=tmp_path,
                unmigrated="drop",
                local_server=Cluster,  # this role may not create the scratch database
            ),
            emit=events,
            pg_bindir=BINDIR,
            cli=str(supabase_cli()),
        )
    assert "nothing was dropped" in str(refused.value)
    assert "permission denied" in str(refused.value)
    assert not any(e.step == "reset" for e in events)
    assert counts(box) == (2, True)
    assert dumps_under(tmp_path) == []


async def test_reset_is_refused_when_the_fingerprint_changed_since_diagnosis(
    sandbox12, tmp_path
) -> None:
    box = sandbox12
    box.apply_drift(["missing-table"])
    with psycopg.connect(box.db_url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    seen = {"database": box.dbname, "server_version": version, "system_identifier": "1"}
    with pytest.raises(GuardRefused, match="system_identifier: 1 ->"):
        await run_reset(
            target_of(box),
            ResetRequest(
                confirm=box.dbname, fingerprint=seen, session_dir=tmp_path, unmigrated="drop"
            ),
            emit=Events(),
            pg_bindir=BINDIR,
            cli=str(supabase_cli()),
        )
    assert counts(box) == (2, True)
    assert dumps_under(tmp_path) == []  # refused before the dump, on the guard's connection


async def test_ctrl_c_during_the_dump_drops_nothing(sandbox12, tmp_path) -> None:
    box = sandbox12
    box.apply_drift(["missing-table"])
    events = Events()
    # the dump waits on this lock until cancelled (a catalog: the write fence does not lock it)
    holder = psycopg.connect(box.db_url)
    holder.execute("BEGIN; LOCK TABLE pg_catalog.pg_description IN ACCESS EXCLUSIVE MODE")
    task = asyncio.create_task(
        run_reset(
            target_of(box),
            ResetRequest(confirm=box.dbname, session_dir=tmp_path, unmigrated="drop"),
            emit=events,
            pg_bindir=BINDIR,
            cli=str(supabase_cli()),
        )
    )
    while not any(e.step == "dump" and e.kind is EventKind.STARTED for e in events):
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # inside the dump, held by the lock
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    holder.close()
    assert counts(box) == (2, True)
    assert dumps_under(tmp_path) == []


async def test_confirmed_reset_leaves_a_verified_dump_a_reset_database_and_a_working_restore(
    sandbox12, tmp_path
) -> None:
    box = sandbox12
    box.apply_drift(["missing-table"])
    box.execute("INSERT INTO public.customers (name) VALUES ('Added after the seed')")
    target = target_of(box)
    events = Events()
    outcome = await run_reset(
        target,
        ResetRequest(confirm=box.dbname, session_dir=tmp_path, unmigrated="drop"),
        emit=events,
        pg_bindir=BINDIR,
        cli=str(supabase_cli()),
    )
    assert outcome.done, events.text()
    dump = outcome.dump
    assert dump is not None and dump.path.parent == tmp_path
    assert stat.S_IMODE(dump.path.stat().st_mode) == 0o600
    assert dump.sha256 == hashlib.sha256(dump.path.read_bytes()).hexdigest()
    assert dump.rows["public.customers"] == 3 and dump.rows["public.invoices"] == 1
    manifest = json.loads(dump.manifest.read_text())
    assert manifest["sha256"] == dump.sha256
    assert box.connection().db_url not in events.text()
    # reset: the drift is gone, the seed is back
    assert counts(box) == (2, False)

    restored = await RestoreStep(target, dump.path, pg_bindir=BINDIR).run(events)
    assert restored.ok, restored.summary
    assert counts(box) == (3, True)  # the exact pre-reset database: the drift table too
    with psycopg.connect(box.db_url) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM public.customers ORDER BY id")]
        assert names == ["Ada Lovelace", "Grace Hopper", "Added after the seed"]
        # identities continue after the restored rows
        new_id = conn.execute(
            "INSERT INTO public.customers (name) VALUES ('n') RETURNING id"
        ).fetchone()[0]
        assert new_id == 4


def test_cli_reset_off_a_terminal_without_confirm_refuses_and_names_the_flag(tmp_path) -> None:
    proc = run_cli(
        "reset",
        "--db-url",
        "postgresql://u@127.0.0.1:9/shop",
        "--api-url",
        "http://127.0.0.1:9",
        cwd=tmp_path,
        env={"XDG_DATA_HOME": str(tmp_path)},
    )
    assert proc.returncode == 4
    assert "--confirm shop" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_reset_json_records_the_dump_and_restores_with_restore_flag(
    sandbox12, tmp_path
) -> None:
    box = sandbox12
    box.apply_drift(["missing-table"])
    box.execute("INSERT INTO public.customers (name) VALUES ('kept')")
    c = box.connection()
    proc = run_cli(
        "reset",
        "--json",
        "--restore",
        "--drop-unmigrated",
        "--project-dir",
        str(c.project_dir),
        "--confirm",
        box.dbname,
        cwd=tmp_path,
        env=c.env(),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema_version"] == 1
    assert data["reset"] and data["restore"]["status"] == "ok"
    assert [s["step"] for s in data["steps"]] == [
        "unmigrated",
        "dump",
        "fingerprint",
        "reset",
        "migrated",
        "notify",
    ]
    dump = Path(data["dump"]["path"])
    assert hashlib.sha256(dump.read_bytes()).hexdigest() == data["dump"]["sha256"]
    journal = dump.parent / "journal.jsonl"  # the dump lives in the session's folder
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [r["payload"]["sha256"] for r in records if r["kind"] == "dump"] == [
        data["dump"]["sha256"]
    ]
    assert any(r["kind"] == "confirmation" and r["actor"] == "user" for r in records)
    assert counts(box) == (3, True)  # the exact pre-reset database, drift table included
