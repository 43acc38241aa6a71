-- When a participation mark was made: the time its form was rendered (from the form's
-- time-ordered id), in milliseconds since 1970, never after recorded_at. A person's
-- current mark is the one made last, so a form sent late never overwrites a later mark.
-- Marks stored before this column are NULL: each loses to any mark stored after it, as
-- before. The table stays append-only.
ALTER TABLE participation_marks ADD COLUMN made_at_ms BIGINT;
