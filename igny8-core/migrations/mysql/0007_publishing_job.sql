-- IGNY8 schema v7 (MySQL/MariaDB): the publish job that is sending a content to WordPress. A publish
-- job marks the content before it looks for or makes the post; another job finds the mark
-- while that job is still queued or running and leaves the content alone, so two publishes of
-- one content never make two posts. The mark means nothing once its job has finished.

ALTER TABLE {p}contents ADD COLUMN publishing_job BIGINT;
