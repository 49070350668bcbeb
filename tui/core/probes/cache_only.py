"""Requests PostgREST answers from its schema cache alone: nothing reaches PostgreSQL, so no
trigger fires and no function runs (not even ``db-pre-request``).

PostgREST plans a request against its cache before it opens a transaction (App.hs: the plan
is an ``Either``; ``runQuery`` comes after it). Each request below makes the plan resolve the
object in question and then fail on purpose, in the same planning pass, on a name that cannot
exist. Read from PostgREST 11.2.2 and 12.0.2 (Plan.hs ``readPlan`` runs before
``mutatePlan``; ``addRelatedOrders`` after ``addRelationships``; ``findProc`` first of all)
and measured on both with an audit trap on every table and function
(``tests/integration/test_no_execute.py``):

| question | request | not in the cache | in the cache |
|---|---|---|---|
| table or view | ``POST /t?columns=<made up>`` body ``[]`` | 404 ``{}`` (PGRST205 from v13) | PGRST204 naming the made-up column |
| columns | ``POST /t?columns=c1,…,<made up, sorting last>`` | 404 ``{}``, or PGRST204 naming a ``ci`` | PGRST204 naming the made-up column |
| relationship | ``GET /child?select=parent(*)&order=<no such embed>(x)`` | PGRST200 | PGRST108 |
| function | ``GET /rpc/f?<args>&order=<no such embed>(x)`` | PGRST202 | PGRST108 |
| function of one unnamed body argument | ``POST /rpc/f?order=<no such embed>(x)`` of its media type | PGRST202 | PGRST108 |
| the user's read or RPC call | the request plus ``order=<no such embed>(x)`` | PGRST200 / PGRST202 | PGRST108 |
| the user's write (POST, PATCH, PUT) | the request plus ``columns=<its keys>,<made up>`` | 404 ``{}`` / PGRST204 | PGRST204 naming the made-up column |

Rejected alternatives: ``POST ?columns=…`` with ``[]`` alone is a real zero-row INSERT
(statement-level triggers fire); ``Prefer: tx=rollback`` still runs every trigger (and one
that writes through dblink escapes the rollback); ``Prefer: handling=strict`` with an unknown
preference fails after the column check on 12 but is ignored by 11 (the INSERT runs); a
``select`` of an unknown column fails only in PostgreSQL's parser, after ``db-pre-request``
ran; a GET of a table or view runs its SELECT (a view or an RLS policy may call volatile
functions); ``OPTIONS /rpc/f?arg=…`` reads the arguments as filters (PGRST100);
``select=<no such embed>(*)`` on a function fails with PGRST200, whose hint PostgREST builds by
a fuzzy search over every relationship: ~85 ms of its CPU per request at 1,000 tables, against
~1 ms for the PGRST108 of ``order`` (measured on 12.0.2).
PostgREST checks ``columns`` in sorted order and names the first unknown one, so the made-up
column is built to sort after every real one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote

if TYPE_CHECKING:  # only a check with --request loads the request parser
    from tui.core.request import FailingRequest

NO_SUCH_EMBED = "pgrst_doctor_no_such_embed"
MADE_UP_SUFFIX = "~pgrst_doctor_no_such_column"
# query keys that are no filter (QueryParams.hs parse): RESERVED anywhere, and any key whose
# last dotted word is one of EMBEDDABLE (``order``, ``child.order``, ``not.or``)
RESERVED = frozenset({"select", "columns", "on_conflict"})
EMBEDDABLE = frozenset({"order", "limit", "offset", "and", "or"})
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
# the operators a filter's value starts with (QueryParams.hs pOpExpr, the same in 11.2 and
# 12.0), by what may follow the name before its ``.``: nothing, ``(any)``/``(all)``, or a
# full-text search's ``(language)``
OPERATORS: dict[str, tuple[str, ...]] = {
    "": ("neq", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj", "in", "is", "isdistinct"),
    r"(?:\((?:any|all)\))?": ("eq", "gte", "gt", "lte", "lt", "like", "ilike", "match", "imatch"),
    r"(?:\([^)]+\))?": ("fts", "plfts", "phfts", "wfts"),
}
_OPERATOR = re.compile(
    r"^(?:not\.)?(?:"
    + "|".join(f"(?:{'|'.join(names)}){suffix}" for suffix, names in OPERATORS.items())
    + r")\."
)
NO_BODY = b"[]"
JSON = {"Content-Type": "application/json"}


def field(name: str) -> str:
    """A name in PostgREST's query grammar, double-quoted (``\\`` escapes), URL-encoded."""
    return quote('"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"', safe="")


