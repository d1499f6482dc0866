-- 0002: staff sign-in sessions for the console. The cookie holds a random
-- token; only its hash is stored, with the CSRF token the session's forms
-- must send back.
CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff_users (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);
