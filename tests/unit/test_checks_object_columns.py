"""A named column as PostgreSQL judges it: the privilege the request needs on that column
(a write's body needs the write's privilege, a read SELECT), and a name that is no column but
a computed field (``full_name(people)``), which PostgREST caches nothing of."""

from __future__ import annotations

from dataclasses import replace

from tui.core.checks import objects
from tui.core.checks.evidence import Evidence
from tui.core.model import Cause, ObjectKind, Status
from tui.core.probes.catalog import Catalog, Relation, RoleInfo
from tui.core.request import FailingRequest
from tui.core.specs import ObjectRef
from tui.core.target import Target

TARGET = Target(db_url="postgresql://u@127.0.0.1:5432/db", api_url="http://127.0.0.1:3000")
ROLE = "visitor"


def catalog(*, privileges=None, fields=None) -> Catalog:
    """``app.t`` (columns id, v), the role without table-level grants (column ones only)."""
    cat = Catalog(role=RoleInfo(ROLE, True, False, False, frozenset({ROLE})))
    rel = Relation(1, "app", "t", "table", "owner", False, False, False,
                   False, False, False, False, True, ("id", "v"))  # fmt: skip
    cat.relations = {rel.key: rel}
    cat.column_privileges = privileges or {}
    cat.computed_fields = fields or {}
    return cat


def judge(column: str, cat: Catalog, request: FailingRequest | None = None, *, extra=("public",)):
    target = Target(db_url=TARGET.db_url, api_url=TARGET.api_url, extra_search_path=extra)
    ref = ObjectRef(ObjectKind.COLUMN, "app", "t", column=column)
    # docs=[]: PostgREST answered (an empty document), so a pass may say "cached"
    ev = Evidence(target, ROLE, objects=(ref,), catalog=cat, failing=request, docs=[])
    [finding] = objects.check(ev, [])
    return finding


# (SELECT, INSERT, UPDATE) of app.t.v: GRANT UPDATE (v) only
UPDATE_ONLY = {"app.t.v": (False, False, True)}


def test_a_column_granted_for_update_serves_a_patch_body():
    patch = FailingRequest("PATCH", "/t?id=eq.1", b'{"v": "x"}')
    assert judge("v", catalog(privileges=UPDATE_ONLY), patch).status is Status.PASS


def test_the_request_decides_which_column_privilege_is_needed():
    cat = catalog(privileges=UPDATE_ONLY)
    # returned (select=v): SELECT too; inserted: INSERT; read: SELECT
    returned = {"Prefer": "return=representation"}
    for request, missing in [
        (FailingRequest("PATCH", "/t?select=v", b'{"v": "x"}', returned), "SELECT"),
        (FailingRequest("POST", "/t", b'{"v": "x"}'), "INSERT"),
        (FailingRequest("POST", "/t?columns=v", b'[{"v": "x"}]'), "INSERT"),
        (FailingRequest("GET", "/t?select=v"), "SELECT"),
    ]:
        f = judge("v", cat, request)
        assert (f.status, f.cause) == (Status.FAIL, Cause.MISSING_PRIVILEGE), request
        assert f"may not {missing} column app.t.v" in f.summary
        assert f.fix == f"GRANT {missing} (v) ON app.t TO {ROLE};"


def test_a_named_column_without_a_request_needs_any_column_privilege():
    assert judge("v", catalog(privileges=UPDATE_ONLY)).status is Status.PASS
    f = judge("v", catalog(privileges={"app.t.v": (False, False, False)}))
    assert (f.status, f.fix) == (Status.FAIL, f"GRANT SELECT (v) ON app.t TO {ROLE};")


