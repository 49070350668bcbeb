-- Not part of basejump: the few objects a Supabase database holds before any migration runs
-- that basejump's migrations use (written for this corpus; the roles anon, authenticated and
-- service_role come from the sandbox's roles.sql). Extensions from PostgreSQL 15's contrib.
CREATE SCHEMA extensions;
CREATE EXTENSION "uuid-ossp" WITH SCHEMA extensions;
CREATE EXTENSION pgcrypto;
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text, raw_user_meta_data jsonb);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
