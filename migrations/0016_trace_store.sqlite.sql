-- The trace store reshaped for capture speed: each B-tree a capture writes costs it per
-- event (bench/trace; what each change gave is in docs/benchmarks.md).
--  - Events are found by eventID through a 64-bit key of it (trace::event_key; the code
--    that runs with this migration fills it in for the events recorded before). The index
--    of the eventIDs themselves, long random URIs, was several times larger. An eventID
--    stays unique: captures are serialised and each looks its eventIDs up first.
--  - seq is a plain rowid, without AUTOINCREMENT's counter (one more write per event):
--    events are never deleted, so a seq is never reused anyway.
--  - What an event names and its business transactions are kept in WITHOUT ROWID tables
--    keyed by what queries look them up by: one B-tree each instead of a table and two
--    indexes. Nothing looks them up by seq, and the sensor readings lose that index too.
-- The tables are rebuilt (SQLite cannot change a primary key): their rows are set aside,
-- the tables dropped (the events' after what points at them) and made again, and the rows
-- put back with their seq.
CREATE TABLE trace_events_before AS SELECT * FROM trace_events;
CREATE TABLE trace_event_epcs_before AS SELECT * FROM trace_event_epcs;
CREATE TABLE trace_event_transactions_before AS SELECT * FROM trace_event_transactions;
CREATE TABLE trace_event_lots_before AS SELECT * FROM trace_event_lots;
CREATE TABLE trace_event_sensors_before AS SELECT * FROM trace_event_sensors;
DROP TABLE trace_event_epcs;
DROP TABLE trace_event_transactions;
DROP TABLE trace_event_lots;
DROP TABLE trace_event_sensors;
DROP TABLE trace_events;

CREATE TABLE trace_events (
  seq INTEGER PRIMARY KEY,
  leaf BIGINT NOT NULL UNIQUE,
  event_id TEXT NOT NULL,
  id_key BIGINT,                     -- trace::event_key(event_id)
  hash TEXT NOT NULL,
  root TEXT NOT NULL,
  type TEXT NOT NULL,
  event_time BIGINT NOT NULL,
  record_time BIGINT NOT NULL,
  action TEXT NOT NULL DEFAULT '',
  biz_step TEXT NOT NULL DEFAULT '',
  disposition TEXT NOT NULL DEFAULT '',
  read_point TEXT NOT NULL DEFAULT '',
  biz_location TEXT NOT NULL DEFAULT '',
  error_declaration INTEGER NOT NULL DEFAULT 0,
  platform_id BIGINT REFERENCES platforms (id),
  json TEXT NOT NULL
);
INSERT INTO trace_events (seq, leaf, event_id, hash, root, type, event_time, record_time, action, biz_step,
    disposition, read_point, biz_location, error_declaration, platform_id, json)
  SELECT seq, leaf, event_id, hash, root, type, event_time, record_time, action, biz_step, disposition, read_point,
    biz_location, error_declaration, platform_id, json FROM trace_events_before;
CREATE INDEX trace_events_id_key ON trace_events (id_key);
CREATE INDEX trace_events_time ON trace_events (event_time);
CREATE INDEX trace_events_record_time ON trace_events (record_time);

CREATE TABLE trace_event_epcs (
  value TEXT NOT NULL,
  role TEXT NOT NULL,
  seq BIGINT NOT NULL REFERENCES trace_events (seq),
  PRIMARY KEY (value, role, seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO trace_event_epcs (value, role, seq) SELECT value, role, seq FROM trace_event_epcs_before;

CREATE TABLE trace_event_transactions (
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  seq BIGINT NOT NULL REFERENCES trace_events (seq),
  PRIMARY KEY (type, value, seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO trace_event_transactions (type, value, seq)
  SELECT type, value, seq FROM trace_event_transactions_before;

CREATE TABLE trace_event_lots (
  lot_id BIGINT NOT NULL REFERENCES lots (id),
  seq BIGINT NOT NULL REFERENCES trace_events (seq),
  PRIMARY KEY (lot_id, seq)
) WITHOUT ROWID;
INSERT INTO trace_event_lots (lot_id, seq) SELECT lot_id, seq FROM trace_event_lots_before;

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
INSERT INTO trace_event_sensors (seq, type, value, min_value, max_value, mean_value, uom, time)
  SELECT seq, type, value, min_value, max_value, mean_value, uom, time FROM trace_event_sensors_before;
CREATE INDEX trace_event_sensors_type ON trace_event_sensors (type, value);

DROP TABLE trace_events_before;
DROP TABLE trace_event_epcs_before;
DROP TABLE trace_event_transactions_before;
DROP TABLE trace_event_lots_before;
DROP TABLE trace_event_sensors_before;

-- How often each printed code was scanned each day (Asia/Shanghai), kept as scans are
-- recorded: the scan page shows it, and warns past a threshold, without counting a popular
-- lot's scans again on every scan.
CREATE TABLE trace_scan_days (
  lot_id BIGINT NOT NULL REFERENCES lots (id),
  serial TEXT NOT NULL,
  day TEXT NOT NULL,                 -- YYYY-MM-DD
  scans BIGINT NOT NULL,
  PRIMARY KEY (lot_id, serial, day)
) WITHOUT ROWID;
INSERT INTO trace_scan_days (lot_id, serial, day, scans)
  SELECT lot_id, serial, date(at / 1000 + 8 * 3600, 'unixepoch'), COUNT(*) FROM trace_scans
  GROUP BY lot_id, serial, date(at / 1000 + 8 * 3600, 'unixepoch');
