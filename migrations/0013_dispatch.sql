-- Dispatch: a wave plans the open tasks leaving one node on one day into runs of the
-- node's vehicles (the route planner, on a compute thread of whichever server claims it).

CREATE TABLE dispatch_waves (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  node_id BIGINT NOT NULL REFERENCES logistics_nodes (id),
  day TEXT NOT NULL,                 -- YYYY-MM-DD, Asia/Shanghai
  day_start BIGINT NOT NULL,         -- that day's local midnight, epoch ms
  status TEXT NOT NULL CHECK (status IN ('queued', 'solving', 'planned', 'failed')),
  time_limit_ms BIGINT NOT NULL CHECK (time_limit_ms > 0),
  service_s BIGINT NOT NULL CHECK (service_s >= 0),
  max_route_s BIGINT,                -- null: the vehicles' shifts only
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  task_count INTEGER NOT NULL DEFAULT 0,
  unassigned_json TEXT NOT NULL DEFAULT '[]',  -- [{task_id, reason}]
  cost_fen BIGINT NOT NULL DEFAULT 0,
  distance_m BIGINT NOT NULL DEFAULT 0,
  duration_s BIGINT NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dispatch_waves_status ON dispatch_waves (status, id);
CREATE INDEX dispatch_waves_platform ON dispatch_waves (platform_id, id);

-- One vehicle's tour in a wave; its stops in order with the estimated arrival and what is
-- on board when the vehicle leaves the stop.
CREATE TABLE runs (
  id {{pk}},
  wave_id BIGINT NOT NULL REFERENCES dispatch_waves (id),
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  vehicle_id BIGINT NOT NULL REFERENCES vehicles (id),
  locked INTEGER NOT NULL DEFAULT 0,
  departs_at BIGINT NOT NULL,
  returns_at BIGINT NOT NULL,
  distance_m BIGINT NOT NULL,
  duration_s BIGINT NOT NULL,
  cost_fen BIGINT NOT NULL,
  UNIQUE (wave_id, vehicle_id)
);
CREATE TABLE run_stops (
  run_id BIGINT NOT NULL REFERENCES runs (id),
  seq INTEGER NOT NULL,
  task_id BIGINT NOT NULL REFERENCES delivery_tasks (id),
  eta BIGINT NOT NULL,
  load_g BIGINT NOT NULL,
  load_ml BIGINT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX run_stops_task ON run_stops (task_id);
