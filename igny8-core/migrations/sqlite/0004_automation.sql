-- IGNY8 schema v4 (SQLite): automation rules per site and the record of their runs (each run
-- is a job; the record ties it to its rule, its schedule time and the credits it spent).

CREATE TABLE {p}automation_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL REFERENCES {p}sites (id) ON DELETE CASCADE,
  sector_id INTEGER REFERENCES {p}sectors (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  is_active INTEGER NOT NULL DEFAULT 1,
  stages TEXT NOT NULL,
  items_per_run INTEGER NOT NULL,
  keywords_per_run INTEGER NOT NULL,
  cluster_mode TEXT NOT NULL,
  ideas_per_cluster INTEGER,
  word_count INTEGER,
  cron TEXT,
  every_hours INTEGER,
  timezone TEXT NOT NULL,
  budget_per_run INTEGER,
  budget_per_month INTEGER,
  publish_mode TEXT NOT NULL,
  publish_slots TEXT NOT NULL,
  next_run_at INTEGER,
  last_run_at INTEGER,
  last_slot_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_automation_rules_account ON {p}automation_rules (account_id, id);
CREATE INDEX {p}ix_automation_rules_due ON {p}automation_rules (is_active, next_run_at);

CREATE TABLE {p}automation_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL,
  rule_id INTEGER NOT NULL REFERENCES {p}automation_rules (id) ON DELETE CASCADE,
  job_id INTEGER NOT NULL,
  run_trigger TEXT NOT NULL,
  scheduled_for INTEGER NOT NULL,
  credits INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_automation_runs_account ON {p}automation_runs (account_id, id);
CREATE INDEX {p}ix_automation_runs_rule ON {p}automation_runs (rule_id, created_at);
