-- Public lookups: rate counters in fixed windows (per client address, per identifier key,
-- global), spent proof-of-work challenges (so none is used twice), and per-hour counts.
-- No table keeps an identifier: `subject` is an address, a keyed hash or a constant.
CREATE TABLE rate_counters (
    scope        TEXT NOT NULL,
    subject      TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL,
    PRIMARY KEY (scope, subject, window_start)
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);

CREATE TABLE pow_spent (
    challenge  TEXT PRIMARY KEY NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX pow_spent_expiry ON pow_spent (expires_at);

CREATE TABLE lookup_stats (
    hour         BIGINT PRIMARY KEY NOT NULL,
    lookups      BIGINT NOT NULL DEFAULT 0,
    affected     BIGINT NOT NULL DEFAULT 0,
    rate_limited BIGINT NOT NULL DEFAULT 0,
    busy         BIGINT NOT NULL DEFAULT 0
);
