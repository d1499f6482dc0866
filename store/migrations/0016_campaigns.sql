-- 0016: targeted offers (issue 18, point 5). A campaign is a segment of
-- customers (the console's segment filter, as JSON), a message in each
-- language, an optional coupon code, and when it runs. A delivery row is
-- the one showing of a campaign to a customer: its primary key is what
-- decides, across tabs and nodes, that the offer is shown once. A
-- redemption is an order that used the campaign's code. An opt-out stops
-- every campaign for that customer.
CREATE TABLE campaigns (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    segment           TEXT NOT NULL,       -- JSON: store.CampaignSegment
    message_en        TEXT NOT NULL,
    message_zh        TEXT NOT NULL,
    coupon_code       TEXT UNIQUE,         -- NULL: no coupon
    coupon_percent    INTEGER NOT NULL DEFAULT 0,
    coupon_expires_at INTEGER,
    starts_at         INTEGER NOT NULL,
    ends_at           INTEGER NOT NULL,
    created_by        INTEGER,
    created_at        INTEGER NOT NULL,
    stopped_at        INTEGER
);
CREATE INDEX campaigns_running ON campaigns (ends_at, starts_at);
CREATE TABLE campaign_deliveries (
    campaign_id     INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL,
    shown_at        INTEGER NOT NULL,
    clicked_at      INTEGER,
    dismissed_at    INTEGER,
    PRIMARY KEY (campaign_id, customer_id)
);
CREATE INDEX campaign_deliveries_by_customer ON campaign_deliveries (customer_id);
CREATE TABLE campaign_redemptions (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    order_id    INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    customer_id INTEGER,
    source      TEXT NOT NULL,             -- import or report
    redeemed_at INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, order_id)
);
CREATE TABLE offer_optouts (
    customer_id     INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    conversation_id TEXT,
    created_at      INTEGER NOT NULL
);
