-- Sign-in counts every server instance sees (accounts::signin): attempts
-- per address in fixed windows, and each account's failures with the
-- password check running on it (a lease, should its instance die).
CREATE TABLE signin_attempts (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts     BIGINT NOT NULL
);

CREATE TABLE signin_failures (
    user_id        BIGINT PRIMARY KEY REFERENCES users(id),
    failures       BIGINT NOT NULL,
    last_at        BIGINT NOT NULL,
    checking_until BIGINT NOT NULL DEFAULT 0
);
