-- IGNY8 schema v2 (MySQL/MariaDB): sessions, API keys and shared rate-limit counters.

CREATE TABLE {p}refresh_tokens (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  family VARCHAR(64) NOT NULL,
  token_hash VARCHAR(64) NOT NULL UNIQUE,
  expires_at BIGINT NOT NULL,
  rotated_at BIGINT,
  revoked_at BIGINT,
  created_at BIGINT NOT NULL,
  FOREIGN KEY (user_id) REFERENCES {p}users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_refresh_tokens_family ON {p}refresh_tokens (family);
CREATE INDEX {p}ix_refresh_tokens_user ON {p}refresh_tokens (user_id);

CREATE TABLE {p}api_keys (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT,
  name VARCHAR(255) NOT NULL,
  prefix VARCHAR(32) NOT NULL,
  key_hash VARCHAR(64) NOT NULL UNIQUE,
  role VARCHAR(16) NOT NULL,
  created_by BIGINT,
  last_used_at BIGINT,
  expires_at BIGINT,
  revoked_at BIGINT,
  created_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (site_id) REFERENCES {p}sites (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_api_keys_account ON {p}api_keys (account_id, id);

CREATE TABLE {p}rate_limits (
  bucket VARCHAR(191) NOT NULL PRIMARY KEY,
  window_start BIGINT NOT NULL,
  hits BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
