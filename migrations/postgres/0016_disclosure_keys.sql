-- The disclosure policy (app/src/domain/disclosure.rs) rounds every count a viewer sees
-- by a key of the people it counts: each coworker carries a fixed secret random key, and
-- a count's key is the sum of its people's keys, so the same people always round the
-- same way in every view and on every day. Keys never leave the server.
ALTER TABLE coworkers ADD COLUMN disclosure_key INTEGER NOT NULL DEFAULT 0;
-- 31 random bits from the cryptographic generator behind gen_random_uuid().
UPDATE coworkers SET disclosure_key =
    ('x' || substr(md5(gen_random_uuid()::text), 1, 8))::bit(32)::int & 2147483647;

-- The current map reads the key with the rest of its count from the covering index.
DROP INDEX coworkers_heat;
CREATE INDEX coworkers_heat ON coworkers (campaign_id, area_id, shift_id, rating,
    last_contact_at, committee_member, employment_status, archived_at, assigned_organizer,
    disclosure_key);

-- A trend week read from a snapshot rounds by the same keys; the snapshots made before
-- the keys are dropped, and the keeper makes them again at start-up.
ALTER TABLE heat_snapshots ADD COLUMN disclosure_key INTEGER NOT NULL DEFAULT 0;
DELETE FROM heat_snapshots;
DELETE FROM heat_snapshot_weeks;
