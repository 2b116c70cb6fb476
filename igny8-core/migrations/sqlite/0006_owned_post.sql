-- IGNY8 schema v6 (SQLite): the WordPress post IGNY8's publisher itself made (or found by
-- its marker) for a content. Set only by publishing, never by a patch: publishing updates
-- the post a content names only when it is this one or carries the content's marker, so a
-- wp_post_id edited to some other post can't make IGNY8 overwrite that post.

ALTER TABLE {p}contents ADD COLUMN wp_owned_post_id INTEGER;
