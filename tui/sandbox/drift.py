"""Drift: DDL applied behind PostgREST's back (no NOTIFY), one entry per runbook symptom.

Each entry says what it changes, the request that shows the symptom, and what a correct
diagnosis finds. Tests, the demo and ``pgrst-doctor sandbox --drift`` all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Drift:
    symptom: str
    description: str
    sql: str
    request: str  # the failing request, in the form `--request` accepts
    expect_cause: str
    expect_stale: tuple[tuple[str, str, str], ...] = ()  # (kind, name, change)


NEW_KEY = "public.order_items:public.products!order_items_product_id_fkey"  # by constraint
DRIFTS: dict[str, Drift] = {
    d.symptom: d
    for d in (
        Drift(
            symptom="missing-table",
            description="new table public.invoices (reads work on 11/12, writes answer 404 {})",
            sql="""
                CREATE TABLE public.invoices (
                  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                  order_id bigint NOT NULL REFERENCES public.orders (id),
                  amount_cents integer NOT NULL
                );
                INSERT INTO public.invoices (order_id, amount_cents) VALUES (1, 8700);
            """,
            request='POST /invoices {"order_id": 1, "amount_cents": 100}',
            expect_cause="stale-cache",
            expect_stale=(("table", "public.invoices", "added"),),
        ),
        Drift(
            symptom="missing-column",
            description="new column public.customers.loyalty_tier (writes answer PGRST204)",
            sql="ALTER TABLE public.customers ADD COLUMN loyalty_tier text;",
            request='POST /customers {"name": "Linus", "loyalty_tier": "gold"}',
            expect_cause="stale-cache",
            expect_stale=(("column", "public.customers.loyalty_tier", "added"),),
        ),
        Drift(
            symptom="missing-relationship",
            description="new foreign key order_items.product_id -> products (embeds answer PGRST200)",
            sql="""
                ALTER TABLE public.order_items ADD CONSTRAINT order_items_product_id_fkey
                  FOREIGN KEY (product_id) REFERENCES public.products (id);
            """,
            request="GET /order_items?select=*,products(*)",
            expect_cause="stale-cache",
            expect_stale=(("relationship", NEW_KEY, "added"),),
        ),
        Drift(
            symptom="missing-function",
            description="new function public.order_total(order_id) (RPC answers PGRST202)",
            sql="""
                CREATE FUNCTION public.order_total(order_id bigint) RETURNS bigint
                  LANGUAGE sql STABLE AS $$
                    SELECT coalesce(sum(p.price_cents * i.quantity), 0)::bigint
                    FROM public.order_items i JOIN public.products p ON p.id = i.product_id
                    WHERE i.order_id = $1 $$;
                GRANT EXECUTE ON FUNCTION public.order_total(bigint) TO anon, authenticated;
            """,
            request="GET /rpc/order_total?order_id=1",
            expect_cause="stale-cache",
            expect_stale=(("function", "public.order_total", "added"),),
        ),
        Drift(
            symptom="enum-rejected",
            description="new enum label order_status 'refunded' (PostgreSQL accepts it; OpenAPI lags)",
            sql="ALTER TYPE public.order_status ADD VALUE 'refunded';",
            request='POST /orders {"customer_id": 1, "status": "refunded"}',
            expect_cause="stale-cache",
            expect_stale=(("enum", "public.order_status:refunded", "added"),),
        ),
        Drift(
            symptom="rls-not-enforced",
            description="policy created on public.customers without enabling RLS (no reload helps)",
            sql="""
                CREATE POLICY customers_hidden_from_anon ON public.customers
                  FOR SELECT TO anon USING (false);
            """,
            request="GET /customers",
            expect_cause="rls-disabled",
        ),
    )
}

SYMPTOM_IDS: tuple[str, ...] = tuple(DRIFTS)


def select_drifts(names: list[str]) -> list[Drift]:
    """``["all"]`` or symptom ids -> drift entries; unknown names raise ``KeyError``."""
    if not names:
        return []
    if "all" in names:
        return list(DRIFTS.values())
    return [DRIFTS[name] for name in names]
