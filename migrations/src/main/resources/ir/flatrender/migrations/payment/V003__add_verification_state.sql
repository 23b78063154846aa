-- Issue 15: a payment is settled only on what ZarinPal's verify says, and never lost.
--
-- ref_id: ZarinPal's reference number kept exactly, as its decimal digits (one above 2^63
-- no longer fits a bigint, and was truncated).
ALTER TABLE transactions ALTER COLUMN ref_id TYPE text USING ref_id::text;
ALTER TABLE transactions ADD CONSTRAINT transactions_ref_id_digits CHECK (ref_id ~ '^[1-9][0-9]{0,39}$');

ALTER TABLE transactions
    -- What the buyer's browser said at the callback (a hint, never a fact): NOK closes the
    -- payment as cancelled only once nothing was paid before it expired.
    ADD COLUMN buyer_status    text CHECK (buyer_status IN ('OK', 'NOK')),
    -- The code of the last verify that did not settle it (-51 not paid yet, -50 amount, ...).
    ADD COLUMN last_code       integer,
    -- A verification in flight: claimed with this lease instead of holding the row lock while
    -- ZarinPal answers, so one runs at a time per payment.
    ADD COLUMN verifying_until timestamptz,
    -- When reconciliation may verify it again by itself (backoff); NULL: only when ZarinPal
    -- lists it as paid; 'infinity': no more by itself, an admin looks at it (attention).
    ADD COLUMN next_verify_at  timestamptz,
    -- Why an admin should look at it (an amount mismatch that does not clear, a payment that
    -- arrived after the broker had closed the transaction), and since when.
    ADD COLUMN attention       text,
    ADD COLUMN attention_at    timestamptz,
    -- The state the broker had closed it with when ZarinPal's payment arrived later.
    ADD COLUMN paid_after      text CHECK (paid_after IN ('failed', 'cancelled', 'expired')),
    ADD CONSTRAINT transactions_attention_dated CHECK ((attention IS NULL) = (attention_at IS NULL));

CREATE INDEX transactions_verify_due ON transactions (next_verify_at) WHERE next_verify_at IS NOT NULL;
CREATE INDEX transactions_attention ON transactions (attention_at DESC) WHERE attention IS NOT NULL;
CREATE INDEX transactions_finished ON transactions (finished_at) WHERE status <> 'pending';
