"""The user's failing request (`--request`): first evidence, and after a fix, the proof.

Accepted forms: ``GET /orders?select=*,customers(*)``, ``POST /t {"a": 1}``, a bare path,
a full URL under the API's host, or a pasted ``curl`` command. Credentials in the pasted text
(Authorization, apikey, cookies, ``-u``, ``?apikey=``) are dropped on the spot: the replay
always uses the target's key, and error messages never echo the pasted text.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tui.core.errors import UsageError
from tui.core.same_target import DEFAULT_PORTS, host_key

METHODS = frozenset({"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"})
# Headers never kept: credentials, and what the HTTP client computes itself.
DROPPED_HEADERS = frozenset(
    {
        "authorization",
        "apikey",
        "cookie",
        "proxy-authorization",
        "x-api-key",
        "host",
        "content-length",
        "connection",
        "accept-encoding",
    }
)
SECRET_QUERY_PARAMS = frozenset({"apikey", "api_key", "access_token", "token"})
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP token (RFC 9110)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM = "application/x-www-form-urlencoded"
MAX_PATH = 16 * 1024  # longer request lines are refused by servers and proxies anyway

# curl options: which take a value, and what they mean to us.
_CURL_DATA = frozenset(
    {"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode"}
)
_CURL_WITH_VALUE = frozenset(
    {
        "-X", "--request", "-H", "--header", "--url", "--json", "-u", "--user", "-b",
        "--cookie", "-o", "--output", "-m", "--max-time", "--connect-timeout", "-A",
        "--user-agent", "-e", "--referer", "--cacert", "--cert", "--key", "-x", "--proxy",
        "--retry", "-w", "--write-out", "--resolve", "-c", "--cookie-jar", "-T",
        "--upload-file", "-F", "--form", "--oauth2-bearer",
    }
)  # fmt: skip
_CURL_SHORT_WITH_VALUE = frozenset(o[1] for o in _CURL_WITH_VALUE | _CURL_DATA if len(o) == 2)


@dataclass(frozen=True)
class FailingRequest:
    """An HTTP request relative to the API root. Auth headers are *not* kept here: the
    replay always uses the target's key, so secrets from a pasted curl never travel further.
    """

    method: str
    path: str  # path + query, relative to the API root, starting with "/"
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)  # non-secret headers only

    @property
    def display(self) -> str:
        return f"{self.method} {self.path}"


def parse_request(text: str, api_url: str) -> FailingRequest:
    """Parse ``--request`` text relative to the target's API root (see module docstring)."""
    text = text.strip()
    if not text:
        raise UsageError("--request is empty")
    first = text.split(None, 1)[0]
    if first == "curl":
        return _parse_curl(text, api_url)
    method: str | None = None
    rest = text
    if re.fullmatch(r"[A-Z]{3,}", first) and first not in METHODS:
        raise UsageError(
            f"--request: unsupported HTTP method {first[:10]!r} (use one of "
            f"{', '.join(sorted(METHODS))}; write /{first[:10]} for a path)"
        )
    if first.upper() in METHODS:
        method = first.upper()
        rest = text[len(first) :].strip()
        if not rest:
            raise UsageError(f"--request {method}: a path is missing, e.g. {method} /orders")
    if method is not None and _RAW_REQUEST_LINE.match(rest):
        return _parse_raw(method, rest, api_url)
    target = re.split(r"\s+", rest, maxsplit=1)[0]
    body_text = rest[len(target) :].strip()  # verbatim: a JSON body may contain blanks
    if method is None:
        method = "POST" if body_text else "GET"  # a bare path with a body is a write
    headers: dict[str, str] = {}
    body: bytes | None = None
    if _CONTROL.search(body_text):
        raise UsageError("--request: the body contains control characters")
    if body_text:
        body = body_text.encode("utf-8")
        headers["Content-Type"] = "application/json" if _is_json(body_text) else FORM
    path = _relative_path(target, api_url)
    return FailingRequest(method=method, path=path, body=body, headers=headers)


_RAW_REQUEST_LINE = re.compile(r"\S+[ \t]+HTTP/\d(?:\.\d)?[ \t]*(?:\r?\n|$)")


def _parse_raw(method: str, rest: str, api_url: str) -> FailingRequest:
    """A raw HTTP request as a proxy log or browser shows it: ``GET /x HTTP/1.1``, header
    lines (``Accept-Profile: api`` kept, credentials dropped), a blank line, the body."""
    head, body_text = _split_head(rest)
    lines = head.splitlines()
    target = lines[0].split()[0]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not _HEADER_NAME.fullmatch(name) or _CONTROL.search(value):
            raise UsageError("--request: a header line of the pasted request is malformed")
        if name.lower() not in DROPPED_HEADERS:
            headers[name] = value
    body_text = body_text.strip()
    if _CONTROL.search(body_text):
        raise UsageError("--request: the body contains control characters")
    if body_text and "content-type" not in {k.lower() for k in headers}:
        headers["Content-Type"] = "application/json" if _is_json(body_text) else FORM
    return FailingRequest(
        method=method,
        path=_relative_path(target, api_url),
        body=body_text.encode("utf-8") if body_text else None,
        headers=headers,
    )


