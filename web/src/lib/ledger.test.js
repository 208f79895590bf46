import { describe, expect, it } from 'vitest'
import { bpToPercent, formatRate, kMaxRateBp, percentToBp, periodOf, shanghaiDate, sumSummary } from './ledger.js'

describe('commission rates', () => {
  it('turns basis points into percent and back', () => {
    expect(bpToPercent(250)).toBe(2.5)
    expect(percentToBp(2.5)).toBe(250)
    expect(percentToBp('12.34')).toBe(1234)
    expect(percentToBp(50)).toBe(kMaxRateBp)
    expect(percentToBp(0)).toBe(0)
  })

  it('rounds to whole basis points', () => {
    expect(percentToBp(0.29)).toBe(29)
    expect(percentToBp(0.07)).toBe(7)
    expect(percentToBp(1.15)).toBe(115)
  })

  it('shows a rate without trailing zeros', () => {
    expect(formatRate(250)).toBe('2.5%')
    expect(formatRate(1000)).toBe('10%')
    expect(formatRate(5)).toBe('0.05%')
    expect(formatRate(0)).toBe('0%')
  })
})

describe('periods', () => {
  // 2026-03-01 01:30 in Shanghai is still February 28 in UTC.
  const earlyMarch = Date.UTC(2026, 1, 28, 17, 30)

  it('counts days in Asia/Shanghai', () => {
    expect(shanghaiDate(earlyMarch)).toBe('2026-03-01')
    expect(shanghaiDate(Date.UTC(2026, 1, 28, 15, 59))).toBe('2026-02-28')
  })

  it('offers the last 7 days, this month and last month', () => {
    expect(periodOf('week', earlyMarch)).toEqual(['2026-02-23', '2026-03-01'])
    expect(periodOf('month', earlyMarch)).toEqual(['2026-03-01', '2026-03-01'])
    expect(periodOf('lastMonth', earlyMarch)).toEqual(['2026-02-01', '2026-02-28'])
    expect(periodOf('lastMonth', Date.UTC(2026, 0, 15))).toEqual(['2025-12-01', '2025-12-31'])
    expect(periodOf('lastMonth', Date.UTC(2024, 2, 10))).toEqual(['2024-02-01', '2024-02-29'])
  })

  it('knows no other period', () => {
    expect(() => periodOf('year', earlyMarch)).toThrow()
  })
})

describe('sumSummary', () => {
  it('adds up the money columns', () => {
    const items = [
      { name: 'A', sales_fen: 1000, refunds_fen: -200, net_fen: 800, orders: 2 },
      { name: 'B', sales_fen: 500, refunds_fen: 0, net_fen: 500, orders: 1 },
    ]
    expect(sumSummary(items)).toEqual({ sales_fen: 1500, refunds_fen: -200, net_fen: 1300 })
    expect(sumSummary([])).toEqual({ sales_fen: 0, refunds_fen: 0, net_fen: 0 })
  })
})
