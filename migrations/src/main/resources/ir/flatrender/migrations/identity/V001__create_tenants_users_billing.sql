-- The identity schema (the gateway's): tenants at the root, their members, sessions and API
-- keys; plans, the wallet ledger and the renders the gateway submitted for them.
-- Seeds: FlatRender V2 "identity.tenants is the root of multi-tenancy", Fenta's users / orgs /
-- org_members / api_keys / usage_records / audit_logs, reconciled into one schema.

CREATE TABLE tenants (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind            text NOT NULL DEFAULT 'customer' CHECK (kind IN ('platform', 'customer', 'reseller')),
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    plan_id         text,
    -- Render seconds a month; NULL: the plan's.
    monthly_quota_seconds integer CHECK (monthly_quota_seconds >= 0),
    -- White-label branding (tenant_branding in the seed).
    brand_name      text,
    brand_logo_url  text,
    brand_primary_color text CHECK (brand_primary_color ~ '^#[0-9a-fA-F]{6}$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

INSERT INTO tenants (id, slug, name, kind)
VALUES ('00000000-0000-0000-0000-000000000001', 'flatrender', 'FlatRender', 'platform');

CREATE TABLE users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email           text NOT NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- A PHC string (Argon2id).
    password_hash   text NOT NULL,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    -- Operators of the farm itself (any tenant's support and billing).
    farm_admin      boolean NOT NULL DEFAULT false,
    failed_logins   integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    last_login_at   timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE members (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

-- Rotating refresh tokens: each use answers a new one of the same family; a token used twice
-- is a stolen one, and the whole family is revoked.
CREATE TABLE refresh_tokens (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    family_id       uuid NOT NULL,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- SHA-256 of the secret, hex; the secret itself is never stored.
    token_sha256    text NOT NULL UNIQUE,
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz,
    revoked_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE plans (
    id              text PRIMARY KEY,
    name_en         text NOT NULL,
    name_fa         text NOT NULL,
    -- Canonical money is Rial; Toman (Rial / 10) is for display.
    price_rial      bigint NOT NULL CHECK (price_rial >= 0),
    included_seconds integer NOT NULL CHECK (included_seconds >= 0),
    -- Rial a render second costs from the wallet.
    rial_per_second bigint NOT NULL CHECK (rial_per_second >= 0),
    -- The charge is ceil(length in seconds) x the tier's factor: {"720p": 1, "1080p": 2, ...}.
    tier_factors    jsonb NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    sort_order      integer NOT NULL DEFAULT 0
);

INSERT INTO plans (id, name_en, name_fa, price_rial, included_seconds, rial_per_second, tier_factors, sort_order) VALUES
    ('free', 'Free', 'رایگان', 0, 60, 10000,
     '{"360p": 1, "480p": 1, "720p": 1, "1080p": 2, "1440p": 3, "2160p": 4}', 0),
    ('pro', 'Pro', 'حرفه‌ای', 4900000, 1800, 8000,
     '{"360p": 1, "480p": 1, "720p": 1, "1080p": 2, "1440p": 3, "2160p": 4}', 1),
    ('business', 'Business', 'تجاری', 19900000, 9000, 6000,
     '{"360p": 1, "480p": 1, "720p": 1, "1080p": 2, "1440p": 3, "2160p": 4}', 2);

UPDATE tenants SET plan_id = 'business' WHERE id = '00000000-0000-0000-0000-000000000001';
ALTER TABLE tenants ADD CONSTRAINT tenants_plan FOREIGN KEY (plan_id) REFERENCES plans (id);

-- The renders the gateway submitted: the tenant's view of an orchestrator job.
CREATE TABLE renders (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    user_id         uuid REFERENCES users (id),
    idempotency_key text,
    request_sha256  text NOT NULL,
    template_id     text NOT NULL,
    aspect          text NOT NULL,
    tier            text NOT NULL,
    bindings        jsonb NOT NULL,
    -- Render seconds charged (ceil(length) x tier factor) and their price in Rial.
    charge_seconds  integer NOT NULL CHECK (charge_seconds >= 0),
    charge_rial     bigint NOT NULL CHECK (charge_rial >= 0),
    -- The orchestrator's job, once submitted (soft reference into render.render_jobs).
    job_id          uuid,
    state           text NOT NULL DEFAULT 'submitting'
                    CHECK (state IN ('submitting', 'queued', 'rendering', 'succeeded', 'failed', 'cancelled')),
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);
CREATE UNIQUE INDEX renders_idempotency ON renders (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX renders_tenant ON renders (tenant_id, created_at DESC);
CREATE INDEX renders_open ON renders (created_at) WHERE state IN ('submitting', 'queued', 'rendering');

-- The wallet: append-only. A balance is the sum of the entries: credits add; a hold takes
-- the quote at submit; its capture (success) or release (failure, cancel) settles it.
CREATE TABLE ledger_entries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    kind            text NOT NULL CHECK (kind IN ('credit', 'hold', 'capture', 'release')),
    amount_rial     bigint NOT NULL CHECK (amount_rial > 0),
    render_id       uuid REFERENCES renders (id),
    -- Who or what made it: a user, a payment, the gateway settling a render.
    reference       text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'credit') = (render_id IS NULL))
);
CREATE INDEX ledger_tenant ON ledger_entries (tenant_id, id);
-- One hold a render, and one settlement of it.
CREATE UNIQUE INDEX ledger_one_hold ON ledger_entries (render_id) WHERE kind = 'hold';
CREATE UNIQUE INDEX ledger_one_settlement ON ledger_entries (render_id) WHERE kind IN ('capture', 'release');

CREATE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'identity.ledger_entries is append-only';
END;
$$;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();

-- Render seconds used, a row a render charged (usage_records in the seed).
CREATE TABLE usage_records (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    render_id       uuid NOT NULL UNIQUE REFERENCES renders (id),
    seconds         integer NOT NULL CHECK (seconds >= 0),
    amount_rial     bigint NOT NULL CHECK (amount_rial >= 0),
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usage_tenant ON usage_records (tenant_id, recorded_at);

-- Who did what (audit_logs in the seed), partitioned by month; partitions are made ahead by
-- identity.make_monthly_partitions, which the gateway calls at start and daily.
CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    tenant_id       uuid NOT NULL,
    user_id         uuid,
    action          text NOT NULL,
    target          text,
    details         jsonb NOT NULL DEFAULT '{}',
    request_id      text,
    ip              inet,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, created_at DESC);

-- Every API request (tenant_api_request_logs in the seed), partitioned by month.
CREATE TABLE api_request_log (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    tenant_id       uuid,
    api_key_id      text,
    method          text NOT NULL,
    route           text NOT NULL,
    status          integer NOT NULL,
    duration_ms     integer NOT NULL,
    request_id      text NOT NULL,
    ip              inet,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE INDEX api_request_log_tenant ON api_request_log (tenant_id, created_at DESC);

-- Makes the month partitions of both logs from this month through `ahead` months on.
CREATE FUNCTION make_monthly_partitions(ahead integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    parent text;
    month date;
    made integer := 0;
BEGIN
    FOREACH parent IN ARRAY ARRAY['audit_log', 'api_request_log'] LOOP
        FOR i IN 0..ahead LOOP
            month := (date_trunc('month', now()) + make_interval(months => i))::date;
            IF to_regclass(format('identity.%I', parent || '_' || to_char(month, 'YYYY_MM'))) IS NULL THEN
                EXECUTE format(
                    'CREATE TABLE identity.%I PARTITION OF identity.%I FOR VALUES FROM (%L) TO (%L)',
                    parent || '_' || to_char(month, 'YYYY_MM'), parent, month, (month + interval '1 month')::date);
                made := made + 1;
            END IF;
        END LOOP;
    END LOOP;
    RETURN made;
END;
$$;
SELECT make_monthly_partitions(2);
