-- How many batches of scans each running server has written (src/trace/resolve.cpp). A scan
-- page reads it together with the day's count, and so knows which of the scans its server
-- still holds in memory that count includes: each scan is counted once, and no page waits
-- for a batch being written. One row per server process (a new one each start; a row not written for a day is removed).
CREATE TABLE trace_scan_flushes (
  server TEXT PRIMARY KEY,
  flushes BIGINT NOT NULL,
  at BIGINT NOT NULL
);
