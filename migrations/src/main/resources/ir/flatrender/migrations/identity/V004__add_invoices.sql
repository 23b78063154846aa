-- Monthly invoices of reseller tenants, built from their usage records: one a tenant a month.
CREATE TABLE invoices (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    -- The first day of the month invoiced (UTC).
    period          date NOT NULL CHECK (extract(day FROM period) = 1),
    renders         integer NOT NULL CHECK (renders >= 0),
    seconds         bigint NOT NULL CHECK (seconds >= 0),
    amount_rial     bigint NOT NULL CHECK (amount_rial >= 0),
    state           text NOT NULL DEFAULT 'issued' CHECK (state IN ('issued', 'paid', 'void')),
    issued_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, period)
);

-- An invoice's lines: its renders, as charged.
CREATE TABLE invoice_lines (
    invoice_id      uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    render_id       uuid NOT NULL REFERENCES renders (id),
    seconds         integer NOT NULL,
    amount_rial     bigint NOT NULL,
    recorded_at     timestamptz NOT NULL,
    PRIMARY KEY (invoice_id, render_id)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON invoices, invoice_lines TO flatrender_gateway;
