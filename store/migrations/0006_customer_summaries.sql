-- 0006: short customer summaries written by a hosted model for staff,
-- cached until the facts they were written from change.
CREATE TABLE customer_summaries (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id),
    model       TEXT NOT NULL,
    text        TEXT NOT NULL,
    facts_hash  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
