-- IGNY8 schema v1 (SQLite). `{p}` is the table prefix. Times are milliseconds since the epoch (UTC).

CREATE TABLE {p}plans (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  monthly_credits INTEGER NOT NULL DEFAULT 0 CHECK (monthly_credits >= 0),
  max_sites INTEGER,
  max_sectors_per_site INTEGER,
  max_users INTEGER,
  max_keywords INTEGER,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE {p}accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  plan_id INTEGER NOT NULL REFERENCES {p}plans (id),
  credits INTEGER NOT NULL DEFAULT 0 CHECK (credits >= 0),
  status TEXT NOT NULL DEFAULT 'active',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE {p}users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER REFERENCES {p}accounts (id) ON DELETE CASCADE,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  is_superuser INTEGER NOT NULL DEFAULT 0,
  is_active INTEGER NOT NULL DEFAULT 1,
  last_login_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_users_account ON {p}users (account_id, id);

CREATE TABLE {p}sites (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  url TEXT,
  industry TEXT,
  is_active INTEGER NOT NULL DEFAULT 1,
  wp_url TEXT,
  wp_username TEXT,
  wp_password_enc TEXT,
  wp_password_hint TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, name)
);

CREATE TABLE {p}sectors (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL REFERENCES {p}sites (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  is_active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (site_id, name)
);
CREATE INDEX {p}ix_sectors_account ON {p}sectors (account_id, id);

CREATE TABLE {p}clusters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL,
  sector_id INTEGER NOT NULL REFERENCES {p}sectors (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (sector_id, name)
);
CREATE INDEX {p}ix_clusters_account ON {p}clusters (account_id, id);

-- keywords.account_id has no foreign key of its own: a keyword's account is its sector's, and
-- deleting an account deletes its sectors and so their keywords. One check less per row when
-- millions of keywords are imported.
CREATE TABLE {p}keywords (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL,
  site_id INTEGER NOT NULL,
  sector_id INTEGER NOT NULL REFERENCES {p}sectors (id) ON DELETE CASCADE,
  keyword TEXT NOT NULL,
  normalized TEXT NOT NULL,
  volume INTEGER,
  difficulty INTEGER CHECK (difficulty BETWEEN 0 AND 100),
  cpc REAL,
  intent TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  cluster_id INTEGER REFERENCES {p}clusters (id) ON DELETE SET NULL,
  source TEXT NOT NULL DEFAULT 'manual',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (sector_id, normalized)
);
CREATE INDEX {p}ix_keywords_account ON {p}keywords (account_id, id);
CREATE INDEX {p}ix_keywords_account_volume ON {p}keywords (account_id, volume, id);
CREATE INDEX {p}ix_keywords_sector_volume ON {p}keywords (account_id, sector_id, volume, id);
CREATE INDEX {p}ix_keywords_cluster ON {p}keywords (cluster_id) WHERE cluster_id IS NOT NULL;

CREATE TABLE {p}content_ideas (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL,
  sector_id INTEGER NOT NULL REFERENCES {p}sectors (id) ON DELETE CASCADE,
  cluster_id INTEGER REFERENCES {p}clusters (id) ON DELETE SET NULL,
  title TEXT NOT NULL,
  description TEXT,
  outline TEXT NOT NULL DEFAULT '[]',
  content_type TEXT NOT NULL,
  content_structure TEXT NOT NULL,
  target_keywords TEXT NOT NULL DEFAULT '[]',
  estimated_word_count INTEGER,
  status TEXT NOT NULL DEFAULT 'new',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_ideas_account ON {p}content_ideas (account_id, id);
CREATE INDEX {p}ix_ideas_cluster ON {p}content_ideas (cluster_id);

CREATE TABLE {p}author_profiles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  tone TEXT,
  language TEXT,
  style TEXT,
  structure_template TEXT,
  is_active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, name)
);

