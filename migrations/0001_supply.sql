-- The supply end: divisions, platforms (one per county), accounts, households, producers,
-- stores, brands, certifications, catalog and the audit log.
-- Written once for SQLite and PostgreSQL: {{pk}} becomes the dialect's auto-increment key;
-- times are epoch milliseconds (BIGINT, UTC); money is fen (BIGINT); flags are INTEGER 0/1.

CREATE TABLE divisions (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('city', 'county', 'township', 'village')),
  parent_code TEXT,
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION
);
CREATE INDEX divisions_parent ON divisions (parent_code);

CREATE TABLE platforms (
  id {{pk}},
  county_code TEXT NOT NULL UNIQUE REFERENCES divisions (code),
  name TEXT NOT NULL,
  commission_bp INTEGER NOT NULL DEFAULT 500,
  created_at BIGINT NOT NULL
);

CREATE TABLE users (
  id {{pk}},
  phone TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('buyer', 'store_keeper', 'supplier', 'courier', 'county_admin', 'city_admin', 'auditor')),
  platform_id BIGINT REFERENCES platforms (id),
  store_id BIGINT,
  producer_id BIGINT,
  household_id BIGINT,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id),
  kind TEXT NOT NULL CHECK (kind IN ('cookie', 'bearer')),
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
  bucket TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  failures INTEGER NOT NULL
);

CREATE TABLE audit_log (
  id {{pk}},
  platform_id BIGINT,
  actor_user_id BIGINT,
  actor_name TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id BIGINT NOT NULL,
  action TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT,
  request_id TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX audit_log_platform ON audit_log (platform_id, id);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TABLE households (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  village_code TEXT NOT NULL REFERENCES divisions (code),
  head_name TEXT NOT NULL,
  members_json TEXT NOT NULL DEFAULT '[]',
  member_count INTEGER NOT NULL DEFAULT 1,
  phone_enc TEXT,
  id_card_enc TEXT,
  id_card_hash TEXT,
  bank_account_enc TEXT,
  poverty_status TEXT NOT NULL CHECK (poverty_status IN ('registered', 'lifted', 'monitored', 'none')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX households_platform ON households (platform_id, id);
CREATE INDEX households_village ON households (village_code);
CREATE UNIQUE INDEX households_id_card ON households (id_card_hash);

CREATE TABLE producers (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  kind TEXT NOT NULL CHECK (kind IN ('household', 'cooperative', 'enterprise')),
  name TEXT NOT NULL,
  village_code TEXT NOT NULL REFERENCES divisions (code),
  household_id BIGINT REFERENCES households (id),
  credit_code TEXT,
  contact_name TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX producers_platform ON producers (platform_id, id);

CREATE TABLE stores (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  name TEXT NOT NULL,
  village_code TEXT NOT NULL REFERENCES divisions (code),
  keeper_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX stores_platform ON stores (platform_id, id);

-- 一店带多户: the households a village store brings along, and how.
CREATE TABLE store_households (
  store_id BIGINT NOT NULL REFERENCES stores (id),
  household_id BIGINT NOT NULL REFERENCES households (id),
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  mechanism TEXT NOT NULL CHECK (mechanism IN ('consignment', 'purchase', 'employment', 'equity', 'floor_price', 'crowdfunding')),
  since BIGINT NOT NULL,
  PRIMARY KEY (store_id, household_id)
);
CREATE INDEX store_households_household ON store_households (household_id);

CREATE TABLE brands (
  id {{pk}},
  name TEXT NOT NULL UNIQUE,
  county_code TEXT NOT NULL REFERENCES divisions (code),
  description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE categories (
  id {{pk}},
  parent_id BIGINT REFERENCES categories (id),
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL
);

CREATE TABLE products (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  store_id BIGINT NOT NULL REFERENCES stores (id),
  producer_id BIGINT NOT NULL REFERENCES producers (id),
  category_id BIGINT NOT NULL REFERENCES categories (id),
  brand_id BIGINT REFERENCES brands (id),
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  unit TEXT NOT NULL DEFAULT '',
  origin_village_code TEXT NOT NULL REFERENCES divisions (code),
  sale_attributes_json TEXT NOT NULL DEFAULT '[]',
  images_json TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL CHECK (status IN ('submitted', 'store_accepted', 'listed', 'delisted', 'rejected')),
  min_price_fen BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX products_platform_status ON products (platform_id, status, id);
CREATE INDEX products_status ON products (status, id);
CREATE INDEX products_updated ON products (updated_at);

CREATE TABLE skus (
  id {{pk}},
  product_id BIGINT NOT NULL REFERENCES products (id),
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  code TEXT NOT NULL,
  attrs_json TEXT NOT NULL DEFAULT '{}',
  price_fen BIGINT NOT NULL CHECK (price_fen > 0),
  stock BIGINT NOT NULL CHECK (stock >= 0),
  weight_g BIGINT,
  gtin TEXT,
  cold_chain INTEGER NOT NULL DEFAULT 0,
  UNIQUE (product_id, code)
);
CREATE INDEX skus_product ON skus (product_id);

-- Certifications of a product or of a producer (三品一标, 承诺达标合格证).
CREATE TABLE certifications (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  product_id BIGINT REFERENCES products (id),
  producer_id BIGINT REFERENCES producers (id),
  kind TEXT NOT NULL CHECK (kind IN ('gi', 'green', 'organic', 'compliance')),
  number TEXT NOT NULL,
  issuer TEXT NOT NULL,
  valid_from BIGINT NOT NULL,
  valid_until BIGINT NOT NULL,
  evidence_url TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX certifications_product ON certifications (product_id);

CREATE TABLE listing_events (
  id {{pk}},
  product_id BIGINT NOT NULL REFERENCES products (id),
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  actor_user_id BIGINT,
  actor_name TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL
);
CREATE INDEX listing_events_product ON listing_events (product_id, id);
