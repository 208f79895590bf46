-- Divisions gain a level above the city: the provinces of China, so that a buyer anywhere
-- can give an express address (its province, then city, district and street in words).
ALTER TABLE divisions DROP CONSTRAINT divisions_level_check;
ALTER TABLE divisions ADD CONSTRAINT divisions_level_check
  CHECK (level IN ('province', 'city', 'county', 'township', 'village'));
