import { describe, expect, it } from 'vitest'
import { formatFen } from './money.js'

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
