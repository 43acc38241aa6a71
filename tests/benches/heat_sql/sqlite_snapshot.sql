INSERT INTO heat_snapshots (campaign_id, taken_for, coworker_id, area_id, shift_id, rating, counted)
SELECT c.campaign_id, :s, c.id,
 CASE WHEN c.placed_at < :s THEN c.area_id ELSE (SELECT l.area_id FROM coworker_placements l WHERE l.coworker_id = c.id AND l.at < :s ORDER BY l.at DESC, l.id DESC LIMIT 1) END,
 CASE WHEN c.placed_at < :s THEN c.shift_id ELSE (SELECT l.shift_id FROM coworker_placements l WHERE l.coworker_id = c.id AND l.at < :s ORDER BY l.at DESC, l.id DESC LIMIT 1) END,
 CASE WHEN c.rated_at IS NULL OR c.rated_at < :s THEN c.rating ELSE (SELECT a.rating FROM assessments a WHERE a.coworker_id = c.id AND a.at < :s ORDER BY a.at DESC, a.id DESC LIMIT 1) END,
 CASE WHEN c.placed_at < :s THEN (c.archived_at IS NULL AND c.employment_status IN ('active','on_leave','disciplined')) ELSE COALESCE((SELECT l.archived = FALSE AND l.employment_status IN ('active','on_leave','disciplined') FROM coworker_placements l WHERE l.coworker_id = c.id AND l.at < :s ORDER BY l.at DESC, l.id DESC LIMIT 1), FALSE) END
FROM coworkers c WHERE c.campaign_id = 1;
INSERT INTO heat_snapshot_weeks (campaign_id, taken_for, made_at) VALUES (1, :s, :s);
