import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/client.js'
import {
  buyerActionsFor,
  checkoutBody,
  checkoutPreview,
  createCheckoutAttempts,
  kIdempotencyKeyPattern,
  localModeRefusalOf,
  minutesLeft,
  newIdempotencyKey,
  outcomeUnknown,
  pickupCodeShown,
  quoteBlocks,
  quoteBody,
  quotedStore,
  shortStockOf,
  unitCount,
} from './orders.js'

describe('newIdempotencyKey', () => {
  it('is a UUID where the browser makes them', () => {
    const key = newIdempotencyKey({ randomUUID: () => '0b5c1a9e-8d4b-4f7e-9a51-3c2d1e0f9a8b' })
    expect(key).toBe('0b5c1a9e-8d4b-4f7e-9a51-3c2d1e0f9a8b')
    expect(key).toMatch(kIdempotencyKeyPattern)
  })

  it('is 32 random letters and digits without randomUUID (plain HTTP)', () => {
    const key = newIdempotencyKey({ getRandomValues: (bytes) => bytes.fill(200) })
    expect(key).toMatch(/^[A-Za-z0-9]{32}$/)
    expect(key).toMatch(kIdempotencyKeyPattern)
  })

  it('falls back to Math.random without any crypto, and differs from call to call', () => {
    const first = newIdempotencyKey(null)
    expect(first).toMatch(/^[A-Za-z0-9]{32}$/)
    expect(newIdempotencyKey(null)).not.toBe(first)
  })

  it("makes keys the server takes with this platform's crypto", () => {
    expect(newIdempotencyKey()).toMatch(kIdempotencyKeyPattern)
  })
})

describe('outcomeUnknown', () => {
  it('holds for no answer and for failures on the server side', () => {
    expect(outcomeUnknown(new ApiError(0, { code: 'network' }))).toBe(true)
    expect(outcomeUnknown(new ApiError(500))).toBe(true)
    expect(outcomeUnknown(new ApiError(503))).toBe(true)
    expect(outcomeUnknown(new Error('boom'))).toBe(true)
  })

  it('does not hold for refusals', () => {
    for (const status of [400, 401, 403, 409, 422]) expect(outcomeUnknown(new ApiError(status))).toBe(false)
  })
})

describe('createCheckoutAttempts', () => {
  function counter() {
    let made = 0
    return () => `key-${++made}`
  }
  const body = { address_id: 3, delivery_mode: 'pickup' }

  it('reuses the key when a request of the same body got no answer', () => {
    const attempts = createCheckoutAttempts(counter())
    expect(attempts.keyFor(body)).toBe('key-1')
    attempts.settle(new ApiError(0, { code: 'network' }))
    expect(attempts.keyFor({ ...body })).toBe('key-1')
    attempts.settle(new ApiError(502))
    expect(attempts.keyFor(body)).toBe('key-1')
    expect(attempts.pendingKey).toBe('key-1')
  })

  it('starts a new attempt after a success', () => {
    const attempts = createCheckoutAttempts(counter())
    attempts.keyFor(body)
    attempts.settle()
    expect(attempts.pendingKey).toBe('')
    expect(attempts.keyFor(body)).toBe('key-2')
  })

  it('starts a new attempt after a refusal, such as stock running short', () => {
    const attempts = createCheckoutAttempts(counter())
    attempts.keyFor(body)
    attempts.settle(new ApiError(409, { message: '成县核桃 does not have 2 in stock' }))
    expect(attempts.keyFor(body)).toBe('key-2')
  })

  it('starts a new attempt when the buyer changes the order', () => {
    const attempts = createCheckoutAttempts(counter())
    attempts.keyFor(body)
    attempts.settle(new ApiError(0, { code: 'network' }))
    expect(attempts.keyFor({ ...body, delivery_mode: 'express' })).toBe('key-2')
  })
})

const line = (skuId, fields) => ({ sku_id: skuId, price_fen: 1000, quantity: 1, stock: 10, available: true, ...fields })

