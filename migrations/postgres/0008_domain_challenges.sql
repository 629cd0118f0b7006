-- The domain self-check: a visitor proves control of a domain (a DNS TXT record, or a link
-- mailed to a role address) before its answer is shown. Tokens are kept only as SHA-256
-- hashes (hex); the plaintext domain only until the challenge completes or expires, after
-- which its digests (one per hashing profile, to look it up) and a keyed hash (for limits
-- and the audit log) remain.
CREATE TABLE domain_challenges (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    domain      TEXT,
    subject     TEXT NOT NULL,
    digests     TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    verified_at BIGINT,
    verified_by TEXT
);
CREATE INDEX domain_challenges_expiry ON domain_challenges (expires_at);

-- Single-use links mailed to a role address of the domain.
CREATE TABLE domain_links (
    token_hash     TEXT PRIMARY KEY NOT NULL,
    challenge_hash TEXT NOT NULL REFERENCES domain_challenges (token_hash) ON DELETE CASCADE,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT
);

-- A browser's right to see a verified domain's answer for a while (its cookie's hash).
CREATE TABLE domain_grants (
    token_hash     TEXT PRIMARY KEY NOT NULL,
    challenge_hash TEXT NOT NULL REFERENCES domain_challenges (token_hash) ON DELETE CASCADE,
    expires_at     BIGINT NOT NULL
);
