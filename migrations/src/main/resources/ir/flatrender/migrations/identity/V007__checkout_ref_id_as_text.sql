-- ZarinPal's ref_id is a number that may pass 2^63 (the broker keeps it as text since payment
-- V003); a plan checkout keeps it as the broker reports it, as text, never a truncated number.
ALTER TABLE identity.checkouts
    ALTER COLUMN ref_id TYPE text USING ref_id::text;
