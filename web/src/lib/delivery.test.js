import { describe, expect, it } from 'vitest'
import {
  buyerStage,
  byEta,
  describeFailReason,
  etaParts,
  followsDelivery,
  formatFigureKm,
  formatRate,
  showsVehicle,
} from './delivery.js'

// A stand-in for vue-i18n's t over the Chinese messages these helpers use.
const kMessages = {
  'failReason.nobody_home': '无人在家',
  'failReason.refused': '拒收',
  'failReason.damaged': '货损',
  'common.noteSeparator': '：',
}
const t = (key) => kMessages[key] ?? key

describe('the buyer’s view of a delivery task', () => {
  it('follows the task’s status, and calls an open task after a failed attempt not delivered', () => {
    expect(buyerStage(null)).toBe('')
    for (const status of ['open', 'planned', 'picked_up', 'delivered', 'failed', 'cancelled'])
      expect(buyerStage({ status, fail_reason: '' })).toBe(status)
    expect(buyerStage({ status: 'open', fail_reason: 'refused' })).toBe('failed')
    expect(buyerStage({ status: 'planned', fail_reason: 'refused' })).toBe('planned')
  })

  it('says why in words, with the driver’s note', () => {
    expect(describeFailReason('nobody_home: 改约明天', t)).toBe('无人在家：改约明天')
    expect(describeFailReason('refused', t)).toBe('拒收')
    expect(describeFailReason('damaged: 箱子压坏', t)).toBe('货损：箱子压坏')
    expect(describeFailReason('the road is closed', t)).toBe('the road is closed')
    expect(describeFailReason('', t)).toBe('')
  })

  it('shows the arrival in Shanghai, with the day when it is not today', () => {
    const now = Date.parse('2026-12-01T10:00:00+08:00')
    expect(etaParts(Date.parse('2026-12-01T15:30:00+08:00'), now)).toEqual({ time: '15:30', day: '' })
    expect(etaParts(Date.parse('2026-12-02T08:05:00+08:00'), now)).toEqual({ time: '08:05', day: '2026-12-02' })
    // Just past midnight in Shanghai is still the evening before in UTC: another day.
    expect(etaParts(Date.parse('2026-12-01T16:10:00Z'), now)).toEqual({ time: '00:10', day: '2026-12-02' })
    expect(etaParts(null, now)).toBeNull()
  })

  it('keeps asking until the task is delivered or cancelled, for orders that get one', () => {
    const order = { delivery_mode: 'village_point', status: 'paid' }
    expect(followsDelivery(order, null)).toBe(true)
    expect(followsDelivery(order, { status: 'planned' })).toBe(true)
    expect(followsDelivery(order, { status: 'open', fail_reason: 'refused' })).toBe(true)
    expect(followsDelivery(order, { status: 'delivered' })).toBe(false)
    expect(followsDelivery(order, { status: 'cancelled' })).toBe(false)
    expect(followsDelivery({ ...order, delivery_mode: 'express' }, null)).toBe(false)
    expect(followsDelivery({ ...order, delivery_mode: 'pickup' }, null)).toBe(false)
    expect(followsDelivery({ ...order, status: 'cancelled' }, null)).toBe(false)
    expect(followsDelivery({ ...order, delivery_mode: 'same_city' }, { status: 'picked_up' })).toBe(true)
    expect(followsDelivery(null, null)).toBe(false)
  })

  it('names the van while it is on its way', () => {
    const vehicle = { plate: '甘K·12345' }
    expect(showsVehicle({ status: 'planned', vehicle })).toBe(true)
    expect(showsVehicle({ status: 'picked_up', vehicle })).toBe(true)
    expect(showsVehicle({ status: 'delivered', vehicle })).toBe(false)
    expect(showsVehicle({ status: 'planned', vehicle: null })).toBe(false)
    expect(showsVehicle(null)).toBe(false)
  })
})

describe('the county’s figures and a point’s arrivals', () => {
  it('shows the on-time rate as a percentage, a dash without deliveries', () => {
    expect(formatRate(1)).toBe('100.0%')
    expect(formatRate(0.9654)).toBe('96.5%')
    expect(formatRate(0)).toBe('0.0%')
    expect(formatRate(null)).toBe('—')
    expect(formatRate(undefined)).toBe('—')
  })

  it('shows kilometres with one decimal', () => {
    expect(formatFigureKm(12.345)).toBe('12.3')
    expect(formatFigureKm(0)).toBe('0.0')
    expect(formatFigureKm(null)).toBe('0.0')
  })

  it('lists arrivals by arrival time, those without one last', () => {
    const items = [
      { task_id: 3, eta: 2000 },
      { task_id: 1, eta: null },
      { task_id: 2, eta: 1000 },
      { task_id: 4, eta: 1000 },
    ]
    expect(byEta(items).map((item) => item.task_id)).toEqual([2, 4, 3, 1])
    expect(items[0].task_id).toBe(3)
    expect(byEta()).toEqual([])
  })
})
