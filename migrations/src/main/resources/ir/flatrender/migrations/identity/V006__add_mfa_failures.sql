-- Wrong second-factor codes counted per user, across logins (issue 14, case 10): a right
-- password gives a new challenge but not new tries; only a right code resets the count.
ALTER TABLE users
    ADD COLUMN mfa_failures     integer NOT NULL DEFAULT 0 CHECK (mfa_failures >= 0),
    ADD COLUMN mfa_locked_until timestamptz;
