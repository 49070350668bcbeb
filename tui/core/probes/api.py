"""PostgREST itself: does it answer, which version, which schemas it exposes, and whether it
accepts the key. One request does all of it: ``Accept-Profile`` naming a schema that cannot
exist makes PostgREST list its exposed schemas (406 PGRST106), after checking the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from tui.core.knowledge.errors import ErrorClass, classify, exposed_schemas_from_pgrst106
from tui.core.probes import openapi_prefetch
from tui.core.probes.base import SMALL_BODY, BodyTooLarge, json_or_text, send
from tui.core.probes.openapi_prefetch import PROBE_PROFILE as PROBE_PROFILE

PROBE_PATH = "pgrst_doctor_probe"  # any relation name: the profile is checked before it
_SERVER_VERSION = re.compile(r"postgrest/(?P<version>[\w.+-]+)", re.IGNORECASE)


@dataclass
class ApiInfo:
    """What the API's first answer says: status, version, exposed schemas."""

    status: int
    postgrest_version: str | None
    exposed_schemas: list[str] = field(default_factory=list)
    error: ErrorClass | None = None  # what the probe request answered, when not PGRST106
    body: Any = None

    @property
    def auth_rejected(self) -> bool:
        return self.error is not None and self.error.code in {
            "PGRST301",
            "PGRST302",
            "PGRST303",
            "HTTP401",
        }

    @property
    def cache_load_failed(self) -> bool:
        return self.error is not None and self.error.code == "PGRST002"


def version_from_server_header(value: str | None) -> str | None:
    match = _SERVER_VERSION.search(value or "")
    return match.group("version") if match else None


async def api_info(client: httpx.AsyncClient) -> ApiInfo:
    headers = {"Accept-Profile": PROBE_PROFILE}
    answer = await _early_answer(client)
    if answer is None:
        response, raw = await send(client, "GET", "/", headers=headers)
        answer = response.status_code, response.headers.get("server"), raw
    status, server, raw = answer
    version = version_from_server_header(server)
    if status == 404 and version:
        # openapi-mode disabled: the root is 404 {}, but a table path still checks the profile
        response, raw = await send(client, "GET", f"/{PROBE_PATH}", headers=headers)
        status = response.status_code
    body = json_or_text(raw)
    info = ApiInfo(status, version, body=body)
    exposed = exposed_schemas_from_pgrst106(body)
    if exposed:
        info.exposed_schemas = exposed
    else:
        info.error = classify(version, status, body)
    return info


async def _early_answer(client: httpx.AsyncClient) -> tuple[int, str | None, bytes] | None:
    """The question as `check` asked it at start-up (openapi_prefetch.py): status, Server
    header, body; None when it was not asked or got no answer (connection refused, reset): the
    probe then asks itself, and its own error says why, as it always did."""
    early = openapi_prefetch.take(str(client.base_url), client.headers.get("apikey"),
                                  openapi_prefetch.API_PROBE)  # fmt: skip
    if early is None:
        return None
    try:
        head = await early.next_item_async()
        raw = b""
        while isinstance(head, tuple) and not openapi_prefetch.is_end(
            item := await early.next_item_async()
        ):
            if isinstance(item, BaseException):
                head = item
                break
            raw += item
            if len(raw) > SMALL_BODY:
                raise BodyTooLarge(f"the answer to GET / exceeds {SMALL_BODY // 1048576} MB")
    finally:
        early.close()  # done, failed or cancelled: the prefetch thread stops reading
    if isinstance(head, TimeoutError):  # no answer within the timeout: asking again waits again
        raise head
    if not isinstance(head, tuple):
        return None
    return head[0], head[1].get("server"), raw
