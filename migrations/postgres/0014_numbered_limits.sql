-- Each subject's hits are numbered in the order they were counted, so that "is the
-- max-th newest hit still inside the window?" is two index seeks (the newest number, then
-- the hit numbered max - 1 before it) instead of a walk over up to `max` rows. A global
-- limit of a thousand a minute made every lookup walk a thousand index entries, twice;
-- under a flood that walk was a cost the flood chose.
CREATE TABLE rate_hits_numbered (
    scope      TEXT NOT NULL,
    subject    TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
-- The hits already counted keep counting: numbered oldest first.
INSERT INTO rate_hits_numbered (scope, subject, seq, at, expires_at)
    SELECT scope, subject, ROW_NUMBER() OVER (PARTITION BY scope, subject ORDER BY at),
           at, expires_at
    FROM rate_hits;
DROP TABLE rate_hits;
ALTER TABLE rate_hits_numbered RENAME TO rate_hits;
CREATE UNIQUE INDEX rate_hits_sequence ON rate_hits (scope, subject, seq);
-- How many hits a window holds (the proof of work's difficulty follows the global count).
CREATE INDEX rate_hits_subject ON rate_hits (scope, subject, at);
CREATE INDEX rate_hits_expiry ON rate_hits (expires_at);
