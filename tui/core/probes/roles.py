"""The PostgreSQL role PostgREST switches to for a request: the API key's ``role`` claim, else
the deployment's anon role. Standard library only: `check` needs it before the engine loads
(db_prefetch.py)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from tui.core.target import Target

# Supabase's non-JWT keys: the gateway swaps them for the anon / service_role JWT.
OPAQUE_KEY_ROLES = {"sb_publishable_": "anon", "sb_secret_": "service_role"}


def jwt_claims(key: str | None) -> dict[str, Any] | None:
    """The payload of a JWT, decoded WITHOUT verifying it (we only want the ``role``)."""
    if not key or key.count(".") != 2:
        return None
    payload = key.split(".")[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def request_role(key: str | None, anon_role: str | None) -> str | None:
    """The PostgreSQL role PostgREST switches to for requests made with ``key``: the key's
    ``role`` claim, else the deployment's anon role (None when that is unknown)."""
    if not key:
        return anon_role
    for prefix, opaque_role in OPAQUE_KEY_ROLES.items():
        if key.startswith(prefix):
            return opaque_role
    claims = jwt_claims(key) or {}
    role = claims.get("role")
    return role if isinstance(role, str) and role else anon_role


def anon_role_in_db(target: Target) -> bool:
    """Requests go as the anon role, named by no flag: PostgREST's in-database setting for it
    (read with the catalog) overrides its environment and config file."""
    return (target.db_config and request_role(target.api_key, None) is None
            and target.sources.get("anon_role") != "flag")  # fmt: skip
