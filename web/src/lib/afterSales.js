// After-sales requests (售后) as the server keeps them (src/orders/after_sales.cpp): the
// buyer of a paid order that has not completed asks for a refund (refund_only) or, once
// the goods were sent, to return them for a refund (return_refund); the store or the
// county accepts or rejects; a return is sent back by the buyer (carrier and waybill) and
// received by the store; the buyer may withdraw while it is requested or accepted.
export const kAfterSaleKinds = ['refund_only', 'return_refund']
export const kAfterSaleReasons = [
  'not_received',
  'damaged',
  'wrong_item',
  'quality',
  'not_as_described',
  'changed_mind',
  'other',
]
export const kAfterSaleStatuses = ['requested', 'accepted', 'returned', 'refunded', 'rejected', 'withdrawn']
// One open request per order at a time.
export const kOpenAfterSaleStatuses = ['requested', 'accepted', 'returned']
// The server keeps at most this many photos per request.
export const kMaxAfterSalePhotos = 9
export const kMaxDescriptionLength = 500

// Order statuses that may have a request: paid until completed.
const kRequestableStatuses = ['paid', 'packed', 'shipped', 'delivered']
// Goods sent: only these may go back.
const kSentStatuses = ['shipped', 'delivered']

export function isOpenAfterSale(afterSale) {
  return kOpenAfterSaleStatuses.includes(afterSale?.status)
}

// What is left of the order to refund.
export function refundLeft(order) {
  return Math.max(0, (order?.total_fen ?? 0) - (order?.refunded_fen ?? 0))
}

// Whether the buyer may ask for after-sales on `order` now (申请售后): something was paid
// (a cash-on-delivery order is paid only when its goods are handed over).
export function mayRequestAfterSale(order) {
  return (
    kRequestableStatuses.includes(order?.status) &&
    Boolean(order.payment) &&
    !isOpenAfterSale(order.after_sale) &&
    refundLeft(order) > 0
  )
}

// The kinds of request `order` allows: a return only of goods that were sent.
export function afterSaleKindsFor(order) {
  return kSentStatuses.includes(order?.status) ? kAfterSaleKinds : ['refund_only']
}

// The value of the chosen goods, [{order_item_id, quantity}], at the order's prices.
export function chosenValue(order, chosen) {
  return chosen.reduce((sum, { order_item_id: id, quantity }) => {
    const item = order.items.find((candidate) => candidate.id === id)
    return sum + (item ? item.price_fen * quantity : 0)
  }, 0)
}

// The refund asked for unless the buyer says otherwise: the value of the chosen goods,
// or without any everything left of the order; never more than is left.
export function defaultRefund(order, chosen) {
  const left = refundLeft(order)
  return chosen.length ? Math.min(left, chosenValue(order, chosen)) : left
}

// The most the server grants: what is left, and with goods chosen their value plus the
// order's freight.
export function maxRefund(order, chosen) {
  const left = refundLeft(order)
  return chosen.length ? Math.min(left, chosenValue(order, chosen) + (order.freight_fen ?? 0)) : left
}

// What is wrong with the request form, as {field, problem} (field as the server names it,
// problem a key of mall.afterSale.problem), or null. `form`: {kind, reason, chosen,
// amountFen, photos, description}.
export function afterSaleProblem(order, form) {
  if (!afterSaleKindsFor(order).includes(form.kind)) return { field: 'kind', problem: 'kind' }
  if (!kAfterSaleReasons.includes(form.reason)) return { field: 'reason', problem: 'reason' }
  if (form.kind === 'return_refund' && !form.chosen.length) return { field: 'items', problem: 'items' }
  if (!Number.isInteger(form.amountFen) || form.amountFen < 1) return { field: 'amount_fen', problem: 'amount' }
  if (form.amountFen > maxRefund(order, form.chosen)) return { field: 'amount_fen', problem: 'amountTooHigh' }
  if ((form.description ?? '').length > kMaxDescriptionLength) return { field: 'description', problem: 'description' }
  if ((form.photos ?? []).length > kMaxAfterSalePhotos) return { field: 'photos', problem: 'photos' }
  return null
}

// The body of POST /orders/{id}/after-sales.
export function afterSaleBody(form) {
  const body = { kind: form.kind, reason: form.reason, amount_fen: form.amountFen }
  const description = (form.description ?? '').trim()
  if (description) body.description = description
  if (form.chosen.length)
    body.items = form.chosen.map(({ order_item_id: id, quantity }) => ({ order_item_id: id, quantity }))
  if (form.photos?.length) body.photos = [...form.photos]
  return body
}

// The buyer's own steps on their request: withdrawing it while it is requested or
// accepted, and sending the goods back once a return is accepted.
export function buyerAfterSaleActions(afterSale) {
  if (afterSale?.status === 'requested') return ['withdraw']
  if (afterSale?.status === 'accepted')
    return afterSale.kind === 'return_refund' ? ['return', 'withdraw'] : ['withdraw']
  return []
}