def _split_head(rest: str) -> tuple[str, str]:
    """(request line and headers, body): the head ends at the first blank line."""
    parts = re.split(r"\r?\n[ \t]*\r?\n", rest, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _relative_path(target: str, api_url: str) -> str:
    """``target`` (path or full URL) as path + query relative to the API root."""
    if _CONTROL.search(target) or any(ch.isspace() for ch in target):
        raise UsageError("--request: the path contains blanks or control characters")
    if len(target) > MAX_PATH:
        raise UsageError(f"--request: the URL is longer than {MAX_PATH // 1024} KiB")
    api = urlsplit(api_url)
    root = api.path.rstrip("/")
    if "://" in target:
        try:
            url = urlsplit(target)
        except ValueError:  # e.g. an unclosed IPv6 bracket
            raise UsageError("--request: the URL's host is malformed") from None
        if url.scheme.lower() not in DEFAULT_PORTS:
            raise UsageError("--request: only http:// or https:// URLs can be replayed")
        try:
            port = url.port or DEFAULT_PORTS[url.scheme.lower()]
        except ValueError:
            raise UsageError("--request: the URL's port is not a number") from None
        api_port = api.port or DEFAULT_PORTS.get(api.scheme.lower(), 80)
        if host_key(url.hostname or "") != host_key(api.hostname or "") or port != api_port:
            raise UsageError(
                f"--request: the URL points at {(url.hostname or '')[:60]}:{port}, not at the "
                f"API {api.hostname}:{api_port}; pass --api-url for that server or use a path"
            )
        path, query = url.path or "/", url.query
        if root and not (path == root or path.startswith(root + "/")):
            raise UsageError(f"--request: the URL is not under the API root {root}/")
    else:
        path, _, query = target.partition("?")
        path, _, _fragment = path.partition("#")
        if not path.startswith("/"):
            path = "/" + path
    if root and (path == root or path.startswith(root + "/")):
        path = path[len(root) :] or "/"
    query = _drop_secret_params(query)
    return path + (f"?{query}" if query else "")


def _drop_secret_params(query: str) -> str:
    """Remove ``apikey=`` and friends; leave the rest byte for byte (PostgREST syntax)."""
    if not query:
        return ""
    kept = [
        item
        for item in query.split("&")
        if item.partition("=")[0].lower() not in SECRET_QUERY_PARAMS
    ]
    return "&".join(kept)


# -- curl ---------------------------------------------------------------------------------------
def _parse_curl(text: str, api_url: str) -> FailingRequest:
    text = re.sub(r"\\\r?\n", " ", text)  # shell line continuations
    try:
        argv = shlex.split(text)
    except ValueError:
        raise UsageError("--request: the curl command has an unbalanced quote") from None
    method: str | None = None
    url: str | None = None
    headers: dict[str, str] = {}
    data: list[str] = []
    as_get = head = False
    json_body = False
    args = iter(argv[1:])
    for arg in args:
        option, value = _curl_option(arg, args)
        if option is None:
            if url is not None:
                raise UsageError("--request: the curl command names more than one URL")
            url = value
        elif option in ("-X", "--request"):
            method = (value or "").upper()
        elif option in ("-H", "--header"):
            name, colon, hvalue = (value or "").partition(":")
            name, hvalue = name.strip(), hvalue.strip()
            if colon and name.lower() not in DROPPED_HEADERS:
                if not _HEADER_NAME.fullmatch(name) or _CONTROL.search(hvalue):
                    raise UsageError("--request: a curl -H header is malformed")
                headers[name] = hvalue
        elif option in _CURL_DATA or option == "--json":
            if (value or "").startswith("@"):
                raise UsageError("--request: curl -d @file is not supported; paste the body")
            data.append(value or "")
            json_body = json_body or option == "--json"
        elif option == "--url":
            url = value
        elif option in ("-G", "--get"):
            as_get = True
        elif option in ("-I", "--head"):
            head = True
        elif option in ("-F", "--form", "-T", "--upload-file"):
            raise UsageError("--request: curl uploads (-F/-T) cannot be replayed")
    if not url:
        raise UsageError("--request: the curl command has no URL")
    body_text = "&".join(data) if data else None
    if as_get and body_text is not None:
        url += ("&" if "?" in url else "?") + body_text
        body_text = None
    if method is None:
        method = "HEAD" if head else "POST" if body_text is not None else "GET"
    if method not in METHODS:
        raise UsageError(f"--request: unsupported HTTP method {method[:10]!r}")
    lower = {k.lower() for k in headers}
    if body_text is not None and "content-type" not in lower:
        headers["Content-Type"] = "application/json" if json_body else FORM
    if json_body and "accept" not in lower:
        headers["Accept"] = "application/json"
    return FailingRequest(
        method=method,
        path=_relative_path(url, api_url),
        body=body_text.encode("utf-8") if body_text is not None else None,
        headers=headers,
    )


def _curl_option(arg: str, rest: Iterator[str]) -> tuple[str | None, str | None]:
    """(option, value) for one argv item, consuming the value from ``rest`` when separate.
    Positional arguments come back as (None, arg)."""
    if not arg.startswith("-") or arg == "-":
        return None, arg
    if arg.startswith("--"):
        name, eq, value = arg.partition("=")
        if name in _CURL_WITH_VALUE or name in _CURL_DATA:
            return name, value if eq else next(rest, None)
        return name, None
    # short options, possibly combined ("-sS") or with an attached value ("-XPOST")
    for i, letter in enumerate(arg[1:], start=1):
        if letter in _CURL_SHORT_WITH_VALUE:
            attached = arg[i + 1 :]
            return f"-{letter}", attached if attached else next(rest, None)
        if letter in "GI":
            return f"-{letter}", None
    return arg, None
