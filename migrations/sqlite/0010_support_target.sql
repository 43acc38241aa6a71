-- The supermajority a campaign aims for before it acts (a card drive, a strike vote):
-- the dashboard measures support against it. Percent of everyone on the chart.
ALTER TABLE campaigns ADD COLUMN support_target INTEGER NOT NULL DEFAULT 70
    CHECK (support_target BETWEEN 50 AND 100);
