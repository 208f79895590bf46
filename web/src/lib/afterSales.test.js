import { describe, expect, it } from 'vitest'
import {
  afterSaleBody,
  afterSaleKindsFor,
  afterSaleProblem,
  buyerAfterSaleActions,
  chosenValue,
  defaultRefund,
  isOpenAfterSale,
  maxRefund,
  mayRequestAfterSale,
  refundLeft,
} from './afterSales.js'

const order = (fields) => ({
  status: 'delivered',
  total_fen: 7300,
  freight_fen: 800,
  refunded_fen: 0,
  payment: { provider: 'sandbox', amount_fen: 7300, paid_at: 1 },
  after_sale: null,
  items: [
    { id: 41, price_fen: 2500, quantity: 2 },
    { id: 42, price_fen: 1500, quantity: 1 },
  ],
  ...fields,
})

describe('when after-sales may be asked for', () => {
  it('is for paid orders until they complete, one open request at a time', () => {
    for (const status of ['paid', 'packed', 'shipped', 'delivered'])
      expect(mayRequestAfterSale(order({ status }))).toBe(true)
    for (const status of ['pending_payment', 'completed', 'cancelled'])
      expect(mayRequestAfterSale(order({ status }))).toBe(false)
    for (const status of ['requested', 'accepted', 'returned']) {
      expect(isOpenAfterSale({ status })).toBe(true)
      expect(mayRequestAfterSale(order({ after_sale: { status } }))).toBe(false)
    }
    for (const status of ['refunded', 'rejected', 'withdrawn'])
      expect(mayRequestAfterSale(order({ after_sale: { status } }))).toBe(true)
  })

  it('is not for an order with nothing paid yet (cash on delivery before the hand-over)', () => {
    expect(mayRequestAfterSale(order({ status: 'shipped', payment: null }))).toBe(false)
  })

  it('is not for an order refunded in full', () => {
    expect(refundLeft(order({ refunded_fen: 3000 }))).toBe(4300)
    expect(mayRequestAfterSale(order({ refunded_fen: 7300 }))).toBe(false)
  })

  it('offers a return only of goods that were sent', () => {
    expect(afterSaleKindsFor(order({ status: 'paid' }))).toEqual(['refund_only'])
    expect(afterSaleKindsFor(order({ status: 'packed' }))).toEqual(['refund_only'])
    expect(afterSaleKindsFor(order({ status: 'shipped' }))).toEqual(['refund_only', 'return_refund'])
    expect(afterSaleKindsFor(order({ status: 'delivered' }))).toEqual(['refund_only', 'return_refund'])
  })
})

describe('the refund asked for', () => {
  const one = [{ order_item_id: 41, quantity: 1 }]
  const both = [
    { order_item_id: 41, quantity: 2 },
    { order_item_id: 42, quantity: 1 },
  ]

  it('is the value of the chosen goods, or everything left', () => {
    expect(chosenValue(order(), both)).toBe(6500)
    expect(defaultRefund(order(), one)).toBe(2500)
    expect(defaultRefund(order(), [])).toBe(7300)
    expect(defaultRefund(order({ refunded_fen: 5000 }), both)).toBe(2300)
  })

  it('may reach the goods plus the freight, never more than is left', () => {
    expect(maxRefund(order(), one)).toBe(3300)
    expect(maxRefund(order(), [])).toBe(7300)
    expect(maxRefund(order({ refunded_fen: 7000 }), both)).toBe(300)
  })
})

describe('afterSaleProblem', () => {
  const form = (fields) => ({
    kind: 'refund_only',
    reason: 'damaged',
    chosen: [],
    amountFen: 7300,
    photos: [],
    description: '',
    ...fields,
  })

  it('passes a complete request', () => {
    expect(afterSaleProblem(order(), form())).toBeNull()
    expect(
      afterSaleProblem(
        order(),
        form({ kind: 'return_refund', chosen: [{ order_item_id: 41, quantity: 1 }], amountFen: 2500 }),
      ),
    ).toBeNull()
  })

  it('names the field at fault', () => {
    expect(afterSaleProblem(order({ status: 'paid' }), form({ kind: 'return_refund' }))).toEqual({
      field: 'kind',
      problem: 'kind',
    })
    expect(afterSaleProblem(order(), form({ reason: '' }))).toEqual({ field: 'reason', problem: 'reason' })
    expect(afterSaleProblem(order(), form({ kind: 'return_refund' }))).toEqual({ field: 'items', problem: 'items' })
    expect(afterSaleProblem(order(), form({ amountFen: 0 }))).toEqual({ field: 'amount_fen', problem: 'amount' })
    expect(afterSaleProblem(order(), form({ amountFen: Number.NaN }))).toEqual({
      field: 'amount_fen',
      problem: 'amount',
    })
    expect(afterSaleProblem(order(), form({ amountFen: 7301 }))).toEqual({
      field: 'amount_fen',
      problem: 'amountTooHigh',
    })
    expect(afterSaleProblem(order(), form({ photos: Array(10).fill('/api/v1/files/x') }))).toEqual({
      field: 'photos',
      problem: 'photos',
    })
  })
})

describe('afterSaleBody', () => {
  it('sends what was filled in', () => {
    expect(
      afterSaleBody({
        kind: 'return_refund',
        reason: 'damaged',
        chosen: [{ order_item_id: 41, quantity: 2, name: '花椒' }],
        amountFen: 5000,
        photos: ['/api/v1/files/ab'],
        description: ' 两袋破损 ',
      }),
    ).toEqual({
      kind: 'return_refund',
      reason: 'damaged',
      amount_fen: 5000,
      description: '两袋破损',
      items: [{ order_item_id: 41, quantity: 2 }],
      photos: ['/api/v1/files/ab'],
    })
  })

  it('leaves out what is empty', () => {
    expect(
      afterSaleBody({ kind: 'refund_only', reason: 'other', chosen: [], amountFen: 100, photos: [], description: '' }),
    ).toEqual({ kind: 'refund_only', reason: 'other', amount_fen: 100 })
  })
})

describe('buyerAfterSaleActions', () => {
  it('withdraws while requested or accepted, and sends an accepted return back', () => {
    expect(buyerAfterSaleActions({ status: 'requested', kind: 'return_refund' })).toEqual(['withdraw'])
    expect(buyerAfterSaleActions({ status: 'accepted', kind: 'return_refund' })).toEqual(['return', 'withdraw'])
    expect(buyerAfterSaleActions({ status: 'accepted', kind: 'refund_only' })).toEqual(['withdraw'])
    for (const status of ['returned', 'refunded', 'rejected', 'withdrawn'])
      expect(buyerAfterSaleActions({ status, kind: 'return_refund' })).toEqual([])
  })
})
