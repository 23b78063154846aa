-- Plan checkouts: FlatRender pays through its own payment broker, as the broker's client app
-- "FlatRender". A checkout is one payment request; the broker's webhook credits the wallet.

CREATE TABLE checkouts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    user_id         uuid REFERENCES users (id),
    plan_id         text NOT NULL REFERENCES plans (id),
    amount_rial     bigint NOT NULL CHECK (amount_rial > 0),
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'paid', 'failed')),
    -- The broker's transaction and its ZarinPal payment page.
    transaction_id  uuid,
    payment_url     text,
    ref_id          bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);
CREATE INDEX checkouts_tenant ON checkouts (tenant_id, created_at DESC);

-- A checkout credits the wallet once, whatever the webhook's retries.
CREATE UNIQUE INDEX ledger_one_checkout_credit ON ledger_entries (reference)
    WHERE kind = 'credit' AND reference LIKE 'checkout:%';
