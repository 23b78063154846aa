-- The orchestrator's database role (made by content V003) on the render schema.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flatrender_orchestrator') THEN
        CREATE ROLE flatrender_orchestrator NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA render TO flatrender_orchestrator;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA render TO flatrender_orchestrator;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA render TO flatrender_orchestrator;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA render TO flatrender_orchestrator;
ALTER DEFAULT PRIVILEGES IN SCHEMA render GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO flatrender_orchestrator;
ALTER DEFAULT PRIVILEGES IN SCHEMA render GRANT USAGE, SELECT ON SEQUENCES TO flatrender_orchestrator;
REVOKE INSERT, UPDATE, DELETE ON render.flyway_schema_history FROM flatrender_orchestrator;

-- The health log's partitions are made and dropped by the schema's owner on its behalf.
ALTER FUNCTION render.ensure_health_partitions(integer) SECURITY DEFINER SET search_path = render, pg_catalog;
ALTER FUNCTION render.drop_health_partitions(timestamptz) SECURITY DEFINER SET search_path = render, pg_catalog;
