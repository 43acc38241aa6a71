-- Structure tests: public actions that test the organization, and what each coworker did.

CREATE TABLE structure_tests (
    id                   BIGSERIAL PRIMARY KEY,
    campaign_id          BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    kind                 TEXT NOT NULL CHECK (kind IN ('petition', 'sticker_day', 'group_photo',
        'march', 'survey', 'meeting', 'mock_vote', 'strike_vote', 'other')),
    title                TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description          TEXT NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
    status               TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'live', 'closed')),
    -- The plan, as typed (the campaign's local time).
    opens_at             TIMESTAMP,
    closes_at            TIMESTAMP,
    goal_percent         BIGINT NOT NULL CHECK (goal_percent BETWEEN 1 AND 100),
    -- Votes only: the yes share of the votes cast or of the whole scope, and the turnout.
    vote_base            TEXT CHECK (vote_base IN ('cast', 'unit')),
    vote_yes_percent     BIGINT CHECK (vote_yes_percent BETWEEN 50 AND 100),
    vote_turnout_percent BIGINT CHECK (vote_turnout_percent BETWEEN 0 AND 100),
    -- The chosen areas (comma-separated ids, each with the areas beneath); '' = the campaign.
    area_ids             TEXT NOT NULL DEFAULT '',
    created_by           BIGINT NOT NULL REFERENCES users(id),
    created_at           TIMESTAMPTZ NOT NULL,
    opened_at            TIMESTAMPTZ,
    closed_at            TIMESTAMPTZ
);
CREATE INDEX structure_tests_campaign ON structure_tests(campaign_id, opened_at);

-- Who a test counts, fixed when it opens: where each person was and their rating then.
-- `response` and `mark_id` are the current mark (the latest in participation_marks).
CREATE TABLE structure_test_scope (
    test_id     BIGINT NOT NULL REFERENCES structure_tests(id) ON DELETE CASCADE,
    coworker_id BIGINT NOT NULL REFERENCES coworkers(id),
    area_id     BIGINT REFERENCES areas(id),
    shift_id    BIGINT REFERENCES shifts(id),
    rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
    rated_by    BIGINT REFERENCES users(id),
    response    TEXT,
    mark_id     BIGINT,
    PRIMARY KEY (test_id, coworker_id)
);
CREATE INDEX structure_test_scope_tally ON structure_test_scope(test_id, area_id, shift_id, response);

-- Every mark ever recorded (append-only): a change keeps the earlier one.
CREATE TABLE participation_marks (
    id          BIGSERIAL PRIMARY KEY,
    test_id     BIGINT NOT NULL REFERENCES structure_tests(id) ON DELETE CASCADE,
    coworker_id BIGINT NOT NULL REFERENCES coworkers(id),
    response    TEXT NOT NULL CHECK (response IN ('took_part', 'declined', 'not_reached', 'absent',
        'yes', 'no', 'abstain', 'did_not_vote')),
    -- Made for the form that sent it: the same form sent twice is stored once.
    client_id   TEXT NOT NULL CHECK (char_length(client_id) BETWEEN 8 AND 64),
    recorded_by BIGINT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMPTZ NOT NULL,
    UNIQUE (test_id, client_id, coworker_id)
);
CREATE INDEX participation_marks_person ON participation_marks(test_id, coworker_id, id);

CREATE FUNCTION participation_marks_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'participation_marks are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER participation_marks_no_update BEFORE UPDATE OR DELETE ON participation_marks
    FOR EACH ROW EXECUTE FUNCTION participation_marks_append_only();
