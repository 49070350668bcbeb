"""HS256 JWTs for the sandbox's anon and service_role keys (the Supabase key shape)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(claims: dict, secret: str) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def new_secret() -> str:
    """A fresh secret per sandbox: its keys are worthless outside it."""
    return secrets.token_urlsafe(48)


def role_key(role: str, secret: str) -> str:
    return sign({"role": role, "iss": "pgrst-doctor-sandbox"}, secret)
