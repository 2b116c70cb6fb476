-- IGNY8 schema v10 (MySQL/MariaDB): the link inventory.
--
-- The published posts, pages and category archives of a site's WordPress, as last read from
-- it (REST sync by the hosted service, or the plugin reading its own database): what internal
-- links in generated articles may point to. One row per WordPress object; `seen_at` is the
-- last sync that found it, so that objects gone from WordPress are swept out.

CREATE TABLE {p}link_pages (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  site_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  wp_id BIGINT NOT NULL,
  url TEXT NOT NULL,
  title TEXT NOT NULL,
  keywords TEXT NOT NULL,
  modified_at BIGINT NULL,
  seen_at BIGINT NOT NULL,
  UNIQUE KEY {p}ux_link_pages_object (site_id, kind, wp_id),
  FOREIGN KEY (account_id) REFERENCES {p}accounts (id) ON DELETE CASCADE,
  FOREIGN KEY (site_id) REFERENCES {p}sites (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX {p}ix_link_pages_account ON {p}link_pages (account_id, site_id);
