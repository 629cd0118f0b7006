-- Staff accounts. Emails are stored lower-cased, so UNIQUE is case-insensitive.
CREATE TABLE staff (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('admin', 'helpdesk')),
    password_hash       TEXT NOT NULL,
    totp_secret         BYTEA NOT NULL,
    -- The last TOTP time step used: a code for this step or an earlier one is refused.
    totp_last_step      BIGINT NOT NULL DEFAULT 0,
    disabled_at         BIGINT,
    created_at          BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    last_login_at       BIGINT
);

-- Server-side sessions. Only a hash of the cookie's token is stored, so a copy of the
-- database cannot be used to sign in.
CREATE TABLE staff_sessions (
    token_hash   BYTEA PRIMARY KEY NOT NULL,
    staff_id     BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    stage        TEXT NOT NULL CHECK (stage IN ('second_factor', 'signed_in')),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- Failed sign-ins, per account and per client address, for throttling across replicas.
CREATE TABLE sign_in_failures (
    subject TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, at);
