WITH RECURSIVE x AS MATERIALIZED (SELECT c.id, c.name,
 CASE WHEN c.placed_at < '2026-10-22T00:00:00+00:00'::timestamptz THEN c.area_id ELSE (SELECT l.area_id FROM coworker_placements l WHERE l.coworker_id = c.id AND l.at < '2026-10-22T00:00:00+00:00'::timestamptz ORDER BY l.at DESC, l.id DESC LIMIT 1) END AS area_id,
 CASE WHEN c.placed_at < '2026-10-22T00:00:00+00:00'::timestamptz THEN c.shift_id ELSE (SELECT l.shift_id FROM coworker_placements l WHERE l.coworker_id = c.id AND l.at < '2026-10-22T00:00:00+00:00'::timestamptz ORDER BY l.at DESC, l.id DESC LIMIT 1) END AS shift_id,
 c.job_title, c.assigned_organizer, c.committee_member,
 CASE WHEN c.rated_at IS NULL OR c.rated_at < '2026-10-22T00:00:00+00:00'::timestamptz THEN c.rating ELSE (SELECT a.rating FROM assessments a WHERE a.coworker_id = c.id AND a.at < '2026-10-22T00:00:00+00:00'::timestamptz ORDER BY a.at DESC, a.id DESC LIMIT 1) END AS rating,
 CASE WHEN talked_to.coworker_id IS NOT NULL THEN 1 ELSE 0 END AS talked
 FROM coworkers c LEFT JOIN (SELECT DISTINCT h.coworker_id FROM conversations h WHERE h.campaign_id = 1 AND h.at >= '2026-09-22T00:00:00+00:00'::timestamptz AND h.at < '2026-10-22T00:00:00+00:00'::timestamptz) talked_to ON talked_to.coworker_id = c.id WHERE c.campaign_id = 1 AND CASE WHEN c.placed_at < '2026-10-22T00:00:00+00:00'::timestamptz THEN (c.archived_at IS NULL AND c.employment_status IN ('active','on_leave','disciplined')) ELSE COALESCE((SELECT l.archived = FALSE AND l.employment_status IN ('active','on_leave','disciplined') FROM coworker_placements l WHERE l.coworker_id = c.id AND l.at < '2026-10-22T00:00:00+00:00'::timestamptz ORDER BY l.at DESC, l.id DESC LIMIT 1), FALSE) END)
SELECT x.area_id, COALESCE(CAST(x.shift_id AS TEXT), ''), COUNT(*),
 SUM(CASE WHEN x.rating = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN x.rating = 2 THEN 1 ELSE 0 END),
 SUM(CASE WHEN x.rating = 3 THEN 1 ELSE 0 END), SUM(CASE WHEN x.rating = 4 THEN 1 ELSE 0 END),
 SUM(CASE WHEN x.rating = 5 THEN 1 ELSE 0 END), SUM(CASE WHEN x.rating IS NULL THEN 1 ELSE 0 END),
 SUM(x.talked), SUM(CASE WHEN x.committee_member THEN 1 ELSE 0 END) FROM x GROUP BY x.area_id, x.shift_id;
