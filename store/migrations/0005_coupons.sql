-- 0005: coupons the agent offered a customer on evidence in the data
-- (a late delivery, a defective item returned, a repeated contact).
CREATE TABLE coupons (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    percent         INTEGER NOT NULL CHECK (percent BETWEEN 1 AND 100),
    reason          TEXT NOT NULL,        -- late_delivery, defective_return, repeat_contact
    evidence        TEXT NOT NULL,        -- JSON: what in the data justified it
    conversation_id TEXT,
    action_id       TEXT UNIQUE,          -- the confirmed pending action that issued it
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX coupons_customer ON coupons (customer_id, created_at DESC);
