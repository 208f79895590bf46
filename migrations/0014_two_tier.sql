-- The delivery end, second part: goods for villages beyond the county town travel in two
-- legs (the park's line-haul to the township station, then the station's local run to the
-- village point); stations have a manager who dispatches them; SKUs carry their volume;
-- buyers choose a delivery window at checkout.

-- A task's current leg: 'line_haul' to its hub station, or 'local' to its destination.
-- origin_node_id is where the current leg starts (the park, then the hub once handed over).
-- hub_node_id is null for town deliveries, which go straight from the park.
ALTER TABLE delivery_tasks ADD COLUMN leg TEXT NOT NULL DEFAULT 'local' CHECK (leg IN ('line_haul', 'local'));
ALTER TABLE delivery_tasks ADD COLUMN hub_node_id BIGINT REFERENCES logistics_nodes (id);
CREATE INDEX delivery_tasks_origin ON delivery_tasks (origin_node_id, status);

-- The courier account that runs a node's dispatch (a station manager), besides the county admin.
ALTER TABLE logistics_nodes ADD COLUMN manager_user_id BIGINT REFERENCES users (id);
-- A station whose points the park serves itself (the county town's): their goods skip the
-- station and go straight from the park.
ALTER TABLE logistics_nodes ADD COLUMN direct INTEGER NOT NULL DEFAULT 0;

-- Packed volume of one unit, in millilitres (null: estimated from the weight).
ALTER TABLE skus ADD COLUMN volume_ml BIGINT CHECK (volume_ml IS NULL OR volume_ml >= 0);

-- The window the buyer chose at checkout (epoch ms); null: any time within two days of payment.
ALTER TABLE orders ADD COLUMN delivery_window_start BIGINT;
ALTER TABLE orders ADD COLUMN delivery_window_end BIGINT;

-- Where each stop of a run goes and on which leg (a line-haul stop is the hub station,
-- whatever the task does next).
ALTER TABLE run_stops ADD COLUMN node_id BIGINT REFERENCES logistics_nodes (id);
ALTER TABLE run_stops ADD COLUMN leg TEXT NOT NULL DEFAULT 'local' CHECK (leg IN ('line_haul', 'local'));
UPDATE run_stops SET node_id = (SELECT destination_node_id FROM delivery_tasks t WHERE t.id = run_stops.task_id);
