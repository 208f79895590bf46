// Sale events (src/orders/sales.cpp): flash sales (秒杀) and live-stream sessions (直播带货)
// of one store, each with a time window, a per-buyer limit and its own stock of chosen SKUs
// at a sale price. A buyer buys one SKU of a live event with POST /orders and `sale`.
import { yuanToFen } from './money.js'

export const kSaleEventKinds = ['flash', 'live']
export const kSaleEventStates = ['live', 'upcoming', 'ended']
// The server's limits (NewSaleEvent).
export const kMaxSaleSkus = 20
export const kMaxSaleWindowMs = 31 * 24 * 3600 * 1000
export const kMaxPerBuyerLimit = 999

// Where the event stands at `now` (epoch ms): the server's `state` as of the answer, moved
// on by the clock while the page stays open.
export function saleStateAt(event, now) {
  if (event.status === 'closed' || now >= event.ends_at) return 'ended'
  return now < event.starts_at ? 'upcoming' : 'live'
}

// The time until `until` at `now`, as {days, hours, minutes, seconds}, never negative.
export function countdownParts(until, now) {
  let seconds = Math.max(0, Math.ceil((until - now) / 1000))
  const days = Math.floor(seconds / 86_400)
  seconds -= days * 86_400
  const hours = Math.floor(seconds / 3600)
  seconds -= hours * 3600
  const minutes = Math.floor(seconds / 60)
  return { days, hours, minutes, seconds: seconds - minutes * 60 }
}

// "05:07:09", the hours, minutes and seconds of a countdown.
export function clockText({ hours, minutes, seconds }) {
  return [hours, minutes, seconds].map((value) => String(value).padStart(2, '0')).join(':')
}

// How many of `sku` one buyer may take at once: the per-buyer limit, the event's stock.
export function maxSaleQuantity(event, sku) {
  return Math.max(0, Math.min(event.per_buyer_limit, sku.stock))
}

// The percentage off the regular price, rounded down (0 when there is no discount).
export function percentOff(sku) {
  if (!sku.price_fen || sku.sale_price_fen >= sku.price_fen) return 0
  return Math.floor(((sku.price_fen - sku.sale_price_fen) * 100) / sku.price_fen)
}

// What a checkout of a sale was refused for (the server's 409 messages are in English):
// {reason: 'ended' | 'notStarted' | 'limit' | 'soldOut', limit?}, or null for another.
export function saleRefusalOf(message) {
  const text = message ?? ''
  if (text === 'the sale has ended') return { reason: 'ended' }
  if (text === 'the sale has not started yet') return { reason: 'notStarted' }
  const limit = /^each buyer may buy at most (\d+) in this sale$/.exec(text)
  if (limit) return { reason: 'limit', limit: Number(limit[1]) }
  if (text.startsWith('sold out')) return { reason: 'soldOut' }
  return null
}

// What is wrong with a new event (the console's form), as {field, problem} (field as the
// server names it, problem a key of admin.sale.problem), or null. `form`: {kind, title,
// window: [startsAt, endsAt] epoch ms, per_buyer_limit, skus: [{sku_id, sale_price_yuan,
// stock, price_fen, available}]} where price_fen and available are the SKU's own.
export function saleEventProblem(form, now) {
  if (!kSaleEventKinds.includes(form.kind)) return { field: 'kind', problem: 'kind' }
  if (!form.title.trim()) return { field: 'title', problem: 'title' }
  const [startsAt, endsAt] = form.window ?? []
  if (!startsAt || !endsAt) return { field: 'starts_at', problem: 'window' }
  if (endsAt <= startsAt) return { field: 'ends_at', problem: 'endsBeforeStart' }
  if (endsAt <= now) return { field: 'ends_at', problem: 'over' }
  if (endsAt - startsAt > kMaxSaleWindowMs) return { field: 'ends_at', problem: 'tooLong' }
  if (!Number.isInteger(form.per_buyer_limit) || form.per_buyer_limit < 1 || form.per_buyer_limit > kMaxPerBuyerLimit)
    return { field: 'per_buyer_limit', problem: 'limit' }
  if (!form.skus.length) return { field: 'skus', problem: 'noSkus' }
  const seen = new Set()
  for (const [index, sku] of form.skus.entries()) {
    const at = `skus[${index}]`
    if (!sku.sku_id) return { field: `${at}.sku_id`, problem: 'sku' }
    if (seen.has(sku.sku_id)) return { field: `${at}.sku_id`, problem: 'skuTwice' }
    seen.add(sku.sku_id)
    const price = yuanToFen(sku.sale_price_yuan)
    if (sku.sale_price_yuan === '' || sku.sale_price_yuan == null || !(price >= 1))
      return { field: `${at}.sale_price_fen`, problem: 'price' }
    if (sku.price_fen != null && price > sku.price_fen) return { field: `${at}.sale_price_fen`, problem: 'priceAbove' }
    if (!Number.isInteger(sku.stock) || sku.stock < 1) return { field: `${at}.stock`, problem: 'stock' }
    if (sku.available != null && sku.stock > sku.available) return { field: `${at}.stock`, problem: 'stockAbove' }
  }
  return null
}

// The body of POST /sale-events for the form (see saleEventProblem); `storeId` for a
// county admin (a store keeper's events are their store's).
export function saleEventBody(form, storeId = null) {
  const body = {
    kind: form.kind,
    title: form.title.trim(),
    starts_at: form.window[0],
    ends_at: form.window[1],
    per_buyer_limit: form.per_buyer_limit,
    skus: form.skus.map((sku) => ({
      sku_id: sku.sku_id,
      sale_price_fen: yuanToFen(sku.sale_price_yuan),
      stock: sku.stock,
    })),
  }
  const host = (form.host ?? '').trim()
  if (host) body.host = host
  if (storeId) body.store_id = storeId
  return body
}
