-- 0004: which tools each conversation used, so that filtering transcripts
-- by tool is an index lookup instead of parsing every message's JSON.
CREATE TABLE conversation_tools (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    tool            TEXT NOT NULL,
    PRIMARY KEY (tool, conversation_id)
);

INSERT OR IGNORE INTO conversation_tools (conversation_id, tool)
SELECT m.conversation_id, json_extract(j.value, '$.name')
FROM messages m, json_each(m.tool_calls) j
WHERE m.tool_calls IS NOT NULL AND json_valid(m.tool_calls) AND json_extract(j.value, '$.name') IS NOT NULL;
