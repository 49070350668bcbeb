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
from tui.core.probes.base import json_or_text, send

PROBE_PROFILE = "pgrst_doctor_no_such_schema"
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
    response, raw = await send(client, "GET", "/", headers=headers)
    version = version_from_server_header(response.headers.get("server"))
    if response.status_code == 404 and version:
        # openapi-mode disabled: the root is 404 {}, but a table path still checks the profile
        response, raw = await send(client, "GET", f"/{PROBE_PATH}", headers=headers)
    body = json_or_text(raw)
    info = ApiInfo(response.status_code, version, body=body)
    exposed = exposed_schemas_from_pgrst106(body)
    if exposed:
        info.exposed_schemas = exposed
    else:
        info.error = classify(version, response.status_code, body)
    return info
