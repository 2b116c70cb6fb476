-- IGNY8 schema v3 (PostgreSQL): per-account change counters, which let list totals be reused
-- until the rows they count change; covering keyword indexes.

CREATE TABLE {p}change_counters (
  account_id BIGINT NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  entity TEXT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (account_id, entity)
);

-- The volume indexes carry the filter columns, so that counting a filtered list of a million
-- keywords reads only the index.
DROP INDEX {p}ix_keywords_account_volume;
DROP INDEX {p}ix_keywords_sector_volume;
CREATE INDEX {p}ix_keywords_account_volume ON {p}keywords (account_id, volume NULLS FIRST, id)
  INCLUDE (site_id, status, intent, cluster_id, difficulty);
CREATE INDEX {p}ix_keywords_sector_volume ON {p}keywords (account_id, sector_id, volume NULLS FIRST, id)
  INCLUDE (site_id, status, intent, cluster_id, difficulty);