def test_a_computed_field_on_the_search_path_is_no_missing_column():
    """PostgreSQL reads ``t.nick`` as ``nick(t)``, searched in the request's schema, then
    db-extra-search-path: a function elsewhere does not serve it."""
    fields = {"app.t.nick": [("app", True, "t app.t")]}
    f = judge("nick", catalog(fields=fields), FailingRequest("GET", "/t?select=nick"))
    assert (f.status, f.cause) == (Status.PASS, None)
    assert "computed field app.nick(app.t)" in f.summary and "caches nothing" in f.summary
    f = judge("nick", catalog(fields={"app.t.nick": [("util", True, "t app.t")]}), extra=("util",))
    assert "computed field util.nick" in f.summary
    f = judge("nick", catalog(fields={"app.t.nick": [("util", True, "t app.t")]}))
    assert (f.status, f.cause) == (Status.FAIL, Cause.OBJECT_MISSING)
    f = judge("nick", catalog(fields={"app.t.nick": [("app", False, "t app.t")]}))
    assert (f.status, f.cause) == (Status.FAIL, Cause.MISSING_PRIVILEGE)
    assert f.fix is not None and "EXECUTE" in f.fix


def test_a_form_or_csv_body_needs_the_write_privilege_on_its_columns():
    """The body's columns are read by its Content-Type (a JSON reading of a form or CSV body
    found none, so a column only written there seemed to need SELECT alone)."""
    select_only = {"app.t.v": (True, False, False)}
    for body, media in [(b"v=1", "application/x-www-form-urlencoded"), (b"v\n1\n", "text/csv")]:
        post = FailingRequest("POST", "/t", body, headers={"Content-Type": media})
        f = judge("v", catalog(privileges=select_only), post)
        assert (f.status, f.cause) == (Status.FAIL, Cause.MISSING_PRIVILEGE), media
        assert f.fix == f"GRANT INSERT (v) ON app.t TO {ROLE};"


def test_a_computed_field_in_a_schema_without_usage_serves_nothing():
    """PostgreSQL leaves a schema the role may not USE out of its search_path: the function
    there is not found (42703) until USAGE is granted; a later usable schema's serves."""
    cat = catalog(fields={"app.t.nick": [("util", True, "t app.t")]})
    cat.schemas = {"app": True, "util": False}
    f = judge("nick", cat, FailingRequest("GET", "/t?select=nick"), extra=("util",))
    assert (f.status, f.cause) == (Status.FAIL, Cause.MISSING_PRIVILEGE)
    assert f.fix == f"GRANT USAGE ON SCHEMA util TO {ROLE};"
    cat = catalog(fields={"app.t.nick": [("util", True, "t app.t"), ("more", True, "t app.t")]})
    cat.schemas = {"app": True, "util": False, "more": True}
    f = judge("nick", cat, FailingRequest("GET", "/t?select=nick"), extra=("util", "more"))
    assert f.status is Status.PASS and "computed field more.nick" in f.summary


def test_a_write_to_a_table_whose_name_the_path_percent_encodes_needs_the_write_privilege():
    """The request's path names the table percent-encoded (``/N%C3%A4me``), as objects_in
    reads it: the body's columns still need the write's privilege on that table."""
    cat = catalog(privileges={"app.Näme.v": (True, False, False)})
    rel = cat.relations.pop("app.t")
    cat.relations["app.Näme"] = replace(rel, name="Näme")
    ref = ObjectRef(ObjectKind.COLUMN, "app", "Näme", column="v")
    post = FailingRequest("POST", "/N%C3%A4me", b'{"v": 1}')
    ev = Evidence(TARGET, ROLE, objects=(ref,), catalog=cat, failing=post, docs=[])
    [f] = objects.check(ev, [])
    assert (f.status, f.cause) == (Status.FAIL, Cause.MISSING_PRIVILEGE)
    assert "may not INSERT column" in f.summary


def _missing(column: str, privileges: dict, request: FailingRequest) -> str | None:
    """The privileges the column finding says are missing (None: it passes)."""
    f = judge(column, catalog(privileges=privileges), request)
    if f.status is Status.PASS:
        return None
    assert f.fix is not None and f.fix.startswith("GRANT "), f.fix
    return f.fix.split(" (")[0].removeprefix("GRANT ")


