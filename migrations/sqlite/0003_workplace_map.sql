-- The workplace map: areas (a tree), shifts, and the coworkers on the chart.

CREATE TABLE areas (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES areas(id),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    retired     INTEGER NOT NULL DEFAULT 0,
    grid_x      INTEGER,
    grid_y      INTEGER,
    grid_w      INTEGER,
    grid_h      INTEGER,
    created_at  TEXT NOT NULL
);
CREATE INDEX areas_campaign ON areas(campaign_id);

CREATE TABLE shifts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    position    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, name)
);

CREATE TABLE coworkers (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id        INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    name               TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    area_id            INTEGER REFERENCES areas(id),
    shift_id           INTEGER REFERENCES shifts(id),
    job_title          TEXT NOT NULL DEFAULT '',
    employee_ref       TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    language           TEXT NOT NULL DEFAULT '',
    tags               TEXT NOT NULL DEFAULT '',
    organic_leader     INTEGER NOT NULL DEFAULT 0,
    committee_member   INTEGER NOT NULL DEFAULT 0,
    assigned_organizer INTEGER REFERENCES users(id),
    employment_status  TEXT NOT NULL DEFAULT 'active'
        CHECK (employment_status IN ('active', 'on_leave', 'left', 'disciplined', 'fired')),
    rating             INTEGER CHECK (rating BETWEEN 1 AND 5),   -- NULL: unknown, never a 3
    notes              TEXT NOT NULL DEFAULT '',
    archived_at        TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX coworkers_campaign_area ON coworkers(campaign_id, area_id);
CREATE INDEX coworkers_campaign_assigned ON coworkers(campaign_id, assigned_organizer);
