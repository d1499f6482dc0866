-- 0009: messages are added to the full-text index after they are
-- committed, in batches, by an indexer (search_index.go), instead of in
-- the transaction that stores them: the index was about half of what a
-- commit cost, and every shopper's ack waited on it. indexed_through is
-- the highest message id the index holds; everything stored before this
-- migration is indexed already.
CREATE TABLE search_index_state (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through  INTEGER NOT NULL
);
INSERT INTO search_index_state (id, indexed_through) SELECT 1, COALESCE(max(id), 0) FROM messages;