def made_up_column(columns: list[str] | tuple[str, ...]) -> str:
    """A column name that sorts after every one of ``columns`` (their largest is its prefix)
    and that no table has."""
    return max(columns, default="") + MADE_UP_SUFFIX


def columns_query(columns: list[str] | tuple[str, ...]) -> str:
    """``columns=c1,…,<made up>``: PostgREST checks each against its cache, then fails on
    the made-up one, so the INSERT/UPDATE is never built."""
    names = [*dict.fromkeys(columns), made_up_column(columns)]
    return "columns=" + ",".join(field(n) for n in names)


NOT_EMBEDDED_ORDER = f"{NO_SUCH_EMBED}(x)"  # PGRST108 once every embed has been resolved


@dataclass(frozen=True)
class Shape:
    """A request shape and what its answer says: PostgREST's code for "cached" (its planned
    failure) and the codes for "not cached"."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    cached_code: str
    miss_codes: frozenset[str]

    def read(self, status: int, body: object) -> bool | None:
        """Cached (True), not cached (False), or the answer does not tell (None: an auth
        error, a proxy's page, ...)."""
        if planned(body):
            return True
        code = body.get("code") if isinstance(body, dict) else None
        if status == 404 and body == {}:
            code = "404{}"
        return False if code in self.miss_codes else None


def table(schema: str, name: str, columns: tuple[str, ...] = ()) -> Shape:
    """Is the table (and are these columns) in the cache?"""
    return Shape(
        "POST", f"/{quote(name, safe='')}?{columns_query(columns)}",
        {**JSON, "Content-Profile": schema, "Prefer": "return=minimal"}, NO_BODY,
        "PGRST204", frozenset({"404{}", "PGRST205", "PGRST204"}),
    )  # fmt: skip


def relationship(schema: str, child: str, parent: str, hint: str | None = None) -> Shape:
    """Can ``child`` embed ``parent`` (through the key or column ``hint``)?"""
    embed = field(parent) + (f"!{field(hint)}" if hint else "")
    query = f"select={embed}(*)&order={NOT_EMBEDDED_ORDER}"
    return Shape(
        "GET", f"/{quote(child, safe='')}?{query}", {"Accept-Profile": schema}, None,
        "PGRST108", frozenset({"PGRST200"}),
    )  # fmt: skip


# the media type PostgREST passes as the whole body to a function whose one argument has no
# name and this type (Plan.hs findProc, v11.2 and v12.0): only a POST of it finds the function
# the argument types Prefer: params=single-object passes the arguments to as one object
# (Plan.hs findProc, v11.2 and v12.0)
SINGLE_OBJECT_TYPES = frozenset({"json", "jsonb"})
RAW_BODY_MEDIA = {
    "json": "application/json",
    "jsonb": "application/json",
    "text": "text/plain",
    "xml": "text/xml",
    "bytea": "application/octet-stream",
}


def function(
    schema: str, name: str, args: tuple[str, ...] | list[str], raw_body: str | None = None
) -> Shape:
    """Does the cache hold ``name`` with these argument names, or (``raw_body``: the type of
    its one unnamed argument) the one that takes the body? (never called)"""
    path = f"/rpc/{quote(name, safe='')}?"
    if raw_body is not None:
        media = RAW_BODY_MEDIA[raw_body]
        return Shape(
            "POST", f"{path}order={NOT_EMBEDDED_ORDER}",
            {"Content-Profile": schema, "Content-Type": media},
            b"{}" if media == JSON["Content-Type"] else b"", "PGRST108", frozenset({"PGRST202"}),
        )  # fmt: skip
    # each name double-quoted: bare, a name such as "select" or "x.limit" is a reserved
    # parameter to PostgREST (QueryParams.hs), and "a.b" a path, so no argument at all
    query = "".join(f"{field(a)}=0&" for a in args) + f"order={NOT_EMBEDDED_ORDER}"
    return Shape(
        "GET", f"{path}{query}", {"Accept-Profile": schema}, None,
        "PGRST108", frozenset({"PGRST202"}),
    )  # fmt: skip


# -- the user's request ------------------------------------------------------------------------
def body_keys(body: bytes | None, content_type: str | None = None) -> list[str]:
    """The column names a body writes: a JSON object or array of objects, or a form."""
    if not body:
        return []
    from tui.core.request import FORM

    media = (content_type or "").split(";")[0].strip().lower()
    text = body.decode("utf-8", "replace")
    if media == FORM:
        return list(dict.fromkeys(k for k, _ in parse_qsl(text)))
    if media == "text/csv":  # the header line names the columns
        return [c.strip().strip('"') for c in text.splitlines()[0].split(",") if c.strip()]
    try:
        data = json.loads(body)
    except ValueError:
        return []
    rows = data if isinstance(data, list) else [data]
    keys: dict[str, None] = {}
    for row in rows:
        if isinstance(row, dict):
            keys.update(dict.fromkeys(row))
    return list(keys)


def content_type(request: FailingRequest) -> str | None:
    return next((v for k, v in request.headers.items() if k.lower() == "content-type"), None)


def is_rpc(request: FailingRequest) -> bool:
    path = request.path.partition("?")[0].rstrip("/")
    return path.split("/")[-2:-1] == ["rpc"]


def is_filter_key(key: str) -> bool:
    """Is a query key a filter's (or, on a GET of /rpc/, an argument's)? (QueryParams.hs
    isFilter)"""
    return key not in RESERVED and key.split(".")[-1] not in EMBEDDABLE


def has_operator(value: str) -> bool:
    """Does a query value start with an operator (``eq.``, ``not.in.``, ``fts(english).``)?
    Then its key is a filter; on a GET or HEAD of /rpc/ a value without one is an argument
    (QueryParams.hs pRequestFilter: ``pOpExpr <|> NoOpExpr``), so ``email=john.doe`` is."""
    return _OPERATOR.match(value) is not None


def rpc_args(request: FailingRequest, function_name: str) -> tuple[str, ...]:
    """The argument names a call to /rpc/<function> passes: on GET and HEAD the query keys
    that are no filter (reserved, dotted into an embed, or with an operator: a filter on
    the SETOF result), on POST the body's keys (there every query key is a filter)."""
    path, _, query = request.path.partition("?")
    if path.rstrip("/").split("/")[-1] != function_name:
        return ()
    if request.method.upper() == "POST":
        return tuple(dict.fromkeys(body_keys(request.body, content_type(request))))
    names = [k for k, v in parse_qsl(query, keep_blank_values=True)
             if is_filter_key(k) and not has_operator(v)]  # fmt: skip
    return tuple(dict.fromkeys(names))


def runs_something(request: FailingRequest) -> bool:
    """Would the request itself write or call a function? (a write, or any /rpc/ call): the
    wizard sends such a request for real only after a typed yes."""
    return request.method.upper() in WRITE_METHODS or is_rpc(request)


def _with_param(query: str, key: str, value: str, *, append: bool) -> str:
    """``query`` with ``key`` set to ``value`` (``append``: added to an existing list)."""
    parts = [p for p in query.split("&") if p]
    for i, part in enumerate(parts):
        name, eq, old = part.partition("=")
        if name == key:
            parts[i] = f"{key}={old},{value}" if append and eq and old else f"{key}={value}"
            return "&".join(parts)
    return "&".join([*parts, f"{key}={value}"])


def cache_only(request: FailingRequest) -> FailingRequest:
    """The user's request made to fail in PostgREST's planning, right after everything it
    names has been looked up in the cache (see the module docstring). ``OPTIONS`` never
    reaches PostgreSQL and is sent as it is; ``HEAD`` becomes ``GET`` (its answer has no
    body to read the code from)."""
    method = request.method.upper()
    if method == "OPTIONS":
        return request
    path, _, query = request.path.partition("?")
    headers = dict(request.headers)
    if method in WRITE_METHODS and not is_rpc(request):
        given = dict(parse_qsl(query, keep_blank_values=True)).get("columns")
        if method == "DELETE":  # nothing of a DELETE but its table is looked up before SQL
            keys: list[str] = []
            headers = {k: v for k, v in headers.items()
                       if k.lower() not in ("prefer", "content-type")}  # fmt: skip
            return replace(request, method="POST", path=f"{path}?{columns_query(keys)}",
                           body=NO_BODY, headers={**headers, **JSON})  # fmt: skip
        if given:
            keys = [c.strip().strip('"') for c in given.split(",") if c.strip()]
        else:
            keys = body_keys(request.body, content_type(request))
        rest = "&".join(p for p in query.split("&") if p and not p.startswith("columns="))
        new_query = "&".join(p for p in (rest, columns_query(keys)) if p)
        return replace(request, path=f"{path}?{new_query}", body=request.body or NO_BODY)
    new_query = _with_param(query, "order", NOT_EMBEDDED_ORDER, append=True)
    return replace(request, method="GET" if method == "HEAD" else method,
                   path=f"{path}?{new_query}")  # fmt: skip


def planned(body: object) -> bool:
    """Is this PostgREST's answer to one of our made-up names? Then everything named before
    it was found in the cache, and nothing ran."""
    if not isinstance(body, dict):
        return False
    text = " ".join(str(body.get(k) or "") for k in ("message", "details", "hint"))
    code = body.get("code")
    if code in ("PGRST108", "PGRST200"):
        return NO_SUCH_EMBED in text
    return code == "PGRST204" and MADE_UP_SUFFIX in text
