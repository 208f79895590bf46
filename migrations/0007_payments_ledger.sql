-- Online payment, refunds, after-sales and the payout ledger.
--
-- payment_intents: the platform's side of an online payment of one checkout (prepay id).
-- payment_notifications: every callback a provider sent, accepted or not (forgeries too).
-- sandbox_*: the provider's own side of the sandbox payment provider (what WeChat Pay or
--   Alipay keep on their servers), with its outbox of signed notifications.
-- refunds: money returned to a buyer, through the provider the order was paid with.
-- ledger_entries: append-only; every paid order item credits its producer (minus the
--   platform's commission, which the platform account receives), freight credits the store,
--   and refunds post reversing entries. The entries of an order always sum to its payment
--   minus its refunds.

CREATE TABLE payment_intents (
  id {{pk}},
  checkout_id BIGINT NOT NULL REFERENCES checkouts (id),
  buyer_user_id BIGINT NOT NULL REFERENCES users (id),
  provider TEXT NOT NULL CHECK (provider IN ('sandbox')),
  prepay_id TEXT NOT NULL UNIQUE,
  amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
  status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'closed')),
  transaction_id TEXT NOT NULL DEFAULT '',
  surplus_refunded_fen BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  paid_at BIGINT
);
CREATE INDEX payment_intents_checkout ON payment_intents (checkout_id, id);

CREATE TABLE payment_notifications (
  id {{pk}},
  provider TEXT NOT NULL,
  nonce TEXT NOT NULL,
  prepay_id TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'forged', 'stale', 'malformed', 'unknown', 'mismatch')),
  detail TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  received_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX payment_notifications_accepted ON payment_notifications (provider, nonce) WHERE outcome = 'accepted';
CREATE INDEX payment_notifications_received ON payment_notifications (received_at);

CREATE TABLE sandbox_prepays (
  prepay_id TEXT PRIMARY KEY,
  merchant_ref TEXT NOT NULL,
  amount_fen BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('created', 'paid')),
  transaction_id TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  paid_at BIGINT
);

CREATE TABLE sandbox_notifications (
  id {{pk}},
  prepay_id TEXT NOT NULL REFERENCES sandbox_prepays (prepay_id),
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,
  delivered_at BIGINT
);
CREATE INDEX sandbox_notifications_due ON sandbox_notifications (delivered_at, next_at);

CREATE TABLE sandbox_refunds (
  id {{pk}},
  transaction_id TEXT NOT NULL,
  refund_id TEXT NOT NULL UNIQUE,
  amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
  created_at BIGINT NOT NULL
);
CREATE INDEX sandbox_refunds_transaction ON sandbox_refunds (transaction_id);

CREATE TABLE after_sales (
  id {{pk}},
  order_id BIGINT NOT NULL REFERENCES orders (id),
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  store_id BIGINT NOT NULL REFERENCES stores (id),
  buyer_user_id BIGINT NOT NULL REFERENCES users (id),
  kind TEXT NOT NULL CHECK (kind IN ('refund_only', 'return_refund')),
  status TEXT NOT NULL CHECK (status IN ('requested', 'accepted', 'returned', 'refunded', 'rejected', 'withdrawn')),
  amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
  reason TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  photos_json TEXT NOT NULL DEFAULT '[]',
  return_carrier TEXT NOT NULL DEFAULT '',
  return_waybill TEXT NOT NULL DEFAULT '',
  store_note TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX after_sales_order ON after_sales (order_id, id);
CREATE INDEX after_sales_store_status ON after_sales (store_id, status, id);
CREATE INDEX after_sales_platform_status ON after_sales (platform_id, status, id);
-- At most one open request per order.
CREATE UNIQUE INDEX after_sales_open ON after_sales (order_id) WHERE status IN ('requested', 'accepted', 'returned');

CREATE TABLE after_sale_items (
  after_sale_id BIGINT NOT NULL REFERENCES after_sales (id),
  order_item_id BIGINT NOT NULL REFERENCES order_items (id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (after_sale_id, order_item_id)
);

CREATE TABLE after_sale_events (
  id {{pk}},
  after_sale_id BIGINT NOT NULL REFERENCES after_sales (id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  actor_user_id BIGINT,
  actor_name TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL
);
CREATE INDEX after_sale_events_request ON after_sale_events (after_sale_id, id);

-- How much of each order item has gone back to stock (cancellation, refund before
-- shipment, returned goods). Every restock moves this forward under a guard, so no path
-- can put the same unit back twice.
ALTER TABLE order_items ADD COLUMN restocked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN refunded_fen BIGINT NOT NULL DEFAULT 0;

CREATE TABLE refunds (
  id {{pk}},
  order_id BIGINT NOT NULL REFERENCES orders (id),
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  after_sale_id BIGINT REFERENCES after_sales (id),
  payment_id BIGINT NOT NULL REFERENCES payments (id),
  provider TEXT NOT NULL,
  amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
  reference TEXT NOT NULL,
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL
);
CREATE INDEX refunds_order ON refunds (order_id);

-- The platform's commission in basis points (1/100 of a percent), per county and
-- category; category_id 0 is the county's default. The most specific category wins.
CREATE TABLE commission_rates (
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  category_id BIGINT NOT NULL,
  rate_bp INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 5000),
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (platform_id, category_id)
);

CREATE TABLE ledger_entries (
  id {{pk}},
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  store_id BIGINT NOT NULL REFERENCES stores (id),
  order_id BIGINT NOT NULL REFERENCES orders (id),
  order_item_id BIGINT REFERENCES order_items (id),
  account TEXT NOT NULL CHECK (account IN ('producer', 'platform', 'store')),
  producer_id BIGINT REFERENCES producers (id),
  kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund')),
  amount_fen BIGINT NOT NULL,
  refund_id BIGINT REFERENCES refunds (id),
  at BIGINT NOT NULL
);
CREATE INDEX ledger_entries_producer ON ledger_entries (producer_id, at);
CREATE INDEX ledger_entries_store ON ledger_entries (store_id, at);
CREATE INDEX ledger_entries_platform ON ledger_entries (platform_id, at);
CREATE INDEX ledger_entries_order ON ledger_entries (order_id);
