-- 0013: the after-sales desk (issue 18): variants of a product with their
-- stock, the addresses of customers and of each order with the order's
-- address history, and exchanges (a return that sends a replacement out).

-- A product's variants are the products that share its variant_group (the
-- shop's id of the product, e.g. JKT-RAIN); options say how they differ.
ALTER TABLE products ADD COLUMN variant_group TEXT NOT NULL DEFAULT '';  -- '' for a product without variants
ALTER TABLE products ADD COLUMN options TEXT NOT NULL DEFAULT '';        -- JSON object: {"colour":"Blue","size":"M"}
ALTER TABLE products ADD COLUMN stock INTEGER CHECK (stock IS NULL OR stock >= 0); -- units on hand; NULL: not tracked
CREATE INDEX products_variant_group ON products (variant_group) WHERE variant_group <> '';

-- JSON array of the customer's addresses; the default one is marked.
ALTER TABLE customers ADD COLUMN addresses TEXT NOT NULL DEFAULT '';

-- JSON: the order's own shipping address (ship_to stays its "City, Country").
ALTER TABLE orders ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- Every change of an order's address, the old one kept.
CREATE TABLE order_address_changes (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    old_address TEXT NOT NULL,                   -- JSON, '' when the order had only ship_to
    old_ship_to TEXT NOT NULL,
    new_address TEXT NOT NULL,                   -- JSON
    action_id   TEXT UNIQUE,                     -- the confirmed pending action that made it
    changed_at  INTEGER NOT NULL
);
CREATE INDEX order_address_changes_order ON order_address_changes (order_id, id);

-- An exchange is a return whose lines each name the variant sent out in
-- exchange (its stock reserved when the exchange was confirmed).
ALTER TABLE returns ADD COLUMN kind TEXT NOT NULL DEFAULT 'return' CHECK (kind IN ('return', 'exchange'));
ALTER TABLE returns ADD COLUMN price_difference INTEGER NOT NULL DEFAULT 0; -- exchanges: >0 the shopper pays, <0 refunded
ALTER TABLE return_items ADD COLUMN replacement_product_id INTEGER REFERENCES products (id);
