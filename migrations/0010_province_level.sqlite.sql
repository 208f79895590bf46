-- Divisions gain a level above the city: the provinces of China, so that a buyer anywhere
-- can give an express address (its province, then city, district and street in words).
-- SQLite cannot change a CHECK constraint, so the table is rebuilt. Foreign keys that point
-- at it are checked at commit (defer_foreign_keys): the rows come back under the same codes.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE divisions_before AS SELECT code, name, level, parent_code, lat, lng FROM divisions;
DROP TABLE divisions;
CREATE TABLE divisions (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township', 'village')),
  parent_code TEXT,
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION
);
INSERT INTO divisions (code, name, level, parent_code, lat, lng)
  SELECT code, name, level, parent_code, lat, lng FROM divisions_before;
DROP TABLE divisions_before;
CREATE INDEX divisions_parent ON divisions (parent_code);
