-- 0010: the orders each conversation was shown, recorded by kefu when it
-- stores a tool result for an order the shopper was allowed to see (and,
-- for a guest, the order's email they gave). It is what the console shows
-- a guest conversation revealed and the evidence of repeated contact about
-- an order; before, both were recovered from the tool calls' JSON, which
-- also counted arguments that named no order or someone else's.
-- Conversations stored before this have no rows: their tool calls never
-- said whether the order was the shopper's.
CREATE TABLE conversation_orders (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    order_number    TEXT NOT NULL,
    email           TEXT NOT NULL DEFAULT '', -- the order's email, when a guest gave it
    first_at        INTEGER NOT NULL,
    last_at         INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, order_number)
);