# (SELECT, INSERT, UPDATE) of app.t.id and app.t.v
INSERT_ONLY = {"app.t.v": (False, True, False), "app.t.id": (False, True, False)}
INSERT_UPDATE = {"app.t.v": (False, True, True), "app.t.id": (True, True, True)}
ALL = {"app.t.v": (True, True, True), "app.t.id": (True, True, True)}
UPSERT = {"Prefer": "resolution=merge-duplicates"}
IGNORE = {"Prefer": "resolution=ignore-duplicates"}
BODY = b'{"id": 1, "v": "x"}'


def test_an_upsert_needs_update_and_select_on_what_it_writes():
    # ON CONFLICT DO UPDATE SET v = EXCLUDED.v: PostgreSQL checks INSERT, UPDATE and SELECT on v
    for request, privileges, missing in [
        (FailingRequest("POST", "/t", BODY), INSERT_ONLY, None),
        (FailingRequest("POST", "/t", BODY, UPSERT), INSERT_ONLY, "UPDATE, SELECT"),
        (FailingRequest("POST", "/t", BODY, {"prefer": "return=minimal, "
                                             "resolution=merge-duplicates"}),
         INSERT_UPDATE, "SELECT"),
        (FailingRequest("POST", "/t", BODY, UPSERT), ALL, None),
        (FailingRequest("PUT", "/t?id=eq.1", BODY), INSERT_ONLY, "UPDATE, SELECT"),
        (FailingRequest("PUT", "/t?id=eq.1", BODY), INSERT_UPDATE, "SELECT"),
        (FailingRequest("PATCH", "/t?id=eq.1", b'{"v": "x"}', UPSERT), INSERT_UPDATE, None),
    ]:  # fmt: skip
        assert _missing("v", privileges, request) == missing, request


def test_an_upsert_reads_its_conflict_target():
    # ON CONFLICT (id): SELECT on id, DO NOTHING too (ignore-duplicates); a PUT's is its filter
    no_select = {"app.t.id": (False, True, True), "app.t.v": (True, True, True)}
    for request, missing in [
        (FailingRequest("POST", "/t?on_conflict=id", b'{"id": 1}'), None),  # no ON CONFLICT
        (FailingRequest("POST", "/t?on_conflict=id", b'{"v": "x"}', IGNORE), "SELECT"),
        (FailingRequest("POST", "/t?on_conflict=id", b'{"v": "x"}', UPSERT), "SELECT"),
        (FailingRequest("PUT", "/t?id=eq.1", BODY), "SELECT"),
    ]:
        assert _missing("id", no_select, request) == missing, request


def test_a_write_returning_rows_needs_select_on_them():
    inserted = FailingRequest("POST", "/t", BODY)
    for headers, path, missing in [
        ({}, "/t", None),
        ({"Prefer": "return=minimal"}, "/t", None),
        ({"Prefer": "return=representation"}, "/t", "SELECT"),  # RETURNING *
        ({"Prefer": "return=headers-only"}, "/t", "SELECT"),
        ({"Prefer": "return=representation"}, "/t?select=v", "SELECT"),
        ({"Prefer": "return=representation"}, "/t?select=id", None),  # not returned
    ]:
        request = replace(inserted, path=path, headers=headers)
        assert _missing("v", INSERT_ONLY, request) == missing, request


def table_fix(rel: Relation, request: FailingRequest) -> str | None:
    """The table finding's fix for a request that writes app.t (None: it passes)."""
    cat = catalog()
    cat.relations = {rel.key: rel}
    ref = ObjectRef(ObjectKind.TABLE, "app", "t")
    ev = Evidence(TARGET, ROLE, objects=(ref,), catalog=cat, failing=request, docs=[])
    [finding] = objects.check(ev, [])
    return None if finding.status is Status.PASS else finding.fix


