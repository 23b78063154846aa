-- The orchestrator's database role: the content and render schemas, nothing of identity's.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flatrender_orchestrator') THEN
        CREATE ROLE flatrender_orchestrator NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA content TO flatrender_orchestrator;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA content TO flatrender_orchestrator;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA content TO flatrender_orchestrator;
ALTER DEFAULT PRIVILEGES IN SCHEMA content GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO flatrender_orchestrator;
ALTER DEFAULT PRIVILEGES IN SCHEMA content GRANT USAGE, SELECT ON SEQUENCES TO flatrender_orchestrator;
REVOKE INSERT, UPDATE, DELETE ON content.flyway_schema_history FROM flatrender_orchestrator;
