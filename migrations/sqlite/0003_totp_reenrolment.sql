-- A TOTP secret being re-enrolled: it replaces totp_secret only once the staff member
-- has proved, with a code from it, that their authenticator holds it.
ALTER TABLE staff ADD COLUMN totp_pending_secret BLOB;
ALTER TABLE staff ADD COLUMN totp_pending_until BIGINT;
