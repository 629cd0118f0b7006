-- Values fixed for the life of a deployment (the digest salt).
CREATE TABLE deployment (
    name  TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
);

-- An incident: what happened, and the data categories it involves (a JSON array of
-- {"key", "ja", "en"}; the standard ones carry only their key).
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT NOT NULL UNIQUE,
    title_ja    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    -- Calendar dates as YYYY-MM-DD (the operator's own dates, no time zone).
    occurred_from TEXT,
    occurred_to   TEXT,
    announced_on  TEXT,
    categories  TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES staff (id),
    created_at  BIGINT NOT NULL
);

-- A version of an incident's affected list. Only digests are stored (table affected).
CREATE TABLE datasets (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id   BIGINT NOT NULL REFERENCES incidents (id),
    status        TEXT NOT NULL CHECK (status IN ('importing', 'draft', 'approved', 'active', 'retired', 'failed')),
    profile       TEXT NOT NULL,
    has_phone     BIGINT NOT NULL DEFAULT 0,
    row_count     BIGINT NOT NULL DEFAULT 0,
    fingerprint   BLOB,
    report        TEXT,
    -- NULL when imported from the command line (the audit log says who ran it).
    uploaded_by   BIGINT REFERENCES staff (id),
    approved_by   BIGINT REFERENCES staff (id),
    activated_by  BIGINT REFERENCES staff (id),
    created_at    BIGINT NOT NULL,
    approved_at   BIGINT,
    activated_at  BIGINT,
    retired_at    BIGINT
);
CREATE INDEX datasets_incident ON datasets (incident_id, status);
-- At most one active list per incident, whatever races happen.
CREATE UNIQUE INDEX datasets_one_active ON datasets (incident_id) WHERE status = 'active';

-- One affected identifier of a dataset: its digest and the categories exposed for it (bit i
-- = the incident's category i).
CREATE TABLE affected (
    dataset_id  BIGINT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('contract', 'domain', 'contract+phone')),
    digest      BLOB NOT NULL,
    categories  BIGINT NOT NULL,
    PRIMARY KEY (dataset_id, kind, digest)
);
CREATE INDEX affected_lookup ON affected (kind, digest);

-- Import jobs. Progress is written here so every replica's page can show it.
CREATE TABLE import_jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset_id  BIGINT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    total_rows  BIGINT NOT NULL DEFAULT 0,
    done_rows   BIGINT NOT NULL DEFAULT 0,
    started_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    finished_at BIGINT,
    error       TEXT
);
