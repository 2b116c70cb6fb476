-- IGNY8 schema v10 (SQLite): the link inventory.
--
-- The published posts, pages and category archives of a site's WordPress, as last read from
-- it (REST sync by the hosted service, or the plugin reading its own database): what internal
-- links in generated articles may point to. One row per WordPress object; `seen_at` is the
-- last sync that found it, so that objects gone from WordPress are swept out.

CREATE TABLE {p}link_pages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES {p}accounts (id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL REFERENCES {p}sites (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  wp_id INTEGER NOT NULL,
  url TEXT NOT NULL,
  title TEXT NOT NULL,
  keywords TEXT NOT NULL,
  modified_at INTEGER,
  seen_at INTEGER NOT NULL,
  UNIQUE (site_id, kind, wp_id)
);
CREATE INDEX {p}ix_link_pages_account ON {p}link_pages (account_id, site_id);
