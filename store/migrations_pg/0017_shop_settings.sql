-- 0017 (PostgreSQL): SQLite 0017. The shop's voice and hours as an admin
-- sets them in the console.
CREATE TABLE shop_settings (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at bigint NOT NULL
);
