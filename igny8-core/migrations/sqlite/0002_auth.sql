-- IGNY8 schema v2 (SQLite): sessions, API keys and shared rate-limit counters.

CREATE TABLE {p}refresh_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES {p}users (id) ON DELETE CASCADE,
  family TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  expires_at INTEGER NOT NULL,
  rotated_at INTEGER,
  revoked_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_refresh_tokens_family ON {p}refresh_tokens (family);
CREATE INDEX {p}ix_refresh_tokens_user ON {p}refresh_tokens (user_id);

CREATE TABLE {p}api_keys (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  site_id INTEGER REFERENCES {p}sites (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  created_by INTEGER,
  last_used_at INTEGER,
  expires_at INTEGER,
  revoked_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_api_keys_account ON {p}api_keys (account_id, id);

CREATE TABLE {p}rate_limits (
  bucket TEXT NOT NULL PRIMARY KEY,
  window_start INTEGER NOT NULL,
  hits INTEGER NOT NULL
);