def test_the_table_check_names_every_missing_privilege():
    base = catalog().relations["app.t"]
    insert_only = replace(base, can_insert=True)
    for rel, request, fix in [
        (insert_only, FailingRequest("POST", "/t", BODY), None),
        (insert_only, FailingRequest("POST", "/t", BODY, UPSERT),
         "GRANT UPDATE, SELECT ON app.t TO visitor;"),
        (insert_only, FailingRequest("POST", "/t", BODY, IGNORE),
         "GRANT SELECT ON app.t TO visitor;"),
        (insert_only, FailingRequest("PUT", "/t?id=eq.1", BODY),
         "GRANT UPDATE, SELECT ON app.t TO visitor;"),
        (insert_only, FailingRequest("POST", "/t", BODY, {"Prefer": "return=representation"}),
         "GRANT SELECT ON app.t TO visitor;"),
        (replace(insert_only, can_update=True, can_select=True),
         FailingRequest("PUT", "/t?id=eq.1", BODY), None),
        (replace(base, can_delete=True), FailingRequest("DELETE", "/t"), None),
        # DELETE ... WHERE id = 1 reads id: PostgreSQL checks SELECT on it
        (replace(base, can_delete=True), FailingRequest("DELETE", "/t?id=eq.1"),
         "GRANT SELECT (id) ON app.t TO visitor;"),
    ]:  # fmt: skip
        assert table_fix(rel, request) == fix, request


def test_a_computed_fields_execute_fix_names_its_arguments():
    """GRANT EXECUTE ON FUNCTION by name alone fails when the name is overloaded: the fix
    names the overload by the identity arguments the catalog gives (quoted as PostgreSQL)."""
    args = 'r app."My Table"'
    f = judge("nick", catalog(fields={"app.t.nick": [("app", False, args)]}))
    assert (f.status, f.cause) == (Status.FAIL, Cause.MISSING_PRIVILEGE)
    assert f.fix == f'GRANT EXECUTE ON FUNCTION app.nick(r app."My Table") TO {ROLE};'


def test_a_functions_execute_fix_grants_each_overload_by_its_types():
    """``GRANT EXECUTE ON FUNCTION app.f`` is refused when app.f is overloaded ("function name
    is not unique"): one GRANT per overload, by its argument types; a lone one by name."""
    from tui.core.probes.catalog import Function

    def one(oid: int, types: tuple[str, ...]) -> Function:
        return Function(oid, "app", "f", "f", ("a",) * len(types), False, False, types)

    def function_fix(overloads: list[Function]) -> str | None:
        cat = catalog()
        cat.functions = {"app.f": overloads}
        ref = ObjectRef(ObjectKind.FUNCTION, "app", "f")
        ev = Evidence(TARGET, ROLE, objects=(ref,), catalog=cat, docs=[])
        [finding] = objects.check(ev, [])
        assert (finding.status, finding.cause) == (Status.FAIL, Cause.MISSING_PRIVILEGE)
        return finding.fix

    assert function_fix([one(1, ("integer",))]) == f"GRANT EXECUTE ON FUNCTION app.f TO {ROLE};"
    assert function_fix([one(1, ("integer",)), one(2, ("text", 'app."My Type"'))]) == (
        f"GRANT EXECUTE ON FUNCTION app.f(integer) TO {ROLE}; "
        f'GRANT EXECUTE ON FUNCTION app.f(text, app."My Type") TO {ROLE};'
    )


def test_a_named_function_with_a_stale_overload_is_stale():
    """``--function app.f`` when an overload that only its types tell apart is new: the drift
    names it by its signature (``app.f(text)``), and the object check must too, not call every
    overload "cached" beside a drift that says one is not (measured on PostgREST 12.0.2: the
    old overload alone answers a call by the shared names)."""
    from tui.core.model import Change, StaleObject
    from tui.core.probes.catalog import Function

    cat = catalog()
    cat.functions = {"app.f": [Function(1, "app", "f", "f", ("a",), False, True, ("integer",)),
                               Function(2, "app", "f", "f", ("a",), False, True, ("text",))]}  # fmt: skip
    ref = ObjectRef(ObjectKind.FUNCTION, "app", "f")
    ev = Evidence(TARGET, ROLE, objects=(ref,), catalog=cat, docs=[])
    stale = [StaleObject(ObjectKind.FUNCTION, "app.f(text)", Change.ADDED)]
    [finding] = objects.check(ev, stale)
    assert (finding.status, finding.cause) == (Status.FAIL, Cause.STALE_CACHE)
    assert "app.f(text)" in finding.summary
    [fresh] = objects.check(ev, [])
    assert fresh.status is Status.PASS
