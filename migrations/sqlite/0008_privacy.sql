-- Viewers read aggregates only; a group smaller than this is shown without its counts,
-- so a one-person area's share of 1-2s cannot single out that person.
ALTER TABLE campaigns ADD COLUMN min_group_size INTEGER NOT NULL DEFAULT 5
    CHECK (min_group_size BETWEEN 1 AND 100);
