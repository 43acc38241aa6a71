-- A past heat map asks each coworker's rating at a moment. The latest assessment before
-- it is one backward index probe (`assessments_as_of`), and at 100,000 coworkers, most
-- of them re-assessed since, those probes were most of a past map's time. But a rating
-- changes far less often than it is given: most re-assessments repeat the number. So the
-- coworker row keeps the last two runs of equal ratings in its history: `rating` has
-- stood since `rating_since` (the moment of the run's first assessment), and before that
-- `prior_rating` stood since `prior_since`. A moment inside either run needs no probe.
-- `prior_since` is NULL when the current run is the first (no rating before it).
--
-- Either start may be later than the run's true start (never earlier): the map then
-- probes where it could have known, which is slower and still right. That is what these
-- rows start with: each coworker's current run from their latest assessment only, and
-- no prior run known.
ALTER TABLE coworkers ADD COLUMN rating_since TEXT;
ALTER TABLE coworkers ADD COLUMN prior_rating INTEGER;
ALTER TABLE coworkers ADD COLUMN prior_since TEXT;
UPDATE coworkers SET rating_since = rated_at, prior_since = rated_at WHERE rated_at IS NOT NULL;
