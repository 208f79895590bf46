import { describe, expect, it } from 'vitest'
import { addableQuantity, emptyCart, lineProblem, quantityInCart, quantityLimit } from './cart.js'

const cart = {
  stores: [
    { store: { id: 1, name: 'A' }, items: [{ sku_id: 12, quantity: 2 }], subtotal_fen: 9000 },
    { store: { id: 2, name: 'B' }, items: [{ sku_id: 20, quantity: 1 }], subtotal_fen: 6800 },
  ],
  total_fen: 15800,
  count: 3,
}

describe('quantityInCart', () => {
  it('finds a SKU in any store', () => {
    expect(quantityInCart(cart, 20)).toBe(1)
    expect(quantityInCart(cart, 12)).toBe(2)
  })

  it('is 0 for a SKU that is not there, or no cart', () => {
    expect(quantityInCart(cart, 99)).toBe(0)
    expect(quantityInCart(emptyCart(), 12)).toBe(0)
    expect(quantityInCart(null, 12)).toBe(0)
  })
})

describe('addableQuantity', () => {
  it('is the stock less what the cart holds', () => {
    expect(addableQuantity(10, 3)).toBe(7)
    expect(addableQuantity(3, 3)).toBe(0)
    expect(addableQuantity(2, 3)).toBe(0)
  })

  it('never goes past 999 of one SKU', () => {
    expect(quantityLimit(5000)).toBe(999)
    expect(addableQuantity(5000, 990)).toBe(9)
    expect(quantityLimit(-1)).toBe(0)
  })
})

describe('lineProblem', () => {
  it('is empty for a line that can be bought', () => {
    expect(lineProblem({ available: true, stock: 5, quantity: 2 })).toBe('')
  })

  it('tells sold out, short of stock and off sale apart', () => {
    expect(lineProblem({ available: false, stock: 0, quantity: 2 })).toBe('sold_out')
    expect(lineProblem({ available: false, stock: 1, quantity: 2 })).toBe('short')
    expect(lineProblem({ available: false, stock: 10, quantity: 2 })).toBe('off_sale')
  })
})
