-- IGNY8 schema v3 (MySQL/MariaDB): per-account change counters, which let list totals be
-- reused until the rows they count change; covering keyword indexes.

CREATE TABLE {p}change_counters (
  account_id BIGINT NOT NULL,
  entity VARCHAR(32) NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (account_id, entity),
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The volume indexes carry the filter columns, so that counting a filtered list of a million
-- keywords reads only the index.
DROP INDEX {p}ix_keywords_account_volume ON {p}keywords;
DROP INDEX {p}ix_keywords_sector_volume ON {p}keywords;
CREATE INDEX {p}ix_keywords_account_volume ON {p}keywords (account_id, volume, id,
  site_id, status, intent, cluster_id, difficulty);
CREATE INDEX {p}ix_keywords_sector_volume ON {p}keywords (account_id, sector_id, volume, id,
  site_id, status, intent, cluster_id, difficulty);
