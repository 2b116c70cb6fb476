-- IGNY8 schema v9 (SQLite): files kept for background work.
--
-- A keyword file too large to import while the page waits is kept here, in parts of at most
-- 1 MiB, until the import job that reads it has finished (then deleted with its parts). In the
-- database rather than on a disk, so that any worker process of the deployment can read it.

CREATE TABLE {p}uploads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  bytes INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX {p}ix_uploads_account ON {p}uploads (account_id);

CREATE TABLE {p}upload_parts (
  upload_id INTEGER NOT NULL REFERENCES {p}uploads (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (upload_id, seq)
);
