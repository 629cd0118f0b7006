-- What an affected customer should do now, in each language: shown on the lookup result.
ALTER TABLE incidents ADD COLUMN advice_ja TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN advice_en TEXT NOT NULL DEFAULT '';
