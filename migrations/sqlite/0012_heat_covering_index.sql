-- The current heat map counts every coworker on the map by area and shift (or assigned
-- organizer): an index holding every column that count reads lets it scan the index
-- alone instead of the wide coworker rows (names, contacts, notes).
CREATE INDEX coworkers_heat ON coworkers (campaign_id, area_id, shift_id, rating,
    last_contact_at, committee_member, employment_status, archived_at, assigned_organizer);
