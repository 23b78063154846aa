-- The payment broker's database role: the payment schema and nothing else. The broker runs in
-- the gateway's process over its own pool, logged in as a member of this role.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flatrender_payment') THEN
        CREATE ROLE flatrender_payment NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA payment TO flatrender_payment;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA payment TO flatrender_payment;
ALTER DEFAULT PRIVILEGES IN SCHEMA payment GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO flatrender_payment;
-- A payment is never deleted; the migrations' history is the migrator's.
REVOKE DELETE ON payment.transactions, payment.webhook_deliveries FROM flatrender_payment;
REVOKE INSERT, UPDATE, DELETE ON payment.flyway_schema_history FROM flatrender_payment;
