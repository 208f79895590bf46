// Orders as the mall and the console meet them, the same as the server's (src/orders/
// checkout.cpp): checkout turns the cart's lines on sale into one order per store, each
// order moves pending_payment → paid → packed → shipped → delivered → completed, and an
// unpaid one may be cancelled. Payment is online (lib/payments.js), or cash collected on
// delivery or at the pickup point and confirmed by the store, a courier or the county office.
export const kOrderStatuses = ['pending_payment', 'paid', 'packed', 'shipped', 'delivered', 'completed', 'cancelled']
export const kDeliveryModes = ['same_city', 'village_point', 'pickup', 'express']
// The modes a buyer may choose a delivery window for (lib/delivery.js deliverySlots).
export const kWindowModes = ['same_city', 'village_point']

// The server's pattern for the Idempotency-Key header: 1 to 64 of these.
export const kIdempotencyKeyPattern = /^[A-Za-z0-9_.:-]{1,64}$/
const kKeyAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

// A fresh Idempotency-Key: a UUID where the browser makes them (crypto.randomUUID exists
// only on HTTPS and localhost), else 32 random letters and digits.
export function newIdempotencyKey(source = globalThis.crypto) {
  if (typeof source?.randomUUID === 'function') return source.randomUUID()
  const bytes = new Uint8Array(32)
  if (typeof source?.getRandomValues === 'function') source.getRandomValues(bytes)
  else for (let index = 0; index < bytes.length; index += 1) bytes[index] = Math.floor(Math.random() * 256)
  // 256 = 4 × 62 + 8: the first 8 characters come a little more often, which a key can bear.
  return Array.from(bytes, (byte) => kKeyAlphabet[byte % kKeyAlphabet.length]).join('')
}

// Whether a failed request may have been carried out all the same: no answer came (the
// network), or the server failed on its side. Any other answer is the server's last word.
export function outcomeUnknown(error) {
  const status = error?.status
  return typeof status !== 'number' || status === 0 || status === 408 || status >= 500
}

// The checkout attempts of one buyer. An attempt is one body (address, delivery mode,
// note) sent with one key until it gets an answer: a retry after a lost answer reuses
// the key, so the server answers with the orders it made the first time instead of making
// them again. An answer ends the attempt, and so does a change of body (the server would
// refuse the old key with another body): the next press starts a new attempt.
export function createCheckoutAttempts(makeKey = newIdempotencyKey) {
  let pending = null

  return {
    // The key to send `body` with.
    keyFor(body) {
      const signature = JSON.stringify(body)
      if (!pending || pending.signature !== signature) pending = { key: makeKey(), signature }
      return pending.key
    },
    // After the request: a success or a refusal ends the attempt; with `error` whose
    // outcome is unknown the attempt stays open for a retry.
    settle(error) {
      if (!error || !outcomeUnknown(error)) pending = null
    },
    get pendingKey() {
      return pending?.key ?? ''
    },
  }
}

// What checking out the cart (GET /cart's answer) would buy: the lines on sale, store by
// store, with their subtotals and total; `blocking`, the lines that would make the server
// refuse the checkout (listed without the stock for them: fewer, or none, must be bought);
// `skipped`, the lines the server leaves in the cart (no longer listed).
export function checkoutPreview(cart) {
  const stores = []
  const blocking = []
  const skipped = []
  for (const group of cart?.stores ?? []) {
    const items = group.items.filter((line) => line.available)
    for (const line of group.items) {
      if (line.available) continue
      // A line with the stock for it that is not available is off sale; without the
      // stock it may be either, and the server refuses the checkout if it is listed.
      if (line.stock >= line.quantity) skipped.push(line)
      else blocking.push(line)
    }
    if (items.length) {
      const subtotal = items.reduce((sum, line) => sum + line.price_fen * line.quantity, 0)
      stores.push({ store: group.store, items, subtotal_fen: subtotal })
    }
  }
  const total = stores.reduce((sum, group) => sum + group.subtotal_fen, 0)
  const count = stores.reduce((sum, group) => sum + group.items.reduce((units, line) => units + line.quantity, 0), 0)
  return { stores, total_fen: total, count, blocking, skipped }
}

