-- 0018: the email a shopper leaves when they hand off outside the shop's
-- hours (issue 18, point 4), where a staff reply goes once they have left.
ALTER TABLE conversations ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
