-- A second factor (TOTP, RFC 6238) per account, its single-use recovery codes, what a
-- session proved at sign-in, what the account page shows of each session, and a
-- campaign's choice to require the second factor of its organizers too.

CREATE TABLE second_factors (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    -- The TOTP secret, sealed with the server's key (XChaCha20-Poly1305); never in clear.
    secret_box   TEXT NOT NULL,
    -- While set-up is unconfirmed: the ten recovery codes shown with the QR code, sealed;
    -- emptied when the first code confirms it (they are then kept only as hashes).
    pending_box  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    confirmed_at TEXT,
    -- The last time step a code was accepted for: only a later one is accepted.
    last_step    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,                     -- HMAC-SHA-256 with the server's key
    used_at   TEXT,
    UNIQUE (user_id, code_hash)
);

ALTER TABLE sessions ADD COLUMN second_factor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN ip_prefix TEXT NOT NULL DEFAULT '';

ALTER TABLE campaigns ADD COLUMN second_factor_for_organizers INTEGER NOT NULL DEFAULT 0;
