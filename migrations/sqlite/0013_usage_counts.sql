-- The statistics' remaining counts. Counts only: nothing here says who asked or what.

-- Domain self-checks whose control was proven (each then shows its answer).
ALTER TABLE lookup_stats ADD COLUMN domain_checks BIGINT NOT NULL DEFAULT 0;

-- Answered lookups per incident and hour: how many answers covered the incident (its list
-- was published) and how many of them said "affected" by it.
CREATE TABLE incident_stats (
    hour        BIGINT NOT NULL,
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    lookups     BIGINT NOT NULL DEFAULT 0,
    affected    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, incident_id)
);
