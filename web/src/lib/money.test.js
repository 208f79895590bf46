import { describe, expect, it } from 'vitest'
import { fenToYuan, formatFen, yuanToFen } from './money.js'

describe('formatFen', () => {
  it('shows yuan with two decimals', () => {
    expect(formatFen(1234)).toBe('¥12.34')
    expect(formatFen(3990)).toBe('¥39.90')
  })

  it('handles the edges of a yuan', () => {
    expect(formatFen(0)).toBe('¥0.00')
    expect(formatFen(1)).toBe('¥0.01')
    expect(formatFen(99)).toBe('¥0.99')
    expect(formatFen(100)).toBe('¥1.00')
  })

  it('groups thousands and keeps the sign', () => {
    expect(formatFen(123456789)).toBe('¥1,234,567.89')
    expect(formatFen(-505)).toBe('-¥5.05')
  })
})

describe('yuanToFen', () => {
  it('turns typed yuan into whole fen', () => {
    expect(yuanToFen(39.9)).toBe(3990)
    expect(yuanToFen('12.34')).toBe(1234)
    expect(yuanToFen(0.01)).toBe(1)
  })

  it('is not fooled by floating point', () => {
    expect(yuanToFen(0.29)).toBe(29)
    expect(yuanToFen(1.005 + 0.004)).toBe(101)
    expect(yuanToFen(1000000)).toBe(100000000)
  })

  it('goes back to the same yuan', () => {
    for (const fen of [1, 29, 3990, 123456789]) expect(yuanToFen(fenToYuan(fen))).toBe(fen)
  })
})
