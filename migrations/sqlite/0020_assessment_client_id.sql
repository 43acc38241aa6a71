-- A rating, like a one-on-one, carries the id its form was given: a rating kept on a
-- phone with no signal and sent again after a cut-off answer is stored once. Ratings
-- made elsewhere (a one-on-one's rating after, an import, a structure test) have none.
ALTER TABLE assessments ADD COLUMN client_id TEXT
    CHECK (client_id IS NULL OR length(client_id) BETWEEN 8 AND 64);
CREATE UNIQUE INDEX assessments_client ON assessments(campaign_id, client_id);