describe('checkoutPreview', () => {
  it('keeps the lines on sale store by store, with subtotals and the total', () => {
    const preview = checkoutPreview({
      stores: [
        { store: { id: 36, name: '东街' }, items: [line(1, { quantity: 2 }), line(2, { price_fen: 450 })] },
        { store: { id: 281, name: '东北街' }, items: [line(3, { price_fen: 6800 })] },
      ],
    })
    expect(preview.stores.map((group) => [group.store.id, group.subtotal_fen])).toEqual([
      [36, 2450],
      [281, 6800],
    ])
    expect(preview.total_fen).toBe(9250)
    expect(preview.count).toBe(4)
    expect(preview.blocking).toEqual([])
    expect(preview.skipped).toEqual([])
  })

  it('leaves out off-sale lines and names the lines without the stock', () => {
    const offSale = line(2, { available: false, stock: 5 })
    const short = line(3, { available: false, quantity: 4, stock: 2 })
    const soldOut = line(4, { available: false, stock: 0 })
    const preview = checkoutPreview({
      stores: [
        { store: { id: 36 }, items: [line(1), offSale] },
        { store: { id: 37 }, items: [short, soldOut] },
      ],
    })
    expect(preview.stores.map((group) => group.store.id)).toEqual([36])
    expect(preview.total_fen).toBe(1000)
    expect(preview.skipped).toEqual([offSale])
    expect(preview.blocking).toEqual([short, soldOut])
  })

  it('has nothing to buy in an empty cart', () => {
    expect(checkoutPreview({ stores: [], total_fen: 0, count: 0 })).toMatchObject({ stores: [], total_fen: 0 })
    expect(checkoutPreview(null).stores).toEqual([])
  })
})

describe('shortStockOf', () => {
  it("reads the product out of the server's refusal", () => {
    expect(shortStockOf('成县核桃（带壳）1kg does not have 3 in stock')).toEqual({
      name: '成县核桃（带壳）1kg',
      quantity: 3,
    })
  })

  it('is null for other messages', () => {
    expect(shortStockOf('the cart holds nothing that is on sale')).toBeNull()
    expect(shortStockOf(undefined)).toBeNull()
  })
})

describe('localModeRefusalOf', () => {
  it("reads the store out of the server's refusal", () => {
    expect(
      localModeRefusalOf(
        '成县东街店 delivers same-city and to village points only in its own county: choose express for this address',
      ),
    ).toEqual({ store: '成县东街店' })
  })

  it('is null for other messages', () => {
    expect(localModeRefusalOf('成县东街店 does not deliver to this address')).toBeNull()
    expect(localModeRefusalOf(undefined)).toBeNull()
  })
})

describe('order helpers', () => {
  it('counts the units of an order', () => {
    expect(unitCount({ items: [{ quantity: 2 }, { quantity: 3 }] })).toBe(5)
    expect(unitCount({})).toBe(0)
  })

  it('rounds the minutes left up and stops at 0', () => {
    expect(minutesLeft(1_800_000, 0)).toBe(30)
    expect(minutesLeft(60_001, 30_000)).toBe(1)
    expect(minutesLeft(1000, 5000)).toBe(0)
  })

  it('lets the buyer pay or cancel unpaid orders and confirm shipped or delivered ones', () => {
    expect(buyerActionsFor({ status: 'pending_payment' })).toEqual(['pay', 'cancel'])
    expect(buyerActionsFor({ status: 'shipped' })).toEqual(['complete'])
    expect(buyerActionsFor({ status: 'delivered' })).toEqual(['complete'])
    for (const status of ['paid', 'packed', 'completed', 'cancelled']) expect(buyerActionsFor({ status })).toEqual([])
  })

  it('waits for the cash of a cash-on-delivery order before receipt is confirmed', () => {
    const cod = { status: 'shipped', payment_method: 'cash_on_delivery', payment: null }
    expect(buyerActionsFor(cod)).toEqual([])
    expect(buyerActionsFor({ ...cod, status: 'delivered', payment: { provider: 'cash' } })).toEqual(['complete'])
  })

  it('shows the pickup code of a paid order until it is handed over', () => {
    for (const status of ['paid', 'packed', 'shipped'])
      expect(pickupCodeShown({ status, pickup_code: '482913' })).toBe(true)
    for (const status of ['pending_payment', 'delivered', 'completed', 'cancelled'])
      expect(pickupCodeShown({ status, pickup_code: '482913' })).toBe(false)
    expect(pickupCodeShown({ status: 'paid', pickup_code: '' })).toBe(false)
    expect(pickupCodeShown({ status: 'paid', pickup_code: '******' })).toBe(false)
    expect(pickupCodeShown(null)).toBe(false)
  })
})

