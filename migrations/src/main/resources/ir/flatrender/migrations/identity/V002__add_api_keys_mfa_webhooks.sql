-- Tenant API keys for the reseller API, TOTP factors, and tenant webhooks with their outbox.

-- A key reads frk_<key id>_<secret>: the key id (visible, also the prefix shown in lists)
-- finds the row; only a SHA-256 of the secret is kept, compared in constant time.
CREATE TABLE tenant_api_keys (
    id              text PRIMARY KEY CHECK (id ~ '^key_[a-z0-9]{16}$'),
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    secret_sha256   text NOT NULL,
    scopes          text[] NOT NULL,
    created_by      uuid REFERENCES users (id),
    expires_at      timestamptz,
    revoked_at      timestamptz,
    -- After a rotation the old key keeps working until then.
    grace_until     timestamptz,
    replaced_by     text REFERENCES tenant_api_keys (id),
    last_used_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_api_keys_tenant ON tenant_api_keys (tenant_id, created_at DESC);

-- TOTP factors (mfa_factors in the V2 seed). The secret is encrypted with the gateway's master
-- key (AES-256-GCM); recovery codes are kept as SHA-256 digests, each usable once.
CREATE TABLE mfa_factors (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            text NOT NULL DEFAULT 'totp' CHECK (kind = 'totp'),
    secret_encrypted text NOT NULL,
    confirmed_at    timestamptz,
    -- The last time step accepted: a code is good once.
    last_used_step  bigint NOT NULL DEFAULT -1,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX mfa_factors_one_confirmed ON mfa_factors (user_id) WHERE confirmed_at IS NOT NULL;

CREATE TABLE mfa_recovery_codes (
    factor_id       uuid NOT NULL REFERENCES mfa_factors (id) ON DELETE CASCADE,
    code_sha256     text NOT NULL,
    used_at         timestamptz,
    PRIMARY KEY (factor_id, code_sha256)
);

-- A password accepted for a user with a factor: the second step must follow within minutes.
CREATE TABLE mfa_challenges (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_sha256    text NOT NULL UNIQUE,
    attempts        integer NOT NULL DEFAULT 0,
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);

-- Tenant webhooks (tenant_webhooks in the V2 seed): signed per Standard Webhooks with a
-- whsec_ secret kept encrypted.
CREATE TABLE tenant_webhooks (
    id              text PRIMARY KEY CHECK (id ~ '^wh_[a-z0-9]{16}$'),
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    url             text NOT NULL CHECK (url ~ '^https?://'),
    events          text[] NOT NULL,
    secret_encrypted text NOT NULL,
    enabled         boolean NOT NULL DEFAULT true,
    disabled_reason text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_webhooks_tenant ON tenant_webhooks (tenant_id);

-- The outbox: written in the transaction that changes what it reports, sent after.
CREATE TABLE webhook_deliveries (
    id              text PRIMARY KEY CHECK (id ~ '^msg_[A-Za-z0-9]{20,40}$'),
    webhook_id      text NOT NULL REFERENCES tenant_webhooks (id) ON DELETE CASCADE,
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    event           text NOT NULL,
    payload         jsonb NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at DESC);
