-- Traceability (一码追溯): plots, lots and their items, the EPCIS 2.0 events recorded about
-- them (append-only, each a leaf of the tamper-evident log, in `seq` order), what queries
-- filter on, signed checkpoints of the log, scans of the printed codes and the alerts they
-- raise.

-- How a producer is named on the public scan page: in full, or masked (王** / 成县**合作社).
ALTER TABLE producers ADD COLUMN trace_privacy TEXT NOT NULL DEFAULT 'masked'
  CHECK (trace_privacy IN ('full', 'masked'));

-- A plot (地块) a producer farms.
CREATE TABLE plots (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  producer_id BIGINT NOT NULL REFERENCES producers (id),
  name TEXT NOT NULL,
  village_code TEXT NOT NULL REFERENCES divisions (code),
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION,
  area_mu DOUBLE PRECISION CHECK (area_mu IS NULL OR area_mu > 0),  -- 亩
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX plots_producer ON plots (producer_id);

-- A lot (批次) of one SKU from one producer (and plot), identified by the SKU's GTIN and the
-- lot number: GS1 Digital Link /01/{gtin}/10/{lot_number}.
CREATE TABLE lots (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  sku_id BIGINT NOT NULL REFERENCES skus (id),
  producer_id BIGINT NOT NULL REFERENCES producers (id),
  plot_id BIGINT REFERENCES plots (id),
  gtin TEXT NOT NULL,
  lot_number TEXT NOT NULL,
  harvest_date TEXT,                 -- YYYY-MM-DD (Asia/Shanghai)
  quantity DOUBLE PRECISION NOT NULL CHECK (quantity > 0),
  unit TEXT NOT NULL,                -- e.g. KGM, or the SKU's unit (件)
  certificate TEXT NOT NULL DEFAULT '',  -- the 承诺达标合格证 number of the batch, when it has one
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'recalled')),
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (gtin, lot_number)
);
CREATE INDEX lots_platform ON lots (platform_id, id);
CREATE INDEX lots_sku ON lots (sku_id);

-- Serialised items of a lot (/21/{serial}), when items carry their own code.
CREATE TABLE lot_items (
  id {{pk}},
  lot_id BIGINT NOT NULL REFERENCES lots (id),
  serial TEXT NOT NULL,
  consumed_at BIGINT,  -- marked eaten, sold or destroyed: later scans are suspect
  UNIQUE (lot_id, serial)
);

-- The events, in the order they were recorded. `leaf` is the event's index in the log (0,
-- 1, 2, … without gaps: captures are serialised), `root` the log's root once it was added,
-- so that a verifier can tell the first leaf where a stored log departs from its history.
CREATE TABLE trace_events (
  seq {{pk}},
  leaf BIGINT NOT NULL UNIQUE,
  event_id TEXT NOT NULL,
  hash TEXT NOT NULL,                -- ni:///sha-256;<hex>?ver=CBV2.0
  root TEXT NOT NULL,                -- hex of the log's root over leaves 0..leaf
  type TEXT NOT NULL,
  event_time BIGINT NOT NULL,        -- epoch ms
  record_time BIGINT NOT NULL,
  action TEXT NOT NULL DEFAULT '',
  biz_step TEXT NOT NULL DEFAULT '',
  disposition TEXT NOT NULL DEFAULT '',
  read_point TEXT NOT NULL DEFAULT '',
  biz_location TEXT NOT NULL DEFAULT '',
  error_declaration INTEGER NOT NULL DEFAULT 0,
  platform_id BIGINT REFERENCES platforms (id),  -- the county that recorded it
  json TEXT NOT NULL                 -- the event as captured
);
-- An event, and at most one later declaration that it was in error: the same eventID with
-- an errorDeclaration (EPCIS 2.0 corrections never edit the original).
CREATE UNIQUE INDEX trace_events_event ON trace_events (event_id, error_declaration);
CREATE INDEX trace_events_time ON trace_events (event_time);
CREATE INDEX trace_events_record_time ON trace_events (record_time);

