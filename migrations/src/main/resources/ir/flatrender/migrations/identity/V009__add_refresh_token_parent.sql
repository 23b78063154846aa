-- The token a refresh token was issued for (null for the first of a login or sign-up). A page that
-- reloads or closes while its refresh is in flight never sees the answer, and the next page comes
-- again with the used token: within a short grace, and only while that token's newest successor is
-- still unused, the gateway answers it again (using the successor up in its place) instead of
-- revoking the whole session as it does for a stolen copy.
ALTER TABLE refresh_tokens
    ADD COLUMN parent_id uuid REFERENCES refresh_tokens (id) ON DELETE CASCADE;
CREATE INDEX refresh_tokens_parent ON refresh_tokens (parent_id);