CREATE TABLE {p}strategies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  sector_id INTEGER REFERENCES {p}sectors (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  guidance TEXT,
  section_structure TEXT NOT NULL DEFAULT '[]',
  prompt_customisations TEXT NOT NULL DEFAULT '{}',
  is_active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_strategies_account ON {p}strategies (account_id, id);

CREATE TABLE {p}tasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL,
  sector_id INTEGER NOT NULL REFERENCES {p}sectors (id) ON DELETE CASCADE,
  idea_id INTEGER REFERENCES {p}content_ideas (id) ON DELETE SET NULL,
  cluster_id INTEGER REFERENCES {p}clusters (id) ON DELETE SET NULL,
  title TEXT NOT NULL,
  brief TEXT,
  keywords TEXT NOT NULL DEFAULT '[]',
  content_type TEXT NOT NULL,
  content_structure TEXT NOT NULL,
  target_word_count INTEGER NOT NULL,
  author_profile_id INTEGER REFERENCES {p}author_profiles (id) ON DELETE SET NULL,
  strategy_id INTEGER REFERENCES {p}strategies (id) ON DELETE SET NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  scheduled_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_tasks_account ON {p}tasks (account_id, id);
CREATE INDEX {p}ix_tasks_idea ON {p}tasks (idea_id);

CREATE TABLE {p}contents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL,
  sector_id INTEGER NOT NULL REFERENCES {p}sectors (id) ON DELETE CASCADE,
  task_id INTEGER REFERENCES {p}tasks (id) ON DELETE SET NULL,
  title TEXT NOT NULL,
  html TEXT NOT NULL DEFAULT '',
  meta_title TEXT,
  meta_description TEXT,
  primary_keyword TEXT,
  secondary_keywords TEXT NOT NULL DEFAULT '[]',
  tags TEXT NOT NULL DEFAULT '[]',
  categories TEXT NOT NULL DEFAULT '[]',
  word_count INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'draft',
  wp_post_id INTEGER,
  wp_url TEXT,
  published_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_contents_account ON {p}contents (account_id, id);
CREATE INDEX {p}ix_contents_task ON {p}contents (task_id);

CREATE TABLE {p}images (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL,
  sector_id INTEGER NOT NULL REFERENCES {p}sectors (id) ON DELETE CASCADE,
  content_id INTEGER REFERENCES {p}contents (id) ON DELETE CASCADE,
  task_id INTEGER REFERENCES {p}tasks (id) ON DELETE SET NULL,
  kind TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  prompt TEXT NOT NULL DEFAULT '',
  negative_prompt TEXT,
  provider TEXT,
  model TEXT,
  size TEXT,
  url TEXT,
  file_path TEXT,
  alt_text TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_images_account ON {p}images (account_id, id);
CREATE INDEX {p}ix_images_content ON {p}images (content_id);

CREATE TABLE {p}prompts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  prompt_type TEXT NOT NULL,
  template TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, prompt_type)
);

CREATE TABLE {p}settings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, user_id, name)
);

CREATE TABLE {p}integrations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  config TEXT NOT NULL DEFAULT '{}',
  secret_enc TEXT,
  secret_hint TEXT,
  is_active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, provider)
);

CREATE TABLE {p}credit_reservations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  amount INTEGER NOT NULL CHECK (amount > 0),
  charged INTEGER CHECK (charged >= 0),
  status TEXT NOT NULL DEFAULT 'held',
  operation TEXT NOT NULL,
  reference_type TEXT,
  reference_id INTEGER,
  idempotency_key TEXT,
  created_at INTEGER NOT NULL,
  settled_at INTEGER,
  UNIQUE (account_id, idempotency_key)
);
CREATE INDEX {p}ix_reservations_status ON {p}credit_reservations (account_id, status);

CREATE TABLE {p}credit_transactions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  amount INTEGER NOT NULL,
  balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
  reason TEXT NOT NULL,
  operation TEXT,
  reference_type TEXT,
  reference_id INTEGER,
  reservation_id INTEGER REFERENCES {p}credit_reservations (id) ON DELETE SET NULL,
  idempotency_key TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, idempotency_key)
);
CREATE INDEX {p}ix_transactions_account ON {p}credit_transactions (account_id, id);

CREATE TABLE {p}usage_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  job_id INTEGER,
  operation TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  images INTEGER NOT NULL DEFAULT 0,
  cost_micros INTEGER NOT NULL DEFAULT 0,
  credits INTEGER NOT NULL DEFAULT 0,
  object_type TEXT,
  object_id INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_usage_account_time ON {p}usage_logs (account_id, created_at);

CREATE TABLE {p}jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  site_id INTEGER,
  kind TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  phase TEXT NOT NULL DEFAULT 'queued',
  message TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL DEFAULT '{}',
  result TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  run_after INTEGER NOT NULL,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_jobs_account ON {p}jobs (account_id, id);
CREATE INDEX {p}ix_jobs_claim ON {p}jobs (status, run_after);

INSERT INTO {p}plans (slug, name, monthly_credits, is_default, created_at, updated_at)
VALUES ('free', 'Free', 100, 1, 0, 0);