-- What each event names: instance identifiers and classes, by role (epc, parent, child,
-- input, output; classes: epc_class, child_class, input_class, output_class).
CREATE TABLE trace_event_epcs (
  seq BIGINT NOT NULL REFERENCES trace_events (seq),
  role TEXT NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX trace_event_epcs_value ON trace_event_epcs (value, role);
CREATE INDEX trace_event_epcs_seq ON trace_event_epcs (seq);

-- The lots an event is about (found from its identifiers), for the scan page and recall.
CREATE TABLE trace_event_lots (
  lot_id BIGINT NOT NULL REFERENCES lots (id),
  seq BIGINT NOT NULL REFERENCES trace_events (seq),
  PRIMARY KEY (lot_id, seq)
);

CREATE TABLE trace_event_transactions (
  seq BIGINT NOT NULL REFERENCES trace_events (seq),
  type TEXT NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX trace_event_transactions_value ON trace_event_transactions (type, value);

CREATE TABLE trace_event_sensors (
  seq BIGINT NOT NULL REFERENCES trace_events (seq),
  type TEXT NOT NULL,
  value DOUBLE PRECISION,
  min_value DOUBLE PRECISION,
  max_value DOUBLE PRECISION,
  mean_value DOUBLE PRECISION,
  uom TEXT NOT NULL DEFAULT '',
  time BIGINT
);
CREATE INDEX trace_event_sensors_seq ON trace_event_sensors (seq);
CREATE INDEX trace_event_sensors_type ON trace_event_sensors (type, value);

-- Signed checkpoints of the log: its size and root at a time, signed by the server's key
-- and, once a county auditor has, co-signed by theirs.
CREATE TABLE trace_checkpoints (
  id {{pk}},
  tree_size BIGINT NOT NULL,
  root TEXT NOT NULL,                -- hex
  time BIGINT NOT NULL,
  key_hex TEXT NOT NULL,             -- the server's public key
  signature TEXT NOT NULL,
  cosigner_key_hex TEXT NOT NULL DEFAULT '',
  cosignature TEXT NOT NULL DEFAULT ''
);
CREATE INDEX trace_checkpoints_size ON trace_checkpoints (tree_size);

-- Each scan of a printed code: when, roughly where (from the request), what it named.
CREATE TABLE trace_scans (
  id {{pk}},
  lot_id BIGINT NOT NULL REFERENCES lots (id),
  serial TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  suspect INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX trace_scans_lot ON trace_scans (lot_id, serial, at);

-- What the county should look at: a serial scanned implausibly often or after it was consumed.
CREATE TABLE trace_alerts (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  lot_id BIGINT NOT NULL REFERENCES lots (id),
  serial TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('scanned_often', 'scanned_after_consumed', 'cold_chain')),
  detail TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  resolved_at BIGINT
);
CREATE INDEX trace_alerts_platform ON trace_alerts (platform_id, resolved_at, id);

-- The log's frontier (RFC 6962: the roots of its complete subtrees, one per set bit of the
-- size), so that a capture on any server adds leaves and knows the new root without
-- reading the log. Hex hashes per level, lowest first, comma-separated ('' for none).
CREATE TABLE trace_log_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size BIGINT NOT NULL,
  frontier TEXT NOT NULL
);
INSERT INTO trace_log_state (id, size, frontier) VALUES (1, 0, '');

-- Which lot each order item's goods came from: assigned when the order is packed (the
-- SKU's newest active lot harvested by then), for recall in both directions.
CREATE TABLE order_item_lots (
  order_item_id BIGINT NOT NULL REFERENCES order_items (id),
  lot_id BIGINT NOT NULL REFERENCES lots (id),
  order_id BIGINT NOT NULL REFERENCES orders (id),
  quantity BIGINT NOT NULL,
  PRIMARY KEY (order_item_id, lot_id)
);
CREATE INDEX order_item_lots_lot ON order_item_lots (lot_id);
CREATE INDEX order_item_lots_order ON order_item_lots (order_id);

-- Recall notices sent to the buyers of a lot's orders.
CREATE TABLE recall_notices (
  id {{pk}},
  lot_id BIGINT NOT NULL REFERENCES lots (id),
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  reason TEXT NOT NULL,
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL
);
CREATE TABLE recall_recipients (
  notice_id BIGINT NOT NULL REFERENCES recall_notices (id),
  order_id BIGINT NOT NULL REFERENCES orders (id),
  buyer_user_id BIGINT NOT NULL REFERENCES users (id),
  read_at BIGINT,
  PRIMARY KEY (notice_id, order_id)
);
CREATE INDEX recall_recipients_buyer ON recall_recipients (buyer_user_id);
