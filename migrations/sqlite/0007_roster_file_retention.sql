-- An employer's list is personal data: its file is deleted once the import is applied
-- or abandoned (pending for a day); what stays is the import's summary.
ALTER TABLE roster_imports ADD COLUMN row_count INTEGER;
ALTER TABLE roster_imports ADD COLUMN new_count INTEGER;
ALTER TABLE roster_imports ADD COLUMN moved_count INTEGER;
ALTER TABLE roster_imports ADD COLUMN gone_count INTEGER;
ALTER TABLE roster_imports ADD COLUMN purged_at TEXT;

-- Files of imports already applied or discarded go now.
UPDATE roster_imports
   SET content = X'', purged_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
 WHERE status <> 'pending';

-- The sweep looks for pending files by age.
CREATE INDEX roster_imports_unpurged ON roster_imports(status, created_at) WHERE purged_at IS NULL;
