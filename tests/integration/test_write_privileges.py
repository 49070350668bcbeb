"""The privileges a write needs, judged against real PostgreSQL 15 and PostgREST 12.0.2: the
fix the check prints for a PostgREST upsert, and for a computed field whose name is
overloaded, is what PostgreSQL then accepts and what makes the request succeed."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from diagnosis_helpers import target_for

from tui.core.diagnosis import Diagnosis, DiagnosisRequest
from tui.core.model import Report, Status
from tui.core.request import FailingRequest
from tui.sandbox import Sandbox

pytestmark = pytest.mark.integration

SCHEMA = """
CREATE TABLE public.wp_item (id int PRIMARY KEY, v text);
CREATE TABLE public."Wp Other" (id int PRIMARY KEY);
REVOKE ALL ON public.wp_item FROM anon;
GRANT INSERT ON public.wp_item TO anon;
GRANT SELECT ON public."Wp Other" TO anon;
CREATE FUNCTION public.wp_nick(public.wp_item) RETURNS text LANGUAGE sql AS 'SELECT $1.v';
CREATE FUNCTION public.wp_nick(public."Wp Other") RETURNS text LANGUAGE sql AS 'SELECT ''x''';
REVOKE EXECUTE ON FUNCTION public.wp_nick(public.wp_item) FROM PUBLIC, anon;
NOTIFY pgrst, 'reload schema';
"""
UPSERT = {"Prefer": "resolution=merge-duplicates", "Content-Type": "application/json"}
BODY = {"id": 1, "v": "a"}


async def fixes(box: Sandbox, request: FailingRequest) -> set[str]:
    report: Report = await Diagnosis(target_for(box), DiagnosisRequest(request=request)).run()
    return {f.fix for f in report.findings if f.status is Status.FAIL and f.fix}


async def test_the_printed_grants_are_the_ones_postgresql_needs(sandbox12: Sandbox):
    sandbox12.execute(SCHEMA)
    conn = sandbox12.connection()
    auth = {"Authorization": f"Bearer {conn.anon_key}"}
    upsert = FailingRequest("POST", "/wp_item", json.dumps(BODY).encode(), UPSERT)
    grant = "GRANT UPDATE, SELECT ON public.wp_item TO anon;"
    deadline = time.monotonic() + 20
    while httpx.get(f"{conn.api_url}/wp_item", headers=auth, timeout=5).status_code == 404:
        assert time.monotonic() < deadline, "the reload did not come"
        time.sleep(0.05)
    assert grant in await fixes(sandbox12, upsert)

    def send() -> int:
        return httpx.post(f"{conn.api_url}/wp_item", json=BODY, headers={**UPSERT, **auth},
                          timeout=10).status_code  # fmt: skip

    assert send() in (401, 403)  # INSERT alone: ON CONFLICT DO UPDATE answers 42501
    sandbox12.execute(grant)
    assert send() == 201

    read = FailingRequest("GET", "/wp_item?select=id,wp_nick")
    execute = "GRANT EXECUTE ON FUNCTION public.wp_nick(wp_item) TO anon;"
    assert execute in await fixes(sandbox12, read)
    sandbox12.execute(execute)  # the bare name is overloaded: PostgreSQL rejects it
    assert not await fixes(sandbox12, read)
