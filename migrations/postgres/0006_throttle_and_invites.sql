-- One throttle for every way into an account (sign-in, password check, account
-- creation): an attempt is reserved as a row before any password is hashed, so a
-- burst cannot outrun the count. Lockouts back off per account and client address.
-- Invites can be revoked, and a no-JavaScript lead sees a new link once from the row.

CREATE TABLE auth_attempts (
    id        BIGSERIAL PRIMARY KEY,
    kind      TEXT NOT NULL,                    -- sign_in | password_check | create_account
    email     TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    outcome   TEXT NOT NULL,                    -- pending | failed | succeeded | created | refused
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX auth_attempts_email_ip ON auth_attempts(email, client_ip, at);
CREATE INDEX auth_attempts_ip ON auth_attempts(client_ip, at);

CREATE TABLE auth_lockouts (
    id        BIGSERIAL PRIMARY KEY,
    email     TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ NOT NULL
);
CREATE INDEX auth_lockouts_email_ip ON auth_lockouts(email, client_ip, at);

DROP TABLE sign_in_attempts;

ALTER TABLE invites ADD COLUMN revoked_at TIMESTAMPTZ;
-- The raw token, kept only briefly so a lead without JavaScript sees the link once.
ALTER TABLE invites ADD COLUMN reveal_token TEXT;
ALTER TABLE invites ADD COLUMN reveal_until TIMESTAMPTZ;
