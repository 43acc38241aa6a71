-- One vocabulary: a practice vote's rule is named as a vote plan's (and as the forms
-- name it): yes_percent and turnout_percent. The CHECK constraints follow the columns.
ALTER TABLE structure_tests RENAME COLUMN vote_yes_percent TO yes_percent;
ALTER TABLE structure_tests RENAME COLUMN vote_turnout_percent TO turnout_percent;
