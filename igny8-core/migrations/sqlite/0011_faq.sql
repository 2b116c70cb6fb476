-- IGNY8 schema v11 (SQLite): an article's questions and answers.
--
-- JSON `{"heading": …, "questions": [{"question": …, "answer": …}]}`, or NULL for an
-- article without them: kept as data beside the body so that the renderer can publish them
-- as blocks and a schema plugin can mark them up as an FAQPage.

ALTER TABLE {p}contents ADD COLUMN faq TEXT;
