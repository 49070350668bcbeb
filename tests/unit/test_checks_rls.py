""" "RLS not enforced" is decided from the catalog and the request role, in PostgreSQL's order."""

from __future__ import annotations

from tui.core.checks import rls
from tui.core.checks.evidence import Evidence
from tui.core.knowledge.symptoms import ALL_SYMPTOMS
from tui.core.model import Cause, ObjectKind, Status
from tui.core.probes.catalog import Catalog, Policy, Relation, RoleInfo
from tui.core.specs import ObjectRef
from tui.core.target import Target

TARGET = Target(db_url="postgresql://u@127.0.0.1:5432/db", api_url="http://127.0.0.1:3000")


def table(*, rls_on=True, force=False, owner="postgres", kind="table", invoker=False) -> Relation:
    return Relation(1, "public", "t", kind, owner, rls_on, force, invoker,
                    True, True, True, True, True, ("id",))  # fmt: skip


def policy(using="(owner = auth.uid())", roles=("anon",), permissive=True, cmd="r") -> Policy:
    return Policy("public", "t", "p", permissive, cmd, roles, using, None)


def run(rel: Relation, policies=(), *, role="anon", superuser=False, bypass=False,
        symptoms=("rls-not-enforced",), named=True, reads=(), bypassed=None):  # fmt: skip
    cat = Catalog(role=RoleInfo(role, True, superuser, bypass, frozenset({role})))
    cat.relations = {rel.key: rel}
    cat.policies = {rel.key: list(policies)} if policies else {}
    cat.view_rls = {rel.key: tuple(reads)} if reads else {}
    if bypassed is not None:  # the tables whose RLS the view's owner skips (default: all)
        cat.view_rls_bypassed = {rel.key: tuple(bypassed)}
    objects = (ObjectRef(ObjectKind.TABLE, "public", "t"),) if named else ()
    ev = Evidence(TARGET, role, tuple(symptoms), objects, catalog=cat)
    return rls.check(ev)


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


def test_enforced_when_enabled_and_policies_apply():
    f = only(run(table(), [policy()]))
    assert f.status is Status.PASS and f.cause is None


def test_policies_without_rls_enabled():
    f = only(run(table(rls_on=False), [policy()]))
    assert (f.status, f.cause) == (Status.FAIL, Cause.RLS_DISABLED)
    assert f.fix == "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;"
    assert "reload won't change" in (f.runbook_note or "")


def test_rls_off_without_policies_is_not_this_symptom_unless_asked():
    # the default, all symptoms: no RLS finding at all for a table without RLS or policies
    assert run(table(rls_on=False), symptoms=ALL_SYMPTOMS) == []
    assert run(table(rls_on=False), role="service_role", bypass=True, symptoms=ALL_SYMPTOMS) == []
    assert only(run(table(rls_on=False))).status is Status.FAIL  # narrowed to the RLS symptom


def test_bypassrls_role_and_superuser():
    f = only(run(table(), [policy()], role="service_role", bypass=True))
    assert (f.status, f.cause) == (Status.FAIL, Cause.RLS_BYPASSED)
    assert "BYPASSRLS" in f.summary
    assert "SUPERUSER" in only(run(table(), [policy()], role="postgres", superuser=True)).summary


def test_owner_bypasses_unless_forced():
    f = only(run(table(owner="anon"), [policy()]))
    assert (
        f.cause is Cause.RLS_BYPASSED and f.fix == "ALTER TABLE public.t FORCE ROW LEVEL SECURITY;"
    )
    assert only(run(table(owner="anon", force=True), [policy()])).status is Status.PASS


def test_permissive_true_policy_for_the_role():
    f = only(run(table(), [policy(using="true")]))
    assert f.cause is Cause.RLS_BYPASSED and f.fix == "DROP POLICY p ON public.t;"
    # restrictive, or for another role: not a bypass
    assert only(run(table(), [policy(using="true", permissive=False)])).status is Status.PASS
    assert (
        only(run(table(), [policy(using="true", roles=("authenticated",))])).status is Status.PASS
    )


def test_permissive_true_policy_is_advice_unless_the_symptom_is_named():
    """A SELECT policy USING (true) is how a schema says its rows are public (Graphile
    Starter's users.select_all): a check of the table that names no symptom warns, and only
    the reported symptom (rows seen that should not be) makes it the failure's cause."""
    f = only(run(table(), [policy(using="true")], symptoms=ALL_SYMPTOMS))
    assert (f.status, f.cause) == (Status.WARN, Cause.RLS_BYPASSED)
    f = only(run(table(), [policy(using="true")]))
    assert (f.status, f.cause) == (Status.FAIL, Cause.RLS_BYPASSED)


def test_view_without_security_invoker_over_a_table_with_rls():
    f = only(run(table(kind="view"), reads=("public.secret",)))
    assert (f.status, f.cause) == (Status.FAIL, Cause.RLS_BYPASSED)
    assert f.fix == "ALTER VIEW public.t SET (security_invoker = true);"
    assert "public.secret" in f.summary
    assert only(run(table(kind="view", invoker=True), reads=("public.s",))).status is Status.PASS


def test_view_whose_owner_is_subject_to_the_tables_rls_bypasses_nothing():
    """PostgreSQL checks a view's tables' policies for the view's owner: a role that is no
    superuser, has no BYPASSRLS and does not own the table is filtered (PostgREST's own
    starter-kit design: views owned by a role the policies name)."""
    f = only(run(table(kind="view", owner="api"), reads=("public.todo",), bypassed=()))
    assert (f.status, f.cause, f.fix) == (Status.PASS, None, None)
    assert "applies to that role" in f.summary
    f = only(run(table(kind="view"), reads=("public.a", "public.b"), bypassed=("public.b",)))
    assert (f.cause, "public.b" in f.summary, "public.a" in f.summary) == (
        Cause.RLS_BYPASSED, True, False)  # fmt: skip


def test_views_over_tables_without_rls_bypass_nothing():
    for kind in ("view", "materialized view"):
        f = only(run(table(kind=kind)))
        assert (f.status, f.cause, f.fix) == (Status.PASS, None, None), kind


def test_materialized_view_is_never_told_to_set_security_invoker():
    f = only(run(table(kind="materialized view"), reads=("public.secret",)))
    assert (f.status, f.cause) == (Status.FAIL, Cause.RLS_BYPASSED)
    assert f.fix == "REVOKE SELECT ON public.t FROM anon;"
    assert "materialized view public.t" in f.summary


def test_nothing_named_gives_advice_as_warnings():
    findings = run(table(rls_on=False), [policy()], named=False, symptoms=ALL_SYMPTOMS)
    assert [(f.status, f.cause) for f in findings] == [(Status.WARN, Cause.RLS_DISABLED)]


def test_not_asked_about_rls_means_no_rls_findings():
    assert run(table(rls_on=False), [policy()], symptoms=("missing-table",)) == []
