-- 0011: the addresses each staff member has signed in from. A sign-in from
-- one of them passes while failures from elsewhere hold the account locked
-- (web/auth.go), so that guessing the admin's password cannot also lock the
-- admin out. The most recent few per staff member are kept.
CREATE TABLE staff_login_addresses (
    staff_id   INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    address    TEXT NOT NULL,
    last_ok_at INTEGER NOT NULL,
    PRIMARY KEY (staff_id, address)
);
