-- 0008: the shopper's idempotency key is unique per conversation only
-- where there is one. UNIQUE (conversation_id, client_id) in the table
-- indexed every message, though only shopper messages carry a client id:
-- three of four rows paid for an index entry at a random place in a
-- 36-character-keyed index (about 30% of an insert's cost). SQLite cannot
-- drop a table constraint, so the table is rebuilt, keeping every row and
-- id (nothing references messages; the full-text index is keyed by
-- conversation and seq since 0007).
CREATE TABLE messages_rebuilt (
    id              INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool', 'staff', 'system')),
    author          TEXT NOT NULL DEFAULT '',      -- staff name, model name, tool name
    text            TEXT NOT NULL DEFAULT '',
    tool_calls      TEXT,                          -- JSON: the assistant's tool calls
    tool_result     TEXT,                          -- JSON: one tool result
    model           TEXT NOT NULL DEFAULT '',
    latency_ms      INTEGER,
    tokens_in       INTEGER,
    tokens_out      INTEGER,
    client_id       TEXT,                          -- shopper's idempotency key
    staff_id        INTEGER REFERENCES staff_users (id),
    created_at      INTEGER NOT NULL,
    UNIQUE (conversation_id, seq)
);
INSERT INTO messages_rebuilt (id, conversation_id, seq, role, author, text, tool_calls, tool_result, model, latency_ms,
                              tokens_in, tokens_out, client_id, staff_id, created_at)
    SELECT id, conversation_id, seq, role, author, text, tool_calls, tool_result, model, latency_ms,
           tokens_in, tokens_out, client_id, staff_id, created_at
    FROM messages ORDER BY id;
DROP TABLE messages;
ALTER TABLE messages_rebuilt RENAME TO messages;
CREATE UNIQUE INDEX messages_client_id ON messages (conversation_id, client_id) WHERE client_id IS NOT NULL;
