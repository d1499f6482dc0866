-- 0017: the shop's voice and hours (issue 18, point 4) as an admin sets
-- them in the console: one row per setting, over the environment's.
CREATE TABLE shop_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
