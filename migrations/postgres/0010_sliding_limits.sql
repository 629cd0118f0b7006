-- Rate limits count over a sliding window instead of fixed ones: one row per request let
-- through, kept until it leaves its window. A fixed window let twice the limit through
-- across its edge. Requests refused are not written: they cannot extend anything.
DROP TABLE rate_counters;
CREATE TABLE rate_hits (
    scope      TEXT NOT NULL,
    subject    TEXT NOT NULL,
    at         BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX rate_hits_subject ON rate_hits (scope, subject, at);
CREATE INDEX rate_hits_expiry ON rate_hits (expires_at);
