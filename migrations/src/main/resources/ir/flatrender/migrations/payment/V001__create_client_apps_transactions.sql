-- The payment broker (seed 001, "31_payment_broker.sql"): the sites that take ZarinPal
-- payments through FlatRender's one verified callback domain, their payments and the webhooks
-- that tell them the outcome. Money is Rial.

CREATE TABLE client_apps (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- The buyer may be sent back only under one of these (scheme, host, port, path prefix).
    return_urls     text[] NOT NULL CHECK (cardinality(return_urls) BETWEEN 1 AND 20),
    webhook_url     text,
    -- Standard Webhooks secret, AES-GCM under the gateway's master key.
    webhook_secret_encrypted text NOT NULL,
    -- NULL: the broker's shared merchant and unit.
    merchant_id     text CHECK (merchant_id ~ '^[0-9A-Za-z-]{36}$'),
    currency_unit   text CHECK (currency_unit IN ('IRR', 'IRT')),
    disabled        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- A client's API keys (only the key's SHA-256 is kept) with the HMAC secret issued with each.
-- A rotated pair keeps working until expires_at.
CREATE TABLE client_keys (
    key_id          text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{16}$'),
    client_id       uuid NOT NULL REFERENCES client_apps (id),
    key_sha256      text NOT NULL CHECK (key_sha256 ~ '^[0-9a-f]{64}$'),
    hmac_secret_encrypted text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz
);
CREATE INDEX client_keys_client ON client_keys (client_id);

-- Nonces seen in signed calls: a nonce is taken once per client within (and beyond) the
-- 5-minute window; rows older than 10 minutes are swept.
CREATE TABLE request_nonces (
    client_id       uuid NOT NULL REFERENCES client_apps (id),
    nonce           text NOT NULL,
    seen_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, nonce)
);
CREATE INDEX request_nonces_seen ON request_nonces (seen_at);

CREATE TABLE transactions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id       uuid NOT NULL REFERENCES client_apps (id),
    order_id        text NOT NULL CHECK (order_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
    -- What was asked, to tell a replay of the same order from another one with its id.
    request_sha256  text NOT NULL,
    amount_rial     bigint NOT NULL CHECK (amount_rial >= 10000),
    description     text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
    return_url      text NOT NULL,
    mobile          text,
    email           text,
    -- The merchant and unit the payment was asked with; verify uses the same.
    merchant_id     text NOT NULL,
    currency_unit   text NOT NULL CHECK (currency_unit IN ('IRR', 'IRT')),
    status          text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'paid', 'failed', 'cancelled', 'expired')),
    authority       text UNIQUE,
    ref_id          bigint,
    card_pan        text,
    card_hash       text,
    fee_rial        bigint,
    fee_type        text,
    failure_code    integer,
    failure_message text,
    -- Why the last call to ZarinPal for it got no answer; reconciliation tries again.
    last_error      text,
    verify_attempts integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    paid_at         timestamptz,
    finished_at     timestamptz,
    UNIQUE (client_id, order_id),
    CHECK ((status = 'paid') = (ref_id IS NOT NULL)),
    CHECK ((status = 'pending') = (finished_at IS NULL))
);
CREATE INDEX transactions_pending ON transactions (expires_at) WHERE status = 'pending';
CREATE INDEX transactions_client ON transactions (client_id, created_at DESC, id DESC);
CREATE INDEX transactions_created ON transactions (created_at DESC, id DESC);

-- The outbox: one event a transaction's outcome, queued with the change, sent by the deliverer.
CREATE TABLE webhook_deliveries (
    id              text PRIMARY KEY,
    client_id       uuid NOT NULL REFERENCES client_apps (id),
    transaction_id  uuid NOT NULL REFERENCES transactions (id),
    event           text NOT NULL,
    payload         jsonb NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    UNIQUE (transaction_id, event)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
