-- Orders: a checkout turns the buyer's cart into one order per store, paid together.
-- Order rows keep a snapshot of the address, names and prices as they were at checkout;
-- every change of an order's status is an order_events row (append-only).

CREATE TABLE checkouts (
  id {{pk}},
  user_id BIGINT NOT NULL REFERENCES users (id),
  idempotency_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  total_fen BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (user_id, idempotency_key)
);

CREATE TABLE orders (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  store_id BIGINT NOT NULL REFERENCES stores (id),
  buyer_user_id BIGINT NOT NULL REFERENCES users (id),
  checkout_id BIGINT NOT NULL REFERENCES checkouts (id),
  status TEXT NOT NULL CHECK (status IN ('pending_payment', 'paid', 'packed', 'shipped', 'delivered', 'completed', 'cancelled')),
  delivery_mode TEXT NOT NULL CHECK (delivery_mode IN ('same_city', 'village_point', 'pickup', 'express')),
  recipient TEXT NOT NULL,
  phone_enc TEXT NOT NULL,
  division_code TEXT NOT NULL REFERENCES divisions (code),
  address_detail TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  goods_fen BIGINT NOT NULL,
  freight_fen BIGINT NOT NULL,
  total_fen BIGINT NOT NULL,
  pay_deadline BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX orders_buyer ON orders (buyer_user_id, id);
CREATE INDEX orders_store ON orders (store_id, id);
CREATE INDEX orders_platform_status ON orders (platform_id, status, id);
CREATE INDEX orders_pay_deadline ON orders (status, pay_deadline);

CREATE TABLE order_items (
  id {{pk}},
  order_id BIGINT NOT NULL REFERENCES orders (id),
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  sku_id BIGINT NOT NULL REFERENCES skus (id),
  product_id BIGINT NOT NULL REFERENCES products (id),
  producer_id BIGINT NOT NULL REFERENCES producers (id),
  name TEXT NOT NULL,
  sku_code TEXT NOT NULL,
  price_fen BIGINT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  subtotal_fen BIGINT NOT NULL
);
CREATE INDEX order_items_order ON order_items (order_id);

CREATE TABLE order_events (
  id {{pk}},
  order_id BIGINT NOT NULL REFERENCES orders (id),
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  actor_user_id BIGINT,
  actor_name TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, id);
