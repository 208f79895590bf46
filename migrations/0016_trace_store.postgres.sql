-- The trace store reshaped for capture speed (the SQLite file of this version says why):
-- events found by eventID through a 64-bit key of it (filled in for the events recorded
-- before by the code that runs with this migration); what an event names and its business
-- transactions keyed by what queries look them up by; no indexes by seq that nothing uses.
ALTER TABLE trace_events ADD COLUMN id_key BIGINT;
DROP INDEX trace_events_event;
CREATE INDEX trace_events_id_key ON trace_events (id_key);

DELETE FROM trace_event_epcs a USING trace_event_epcs b
  WHERE a.ctid < b.ctid AND a.value = b.value AND a.role = b.role AND a.seq = b.seq;
DROP INDEX trace_event_epcs_value;
DROP INDEX trace_event_epcs_seq;
ALTER TABLE trace_event_epcs ADD PRIMARY KEY (value, role, seq);

DELETE FROM trace_event_transactions a USING trace_event_transactions b
  WHERE a.ctid < b.ctid AND a.type = b.type AND a.value = b.value AND a.seq = b.seq;
DROP INDEX trace_event_transactions_value;
ALTER TABLE trace_event_transactions ADD PRIMARY KEY (type, value, seq);

DROP INDEX trace_event_sensors_seq;

-- How often each printed code was scanned each day (Asia/Shanghai), kept as scans are
-- recorded: the scan page shows it, and warns past a threshold, without counting a popular
-- lot's scans again on every scan.
CREATE TABLE trace_scan_days (
  lot_id BIGINT NOT NULL REFERENCES lots (id),
  serial TEXT NOT NULL,
  day TEXT NOT NULL,                 -- YYYY-MM-DD
  scans BIGINT NOT NULL,
  PRIMARY KEY (lot_id, serial, day)
);
INSERT INTO trace_scan_days (lot_id, serial, day, scans)
  SELECT lot_id, serial, to_char(to_timestamp(at / 1000) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), COUNT(*)
  FROM trace_scans
  GROUP BY lot_id, serial, to_char(to_timestamp(at / 1000) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD');
