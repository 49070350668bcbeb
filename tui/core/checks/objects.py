"""What the user asked about, object by object: does it exist, is its schema exposed, may the
role use it, and is the cache behind? The first "no" is the cause.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tui.core.checks.evidence import UNKNOWN_ROLE, Evidence
from tui.core.checks.fixes import RELOAD, fix
from tui.core.checks.request_columns import COLUMN_PRIVILEGES, STAR, prefer
from tui.core.checks.request_privileges import (
    column_gaps,
    holds,
    needed_privileges,
    request_columns_for,
    view_relationships_between,
)
from tui.core.model import Cause, Finding, ObjectKind, StaleObject, Status
from tui.core.names import qualified, quote_ident, relationship_name
from tui.core.probes.cache_only import RAW_BODY_MEDIA, content_type, rpc_args
from tui.core.probes.catalog import Catalog, Function, Relation, unembeddable

if TYPE_CHECKING:
    from tui.core.request import FailingRequest
    from tui.core.specs import ObjectRef
    from tui.core.view_keys import ViewRelationship

NOTE_PRIVILEGE = "Privileges are not cached: a reload changes nothing; GRANT does, at once."
NOTE_EXPOSED = "db-schemas is configuration, not cache: reload config and schema after changing it."
NOTE_ENUM = (
    "PostgreSQL validates enum input, not the cache: the label is accepted at once; only "
    "OpenAPI (and types generated from it) lag until a reload."
)


def _finding(ref: ObjectRef, status: Status, summary: str, **kw: object) -> Finding:
    return Finding("object", status, summary, objects=[ref.display],
                   title=f"{ref.kind}: {ref.display}", **kw)  # type: ignore[arg-type]  # fmt: skip


def _exposure(ev: Evidence, ref: ObjectRef, schema: str) -> Finding | None:
    if not ev.exposed_known or schema in ev.exposed:
        return None
    auth, channel = ev.authenticator, ev.target.channel
    summary = f"schema {schema} is not exposed (db-schemas: {', '.join(ev.exposed)})"
    overrides = ev.catalog.db_schemas_override() if ev.catalog else []
    mine = [value for role, _db, value in overrides if role == auth]
    if mine and schema in ev.target.schemas_hint:
        # The project config exposes it; the authenticator's in-database setting wins.
        summary += f"; role {auth}'s pgrst.db_schemas = '{mine[0]}' overrides the project config"
        fix_text = fix(Cause.SCHEMA_NOT_EXPOSED, "reset", authenticator=auth, channel=channel)
    else:
        if mine:
            summary += f" (set in the database: role {auth}'s pgrst.db_schemas)"
        schemas = ", ".join([*ev.exposed, schema])
        fix_text = fix(Cause.SCHEMA_NOT_EXPOSED, "in-db", authenticator=auth, schemas=schemas,
                       channel=channel)  # fmt: skip
    return _finding(ref, Status.FAIL, summary, cause=Cause.SCHEMA_NOT_EXPOSED, fix=fix_text,
                    runbook_note=NOTE_EXPOSED)  # fmt: skip


def _schema_usage(ev: Evidence, ref: ObjectRef, schema: str) -> Finding | None:
    assert ev.catalog is not None
    if ev.catalog.schemas.get(schema, True):
        return None
    return _finding(
        ref, Status.FAIL, f"role {ev.role} has no USAGE on schema {schema}",
        cause=Cause.MISSING_PRIVILEGE,
        fix=fix(Cause.MISSING_PRIVILEGE, "schema", schema=schema, role=ev.role),
        runbook_note=NOTE_PRIVILEGE,
    )  # fmt: skip


def _stale(
    ev: Evidence, ref: ObjectRef, stale: list[StaleObject], names: set[str]
) -> Finding | None:
    hit = [s for s in stale if s.name in names]
    if not hit:
        return None
    if hit[0].change == "added":
        what = (
            f"{hit[0].name} exists in the database but the cache is behind (added since it loaded)"
        )
    else:
        what = f"{hit[0].name} is gone from the database but PostgREST still has it cached"
    return _finding(
        ref, Status.FAIL, what,
        cause=Cause.STALE_CACHE, fix=RELOAD.format(channel=ev.target.channel),
        runbook_note=NOTE_ENUM if ref.kind is ObjectKind.ENUM else None,
    )  # fmt: skip


def _missing(ref: ObjectRef, what: str, variant: str, **names: object) -> Finding:
    return _finding(ref, Status.FAIL, f"{what} does not exist in the database",
                    cause=Cause.OBJECT_MISSING, fix=fix(Cause.OBJECT_MISSING, variant, **names),
                    runbook_note="No reload can serve an object the database does not have.")  # fmt: skip


def _elsewhere(catalog: Catalog, name: str) -> list[str]:
    return sorted(r.qualified for r in catalog.relations.values() if r.name == name)


def _column_gaps(ev: Evidence, ref: ObjectRef) -> Finding | None:
    """A failure naming each column the request reads or writes that the role may not use,
    with the column-level GRANT that mends it (request_privileges.column_gaps)."""
    judged = column_gaps(ev, ref)
    if judged is None:
        return None
    gaps, star = judged
    what = "; ".join(
        f"may not {privilege} {', '.join(f'{quote_ident(c)} ({w})' for c, w in cols.items())} "
        f"of {qualified(ref.schema, relation)}"
        for (relation, privilege), cols in gaps.items()
    )
    return _finding(
        ref, Status.FAIL, f"role {ev.role} {what}: PostgreSQL checks every column a request "
        "reads, in its WHERE, ORDER BY and RETURNING too" + (
            " (select=* reads them all: name only the granted ones, or grant these)"
            if star else ""),
        cause=Cause.MISSING_PRIVILEGE,
        fix=" ".join(
            fix(Cause.MISSING_PRIVILEGE, "columns", privilege=privilege,
                table=(ref.schema, relation), columns=tuple(cols), role=ev.role)
            for (relation, privilege), cols in gaps.items()),
        runbook_note=NOTE_PRIVILEGE,
    )  # fmt: skip


def check_table(ev: Evidence, ref: ObjectRef, stale: list[StaleObject]) -> Finding:
    assert ev.catalog is not None
    rel = ev.catalog.relation(ref.schema, ref.name)
    if rel is None:
        gone = _stale(ev, ref, stale, {ref.display})
        if gone:  # dropped, but PostgREST still has it cached
            return gone
        found = _elsewhere(ev.catalog, ref.name)
        f = _missing(ref, ref.display, "table", name=(ref.schema, ref.name))
        if found:
            f.summary += f" (but {', '.join(found)} does)"
        return f
    if rel.partition_of:
        parent, root = (ev.catalog.relations.get(k) for k in (rel.partition_of, rel.root))
        shown = parent.qualified if parent else rel.partition_of
        top = root.qualified if root else rel.root
        return _finding(
            ref, Status.WARN,
            f"{rel.qualified} is a partition of {shown}: PostgREST serves the partitioned "
            f"table {top}, not its partitions (with a fresh cache too, {rel.qualified} "
            "answers writes 404 and embeds PGRST200; reads reach SQL on 11-12, PGRST205 "
            "from 13)",
            cause=Cause.OBJECT_MISSING,
            runbook_note="No reload serves a partition: PostgREST's schema cache leaves "
            "partitions out (NOT relispartition).",
        )  # fmt: skip
    early = _exposure(ev, ref, ref.schema) or _schema_usage(ev, ref, ref.schema)
    if early:
        return early
    needed = needed_privileges(ev, ref)
    missing = [p for p in needed if not rel.may(p)]
    if not rel.visible or missing:
        what = (f"role {ev.role} has no privilege on {rel.qualified} (PostgreSQL answers 42501; "
                "OpenAPI hides it)") if not rel.visible else (
                f"role {ev.role} may not {' or '.join(missing)} {rel.qualified}")  # fmt: skip
        asked = ev.failing is not None or ev.asks("missing-table")
        return _finding(
            ref, Status.FAIL if not rel.visible or asked else Status.WARN, what,
            cause=Cause.MISSING_PRIVILEGE,
            fix=fix(Cause.MISSING_PRIVILEGE, "table", privilege=", ".join(missing or needed),
                    name=(rel.schema, rel.name), role=ev.role),
            runbook_note=NOTE_PRIVILEGE,
        )  # fmt: skip
    gaps = _column_gaps(ev, ref)
    if gaps:
        return gaps
    got = _stale(ev, ref, stale, {rel.qualified})
    if got:
        return got
    partial = [p for p in needed if rel.column_grants.get(p) and not rel.table_level(p)]
    if partial:
        privilege = partial[0]
        granted = rel.column_grants[privilege]
        cols = ", ".join(quote_ident(c) for c in granted)
        return _finding(
            ref, Status.PASS,
            f"{rel.kind} {rel.qualified} exists, is exposed and cached; role {ev.role} may "
            f"{privilege} only its columns {cols} (column-level grant: name them, select=* "
            "answers 42501)",
        )  # fmt: skip
    return _finding(ref, Status.PASS, f"{rel.kind} {rel.qualified} exists, is exposed and cached")


def check_column(ev: Evidence, ref: ObjectRef, stale: list[StaleObject]) -> Finding:
    assert ev.catalog is not None
    table = ref.table_display
    rel = ev.catalog.relation(ref.schema, ref.name)
    if rel is None:
        return _missing(ref, f"table {table}", "table", name=(ref.schema, ref.name))
    if ref.column not in rel.columns:
        computed = _computed_field(ev, ref)
        if computed is not None:
            return computed
        return _missing(ref, ref.display, "column", table=(ref.schema, ref.name),
                        column=ref.column)  # fmt: skip
    early = _exposure(ev, ref, ref.schema) or _schema_usage(ev, ref, ref.schema)
    if early:
        return early
    held = {p: holds(ev.catalog, rel, ref.column, p) for p in COLUMN_PRIVILEGES}
    needed = _column_needs(ev, ref)
    missing = [p for p in needed if not held[p]]
    if not rel.visible or (missing if ev.failing is not None else not any(held.values())):
        asked = ev.failing is not None and bool(missing)
        shown, privilege = (
            (" or ".join(missing), ", ".join(missing)) if asked else ("use", "SELECT")
        )
        return _finding(
            ref, Status.FAIL, f"role {ev.role} may not {shown} column {ref.display}",
            cause=Cause.MISSING_PRIVILEGE,
            fix=fix(Cause.MISSING_PRIVILEGE, "column", privilege=privilege,
                    table=(ref.schema, ref.name), column=ref.column, role=ev.role),
            runbook_note=NOTE_PRIVILEGE,
        )  # fmt: skip
    got = _stale(ev, ref, stale, {ref.display, table})
    if got:
        return got
    return _finding(ref, Status.PASS, f"column {ref.display} exists and is cached")


def _column_needs(ev: Evidence, ref: ObjectRef) -> list[str]:
    """The column privileges PostgreSQL checks for the user's request (request_columns: a
    written column the write's, its conflict target, a returned, filtered or ordered one
    SELECT); a column of a table the request does not name needs SELECT; with no request,
    any one of them lets the role use the column."""
    if ev.failing is None:
        return list(COLUMN_PRIVILEGES)
    found = request_columns_for(ev, ref)
    if found is None:
        return ["SELECT"]
    uses = {
        **found.uses.get((ref.name, STAR), {}),
        **found.uses.get((ref.name, ref.column or ""), {}),
    }
    return [p for p in uses if p in COLUMN_PRIVILEGES]


def _computed_field(ev: Evidence, ref: ObjectRef) -> Finding | None:
    """A name the relation has no column of, served as a computed field: PostgreSQL calls
    ``name(row)`` from the request's search_path (the exposed schema, then
    db-extra-search-path), so PostgREST caches nothing of it and it is never stale. A schema
    the role has no USAGE on is left out of its search_path (namespace.c), so a function
    there serves nothing until USAGE is granted."""
    assert ev.catalog is not None and ref.column is not None
    found = ev.catalog.computed_fields.get(f"{ref.key}.{ref.column}", [])
    path = [ref.schema, *ev.extra_search_path]
    on_path = sorted((f for f in found if f[0] in path), key=lambda f: path.index(f[0]))
    if not on_path:
        return None
    early = _exposure(ev, ref, ref.schema) or _schema_usage(ev, ref, ref.schema)
    if early:
        return early
    usable = [f for f in on_path if ev.catalog.schemas.get(f[0], True)]
    if not usable:
        return _schema_usage(ev, ref, on_path[0][0])
    fn_schema, executable, args = usable[0]
    function = qualified(fn_schema, ref.column)
    if not executable:  # by its arguments: GRANT rejects a bare name that is overloaded
        return _finding(
            ref, Status.FAIL, f"role {ev.role} may not EXECUTE {function}({args}), the computed "
            f"field {ref.display}", cause=Cause.MISSING_PRIVILEGE,
            fix=fix(Cause.MISSING_PRIVILEGE, "overload", name=(fn_schema, ref.column),
                    args=args, role=ev.role),
            runbook_note=NOTE_PRIVILEGE,
        )  # fmt: skip
    return _finding(ref, Status.PASS, f"{ref.display} is the computed field {function}"
                    f"({ref.table_display}): PostgreSQL resolves it per request, PostgREST "
                    "caches nothing of it")  # fmt: skip


def _execute_fix(ref: ObjectRef, overloads: list[Function], role: str | None) -> str:
    """GRANT EXECUTE for the function: by its bare name when it has one overload, else one
    GRANT per overload by its argument types (PostgreSQL rejects an overloaded bare name:
    "function name is not unique")."""
    if len(overloads) == 1:
        return fix(Cause.MISSING_PRIVILEGE, "function", name=(ref.schema, ref.name), role=role)
    return " ".join(
        fix(Cause.MISSING_PRIVILEGE, "overload", name=(ref.schema, ref.name),
            args=", ".join(f.arg_types), role=role)
        for f in overloads
    )  # fmt: skip


def _call_finds(fn: Function, passed: tuple[str, ...], failing: FailingRequest) -> bool:
    """The call finds this overload (Plan.hs findProc, v11.2 and v12.0): by its argument
    names (every required one, the rest optional ones; or its one json argument when
    ``Prefer: params=single-object``), or, posted with the media type of its one unnamed
    argument, whatever the body holds (the body is that argument)."""
    if fn.matches(frozenset(passed), prefer(failing).get("params") == "single-object"):
        return True
    if failing.method.upper() != "POST" or fn.raw_body is None:
        return False
    media = (content_type(failing) or "application/json").split(";")[0].strip().lower()
    return RAW_BODY_MEDIA[fn.raw_body] == media


def check_function(ev: Evidence, ref: ObjectRef, stale: list[StaleObject]) -> Finding:
    assert ev.catalog is not None
    overloads = ev.catalog.functions.get(ref.key)
    if not overloads and (gone := _stale(ev, ref, stale, {ref.display})):
        return gone
    if not overloads:
        return _missing(ref, f"function {ref.display}", "function", name=(ref.schema, ref.name))
    early = _exposure(ev, ref, ref.schema) or _schema_usage(ev, ref, ref.schema)
    if early:
        return early
    if not any(f.executable for f in overloads):
        return _finding(
            ref, Status.FAIL, f"role {ev.role} may not EXECUTE {ref.display}",
            cause=Cause.MISSING_PRIVILEGE, fix=_execute_fix(ref, overloads, ev.role),
            runbook_note=NOTE_PRIVILEGE,
        )  # fmt: skip
    # an overload is stale by its signature (the drift names it so): the name alone resolves
    got = _stale(ev, ref, stale, {ref.display} | {f.signature for f in overloads})
    if got:
        return got
    if ev.failing is not None:
        passed = rpc_args(ev.failing, ref.name)
        wanted = [f for f in overloads if f.callable_by_name]
        if passed and wanted and not any(_call_finds(f, passed, ev.failing) for f in wanted):
            takes = " or ".join(f"({', '.join(f.args)})" for f in wanted)
            return _finding(
                ref, Status.FAIL,
                f"the call passes ({', '.join(passed)}) but {ref.display} takes {takes}: "
                "PGRST202 names the arguments, not a stale cache",
                cause=Cause.OBJECT_MISSING,
                fix=fix(Cause.OBJECT_MISSING, "arguments", name=ref.name,
                        args="&".join(f"{a}=<value>" for a in wanted[0].args)),
                runbook_note="PGRST202 is also the answer for wrong argument names; "
                "no reload changes which arguments a function takes.",
            )  # fmt: skip
    if len(overloads) > 1:  # told apart by their types, as psql prints them
        shown = ", ".join(f.signature for f in overloads)
    else:
        shown = f"{ref.display}({', '.join(a or '<unnamed>' for a in overloads[0].args)})"
    if not any(f.callable_by_name for f in overloads):
        why = ", ".join(dict.fromkeys(str(f.not_served) for f in overloads))
        return _finding(ref, Status.WARN, f"{shown} is not in PostgREST's schema cache, fresh "
                        f"or not ({why}): /rpc/ does not serve it")  # fmt: skip
    if not any(f.probe_args for f in overloads):  # PostgREST counts "" as a name
        return _finding(ref, Status.WARN, f"{shown}: PostgREST caches it, but no request can "
                        "name its unnamed argument, so this cache cannot be asked")  # fmt: skip
    return _finding(ref, Status.PASS, f"function {shown} exists and is cached")


def embed_alias(cat: Catalog, schema: str, name: str, source: str | None = None) -> str | None:
    """What an embed name that is no relation stands for in PostgREST 11-12 (Plan.hs findRel):
    a computed relationship (a function of ``source``'s row type), or a foreign key named by
    its constraint or its one column; None when neither (with no ``source``: of any table)."""
    for rel in cat.computed_rels:
        if (rel.fn_schema, rel.fn) == (schema, name) and source in (None, rel.table):
            return f"the computed relationship {qualified(schema, name)}"
    for fk in cat.foreign_keys:
        one = name in fk.columns[:1] and len(fk.columns) == 1
        if fk.schema == schema and source in (None, fk.table) and (name == fk.name or one):
            return f"foreign key {quote_ident(fk.name)}"
        # from the referenced table the key is one-to-many, named by its constraint or the
        # referenced table's one column (matchConstraint, matchFKSingleCol on O2M)
        if (
            source is not None
            and (fk.ref_schema, fk.ref_table) == (schema, source)
            and (name == fk.name or fk.ref_columns == (name,))
        ):
            return f"foreign key {quote_ident(fk.name)}"
    return None


def _many_to_many(ev: Evidence, ref: ObjectRef, a: str, b: str) -> Finding | None:
    """Two tables no key joins directly, each referenced by a table of their schema: PostgREST
    embeds one in the other through that junction when both keys are many-to-one and their
    columns lie in its primary key (SchemaCache.hs addM2MRels, v11.2 and v12.0). The catalog
    holds no primary keys, so the probe of the pair says whether the cache resolves it."""
    assert ev.catalog is not None
    refs: dict[str, set[str]] = {a: set(), b: set()}
    for fk in ev.catalog.foreign_keys:
        if fk.ref_key in refs and not fk.one_to_one and fk.schema == ref.schema:
            refs[fk.ref_key].add(fk.table_key)
    junctions = sorted(refs[a] & refs[b] - {a, b})
    if not junctions:
        return None
    through = ", ".join(qualified(*j.split(".", 1)) for j in junctions)
    answer = next((t for t in ev.targeted if t.kind == "relationship" and t.name == ref.display),
                  None)  # fmt: skip
    if answer is not None and answer.cached:
        return _finding(ref, Status.PASS, f"{ref.display}: many-to-many through {through}, "
                        "resolved by the cache")  # fmt: skip
    return _finding(
        ref, Status.WARN,
        f"no foreign key joins {ref.display} directly; {through} references both, but the "
        "cache resolves no many-to-many through it: PostgREST needs both keys' columns in "
        "the junction's primary key",
    )  # fmt: skip


def _through_view(
    ev: Evidence,
    ref: ObjectRef,
    stale: list[StaleObject],
    a: str,
    b: str,
    shown: str,
    views: list[str],
) -> Finding:
    """An embed with a view at one end: PostgREST relates it through the foreign keys of the
    tables the view's columns come from (view_keys), so it resolves when the view exposes a
    key's columns in full; a scoped snapshot read no view sources, so it cannot tell."""
    assert ev.catalog is not None
    if ev.catalog.scoped:
        return _finding(
            ref, Status.WARN,
            f"no foreign key joins {shown} itself, but {' and '.join(views)} is a view: "
            "PostgREST embeds through the keys of the tables its columns come from; name "
            "those tables to check them",
        )  # fmt: skip
    through = [r for r in view_relationships_between(ev, a, b)
               if ref.hint is None or ref.hint in (r.constraint, *(c for c, _ in r.columns))]  # fmt: skip
    if not through:
        return _finding(
            ref, Status.WARN,
            f"no foreign key joins {shown}, and no key passes through {' and '.join(views)}: "
            "PostgREST relates a view through the keys of the tables its columns come from, "
            "and this view's columns carry no key's columns in full (the embed answers PGRST200)",
        )  # fmt: skip
    names = {_named(r) for r in through}
    got = _stale(ev, ref, stale, names | {ref.display})
    if got:
        return got
    keys = ", ".join(sorted({quote_ident(r.constraint) for r in through}))
    return _finding(ref, Status.PASS, f"{shown} are related through {' and '.join(views)}: its "
                    f"columns carry foreign key {keys} of the tables they come from, as "
                    "PostgREST infers; cached")  # fmt: skip


def _named(rel: ViewRelationship) -> str:
    """A relationship through a view, named as drift names it (``relationship_name``)."""
    (schema, table), (ref_schema, ref_table) = (
        k.split(".", 1) for k in (rel.table, rel.foreign_table)
    )
    return relationship_name(schema, table, ref_schema, ref_table, rel.constraint)


def check_relationship(ev: Evidence, ref: ObjectRef, stale: list[StaleObject]) -> Finding:
    assert ev.catalog is not None
    ends = ((ref.schema, ref.name), (ref.target_schema or ref.schema, ref.target_name or ""))
    a, b = (f"{s}.{n}" for s, n in ends)
    if ev.catalog.relation(*ends[0]) is None and (via := embed_alias(ev.catalog, *ends[0])):
        return _finding(ref, Status.WARN, f"{ref.display}: embedded under {via}, which "
                        "names no table; not checked")  # fmt: skip
    if (
        ev.catalog.relation(*ends[1]) is None
        and ends[1][0] == ref.schema
        and (via := embed_alias(ev.catalog, ref.schema, ends[1][1], ref.name))
    ):
        return _stale(ev, ref, stale, {ref.display}) or _finding(
            ref, Status.PASS, f"{ref.display}: an embed through {via}, not a table; cached"
        )
    for schema, name in ends:
        if ev.catalog.relation(schema, name) is None:
            return _missing(ref, f"table {qualified(schema, name)}", "table", name=(schema, name))
    for schema in {ref.schema, ref.target_schema or ref.schema}:
        early = _exposure(ev, ref, schema)
        if early:
            early.summary += " (an embed cannot reach a table outside db-schemas)"
            return early
    pair = [fk for fk in ev.catalog.foreign_keys if {fk.table_key, fk.ref_key} == {a, b}]
    keys = [fk for fk in pair if ref.hint is None or fk.name == ref.hint]
    shown = f"{qualified(*ends[0])} and {qualified(*ends[1])}"
    if not keys:
        if ref.hint is not None and (gone := _stale(ev, ref, stale, {ref.display})):
            return gone
        what = f"foreign key {quote_ident(ref.hint)} between {shown}" if ref.hint else (
            f"a foreign key between {shown}")  # fmt: skip
        if pair:
            what += f" (keys between them: {', '.join(quote_ident(k.name) for k in pair)})"
        if not pair and (many := _many_to_many(ev, ref, a, b)):
            return many
        rels = [ev.catalog.relation(s, n) for s, n in ends]
        if not pair and (copied := _partition_copy(ev, ref, rels, shown)):
            return copied
        views = [r.qualified for r in rels if r is not None and r.is_view]
        if views and not pair:  # SchemaCache.hs addViewM2OAndO2ORels: keys pass through views
            return _through_view(ev, ref, stale, a, b, shown, views)
        return _missing(ref, what, "relationship", child=ends[0], parent=ends[1])
    served = [fk for fk in keys if not fk.overridden]
    if not served:
        return _finding(
            ref, Status.WARN,
            f"foreign key {quote_ident(keys[0].name)} is replaced by the computed relationship "
            f"{qualified(keys[0].ref_schema, keys[0].ref_table)}({qualified(*ends[0])}): "
            "PostgREST embeds through the function, not the key",
        )  # fmt: skip
    why = {fk.name: unembeddable(fk, ev.catalog.foreign_keys) for fk in served}
    if all(why.values()):  # PostgREST caches it, but no embed finds it: nothing to probe
        return _finding(
            ref, Status.WARN,
            "; ".join(f"foreign key {quote_ident(k)} between {shown} exists, but PostgREST "
                      f"11-12 embed through it never ({w})" for k, w in why.items()),
        )  # fmt: skip
    served = [fk for fk in served if not why[fk.name]]
    got = _stale(ev, ref, stale, {fk.qualified for fk in served} | {ref.display})
    if got:
        return got
    names = ", ".join(quote_ident(fk.name) for fk in served)
    return _finding(ref, Status.PASS, f"foreign key {names} between {shown} exists and is cached")


def _partition_copy(
    ev: Evidence, ref: ObjectRef, rels: list[Relation | None], shown: str
) -> Finding | None:
    """A key between a partition and a table that only a partitioned ancestor declares:
    PostgreSQL copies the key onto each partition (``conparentid`` set), and PostgREST drops
    those copies (SchemaCache.hs ``allM2OandO2ORels``: ``conparentid = 0``, v11.2.2 and
    v12.0.2), so it embeds through the ancestor only, however fresh its cache."""
    assert ev.catalog is not None
    if len(rels) != 2 or rels[0] is None or rels[1] is None:
        return None
    for rel, other in ((rels[0], rels[1].key), (rels[1], rels[0].key)):
        for up in rel.ancestors:
            found = [fk.name for fk in ev.catalog.foreign_keys
                     if {fk.table_key, fk.ref_key} == {up, other}]  # fmt: skip
            if found:
                ancestor = ev.catalog.relations.get(up)
                where = ancestor.qualified if ancestor else up
                return _finding(
                    ref, Status.WARN,
                    f"no key of its own joins {shown}: {rel.qualified} is a partition of "
                    f"{where}, whose foreign key {', '.join(map(quote_ident, found))} "
                    f"PostgreSQL copies onto it; PostgREST embeds through {where} only (with "
                    "a fresh cache too, this embed answers PGRST200)",
                    cause=Cause.OBJECT_MISSING,
                    runbook_note="No reload serves a partition's copy of a key: PostgREST's "
                    "schema cache leaves such copies out (conparentid = 0).",
                )  # fmt: skip
    return None


def check_enum(ev: Evidence, ref: ObjectRef, stale: list[StaleObject]) -> Finding:
    assert ev.catalog is not None
    type_name = ref.table_display
    labels = ev.catalog.enums.get(ref.key)
    if labels is None:
        return _missing(ref, f"enum type {type_name}", "table", name=(ref.schema, ref.name))
    if ref.label not in labels:
        return _finding(
            ref, Status.FAIL,
            f"{type_name} has no label {ref.label!r} (labels: {', '.join(labels)}): PostgreSQL "
            "rejects it with 22P02",
            cause=Cause.ENUM_VALUE_MISSING,
            fix=fix(Cause.ENUM_VALUE_MISSING, "enum", type=(ref.schema, ref.name),
                    label=ref.label),
            runbook_note=NOTE_ENUM,
        )  # fmt: skip
    got = _stale(ev, ref, stale, {ref.display})
    if got:
        return got
    return _finding(ref, Status.PASS, f"{type_name} has label {ref.label!r}; PostgreSQL accepts it")


CHECKS = {
    ObjectKind.TABLE: check_table,
    ObjectKind.VIEW: check_table,
    ObjectKind.MATERIALIZED_VIEW: check_table,
    ObjectKind.COLUMN: check_column,
    ObjectKind.FUNCTION: check_function,
    ObjectKind.RELATIONSHIP: check_relationship,
    ObjectKind.ENUM: check_enum,
}


def check(ev: Evidence, stale: list[StaleObject]) -> list[Finding]:
    if not ev.objects:
        return []
    if ev.catalog is None:
        why = ev.errors.get("catalog", "no catalog")
        return [Finding("object", Status.SKIPPED, f"needs the catalog: {why}",
                        objects=[o.display for o in ev.objects], title="Objects")]  # fmt: skip
    return [_cache_unseen(ev, _unjudged(ev, CHECKS[ref.kind](ev, ref, stale)))
            for ref in ev.objects]  # fmt: skip


CACHED_CLAIMS = (" and is cached", " and cached", "; cached", ", resolved by the cache")


def _cache_unseen(ev: Evidence, finding: Finding) -> Finding:
    """A pass says "cached" only on evidence from PostgREST (OpenAPI, its cache dump, an
    answer to a probe, an instance placed alike): with the API silent, what the catalog
    shows is all that is known, and the cache may be as stale as it likes."""
    if ev.cache_answered or ev.alike is not None or finding.status is not Status.PASS:
        return finding
    if not any(claim in finding.summary for claim in CACHED_CLAIMS):
        return finding  # e.g. an enum label: PostgreSQL's answer, not the cache's
    summary = finding.summary
    for claim in CACHED_CLAIMS:
        summary = summary.replace(claim, "")
    why = ev.errors.get("api") or ev.errors.get("openapi") or "PostgREST gave no answer"
    return replace(finding, status=Status.WARN,
                   summary=f"{summary}; whether PostgREST has it cached is unknown ({why})")  # fmt: skip


def _unjudged(ev: Evidence, finding: Finding) -> Finding:
    """No key and no known anon role: the privileges looked at were PUBLIC's, so a missing
    one says nothing about the role PostgREST really uses."""
    if ev.role_known or finding.cause is not Cause.MISSING_PRIVILEGE:
        return finding
    return replace(
        finding, status=Status.WARN, cause=None, fix=None,
        summary=f"privileges not judged: {UNKNOWN_ROLE} ({finding.summary} for PUBLIC)",
    )  # fmt: skip
