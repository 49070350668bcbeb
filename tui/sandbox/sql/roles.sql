-- Cluster-wide roles, the Supabase shape: PostgREST logs in as authenticator and switches
-- to anon / authenticated / service_role per request. Idempotent: roles are shared by every
-- database of the cluster.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticator') THEN
    CREATE ROLE authenticator LOGIN NOINHERIT PASSWORD 'authenticator-sandbox';
  END IF;
END
$$;
GRANT anon, authenticated, service_role TO authenticator;
-- lets the doctor (and a superuser-less operator) read other sessions' queries
GRANT pg_read_all_stats TO authenticator;
