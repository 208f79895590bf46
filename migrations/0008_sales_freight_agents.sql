-- Sale events (秒杀 flash sales and 直播带货 live-stream sessions), freight templates per
-- store, orders placed by village agents for villagers, and pickup codes (核销码).

-- A sale event has a window, its own stock of chosen SKUs (carved out of the SKUs' stock
-- when the event is made, given back when it closes) at a sale price, and a per-buyer limit.
CREATE TABLE sale_events (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  store_id BIGINT NOT NULL REFERENCES stores (id),
  kind TEXT NOT NULL CHECK (kind IN ('flash', 'live')),
  title TEXT NOT NULL,
  host TEXT NOT NULL DEFAULT '',
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  per_buyer_limit INTEGER NOT NULL CHECK (per_buyer_limit > 0),
  status TEXT NOT NULL CHECK (status IN ('scheduled', 'closed')),
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX sale_events_window ON sale_events (status, ends_at);
CREATE INDEX sale_events_platform ON sale_events (platform_id, starts_at);

CREATE TABLE sale_event_skus (
  event_id BIGINT NOT NULL REFERENCES sale_events (id),
  sku_id BIGINT NOT NULL REFERENCES skus (id),
  sale_price_fen BIGINT NOT NULL CHECK (sale_price_fen > 0),
  initial_stock BIGINT NOT NULL CHECK (initial_stock > 0),
  stock BIGINT NOT NULL CHECK (stock >= 0),
  released INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (event_id, sku_id)
);

-- How many units each buyer holds of an event (the per-buyer limit is checked against it
-- in the same guarded statement that counts the purchase).
CREATE TABLE sale_event_buyers (
  event_id BIGINT NOT NULL REFERENCES sale_events (id),
  user_id BIGINT NOT NULL REFERENCES users (id),
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (event_id, user_id)
);

ALTER TABLE order_items ADD COLUMN sale_event_id BIGINT REFERENCES sale_events (id);

-- Freight: per store, a rule per region (a prefix of the division code: '' everywhere,
-- '62' Gansu, '6212' Longnan, '621221' 成县, …; the longest matching prefix wins), by
-- weight: the first weight for first_fen, then each started extra weight for extra_fen.
-- Orders whose goods reach free_over_fen travel free; pickup is always free.
CREATE TABLE freight_templates (
  store_id BIGINT PRIMARY KEY REFERENCES stores (id),
  free_over_fen BIGINT CHECK (free_over_fen IS NULL OR free_over_fen > 0),
  updated_at BIGINT NOT NULL
);
CREATE TABLE freight_rules (
  store_id BIGINT NOT NULL REFERENCES stores (id),
  region_prefix TEXT NOT NULL,
  first_weight_g BIGINT NOT NULL CHECK (first_weight_g > 0),
  first_fen BIGINT NOT NULL CHECK (first_fen >= 0),
  extra_weight_g BIGINT NOT NULL CHECK (extra_weight_g > 0),
  extra_fen BIGINT NOT NULL CHECK (extra_fen >= 0),
  PRIMARY KEY (store_id, region_prefix)
);

-- An order placed by a village agent (代购) for a villager without a smartphone.
ALTER TABLE orders ADD COLUMN for_name TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN for_household_id BIGINT REFERENCES households (id);
-- The code the buyer shows at the pickup or village point (made at checkout for those modes).
ALTER TABLE orders ADD COLUMN pickup_code TEXT NOT NULL DEFAULT '';
CREATE INDEX orders_for_household ON orders (for_household_id);
