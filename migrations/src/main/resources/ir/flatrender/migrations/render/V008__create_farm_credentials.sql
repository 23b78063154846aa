-- The farm's own credentials (issue 14): one per enrolled render node and per gateway. Only
-- the SHA-256 of a token is kept; the token itself is shown once, when it is issued. A
-- credential is never deleted: revoking stamps revoked_at, and the row stays as the record.
CREATE TABLE render.farm_credentials (
    id           uuid        PRIMARY KEY,
    role         text        NOT NULL CHECK (role IN ('node', 'gateway')),
    -- A node's name (its hello must say the same) or a gateway's name.
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    token_sha256 bytea       NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);

-- One live credential per node (or gateway) name.
CREATE UNIQUE INDEX farm_credentials_live_name ON render.farm_credentials (role, name) WHERE revoked_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON render.farm_credentials TO flatrender_orchestrator;
