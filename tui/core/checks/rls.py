""" "RLS policies not enforced": decided from the catalog and the request role, never from the
cache (PostgREST caches no RLS). First match wins, in the order PostgreSQL applies them.
"""

from __future__ import annotations

from tui.core.checks.evidence import Evidence
from tui.core.checks.fixes import fix
from tui.core.model import Cause, Finding, ObjectKind, Status
from tui.core.names import qualified
from tui.core.probes.catalog import Catalog, Policy, Relation

SYMPTOM = "rls-not-enforced"
NOTE = "RLS is enforced by PostgreSQL on every query and is not cached: a reload won't change this."
ALWAYS_TRUE = {"true", "(true)"}


def _applies(policy: Policy, catalog: Catalog) -> bool:
    roles = set(policy.roles)
    return "public" in roles or bool(roles & catalog.role.privileges_of)


def _verdict(ev: Evidence, rel: Relation) -> tuple[Cause | None, str, str | None, str]:
    """(cause, summary, fix, variant) for one relation."""
    catalog = ev.catalog
    assert catalog is not None
    role, name = catalog.role, rel.qualified
    policies = catalog.policies.get(rel.key, [])
    if rel.is_view:
        guarded = catalog.view_rls.get(rel.key, ())
        shown = ", ".join(qualified(*t.split(".", 1)) for t in guarded[:3])
        if not guarded:
            return None, (f"{rel.kind} {name} reads no table with RLS or policies: there is "
                          "no row security to bypass"), None, ""  # fmt: skip
        if rel.kind == "materialized view":
            # rows are copied at REFRESH with the owner's rights; PostgreSQL has no RLS and no
            # security_invoker for materialized views: only privileges guard it
            return (Cause.RLS_BYPASSED,
                    f"materialized view {name} holds rows of {shown} copied with its owner's "
                    f"rights at REFRESH: their RLS never applies to {role.name}",
                    fix(Cause.RLS_BYPASSED, "matview", name=(rel.schema, rel.name),
                        role=role.name), "matview")  # fmt: skip
        if rel.security_invoker:
            return None, f"view {name} runs with the caller's rights (security_invoker)", None, ""
        bypassed = catalog.view_rls_bypassed.get(rel.key, guarded)
        if not bypassed:  # e.g. a view owner role the policies name (PostgREST's api-role design)
            return None, (f"view {name} runs with its owner's rights ({rel.owner}), and the "
                          f"RLS of {shown} applies to that role: nothing is bypassed"), None, ""  # fmt: skip
        shown = ", ".join(qualified(*t.split(".", 1)) for t in bypassed[:3])
        return (Cause.RLS_BYPASSED,
                f"view {name} runs with its owner's rights ({rel.owner}), who bypasses the RLS "
                f"of {shown}: it is not checked for the caller",
                fix(Cause.RLS_BYPASSED, "view", name=(rel.schema, rel.name)), "view")  # fmt: skip
    if role.superuser or role.bypassrls:
        attr = "SUPERUSER" if role.superuser else "BYPASSRLS"
        return (Cause.RLS_BYPASSED, f"role {role.name} has {attr}: every policy on {name} is "
                "skipped", fix(Cause.RLS_BYPASSED, "bypassrls", role=role.name), "bypassrls")  # fmt: skip
    if not rel.rls:
        n = len(policies)
        return (Cause.RLS_DISABLED,
                f"row level security is not enabled on {name}"
                + (f": its {n} polic{'y is' if n == 1 else 'ies are'} ignored" if n else ""),
                fix(Cause.RLS_DISABLED, "table", name=(rel.schema, rel.name)), "disabled")  # fmt: skip
    if catalog.owns(rel) and not rel.force_rls:
        return (Cause.RLS_BYPASSED, f"role {role.name} owns {name}: owners bypass RLS unless it "
                "is forced", fix(Cause.RLS_BYPASSED, "owner", name=(rel.schema, rel.name)), "owner")  # fmt: skip
    for policy in policies:
        if (policy.permissive and policy.command in ("r", "*") and _applies(policy, catalog)
                and (policy.using or "").strip().lower() in ALWAYS_TRUE):  # fmt: skip
            return (Cause.RLS_BYPASSED,
                    f"permissive policy {policy.name} on {name} lets every row through "
                    f"(USING true) for {role.name}",
                    fix(Cause.RLS_BYPASSED, "permissive", policy=policy.name,
                        name=(rel.schema, rel.name)),
                    "permissive")  # fmt: skip
    applying = [p.name for p in policies if _applies(p, catalog)]
    return None, (f"RLS is enforced on {name} for {role.name} "
                  f"({len(applying)} applicable polic{'y' if len(applying) == 1 else 'ies'})"), None, ""  # fmt: skip


