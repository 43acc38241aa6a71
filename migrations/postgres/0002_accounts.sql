-- Accounts, campaign membership with role and scope, sessions, invites,
-- sign-in attempts (for throttling) and the append-only audit log.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,          -- stored lower-case
    password_hash TEXT NOT NULL,                 -- argon2id PHC string
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE memberships (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('lead', 'organizer', 'viewer')),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

-- An organizer's scope: the areas they are given (coworkers assigned to them
-- are in scope through the coworker's assigned organizer).
CREATE TABLE membership_areas (
    campaign_id BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    area_id     BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, user_id, area_id),
    FOREIGN KEY (campaign_id, user_id) REFERENCES memberships(campaign_id, user_id) ON DELETE CASCADE
);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,               -- random, in the access token's sid
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    refresh_hash TEXT NOT NULL UNIQUE,           -- sha-256 of the current refresh token
    created_at   TIMESTAMPTZ NOT NULL,
    rotated_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Refresh tokens already rotated away: presenting one again means it was stolen.
CREATE TABLE spent_refresh_tokens (
    refresh_hash TEXT PRIMARY KEY,
    session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    spent_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE invites (
    id          BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('lead', 'organizer', 'viewer')),
    area_ids    TEXT NOT NULL DEFAULT '',        -- comma-separated scope for organizers
    note        TEXT NOT NULL DEFAULT '',
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    used_by     BIGINT REFERENCES users(id)
);

CREATE TABLE sign_in_attempts (
    id        BIGSERIAL PRIMARY KEY,
    email     TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts(email, at);
CREATE INDEX sign_in_attempts_ip ON sign_in_attempts(client_ip, at);

CREATE TABLE audit_events (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    campaign_id BIGINT,
    actor_id    BIGINT,
    action      TEXT NOT NULL,
    record      TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    client_ip   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_campaign ON audit_events(campaign_id, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
