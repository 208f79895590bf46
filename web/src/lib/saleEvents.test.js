import { describe, expect, it } from 'vitest'
import {
  clockText,
  countdownParts,
  maxSaleQuantity,
  percentOff,
  saleEventBody,
  saleEventProblem,
  saleRefusalOf,
  saleStateAt,
} from './saleEvents.js'

const hour = 3_600_000

describe('saleStateAt', () => {
  const event = { status: 'scheduled', starts_at: 10 * hour, ends_at: 12 * hour }

  it('moves from upcoming to live to ended with the clock', () => {
    expect(saleStateAt(event, 9 * hour)).toBe('upcoming')
    expect(saleStateAt(event, 10 * hour)).toBe('live')
    expect(saleStateAt(event, 12 * hour - 1)).toBe('live')
    expect(saleStateAt(event, 12 * hour)).toBe('ended')
  })

  it('has ended once closed', () => {
    expect(saleStateAt({ ...event, status: 'closed' }, 11 * hour)).toBe('ended')
  })
})

describe('countdowns', () => {
  it('splits the time left, rounding seconds up', () => {
    expect(countdownParts(2 * 86_400_000 + 5 * hour + 7 * 60_000 + 8_500, 0)).toEqual({
      days: 2,
      hours: 5,
      minutes: 7,
      seconds: 9,
    })
    expect(countdownParts(0, 5000)).toEqual({ days: 0, hours: 0, minutes: 0, seconds: 0 })
  })

  it('reads like a clock', () => {
    expect(clockText({ hours: 5, minutes: 7, seconds: 9 })).toBe('05:07:09')
  })
})

describe('sale SKUs', () => {
  it('lets a buyer take up to the limit and what is left', () => {
    expect(maxSaleQuantity({ per_buyer_limit: 2 }, { stock: 10 })).toBe(2)
    expect(maxSaleQuantity({ per_buyer_limit: 5 }, { stock: 3 })).toBe(3)
    expect(maxSaleQuantity({ per_buyer_limit: 5 }, { stock: 0 })).toBe(0)
  })

  it('says how much is off', () => {
    expect(percentOff({ price_fen: 6800, sale_price_fen: 4990 })).toBe(26)
    expect(percentOff({ price_fen: 6800, sale_price_fen: 6800 })).toBe(0)
  })
})

describe('saleRefusalOf', () => {
  it("reads the server's refusals", () => {
    expect(saleRefusalOf('the sale has ended')).toEqual({ reason: 'ended' })
    expect(saleRefusalOf('the sale has not started yet')).toEqual({ reason: 'notStarted' })
    expect(saleRefusalOf('each buyer may buy at most 2 in this sale')).toEqual({ reason: 'limit', limit: 2 })
    expect(saleRefusalOf('sold out: the sale has fewer than 3 left')).toEqual({ reason: 'soldOut' })
    expect(saleRefusalOf('no such sale event')).toBeNull()
    expect(saleRefusalOf(undefined)).toBeNull()
  })
})

describe('new sale events', () => {
  const now = 100 * hour
  const form = (fields) => ({
    kind: 'flash',
    title: ' 核桃秒杀 ',
    host: '',
    window: [now + hour, now + 3 * hour],
    per_buyer_limit: 2,
    skus: [{ sku_id: 9, sale_price_yuan: 49.9, stock: 20, price_fen: 6800, available: 500 }],
    ...fields,
  })

  it('passes a complete form and makes the body', () => {
    expect(saleEventProblem(form(), now)).toBeNull()
    expect(saleEventBody(form())).toEqual({
      kind: 'flash',
      title: '核桃秒杀',
      starts_at: now + hour,
      ends_at: now + 3 * hour,
      per_buyer_limit: 2,
      skus: [{ sku_id: 9, sale_price_fen: 4990, stock: 20 }],
    })
    expect(saleEventBody(form({ kind: 'live', host: ' 县长 ' }), 36)).toMatchObject({
      kind: 'live',
      host: '县长',
      store_id: 36,
    })
  })

  it('names the field at fault', () => {
    const problem = (fields) => saleEventProblem(form(fields), now)
    expect(problem({ title: '  ' })).toEqual({ field: 'title', problem: 'title' })
    expect(problem({ window: null })).toEqual({ field: 'starts_at', problem: 'window' })
    expect(problem({ window: [now - 3 * hour, now - hour] })).toEqual({ field: 'ends_at', problem: 'over' })
    expect(problem({ window: [now, now + 32 * 24 * hour] })).toEqual({ field: 'ends_at', problem: 'tooLong' })
    expect(problem({ per_buyer_limit: 0 })).toEqual({ field: 'per_buyer_limit', problem: 'limit' })
    expect(problem({ skus: [] })).toEqual({ field: 'skus', problem: 'noSkus' })
    const sku = form().skus[0]
    expect(problem({ skus: [{ ...sku, sku_id: null }] })).toEqual({ field: 'skus[0].sku_id', problem: 'sku' })
    expect(problem({ skus: [sku, sku] })).toEqual({ field: 'skus[1].sku_id', problem: 'skuTwice' })
    expect(problem({ skus: [{ ...sku, sale_price_yuan: '' }] })).toEqual({
      field: 'skus[0].sale_price_fen',
      problem: 'price',
    })
    expect(problem({ skus: [{ ...sku, sale_price_yuan: 68.01 }] })).toEqual({
      field: 'skus[0].sale_price_fen',
      problem: 'priceAbove',
    })
    expect(problem({ skus: [{ ...sku, stock: 0 }] })).toEqual({ field: 'skus[0].stock', problem: 'stock' })
    expect(problem({ skus: [{ ...sku, stock: 501 }] })).toEqual({ field: 'skus[0].stock', problem: 'stockAbove' })
  })
})
