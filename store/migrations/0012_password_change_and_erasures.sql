-- 0012: two changes for issue 14.
--
-- A staff member whose password someone else chose (the first admin's
-- one-time password, printed to the log) must choose their own at the
-- next sign-in: until then their session may only change the password.
ALTER TABLE staff_users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));

-- The conversations a privacy request (kefu forget) erased, so that a
-- kefu serving them in another process closes their sockets and drops
-- what it holds of them in memory (chat/erasures.go). It holds ids only,
-- never the erased data, and old rows are pruned.
CREATE TABLE erasures (
    id              INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
