-- The platform end, first part: buyers' delivery addresses and shopping carts.

-- An address is a village or town community (12-digit division code) plus the house.
-- The recipient's phone is personal data: encrypted like households' (base64 secretbox).
CREATE TABLE addresses (
  id {{pk}},
  user_id BIGINT NOT NULL REFERENCES users (id),
  recipient TEXT NOT NULL,
  phone_enc TEXT NOT NULL,
  division_code TEXT NOT NULL REFERENCES divisions (code),
  detail TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX addresses_user ON addresses (user_id, id);

-- A cart spans stores; checkout will split it into one order per store.
CREATE TABLE cart_items (
  user_id BIGINT NOT NULL REFERENCES users (id),
  sku_id BIGINT NOT NULL REFERENCES skus (id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  added_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, sku_id)
);
