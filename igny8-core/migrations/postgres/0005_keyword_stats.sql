-- IGNY8 schema v5 (PostgreSQL): keyword counts and volumes per sector, status and intent, kept
-- up to date by statement triggers on every keyword write (one aggregated change per
-- statement, so an import batch costs one upsert per group, not per row), so the dashboard
-- reads a few rows instead of grouping every keyword. An empty intent stands for none.

CREATE TABLE {p}keyword_stats (
  sector_id BIGINT NOT NULL,
  status TEXT NOT NULL,
  intent TEXT NOT NULL,
  account_id BIGINT NOT NULL,
  site_id BIGINT NOT NULL,
  n BIGINT NOT NULL,
  volume BIGINT NOT NULL,
  PRIMARY KEY (sector_id, status, intent)
);
CREATE INDEX {p}ix_keyword_stats_account ON {p}keyword_stats (account_id, site_id);

INSERT INTO {p}keyword_stats (sector_id, status, intent, account_id, site_id, n, volume)
SELECT sector_id, status, COALESCE(intent, ''), account_id, site_id, COUNT(*), COALESCE(SUM(volume), 0)
FROM {p}keywords GROUP BY sector_id, status, COALESCE(intent, ''), account_id, site_id;

CREATE FUNCTION {p}keyword_stats_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO {p}keyword_stats AS s (sector_id, status, intent, account_id, site_id, n, volume)
    SELECT sector_id, status, COALESCE(intent, ''), MIN(account_id), MIN(site_id), -COUNT(*), -COALESCE(SUM(volume), 0)
    FROM old_rows GROUP BY sector_id, status, COALESCE(intent, '')
    ON CONFLICT (sector_id, status, intent)
    DO UPDATE SET n = s.n + EXCLUDED.n, volume = s.volume + EXCLUDED.volume;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO {p}keyword_stats AS s (sector_id, status, intent, account_id, site_id, n, volume)
    SELECT sector_id, status, COALESCE(intent, ''), MIN(account_id), MIN(site_id), COUNT(*), COALESCE(SUM(volume), 0)
    FROM new_rows GROUP BY sector_id, status, COALESCE(intent, '')
    ON CONFLICT (sector_id, status, intent)
    DO UPDATE SET n = s.n + EXCLUDED.n, volume = s.volume + EXCLUDED.volume,
      site_id = EXCLUDED.site_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM {p}keyword_stats
    WHERE n = 0 AND sector_id IN (SELECT DISTINCT sector_id FROM old_rows);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER {p}tr_keyword_stats_insert AFTER INSERT ON {p}keywords
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {p}keyword_stats_apply();
CREATE TRIGGER {p}tr_keyword_stats_update AFTER UPDATE ON {p}keywords
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {p}keyword_stats_apply();
CREATE TRIGGER {p}tr_keyword_stats_delete AFTER DELETE ON {p}keywords
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {p}keyword_stats_apply();
