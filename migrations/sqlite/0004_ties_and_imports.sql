-- The social map (ties between coworkers) and roster imports awaiting a lead's confirmation.

CREATE TABLE relationships (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    from_id     INTEGER NOT NULL REFERENCES coworkers(id),
    to_id       INTEGER NOT NULL REFERENCES coworkers(id),
    kind        TEXT NOT NULL
        CHECK (kind IN ('works_beside', 'friends', 'family', 'carpool', 'listens_to')),
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    CHECK (from_id <> to_id),
    UNIQUE (from_id, to_id, kind)
);
CREATE INDEX relationships_from ON relationships(campaign_id, from_id);
CREATE INDEX relationships_to ON relationships(campaign_id, to_id);

-- The uploaded file is kept in the database (not on one server's disk) so that any
-- instance can show the preview and apply it.
CREATE TABLE roster_imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    filename    TEXT NOT NULL DEFAULT '',
    content     BLOB NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'applied', 'discarded')),
    applied_at  TEXT
);
CREATE INDEX roster_imports_campaign ON roster_imports(campaign_id);

CREATE INDEX coworkers_campaign_ref ON coworkers(campaign_id, employee_ref);