describe('checkoutBody', () => {
  it('asks for cash on delivery when paying in cash', () => {
    expect(checkoutBody({ addressId: 3, deliveryMode: 'same_city', paymentMethod: 'cash' })).toEqual({
      address_id: 3,
      delivery_mode: 'same_city',
      payment_method: 'cash_on_delivery',
    })
    expect(checkoutBody({ addressId: 3, deliveryMode: 'same_city', paymentMethod: 'online' })).toEqual({
      address_id: 3,
      delivery_mode: 'same_city',
    })
  })

  it('sends the address and the delivery mode, and the note when there is one', () => {
    expect(checkoutBody({ addressId: 3, deliveryMode: 'pickup', note: '  ' })).toEqual({
      address_id: 3,
      delivery_mode: 'pickup',
    })
    expect(checkoutBody({ addressId: 3, deliveryMode: 'express', note: ' 下午送 ' })).toEqual({
      address_id: 3,
      delivery_mode: 'express',
      note: '下午送',
    })
  })

  it("adds a village agent's villager, with the household when one was chosen", () => {
    expect(
      checkoutBody({ addressId: 3, deliveryMode: 'pickup', agent: { name: ' 张大爷 ', householdId: null } }),
    ).toEqual({ address_id: 3, delivery_mode: 'pickup', on_behalf_of: { name: '张大爷' } })
    expect(
      checkoutBody({ addressId: 3, deliveryMode: 'pickup', agent: { name: '张大爷', householdId: 17 } }).on_behalf_of,
    ).toEqual({ name: '张大爷', household_id: 17 })
  })

  it('sends the chosen delivery window for same-city and village-point delivery only', () => {
    const deliveryWindow = { day: '2026-12-01', slot: 'afternoon', start: 1, end: 2, label: '14:00–18:00' }
    for (const deliveryMode of ['same_city', 'village_point'])
      expect(checkoutBody({ addressId: 3, deliveryMode, deliveryWindow })).toEqual({
        address_id: 3,
        delivery_mode: deliveryMode,
        delivery_window: { day: '2026-12-01', slot: 'afternoon' },
      })
    for (const deliveryMode of ['pickup', 'express'])
      expect(checkoutBody({ addressId: 3, deliveryMode, deliveryWindow })).toEqual({
        address_id: 3,
        delivery_mode: deliveryMode,
      })
    expect(checkoutBody({ addressId: 3, deliveryMode: 'same_city', deliveryWindow: null })).toEqual({
      address_id: 3,
      delivery_mode: 'same_city',
    })
  })

  it('buys one SKU of a sale instead of the cart', () => {
    expect(
      checkoutBody({ addressId: 3, deliveryMode: 'express', sale: { event_id: 5, sku_id: 9, quantity: 2, extra: 1 } }),
    ).toEqual({ address_id: 3, delivery_mode: 'express', sale: { event_id: 5, sku_id: 9, quantity: 2 } })
  })
})

describe('quotes', () => {
  it('asks about what decides the cost only', () => {
    const sale = { event_id: 5, sku_id: 9, quantity: 1 }
    expect(
      quoteBody({ address_id: 3, delivery_mode: 'express', note: 'x', on_behalf_of: { name: '张大爷' }, sale }),
    ).toEqual({ address_id: 3, delivery_mode: 'express', sale })
    expect(quoteBody({ address_id: 3, delivery_mode: 'pickup', note: 'x' })).toEqual({
      address_id: 3,
      delivery_mode: 'pickup',
    })
    // The delivery window does not change the freight.
    const window = { day: '2026-12-01', slot: 'morning' }
    expect(quoteBody({ address_id: 3, delivery_mode: 'same_city', delivery_window: window })).toEqual({
      address_id: 3,
      delivery_mode: 'same_city',
    })
  })

  it("finds a store's order in the quote", () => {
    const quote = { orders: [{ store: { id: 36 }, freight_fen: 800 }], total_fen: 4800 }
    expect(quotedStore(quote, 36).freight_fen).toBe(800)
    expect(quotedStore(quote, 37)).toBeNull()
    expect(quotedStore(null, 36)).toBeNull()
  })

  it('is stopped by refusals, not by a lost answer', () => {
    expect(quoteBlocks(new ApiError(422, { field: 'address_id' }))).toBe(true)
    expect(quoteBlocks(new ApiError(409, { field: 'sale' }))).toBe(true)
    expect(quoteBlocks(new ApiError(403))).toBe(true)
    expect(quoteBlocks(new ApiError(0, { code: 'network' }))).toBe(false)
    expect(quoteBlocks(new ApiError(503))).toBe(false)
  })
})
