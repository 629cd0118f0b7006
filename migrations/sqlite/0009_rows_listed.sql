-- How many rows of the list gave an identifier: a domain's answer says how many listed
-- contracts carry it. Lists imported before this count each identifier once.
ALTER TABLE affected ADD COLUMN rows_listed BIGINT NOT NULL DEFAULT 1;
