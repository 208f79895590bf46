-- Paying on delivery and fulfilment: cash collected by the store, a courier or a village
-- agent is a payment like any other; shipping records the carrier and waybill.

CREATE TABLE payments (
  id {{pk}},
  order_id BIGINT NOT NULL REFERENCES orders (id),
  platform_id BIGINT NOT NULL REFERENCES platforms (id),
  provider TEXT NOT NULL CHECK (provider IN ('cash', 'sandbox')),
  amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
  reference TEXT NOT NULL DEFAULT '',
  confirmed_by BIGINT REFERENCES users (id),
  paid_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX payments_order ON payments (order_id);

ALTER TABLE orders ADD COLUMN carrier TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN waybill TEXT NOT NULL DEFAULT '';
CREATE INDEX orders_status_updated ON orders (status, updated_at);
