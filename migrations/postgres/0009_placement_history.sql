-- Where each coworker was, from when: area, shift, employment status and archived state,
-- appended in the same transaction as every change of them, so a heat map "as of" a past
-- day puts people where they were then. Ratings have their history in `assessments`.

CREATE TABLE coworker_placements (
    id                BIGSERIAL PRIMARY KEY,
    campaign_id       BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    coworker_id       BIGINT NOT NULL REFERENCES coworkers(id),
    at                TIMESTAMPTZ NOT NULL,
    area_id           BIGINT REFERENCES areas(id),
    shift_id          BIGINT REFERENCES shifts(id),
    employment_status TEXT NOT NULL
        CHECK (employment_status IN ('active', 'on_leave', 'left', 'disciplined', 'fired')),
    archived          BOOLEAN NOT NULL DEFAULT FALSE
);
-- The as-of lookup: a coworker's latest placement before a moment.
CREATE INDEX coworker_placements_as_of ON coworker_placements(coworker_id, at, id);
-- The as-of rating: a coworker's latest assessment before a moment, read from the index alone.
CREATE INDEX assessments_as_of ON assessments(coworker_id, at, id, rating);
-- "Talked to" as of a moment: the one-on-ones of a window, by time.
CREATE INDEX conversations_campaign_at ON conversations(campaign_id, at, coworker_id);

-- Kept on the coworker row with each placement, as `rated_at` is with each rating: a past
-- map reads the history only for those whose place or rating changed since that moment.
ALTER TABLE coworkers ADD COLUMN placement_id BIGINT REFERENCES coworker_placements(id);
ALTER TABLE coworkers ADD COLUMN placed_at TIMESTAMPTZ;

CREATE FUNCTION coworker_placements_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'coworker_placements are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER coworker_placements_no_update BEFORE UPDATE OR DELETE ON coworker_placements
    FOR EACH ROW EXECUTE FUNCTION coworker_placements_append_only();

-- Today's coworkers, placed where they are from the day they were added (the past before
-- this migration was not recorded), and archived from the day they were archived.
INSERT INTO coworker_placements
    (campaign_id, coworker_id, at, area_id, shift_id, employment_status, archived)
SELECT campaign_id, id, created_at, area_id, shift_id, employment_status, FALSE
FROM coworkers ORDER BY id;
INSERT INTO coworker_placements
    (campaign_id, coworker_id, at, area_id, shift_id, employment_status, archived)
SELECT campaign_id, id, archived_at, area_id, shift_id, employment_status, TRUE
FROM coworkers WHERE archived_at IS NOT NULL ORDER BY id;
UPDATE coworkers SET placement_id = (SELECT h.id FROM coworker_placements h
    WHERE h.coworker_id = coworkers.id ORDER BY h.at DESC, h.id DESC LIMIT 1);
UPDATE coworkers SET placed_at = (SELECT h.at FROM coworker_placements h
    WHERE h.id = coworkers.placement_id);
