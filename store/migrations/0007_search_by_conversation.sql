-- 0007: the message index is keyed by conversation, so that a transcript
-- search finds conversations from the index alone, without looking up
-- each matching message. A message's docid is (conversation num << 24) |
-- seq; num is a stable number for each conversation (rowids of a table
-- without an INTEGER PRIMARY KEY may change on VACUUM).
ALTER TABLE conversations ADD COLUMN num INTEGER;
UPDATE conversations SET num = rowid;
CREATE UNIQUE INDEX conversations_num ON conversations (num);

CREATE VIRTUAL TABLE messages_fts_by_conversation USING fts4 (words, tokenize=porter);
INSERT INTO messages_fts_by_conversation (docid, words)
    SELECT (c.num << 24) | m.seq, f.words
    FROM messages_fts f JOIN messages m ON m.id = f.docid JOIN conversations c ON c.id = m.conversation_id
    WHERE m.seq < 16777216;
DROP TABLE messages_fts;
ALTER TABLE messages_fts_by_conversation RENAME TO messages_fts;
