-- Mock strike vote planning: the vote's rule and scope, the committee's saved what-ifs,
-- and where and when people vote.

CREATE TABLE vote_plans (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id     INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- The yes share of the votes cast or of the whole scope, and the turnout needed.
    vote_base       TEXT NOT NULL CHECK (vote_base IN ('cast', 'unit')),
    yes_percent     INTEGER NOT NULL CHECK (yes_percent BETWEEN 50 AND 100),
    turnout_percent INTEGER NOT NULL CHECK (turnout_percent BETWEEN 0 AND 100),
    -- The chosen areas with those beneath (comma-separated ids); '' = the campaign.
    area_ids        TEXT NOT NULL DEFAULT '',
    vote_on         TEXT,
    -- The path to the threshold: the chance of passing to reach, and a person's turnout
    -- once they have a plan to vote.
    target_percent  INTEGER NOT NULL DEFAULT 90 CHECK (target_percent BETWEEN 50 AND 99),
    planned_turnout INTEGER NOT NULL DEFAULT 95 CHECK (planned_turnout BETWEEN 0 AND 100),
    -- The practice vote held for it.
    test_id         INTEGER REFERENCES structure_tests(id),
    created_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX vote_plans_campaign ON vote_plans(campaign_id);

-- A saved what-if: the rates per level and people moved between levels (JSON of
-- domain::forecast::Scenario). Saved ones are kept; the newest is the plan's current one.
CREATE TABLE vote_scenarios (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id  INTEGER NOT NULL REFERENCES vote_plans(id) ON DELETE CASCADE,
    name     TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scenario TEXT NOT NULL CHECK (length(scenario) <= 20000),
    saved_by INTEGER NOT NULL REFERENCES users(id),
    saved_at TEXT NOT NULL
);
CREATE INDEX vote_scenarios_plan ON vote_scenarios(plan_id, id);

-- Where and when people vote: a place serves a site (with the areas beneath; NULL: the
-- whole scope) and a shift (NULL: every shift), and an organizer covers it.
CREATE TABLE polling_places (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id      INTEGER NOT NULL REFERENCES vote_plans(id) ON DELETE CASCADE,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    area_id      INTEGER REFERENCES areas(id),
    shift_id     INTEGER REFERENCES shifts(id),
    opens_at     TEXT NOT NULL,
    closes_at    TEXT NOT NULL,
    organizer_id INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX polling_places_plan ON polling_places(plan_id);
