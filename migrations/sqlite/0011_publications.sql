-- Every period a list was published, kept after it ends. An answer's reference code names
-- the lists it covered and the day it was given; the helpdesk finds an earlier answer by
-- recomputing codes over this history (the datasets table keeps only the latest period).
CREATE TABLE dataset_publications (
    dataset_id   BIGINT NOT NULL REFERENCES datasets (id),
    published_at BIGINT NOT NULL,
    -- NULL while the list is published.
    withdrawn_at BIGINT
);
CREATE INDEX dataset_publications_dataset ON dataset_publications (dataset_id, withdrawn_at);

-- The periods known so far: each list's latest.
INSERT INTO dataset_publications (dataset_id, published_at, withdrawn_at)
    SELECT id, activated_at, retired_at FROM datasets
    WHERE activated_at IS NOT NULL AND status IN ('active', 'retired');
