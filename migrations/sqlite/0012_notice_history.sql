-- Each publication of a notice, kept: the public notice lists them as its dated history
-- (第1報, 第2報, ...), each publication after the first with the admin's one-line note of
-- what changed.
CREATE TABLE notice_publications (
    incident_id  BIGINT NOT NULL REFERENCES incidents (id),
    number       BIGINT NOT NULL,
    revision     BIGINT NOT NULL,
    published_at BIGINT NOT NULL,
    note_ja      TEXT NOT NULL,
    note_en      TEXT NOT NULL,
    PRIMARY KEY (incident_id, number)
);

-- The publications known so far: each published notice's first.
INSERT INTO notice_publications (incident_id, number, revision, published_at, note_ja, note_en)
    SELECT incident_id, 1, published_revision, first_published_at, '', '' FROM notices
    WHERE published_revision IS NOT NULL AND first_published_at IS NOT NULL;
