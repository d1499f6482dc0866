-- 0015: photos a shopper attaches to a conversation (issue 18, point 3).
-- The file itself is outside the database, in the photo directory, named
-- by the sha256 of its cleaned bytes (metadata stripped); the row says
-- whose it is and, once a message frame lists it in attachments, which
-- message. Two uploads of the same picture share one file.
CREATE TABLE photos (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sha256          TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    size            INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    message_seq     INTEGER -- the shopper message that attached it; NULL until one does
);
CREATE INDEX photos_by_conversation ON photos (conversation_id, created_at);
CREATE INDEX photos_by_hash ON photos (sha256);
