-- Structure tests: public actions that test the organization, and what each coworker did.

CREATE TABLE structure_tests (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id          INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    kind                 TEXT NOT NULL CHECK (kind IN ('petition', 'sticker_day', 'group_photo',
        'march', 'survey', 'meeting', 'mock_vote', 'strike_vote', 'other')),
    title                TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description          TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    status               TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'live', 'closed')),
    -- The plan, as typed (the campaign's local time).
    opens_at             TEXT,
    closes_at            TEXT,
    goal_percent         INTEGER NOT NULL CHECK (goal_percent BETWEEN 1 AND 100),
    -- Votes only: the yes share of the votes cast or of the whole scope, and the turnout.
    vote_base            TEXT CHECK (vote_base IN ('cast', 'unit')),
    vote_yes_percent     INTEGER CHECK (vote_yes_percent BETWEEN 50 AND 100),
    vote_turnout_percent INTEGER CHECK (vote_turnout_percent BETWEEN 0 AND 100),
    -- The chosen areas (comma-separated ids, each with the areas beneath); '' = the campaign.
    area_ids             TEXT NOT NULL DEFAULT '',
    created_by           INTEGER NOT NULL REFERENCES users(id),
    created_at           TEXT NOT NULL,
    opened_at            TEXT,
    closed_at            TEXT
);
CREATE INDEX structure_tests_campaign ON structure_tests(campaign_id, opened_at);

-- Who a test counts, fixed when it opens: where each person was and their rating then.
-- `response` and `mark_id` are the current mark (the latest in participation_marks).
CREATE TABLE structure_test_scope (
    test_id     INTEGER NOT NULL REFERENCES structure_tests(id) ON DELETE CASCADE,
    coworker_id INTEGER NOT NULL REFERENCES coworkers(id),
    area_id     INTEGER REFERENCES areas(id),
    shift_id    INTEGER REFERENCES shifts(id),
    rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
    rated_by    INTEGER REFERENCES users(id),
    response    TEXT,
    mark_id     INTEGER,
    PRIMARY KEY (test_id, coworker_id)
);
CREATE INDEX structure_test_scope_tally ON structure_test_scope(test_id, area_id, shift_id, response);

-- Every mark ever recorded (append-only): a change keeps the earlier one.
CREATE TABLE participation_marks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    test_id     INTEGER NOT NULL REFERENCES structure_tests(id) ON DELETE CASCADE,
    coworker_id INTEGER NOT NULL REFERENCES coworkers(id),
    response    TEXT NOT NULL CHECK (response IN ('took_part', 'declined', 'not_reached', 'absent',
        'yes', 'no', 'abstain', 'did_not_vote')),
    -- Made for the form that sent it: the same form sent twice is stored once.
    client_id   TEXT NOT NULL CHECK (length(client_id) BETWEEN 8 AND 64),
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL,
    UNIQUE (test_id, client_id, coworker_id)
);
CREATE INDEX participation_marks_person ON participation_marks(test_id, coworker_id, id);

CREATE TRIGGER participation_marks_no_update BEFORE UPDATE ON participation_marks
BEGIN SELECT RAISE(ABORT, 'participation_marks are append-only'); END;
CREATE TRIGGER participation_marks_no_delete BEFORE DELETE ON participation_marks
BEGIN SELECT RAISE(ABORT, 'participation_marks are append-only'); END;
