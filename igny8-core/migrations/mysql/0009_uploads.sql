-- IGNY8 schema v9 (MySQL/MariaDB): files kept for background work.
--
-- A keyword file too large to import while the page waits is kept here, in parts of at most
-- 1 MiB (well under the smallest max_allowed_packet), until the import job that reads it has
-- finished (then deleted with its parts). In the database rather than on a disk, so that any
-- worker process of the deployment can read it.

CREATE TABLE {p}uploads (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  bytes BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_uploads_account ON {p}uploads (account_id);

CREATE TABLE {p}upload_parts (
  upload_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  data MEDIUMBLOB NOT NULL,
  PRIMARY KEY (upload_id, seq),
  FOREIGN KEY (upload_id) REFERENCES {p}uploads (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
