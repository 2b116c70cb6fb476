-- IGNY8 schema v5 (SQLite): keyword counts and volumes per sector, status and intent, kept
-- up to date by triggers on every keyword write (inserts, imports, updates, clustering,
-- deletes, cascades), so the dashboard reads a few rows instead of grouping every keyword.
-- An empty intent stands for none.

CREATE TABLE {p}keyword_stats (
  sector_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  intent TEXT NOT NULL,
  account_id INTEGER NOT NULL,
  site_id INTEGER NOT NULL,
  n INTEGER NOT NULL,
  volume INTEGER NOT NULL,
  PRIMARY KEY (sector_id, status, intent)
) WITHOUT ROWID;
CREATE INDEX {p}ix_keyword_stats_account ON {p}keyword_stats (account_id, site_id);

INSERT INTO {p}keyword_stats (sector_id, status, intent, account_id, site_id, n, volume)
SELECT sector_id, status, COALESCE(intent, ''), account_id, site_id, COUNT(*), COALESCE(SUM(volume), 0)
FROM {p}keywords GROUP BY sector_id, status, COALESCE(intent, ''), account_id, site_id;

CREATE TRIGGER {p}tr_keyword_stats_insert AFTER INSERT ON {p}keywords
BEGIN
  INSERT INTO {p}keyword_stats (sector_id, status, intent, account_id, site_id, n, volume)
  VALUES (NEW.sector_id, NEW.status, COALESCE(NEW.intent, ''), NEW.account_id, NEW.site_id, 1, COALESCE(NEW.volume, 0))
  ON CONFLICT (sector_id, status, intent) DO UPDATE SET n = n + 1, volume = volume + excluded.volume;
END;

CREATE TRIGGER {p}tr_keyword_stats_update AFTER UPDATE OF sector_id, site_id, status, intent, volume ON {p}keywords
BEGIN
  UPDATE {p}keyword_stats SET n = n - 1, volume = volume - COALESCE(OLD.volume, 0)
  WHERE sector_id = OLD.sector_id AND status = OLD.status AND intent = COALESCE(OLD.intent, '');
  INSERT INTO {p}keyword_stats (sector_id, status, intent, account_id, site_id, n, volume)
  VALUES (NEW.sector_id, NEW.status, COALESCE(NEW.intent, ''), NEW.account_id, NEW.site_id, 1, COALESCE(NEW.volume, 0))
  ON CONFLICT (sector_id, status, intent) DO UPDATE SET n = n + 1, volume = volume + excluded.volume;
  DELETE FROM {p}keyword_stats
  WHERE sector_id = OLD.sector_id AND status = OLD.status AND intent = COALESCE(OLD.intent, '') AND n = 0;
END;

CREATE TRIGGER {p}tr_keyword_stats_delete AFTER DELETE ON {p}keywords
BEGIN
  UPDATE {p}keyword_stats SET n = n - 1, volume = volume - COALESCE(OLD.volume, 0)
  WHERE sector_id = OLD.sector_id AND status = OLD.status AND intent = COALESCE(OLD.intent, '');
  DELETE FROM {p}keyword_stats
  WHERE sector_id = OLD.sector_id AND status = OLD.status AND intent = COALESCE(OLD.intent, '') AND n = 0;
END;