// The product named in the server's refusal of a checkout for want of stock
// ("<name> does not have <quantity> in stock"), or null for any other message.
export function shortStockOf(message) {
  const match = /^(.+) does not have (\d+) in stock$/.exec(message ?? '')
  return match ? { name: match[1], quantity: Number(match[2]) } : null
}

// The store named in the server's refusal of same-city delivery or a village point for an
// address outside its county ("<store> delivers same-city and to village points only in
// its own county: …"), or null for any other message.
export function localModeRefusalOf(message) {
  const match = /^(.+) delivers same-city and to village points only in its own county/.exec(message ?? '')
  return match ? { store: match[1] } : null
}

// Units in an order.
export function unitCount(order) {
  return (order?.items ?? []).reduce((sum, item) => sum + item.quantity, 0)
}

// Whole minutes until `deadline` (epoch ms) at `now`, never below 0; rounded up, so that
// 30 seconds left are "1 minute".
export function minutesLeft(deadline, now) {
  return Math.max(0, Math.ceil((deadline - now) / 60_000))
}

// What the buyer may do to their own order in the mall: pay it online (with the rest of
// its checkout) or cancel it while unpaid, confirm receipt once it is on its way or
// delivered (the server takes `complete` from shipped as well as from delivered, but not
// of a cash-on-delivery order whose cash is not recorded yet).
export function buyerActionsFor(order) {
  if (order?.status === 'pending_payment') return ['pay', 'cancel']
  if (order?.status !== 'shipped' && order?.status !== 'delivered') return []
  return order.payment_method === 'cash_on_delivery' && !order.payment ? [] : ['complete']
}

// Delivery modes whose orders get a 6-digit pickup code, which the buyer shows at the
// store or the village point to take the goods (the console's `redeem`).
export const kPickupModes = ['pickup', 'village_point']

// Whether the order detail shows the pickup code: the buyer's own order (anyone else
// reads ******) once it is paid and until it is handed over.
export function pickupCodeShown(order) {
  return /^\d{6}$/.test(order?.pickup_code ?? '') && ['paid', 'packed', 'shipped'].includes(order?.status)
}

// The body of POST /orders from the checkout page's choices: `note` only when there is
// one; `agent` ({name, householdId}) makes a village agent's order for a villager (代购,
// store keepers only); `sale` ({event_id, sku_id, quantity}) buys one SKU of a sale event
// instead of the cart; `paymentMethod` 'cash' makes cash-on-delivery orders (packed and
// sent unpaid, paid when handed over), anything else online ones; `deliveryWindow` ({day,
// slot}) is the window the buyer chose, sent for same-city and village-point delivery only
// (without one the order comes within two days).
export function checkoutBody({
  addressId,
  deliveryMode,
  note = '',
  agent = null,
  sale = null,
  paymentMethod = 'online',
  deliveryWindow = null,
}) {
  const body = { address_id: addressId, delivery_mode: deliveryMode }
  if (deliveryWindow && kWindowModes.includes(deliveryMode))
    body.delivery_window = { day: deliveryWindow.day, slot: deliveryWindow.slot }
  if (paymentMethod === 'cash') body.payment_method = 'cash_on_delivery'
  const text = note.trim()
  if (text) body.note = text
  if (sale) body.sale = { event_id: sale.event_id, sku_id: sale.sku_id, quantity: sale.quantity }
  if (agent) {
    body.on_behalf_of = { name: agent.name.trim() }
    if (agent.householdId) body.on_behalf_of.household_id = agent.householdId
  }
  return body
}

// The body of POST /orders/quote for a checkout body: what decides the cost (the address,
// the delivery mode, the sale), so that typing a note or a name does not ask again.
export function quoteBody(body) {
  const quote = { address_id: body.address_id, delivery_mode: body.delivery_mode }
  if (body.sale) quote.sale = body.sale
  return quote
}

// The quote's order for store `storeId` ({store, goods_fen, freight_fen, total_fen}), or null.
export function quotedStore(quote, storeId) {
  return quote?.orders?.find((order) => order.store?.id === storeId) ?? null
}

// Whether a failed quote stops the checkout: a refusal the checkout would meet as well
// (a region a store does not deliver to, a sale that is over). A quote that got no answer
// only leaves the freight unknown; the checkout itself may still be placed.
export function quoteBlocks(error) {
  return !outcomeUnknown(error) && [403, 409, 422].includes(error?.status)
}
