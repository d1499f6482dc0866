-- 0014 (PostgreSQL): SQLite 0014. Turn leases: one node at a time runs a
-- conversation's turns.
CREATE TABLE turn_leases (
    conversation_id  text PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    node             text NOT NULL,
    fence            bigint NOT NULL,
    expires_at       bigint NOT NULL,
    answered_through bigint NOT NULL DEFAULT 0
);
