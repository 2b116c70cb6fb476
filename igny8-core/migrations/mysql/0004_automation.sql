-- IGNY8 schema v4 (MySQL/MariaDB): automation rules per site and the record of their runs
-- (each run is a job; the record ties it to its rule, its schedule time and the credits it
-- spent).

CREATE TABLE {p}automation_rules (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT NOT NULL,
  sector_id BIGINT,
  name VARCHAR(255) NOT NULL,
  is_active BOOLEAN NOT NULL DEFAULT 1,
  stages TEXT NOT NULL,
  items_per_run BIGINT NOT NULL,
  keywords_per_run BIGINT NOT NULL,
  cluster_mode VARCHAR(16) NOT NULL,
  ideas_per_cluster BIGINT,
  word_count BIGINT,
  cron VARCHAR(255),
  every_hours BIGINT,
  timezone VARCHAR(64) NOT NULL,
  budget_per_run BIGINT,
  budget_per_month BIGINT,
  publish_mode VARCHAR(16) NOT NULL,
  publish_slots TEXT NOT NULL,
  next_run_at BIGINT,
  last_run_at BIGINT,
  last_slot_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (site_id) REFERENCES {p}sites (id) ON DELETE CASCADE,
  FOREIGN KEY (sector_id) REFERENCES {p}sectors (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_automation_rules_account ON {p}automation_rules (account_id, id);
CREATE INDEX {p}ix_automation_rules_due ON {p}automation_rules (is_active, next_run_at);

CREATE TABLE {p}automation_runs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT NOT NULL,
  rule_id BIGINT NOT NULL,
  job_id BIGINT NOT NULL,
  run_trigger VARCHAR(16) NOT NULL,
  scheduled_for BIGINT NOT NULL,
  credits BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (rule_id) REFERENCES {p}automation_rules (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_automation_runs_account ON {p}automation_runs (account_id, id);
CREATE INDEX {p}ix_automation_runs_rule ON {p}automation_runs (rule_id, created_at);
