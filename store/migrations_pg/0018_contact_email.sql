-- 0018 (PostgreSQL): SQLite 0018. The email a shopper leaves outside the
-- shop's hours.
ALTER TABLE conversations ADD COLUMN contact_email text NOT NULL DEFAULT '';
