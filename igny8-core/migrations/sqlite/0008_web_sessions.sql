-- IGNY8 schema v8 (SQLite): browser sessions.
--
-- A web app's session is a refresh-token row of kind 'web': signing out,
-- changing the password and deactivating a user end it the same way as an API session, but
-- it can't be exchanged for API tokens, and it ends after a time unused (last_seen_at,
-- touched at most once a minute).

ALTER TABLE {p}refresh_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE {p}refresh_tokens ADD COLUMN last_seen_at INTEGER;
