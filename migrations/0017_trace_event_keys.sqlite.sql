-- The events' keys (trace::event_key of their eventIDs) kept apart from the events and added
-- to in sorted batches (src/trace/keys.cpp says how they are found). With the index of
-- trace_events.id_key, every event put its key at a random place of ten million: each dirtied
-- a page of its own, written to the WAL and again to the database, and captures at ten
-- million events went at the speed of the disk's random writes (docs/benchmarks.md).
-- PostgreSQL keeps that index.
CREATE TABLE trace_event_keys (
  id_key BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (id_key, seq)
) WITHOUT ROWID;
INSERT INTO trace_event_keys (id_key, seq) SELECT id_key, seq FROM trace_events ORDER BY id_key, seq;
DROP INDEX trace_events_id_key;
-- The events up to this seq have their keys in trace_event_keys.
ALTER TABLE trace_log_state ADD COLUMN keys_merged BIGINT NOT NULL DEFAULT 0;
UPDATE trace_log_state SET keys_merged = (SELECT COALESCE(MAX(seq), 0) FROM trace_events);
