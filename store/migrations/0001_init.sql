-- 0001: the whole first schema: the shop (catalog, customers, orders,
-- shipments, returns, reviews, knowledge base), conversations and staff.
-- Times are INTEGER milliseconds since the Unix epoch (UTC); money is INTEGER
-- minor units (cents).

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,                       -- the shop's own id, carried by signed identities
    email       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name        TEXT NOT NULL,
    locale      TEXT NOT NULL DEFAULT 'en',
    created_at  INTEGER NOT NULL
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    sku         TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    title_zh    TEXT NOT NULL DEFAULT '',
    category    TEXT NOT NULL,
    price       INTEGER NOT NULL CHECK (price >= 0),
    currency    TEXT NOT NULL DEFAULT 'USD',
    tags        TEXT NOT NULL DEFAULT '',          -- space-separated lowercase words
    description TEXT NOT NULL DEFAULT '',
    final_sale  INTEGER NOT NULL DEFAULT 0 CHECK (final_sale IN (0, 1))
);
CREATE INDEX products_category ON products (category);

CREATE TABLE orders (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,            -- as printed, e.g. KF-10042
    number_key    TEXT NOT NULL UNIQUE,            -- upper-case letters and digits only, for lookups
    number_digits TEXT NOT NULL,                   -- digits only, so "10042" finds KF-10042
    customer_id   INTEGER REFERENCES customers (id),
    email         TEXT NOT NULL COLLATE NOCASE,    -- the address the order was placed with
    status        TEXT NOT NULL CHECK (status IN ('pending_payment', 'paid', 'shipped', 'delivered', 'cancelled')),
    currency      TEXT NOT NULL DEFAULT 'USD',
    shipping      INTEGER NOT NULL DEFAULT 0,
    ship_to       TEXT NOT NULL DEFAULT '',
    placed_at     INTEGER NOT NULL,
    paid_at       INTEGER,
    shipped_at    INTEGER,
    delivered_at  INTEGER,
    cancelled_at  INTEGER
);
CREATE INDEX orders_customer ON orders (customer_id, placed_at DESC);
CREATE INDEX orders_digits ON orders (number_digits);

CREATE TABLE order_items (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
    UNIQUE (order_id, product_id)
);
CREATE INDEX order_items_product ON order_items (product_id);

CREATE TABLE shipments (
    id                    INTEGER PRIMARY KEY,
    order_id              INTEGER NOT NULL REFERENCES orders (id),
    carrier               TEXT NOT NULL,
    tracking_number       TEXT NOT NULL UNIQUE,
    status                TEXT NOT NULL CHECK (status IN ('label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception')),
    shipped_at            INTEGER,
    estimated_delivery_at INTEGER,
    delivered_at          INTEGER
);
CREATE INDEX shipments_order ON shipments (order_id);

CREATE TABLE tracking_events (
    id          INTEGER PRIMARY KEY,
    shipment_id INTEGER NOT NULL REFERENCES shipments (id),
    at          INTEGER NOT NULL,
    location    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    UNIQUE (shipment_id, at, description)
);

CREATE TABLE returns (
    id         INTEGER PRIMARY KEY,
    rma        TEXT NOT NULL UNIQUE,
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    reason     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('open', 'received', 'refunded', 'rejected')),
    refund     INTEGER NOT NULL,
    action_id  TEXT UNIQUE,                        -- the confirmed pending action that created it
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX returns_order ON returns (order_id);

CREATE TABLE return_items (
    return_id     INTEGER NOT NULL REFERENCES returns (id),
    order_item_id INTEGER NOT NULL REFERENCES order_items (id),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (return_id, order_item_id)
);
CREATE INDEX return_items_order_item ON return_items (order_item_id);

CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title       TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    locale      TEXT NOT NULL DEFAULT 'en',
    created_at  INTEGER NOT NULL,
    UNIQUE (product_id, customer_id)
);
CREATE INDEX reviews_customer ON reviews (customer_id);

CREATE TABLE kb_articles (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL,
    locale     TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    tags       TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    UNIQUE (slug, locale)
);

-- The FTS tables hold kefu's own token stream (see fts.go), not the original
-- text: Chinese runs become overlapping bigrams, because FTS4's tokenizers
-- do not segment Chinese. docid is the source row's id.
CREATE VIRTUAL TABLE kb_fts USING fts4 (title, tags, body, tokenize=porter);

CREATE TABLE staff_users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
);

CREATE TABLE conversations (
    id                TEXT PRIMARY KEY,            -- uuid
    customer_id       INTEGER REFERENCES customers (id),
    resume_token_hash TEXT NOT NULL UNIQUE,        -- sha256 of the shopper's resume token
    state             TEXT NOT NULL CHECK (state IN ('bot', 'queued', 'human', 'closed')),
    locale            TEXT NOT NULL DEFAULT 'en',
    assigned_staff_id INTEGER REFERENCES staff_users (id),
    last_seq          INTEGER NOT NULL DEFAULT 0,
    rating            INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment    TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    closed_at         INTEGER
);
CREATE INDEX conversations_customer ON conversations (customer_id, created_at DESC);
CREATE INDEX conversations_state ON conversations (state, updated_at DESC);

CREATE TABLE messages (
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
    UNIQUE (conversation_id, seq),
    UNIQUE (conversation_id, client_id)
);

CREATE VIRTUAL TABLE messages_fts USING fts4 (words, tokenize=porter);

CREATE TABLE conversation_events (
    id              INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    kind            TEXT NOT NULL,                 -- state, handoff_requested, note, assigned, rated, ...
    from_state      TEXT,
    to_state        TEXT,
    staff_id        INTEGER REFERENCES staff_users (id),
    data            TEXT,                          -- JSON details
    created_at      INTEGER NOT NULL
);
CREATE INDEX conversation_events_conversation ON conversation_events (conversation_id, id);

-- Changes a shopper must confirm (returns, cancellations): the tool layer
-- writes a preview here and executes it once on confirmation.
CREATE TABLE pending_actions (
    id              TEXT PRIMARY KEY,              -- uuid, shown to the model and the widget
    kind            TEXT NOT NULL,                 -- start_return, cancel_order
    conversation_id TEXT REFERENCES conversations (id),
    customer_id     INTEGER REFERENCES customers (id),
    order_id        INTEGER NOT NULL REFERENCES orders (id),
    payload         TEXT NOT NULL,                 -- JSON: what will be done
    status          TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed', 'expired')),
    result          TEXT,                          -- JSON: outcome once executed
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    executed_at     INTEGER
);
CREATE INDEX pending_actions_conversation ON pending_actions (conversation_id);
