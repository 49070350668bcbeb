-- A small shop: what the sandbox's PostgREST serves before any drift.
CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'shipped');

CREATE TABLE public.customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  email text UNIQUE
);

CREATE TABLE public.products (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0)
);

CREATE TABLE public.orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES public.customers (id),
  status public.order_status NOT NULL DEFAULT 'pending',
  created_at timestamptz NOT NULL DEFAULT now()
);

-- product_id has no foreign key yet: the missing-relationship drift adds it.
CREATE TABLE public.order_items (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES public.orders (id),
  product_id bigint NOT NULL,
  quantity integer NOT NULL DEFAULT 1
);

CREATE VIEW public.order_totals WITH (security_invoker = true) AS
  SELECT o.id AS order_id, o.customer_id, sum(p.price_cents * i.quantity) AS total_cents
  FROM public.orders o
  JOIN public.order_items i ON i.order_id = o.id
  JOIN public.products p ON p.id = i.product_id
  GROUP BY o.id, o.customer_id;

CREATE FUNCTION public.customer_order_count(customer_id bigint) RETURNS bigint
  LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.orders o WHERE o.customer_id = $1 $$;

-- RLS-protected: anon sees only published notes.
CREATE TABLE public.notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  body text NOT NULL,
  published boolean NOT NULL DEFAULT false
);
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_published ON public.notes FOR SELECT TO anon USING (published);
CREATE POLICY notes_all_authenticated ON public.notes TO authenticated USING (true);

-- Not granted to anon: a look-alike of "missing table" that no reload fixes.
CREATE TABLE public.audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  happened_at timestamptz NOT NULL DEFAULT now(),
  what text NOT NULL
);

-- Not in db-schemas: another look-alike.
CREATE SCHEMA internal;
CREATE TABLE internal.feature_flags (name text PRIMARY KEY, enabled boolean NOT NULL);

INSERT INTO public.customers (name, email) VALUES
  ('Ada Lovelace', 'ada@example.test'), ('Grace Hopper', 'grace@example.test');
INSERT INTO public.products (name, price_cents) VALUES ('Keyboard', 4900), ('Mouse', 1900);
INSERT INTO public.orders (customer_id, status) VALUES (1, 'paid'), (2, 'pending');
INSERT INTO public.order_items (order_id, product_id, quantity) VALUES (1, 1, 1), (1, 2, 2), (2, 2, 1);
INSERT INTO public.notes (body, published) VALUES ('public note', true), ('private note', false);
INSERT INTO public.audit_log (what) VALUES ('seeded');

GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
GRANT SELECT ON public.customers, public.products, public.orders, public.order_items,
  public.order_totals, public.notes TO anon;
GRANT INSERT ON public.orders, public.customers TO anon;
GRANT ALL ON ALL TABLES IN SCHEMA public TO authenticated, service_role;
REVOKE ALL ON public.audit_log FROM authenticated;
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO anon, authenticated, service_role;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO anon, authenticated, service_role;
-- Like Supabase before its 2026 grants change: new tables in public are granted to the API roles.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
