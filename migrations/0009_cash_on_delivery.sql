-- Cash on delivery (货到付款): the order is packed and sent before it is paid; the courier,
-- the village agent or the pickup point collects the cash when the goods are handed over.
ALTER TABLE orders ADD COLUMN payment_method TEXT NOT NULL DEFAULT 'online'
  CHECK (payment_method IN ('online', 'cash_on_delivery'));
