-- 0014: turn leases (issue 15, point 3). When several kefu nodes serve
-- one database, a conversation's turns run on one node at a time: the
-- node holding the conversation's lease. A lease is taken with a
-- compare-and-set on fence (each holder gets the next fence), renewed
-- while the turn runs, and released after it with the seq of the shopper
-- message it answered; a node that dies holds it until expires_at. One
-- node (no cross-node bus) never writes here.
CREATE TABLE turn_leases (
    conversation_id  TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    node             TEXT NOT NULL,
    fence            INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL, -- ms; 0: released
    answered_through INTEGER NOT NULL DEFAULT 0
);
