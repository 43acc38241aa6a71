-- A campaign's chart version: every change that commits with its audit row raises it
-- in the same transaction (server/src/store/sql/audit.rs), so a page made only from
-- the chart (the dashboard) can be kept while it stays the same.
ALTER TABLE campaigns ADD COLUMN chart_version BIGINT NOT NULL DEFAULT 0;
