-- Incident notices. One row per incident that has one: how many revisions it has, and
-- which of them the public sees (none: unpublished).
CREATE TABLE notices (
    incident_id        BIGINT PRIMARY KEY NOT NULL REFERENCES incidents (id),
    revisions          BIGINT NOT NULL DEFAULT 0,
    published_revision BIGINT,
    first_published_at BIGINT,
    published_at       BIGINT,
    created_at         BIGINT NOT NULL
);

-- Every save: what the admin wrote (JSON) and its sanitised HTML, rendered at save time.
CREATE TABLE notice_revisions (
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    number      BIGINT NOT NULL,
    content     TEXT NOT NULL,
    rendered    TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES staff (id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (incident_id, number)
);

-- Bumped by every publish and unpublish, so each replica knows when its cached pages are
-- stale without being told.
CREATE TABLE content_versions (
    name    TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO content_versions (name, version) VALUES ('notices', 0);
