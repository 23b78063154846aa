-- The gateway's database role: it reads and writes the identity schema and nothing else
-- (no render, no content). Services log in as a member of it (the embedded default makes one;
-- with an external database the operator does: CREATE ROLE ... LOGIN IN ROLE flatrender_gateway).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flatrender_gateway') THEN
        CREATE ROLE flatrender_gateway NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA identity TO flatrender_gateway;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA identity TO flatrender_gateway;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA identity TO flatrender_gateway;
ALTER DEFAULT PRIVILEGES IN SCHEMA identity GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO flatrender_gateway;
ALTER DEFAULT PRIVILEGES IN SCHEMA identity GRANT USAGE, SELECT ON SEQUENCES TO flatrender_gateway;

-- The wallet's ledger is append-only for the gateway too, not only by its trigger; the
-- migrations' history is the migrator's.
REVOKE UPDATE, DELETE ON identity.ledger_entries FROM flatrender_gateway;
REVOKE INSERT, UPDATE, DELETE ON identity.flyway_schema_history FROM flatrender_gateway;

-- Month partitions are made by the schema's owner on the gateway's behalf.
ALTER FUNCTION identity.make_monthly_partitions(integer) SECURITY DEFINER SET search_path = identity, pg_catalog;
REVOKE ALL ON FUNCTION identity.make_monthly_partitions(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity.make_monthly_partitions(integer) TO flatrender_gateway;
