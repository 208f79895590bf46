-- The delivery end, first part: the county → township → village logistics network, the
-- vehicles that drive it, and the delivery tasks that paid orders become.

-- A node of a county's network: its logistics park (物流园), a township's express station
-- (快递服务站), a village's agent point (代办点), or a town community's point. Stations
-- hang under the park, points under their township's station. Opening hours are minutes
-- after local midnight.
CREATE TABLE logistics_nodes (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  tier TEXT NOT NULL CHECK (tier IN ('park', 'station', 'village_point', 'community_point')),
  name TEXT NOT NULL,
  division_code TEXT NOT NULL REFERENCES divisions (code),
  parent_id BIGINT REFERENCES logistics_nodes (id),
  lat DOUBLE PRECISION NOT NULL,
  lng DOUBLE PRECISION NOT NULL,
  opens_min INTEGER NOT NULL CHECK (opens_min >= 0 AND opens_min < 1440),
  closes_min INTEGER NOT NULL CHECK (closes_min > opens_min AND closes_min <= 1440),
  cold_storage INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX logistics_nodes_platform ON logistics_nodes (platform_id, tier, id);
CREATE INDEX logistics_nodes_division ON logistics_nodes (division_code);
CREATE INDEX logistics_nodes_parent ON logistics_nodes (parent_id);

-- A vehicle of a county's fleet, at home at a node; its driver is a courier account.
-- Costs are fen per km and per hour of its shift (minutes after local midnight).
CREATE TABLE vehicles (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  plate TEXT NOT NULL,
  home_node_id BIGINT NOT NULL REFERENCES logistics_nodes (id),
  driver_user_id BIGINT REFERENCES users (id),
  capacity_kg INTEGER NOT NULL CHECK (capacity_kg > 0),
  capacity_l INTEGER NOT NULL CHECK (capacity_l > 0),
  cold INTEGER NOT NULL DEFAULT 0,
  shift_start_min INTEGER NOT NULL CHECK (shift_start_min >= 0 AND shift_start_min < 1440),
  shift_end_min INTEGER NOT NULL CHECK (shift_end_min > shift_start_min AND shift_end_min <= 1440),
  cost_per_km_fen BIGINT NOT NULL CHECK (cost_per_km_fen >= 0),
  cost_per_hour_fen BIGINT NOT NULL CHECK (cost_per_hour_fen >= 0),
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (platform_id, plate)
);

-- What one order needs moved: from the county's park to the village or community point
-- of its address (village_point: the buyer collects there; same_city: the courier goes on
-- to the door from the community point). One task per order, made once (the unique order).
CREATE TABLE delivery_tasks (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  order_id BIGINT NOT NULL UNIQUE REFERENCES orders (id),
  store_id BIGINT NOT NULL REFERENCES stores (id),
  kind TEXT NOT NULL CHECK (kind IN ('same_city', 'village_point')),
  status TEXT NOT NULL CHECK (status IN ('open', 'planned', 'picked_up', 'delivered', 'failed', 'cancelled')),
  origin_node_id BIGINT NOT NULL REFERENCES logistics_nodes (id),
  destination_node_id BIGINT NOT NULL REFERENCES logistics_nodes (id),
  division_code TEXT NOT NULL REFERENCES divisions (code),
  weight_g BIGINT NOT NULL CHECK (weight_g >= 0),
  volume_ml BIGINT NOT NULL CHECK (volume_ml >= 0),
  cold INTEGER NOT NULL DEFAULT 0,
  window_start BIGINT NOT NULL,
  window_end BIGINT NOT NULL CHECK (window_end > window_start),
  fail_reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX delivery_tasks_platform_status ON delivery_tasks (platform_id, status, id);
CREATE INDEX delivery_tasks_destination ON delivery_tasks (destination_node_id, status);
