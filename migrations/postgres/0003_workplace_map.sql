-- The workplace map: areas (a tree), shifts, and the coworkers on the chart.

CREATE TABLE areas (
    id          BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    parent_id   BIGINT REFERENCES areas(id),
    name        TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    retired     BOOLEAN NOT NULL DEFAULT FALSE,
    grid_x      INTEGER,
    grid_y      INTEGER,
    grid_w      INTEGER,
    grid_h      INTEGER,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX areas_campaign ON areas(campaign_id);

CREATE TABLE shifts (
    id          BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    position    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, name)
);

CREATE TABLE coworkers (
    id                 BIGSERIAL PRIMARY KEY,
    campaign_id        BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    name               TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    area_id            BIGINT REFERENCES areas(id),
    shift_id           BIGINT REFERENCES shifts(id),
    job_title          TEXT NOT NULL DEFAULT '',
    employee_ref       TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    language           TEXT NOT NULL DEFAULT '',
    tags               TEXT NOT NULL DEFAULT '',
    organic_leader     BOOLEAN NOT NULL DEFAULT FALSE,
    committee_member   BOOLEAN NOT NULL DEFAULT FALSE,
    assigned_organizer BIGINT REFERENCES users(id),
    employment_status  TEXT NOT NULL DEFAULT 'active'
        CHECK (employment_status IN ('active', 'on_leave', 'left', 'disciplined', 'fired')),
    rating             INTEGER CHECK (rating BETWEEN 1 AND 5),  -- NULL: unknown, never a 3
    notes              TEXT NOT NULL DEFAULT '',
    archived_at        TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX coworkers_campaign_area ON coworkers(campaign_id, area_id);
CREATE INDEX coworkers_campaign_assigned ON coworkers(campaign_id, assigned_organizer);
