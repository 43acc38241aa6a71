-- Weekly snapshots of the chart for the heat map's trends: each coworker's area, shift,
-- rating and whether they were on the map at the end of a week (Sunday, UTC). A trend's
-- weeks end on Sundays and read their snapshot instead of one history probe per
-- coworker re-rated since. The snapshots are made by the server (`keep_heat_snapshots`,
-- each from the one before and that week's history), never by a read, and are derived
-- data: a snapshot counts only while its row in `heat_snapshot_weeks` stands.

CREATE TABLE heat_snapshot_weeks (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    -- The moment the snapshot stands for: the state before it (a Monday, 00:00 UTC).
    taken_for   TIMESTAMPTZ NOT NULL,
    made_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (campaign_id, taken_for)
);

CREATE TABLE heat_snapshots (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    taken_for   TIMESTAMPTZ NOT NULL,
    coworker_id BIGINT NOT NULL,
    area_id     BIGINT,
    shift_id    BIGINT,
    rating      INTEGER,
    counted     BOOLEAN NOT NULL,
    PRIMARY KEY (campaign_id, taken_for, coworker_id)
);

-- A week's history in one range each: the ratings and placements of a campaign by time.
CREATE INDEX assessments_campaign_at ON assessments(campaign_id, at, coworker_id, id, rating);
CREATE INDEX coworker_placements_campaign_at ON coworker_placements(campaign_id, at, coworker_id, id);

-- A rating or a placement dated before a snapshot's moment (a one-on-one logged late,
-- from a phone that was offline over the weekend) makes that snapshot and every later
-- one untrue: they stop counting until they are made again. The shared lock waits for a
-- snapshot being made (which holds the lock exclusively), so the write either is in it
-- or outdates it: never neither. Only writes dated before this week's start need it.
CREATE FUNCTION heat_snapshots_outdated() RETURNS trigger AS $$
BEGIN
    IF NEW.at < date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' THEN
        PERFORM pg_advisory_xact_lock_shared(7321, NEW.campaign_id::int4);
        DELETE FROM heat_snapshot_weeks
        WHERE campaign_id = NEW.campaign_id AND taken_for > NEW.at;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessments_outdate_heat_snapshots AFTER INSERT ON assessments
    FOR EACH ROW EXECUTE FUNCTION heat_snapshots_outdated();
CREATE TRIGGER coworker_placements_outdate_heat_snapshots AFTER INSERT ON coworker_placements
    FOR EACH ROW EXECUTE FUNCTION heat_snapshots_outdated();
