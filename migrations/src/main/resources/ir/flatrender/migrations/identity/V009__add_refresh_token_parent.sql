-- The token a refresh token was issued for (null for the first of a login or sign-up). A page that
-- reloads while its refresh is in flight never sees the answer, and the next page comes again with
-- the used token: within a short grace of its first use, and only while a token issued for it is
-- still unused, the gateway answers it again (the first of those answers to be used uses the
-- others up) instead of revoking the whole session as it does for a stolen copy. No foreign key:
-- the answers of one token must still find each other after that token is pruned.
ALTER TABLE refresh_tokens ADD COLUMN parent_id uuid;
CREATE INDEX refresh_tokens_parent ON refresh_tokens (parent_id);