def check(ev: Evidence) -> list[Finding]:
    if not ev.asks(SYMPTOM) or ev.catalog is None:
        return []
    asked = [o for o in ev.objects
             if o.kind in (ObjectKind.TABLE, ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW)]  # fmt: skip
    findings: list[Finding] = []
    for ref in asked:
        rel = ev.catalog.relation(ref.schema, ref.name)
        if rel is None:
            continue  # the object check already says it is missing
        cause, summary, fix_text, variant = _verdict(ev, rel)
        policies = ev.catalog.policies.get(rel.key, [])
        # RLS off on a table without policies is a choice, not this symptom, unless asked for;
        # a view is about RLS only where it reads such a table (its verdict says so). A
        # permissive USING (true) policy is the schema's own statement that every row is
        # public (profiles, catalogues): advice, unless the user reports rows they should
        # not see (the symptom named).
        explains = cause is not None and (bool(policies) or rel.rls or ev.narrowed
                                          or rel.is_view)  # fmt: skip
        if variant == "permissive":
            explains = ev.narrowed
        if cause is Cause.RLS_BYPASSED and not rel.is_view and not (rel.rls or policies):
            explains = ev.narrowed
        if cause is not None and not explains and not rel.is_view and not (rel.rls or policies):
            continue  # no RLS, no policies, RLS not asked about: privileges guard it, not RLS
        findings.append(Finding(
            "rls", Status.FAIL if explains else (Status.WARN if cause else Status.PASS), summary,
            cause=cause, objects=[rel.qualified], fix=fix_text, title=f"RLS: {rel.qualified}",
            runbook_note=NOTE if cause else None,
        ))  # fmt: skip
    if asked:
        return findings
    # Nothing named: advice about tables whose policies are ignored, and about bypassing keys.
    role = ev.catalog.role
    status = Status.FAIL if ev.narrowed else Status.WARN
    if role.superuser or role.bypassrls:
        findings.append(Finding(
            "rls", status, f"role {role.name} has {'SUPERUSER' if role.superuser else 'BYPASSRLS'}: "
            "RLS policies never apply to requests made with this key",
            cause=Cause.RLS_BYPASSED, fix=fix(Cause.RLS_BYPASSED, "bypassrls", role=role.name),
            title="RLS", runbook_note=NOTE,
        ))  # fmt: skip
    exposed = set(ev.exposed)
    unguarded = sorted(
        (rel for key, rel in ev.catalog.relations.items()
         if rel.schema in exposed and not rel.rls and ev.catalog.policies.get(key)),
        key=lambda rel: rel.qualified,
    )  # fmt: skip
    ignored = [rel.qualified for rel in unguarded]
    if ignored:
        findings.append(Finding(
            "rls", status, f"policies exist but RLS is not enabled on {', '.join(ignored[:5])}"
            + (" ..." if len(ignored) > 5 else ""),
            cause=Cause.RLS_DISABLED, objects=ignored,
            fix=" ".join(fix(Cause.RLS_DISABLED, "table", name=(r.schema, r.name))
                         for r in unguarded[:20]),
            title="RLS", runbook_note=NOTE,
        ))  # fmt: skip
    return findings
