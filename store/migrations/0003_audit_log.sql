-- 0003: an audit log of actions on personal data (privacy requests), kept
-- apart from the data they removed.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    actor      TEXT NOT NULL,               -- who: "cli:<os user>" or "staff:<email>"
    action     TEXT NOT NULL,               -- e.g. forget_customer
    subject    TEXT NOT NULL,               -- e.g. customer:12
    data       TEXT,                        -- JSON details (counts, never the removed data)
    created_at INTEGER NOT NULL
);
