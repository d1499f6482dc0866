-- 0015 (PostgreSQL): SQLite 0015. Photos attached to a conversation; the
-- files are outside the database, named by content hash.
CREATE TABLE photos (
    id              text PRIMARY KEY,
    conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sha256          text NOT NULL,
    content_type    text NOT NULL,
    width           integer NOT NULL,
    height          integer NOT NULL,
    size            bigint NOT NULL,
    created_at      bigint NOT NULL,
    message_seq     bigint -- the shopper message that attached it; NULL until one does
);
CREATE INDEX photos_by_conversation ON photos (conversation_id, created_at);
CREATE INDEX photos_by_hash ON photos (sha256);
