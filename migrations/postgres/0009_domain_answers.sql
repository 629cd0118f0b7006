-- How many rows of the list gave an identifier: a domain's answer says how many listed
-- contracts carry it. Lists imported before this count each identifier once.
ALTER TABLE affected ADD COLUMN rows_listed BIGINT NOT NULL DEFAULT 1;
-- The hash of a cookie of the browser that started a domain challenge: once control is
-- proven (perhaps from another device, through the mailed link), that browser's tab shows
-- the answer too.
ALTER TABLE domain_challenges ADD COLUMN starter_hash TEXT;
