-- Deployment-wide values that are not secret (the pepper never lives here).
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Append-only, hash-chained record of every staff action. `seq` is assigned by the writer
-- (previous + 1) so the primary key itself forbids two replicas forking the chain.
CREATE TABLE audit_log (
    seq            BIGINT PRIMARY KEY NOT NULL,
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    subject_digest BLOB,
    detail         TEXT NOT NULL,
    prev_hash      BLOB NOT NULL,
    hash           BLOB NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
