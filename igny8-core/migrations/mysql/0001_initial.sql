-- IGNY8 schema v1 (MySQL/MariaDB). `{p}` is the table prefix. Times are milliseconds since the epoch (UTC).

CREATE TABLE {p}plans (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(64) NOT NULL UNIQUE,
  name VARCHAR(255) NOT NULL,
  monthly_credits BIGINT NOT NULL DEFAULT 0 CHECK (monthly_credits >= 0),
  max_sites BIGINT,
  max_sectors_per_site BIGINT,
  max_users BIGINT,
  max_keywords BIGINT,
  is_default BOOLEAN NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE {p}accounts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  plan_id BIGINT NOT NULL,
  credits BIGINT NOT NULL DEFAULT 0 CHECK (credits >= 0),
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (plan_id) REFERENCES {p}plans (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE {p}users (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT,
  email VARCHAR(254) NOT NULL UNIQUE,
  name VARCHAR(255) NOT NULL,
  password_hash TEXT NOT NULL,
  role VARCHAR(16) NOT NULL,
  is_superuser BOOLEAN NOT NULL DEFAULT 0,
  is_active BOOLEAN NOT NULL DEFAULT 1,
  last_login_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_users_account ON {p}users (account_id, id);

CREATE TABLE {p}sites (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  name VARCHAR(255) NOT NULL,
  url TEXT,
  industry VARCHAR(255),
  is_active BOOLEAN NOT NULL DEFAULT 1,
  wp_url TEXT,
  wp_username VARCHAR(255),
  wp_password_enc TEXT,
  wp_password_hint VARCHAR(32),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (account_id, name),
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE {p}sectors (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT NOT NULL,
  name VARCHAR(255) NOT NULL,
  description TEXT,
  is_active BOOLEAN NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (site_id, name),
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (site_id) REFERENCES {p}sites (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_sectors_account ON {p}sectors (account_id, id);

CREATE TABLE {p}clusters (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT NOT NULL,
  sector_id BIGINT NOT NULL,
  name VARCHAR(255) NOT NULL,
  description TEXT,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (sector_id, name),
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (sector_id) REFERENCES {p}sectors (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_clusters_account ON {p}clusters (account_id, id);

-- keywords.account_id has no foreign key of its own: a keyword's account is its sector's, and
-- deleting an account deletes its sectors and so their keywords. One check less per row when
-- millions of keywords are imported.
CREATE TABLE {p}keywords (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT NOT NULL,
  sector_id BIGINT NOT NULL,
  keyword VARCHAR(255) NOT NULL,
  normalized VARCHAR(320) NOT NULL,
  volume BIGINT,
  difficulty BIGINT CHECK (difficulty BETWEEN 0 AND 100),
  cpc DOUBLE,
  intent VARCHAR(16),
  status VARCHAR(16) NOT NULL DEFAULT 'pending',
  cluster_id BIGINT,
  source VARCHAR(16) NOT NULL DEFAULT 'manual',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (sector_id, normalized),
  FOREIGN KEY (sector_id) REFERENCES {p}sectors (id) ON DELETE CASCADE,
  FOREIGN KEY (cluster_id) REFERENCES {p}clusters (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_keywords_account ON {p}keywords (account_id, id);
CREATE INDEX {p}ix_keywords_account_volume ON {p}keywords (account_id, volume, id);
CREATE INDEX {p}ix_keywords_sector_volume ON {p}keywords (account_id, sector_id, volume, id);
CREATE INDEX {p}ix_keywords_cluster ON {p}keywords (cluster_id);

CREATE TABLE {p}content_ideas (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT NOT NULL,
  sector_id BIGINT NOT NULL,
  cluster_id BIGINT,
  title TEXT NOT NULL,
  description TEXT,
  outline TEXT NOT NULL,
  content_type VARCHAR(32) NOT NULL,
  content_structure VARCHAR(32) NOT NULL,
  target_keywords TEXT NOT NULL,
  estimated_word_count BIGINT,
  status VARCHAR(16) NOT NULL DEFAULT 'new',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (sector_id) REFERENCES {p}sectors (id) ON DELETE CASCADE,
  FOREIGN KEY (cluster_id) REFERENCES {p}clusters (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_ideas_account ON {p}content_ideas (account_id, id);
CREATE INDEX {p}ix_ideas_cluster ON {p}content_ideas (cluster_id);

CREATE TABLE {p}author_profiles (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  name VARCHAR(255) NOT NULL,
  description TEXT,
  tone VARCHAR(128),
  language VARCHAR(64),
  style TEXT,
  structure_template TEXT,
  is_active BOOLEAN NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (account_id, name),
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE {p}strategies (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  sector_id BIGINT,
  name VARCHAR(255) NOT NULL,
  guidance TEXT,
  section_structure TEXT NOT NULL,
  prompt_customisations TEXT NOT NULL,
  is_active BOOLEAN NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (sector_id) REFERENCES {p}sectors (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_strategies_account ON {p}strategies (account_id, id);

CREATE TABLE {p}tasks (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT NOT NULL,
  sector_id BIGINT NOT NULL,
  idea_id BIGINT,
  cluster_id BIGINT,
  title TEXT NOT NULL,
  brief TEXT,
  keywords TEXT NOT NULL,
  content_type VARCHAR(32) NOT NULL,
  content_structure VARCHAR(32) NOT NULL,
  target_word_count BIGINT NOT NULL,
  author_profile_id BIGINT,
  strategy_id BIGINT,
  status VARCHAR(16) NOT NULL DEFAULT 'queued',
  scheduled_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (sector_id) REFERENCES {p}sectors (id) ON DELETE CASCADE,
  FOREIGN KEY (idea_id) REFERENCES {p}content_ideas (id) ON DELETE SET NULL,
  FOREIGN KEY (cluster_id) REFERENCES {p}clusters (id) ON DELETE SET NULL,
  FOREIGN KEY (author_profile_id) REFERENCES {p}author_profiles (id) ON DELETE SET NULL,
  FOREIGN KEY (strategy_id) REFERENCES {p}strategies (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_tasks_account ON {p}tasks (account_id, id);
CREATE INDEX {p}ix_tasks_idea ON {p}tasks (idea_id);

CREATE TABLE {p}contents (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT NOT NULL,
  sector_id BIGINT NOT NULL,
  task_id BIGINT,
  title TEXT NOT NULL,
  html LONGTEXT NOT NULL,
  meta_title TEXT,
  meta_description TEXT,
  primary_keyword VARCHAR(255),
  secondary_keywords TEXT NOT NULL,
  tags TEXT NOT NULL,
  categories TEXT NOT NULL,
  word_count BIGINT NOT NULL DEFAULT 0,
  status VARCHAR(16) NOT NULL DEFAULT 'draft',
  wp_post_id BIGINT,
  wp_url TEXT,
  published_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (sector_id) REFERENCES {p}sectors (id) ON DELETE CASCADE,
  FOREIGN KEY (task_id) REFERENCES {p}tasks (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_contents_account ON {p}contents (account_id, id);
CREATE INDEX {p}ix_contents_task ON {p}contents (task_id);

CREATE TABLE {p}images (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT NOT NULL,
  sector_id BIGINT NOT NULL,
  content_id BIGINT,
  task_id BIGINT,
  kind VARCHAR(32) NOT NULL,
  position BIGINT NOT NULL DEFAULT 0,
  prompt TEXT NOT NULL,
  negative_prompt TEXT,
  provider VARCHAR(64),
  model VARCHAR(128),
  size VARCHAR(32),
  url TEXT,
  file_path TEXT,
  alt_text TEXT,
  status VARCHAR(16) NOT NULL DEFAULT 'pending',
  error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (sector_id) REFERENCES {p}sectors (id) ON DELETE CASCADE,
  FOREIGN KEY (content_id) REFERENCES {p}contents (id) ON DELETE CASCADE,
  FOREIGN KEY (task_id) REFERENCES {p}tasks (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_images_account ON {p}images (account_id, id);
CREATE INDEX {p}ix_images_content ON {p}images (content_id);

CREATE TABLE {p}prompts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  prompt_type VARCHAR(64) NOT NULL,
  template TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (account_id, prompt_type),
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE {p}settings (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL DEFAULT 0,
  name VARCHAR(255) NOT NULL,
  value TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (account_id, user_id, name),
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE {p}integrations (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  provider VARCHAR(64) NOT NULL,
  config TEXT NOT NULL,
  secret_enc TEXT,
  secret_hint VARCHAR(32),
  is_active BOOLEAN NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (account_id, provider),
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE {p}credit_reservations (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  amount BIGINT NOT NULL CHECK (amount > 0),
  charged BIGINT CHECK (charged >= 0),
  status VARCHAR(16) NOT NULL DEFAULT 'held',
  operation VARCHAR(64) NOT NULL,
  reference_type VARCHAR(64),
  reference_id BIGINT,
  idempotency_key VARCHAR(191),
  created_at BIGINT NOT NULL,
  settled_at BIGINT,
  UNIQUE (account_id, idempotency_key),
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_reservations_status ON {p}credit_reservations (account_id, status);

CREATE TABLE {p}credit_transactions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  kind VARCHAR(32) NOT NULL,
  amount BIGINT NOT NULL,
  balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
  reason TEXT NOT NULL,
  operation VARCHAR(64),
  reference_type VARCHAR(64),
  reference_id BIGINT,
  reservation_id BIGINT,
  idempotency_key VARCHAR(191),
  created_at BIGINT NOT NULL,
  UNIQUE (account_id, idempotency_key),
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (reservation_id) REFERENCES {p}credit_reservations (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_transactions_account ON {p}credit_transactions (account_id, id);

CREATE TABLE {p}usage_logs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  job_id BIGINT,
  operation VARCHAR(64) NOT NULL,
  provider VARCHAR(64) NOT NULL,
  model VARCHAR(128) NOT NULL,
  input_tokens BIGINT NOT NULL DEFAULT 0,
  output_tokens BIGINT NOT NULL DEFAULT 0,
  images BIGINT NOT NULL DEFAULT 0,
  cost_micros BIGINT NOT NULL DEFAULT 0,
  credits BIGINT NOT NULL DEFAULT 0,
  object_type TEXT,
  object_id BIGINT,
  created_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_usage_account_time ON {p}usage_logs (account_id, created_at);

CREATE TABLE {p}jobs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT,
  kind VARCHAR(32) NOT NULL,
  status VARCHAR(16) NOT NULL DEFAULT 'queued',
  progress BIGINT NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  phase VARCHAR(64) NOT NULL DEFAULT 'queued',
  message TEXT NOT NULL,
  payload TEXT NOT NULL,
  result TEXT,
  error TEXT,
  attempts BIGINT NOT NULL DEFAULT 0,
  max_attempts BIGINT NOT NULL DEFAULT 3,
  lease_owner VARCHAR(128),
  lease_expires_at BIGINT,
  run_after BIGINT NOT NULL,
  cancel_requested BOOLEAN NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_jobs_account ON {p}jobs (account_id, id);
CREATE INDEX {p}ix_jobs_claim ON {p}jobs (status, run_after);

INSERT INTO {p}plans (slug, name, monthly_credits, is_default, created_at, updated_at)
VALUES ('free', 'Free', 100, 1, 0, 0);
