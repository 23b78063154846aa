-- The operators' console in the gateway (issue 21) holds a credential of its own: a third role
-- beside the nodes' and the gateways' (V008 allowed only those two).
ALTER TABLE render.farm_credentials DROP CONSTRAINT farm_credentials_role_check;
ALTER TABLE render.farm_credentials
    ADD CONSTRAINT farm_credentials_role_check CHECK (role IN ('node', 'gateway', 'console'));
