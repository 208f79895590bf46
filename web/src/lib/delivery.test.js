import { describe, expect, it } from 'vitest'
import {
  buyerStage,
  byEta,
  deliverySlots,
  describeFailReason,
  etaParts,
  findSlot,
  followsDelivery,
  formatWindow,
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

  it('tells the buyer the goods are on the way to the township station, then waiting there', () => {
    const hub = { id: 40, name: '抛沙镇快递服务站' }
    expect(buyerStage({ status: 'open', leg: 'line_haul', hub, fail_reason: '' })).toBe('open')
    expect(buyerStage({ status: 'planned', leg: 'line_haul', hub, fail_reason: '' })).toBe('to_hub')
    expect(buyerStage({ status: 'picked_up', leg: 'line_haul', hub, fail_reason: '' })).toBe('to_hub')
    expect(buyerStage({ status: 'open', leg: 'local', hub, fail_reason: '' })).toBe('at_hub')
    expect(buyerStage({ status: 'planned', leg: 'local', hub, fail_reason: '' })).toBe('planned')
    expect(buyerStage({ status: 'delivered', leg: 'local', hub, fail_reason: '' })).toBe('delivered')
    // Not delivered from the station: the failure first.
    expect(buyerStage({ status: 'open', leg: 'local', hub, fail_reason: 'refused' })).toBe('failed')
    // A town order goes straight from the park.
    expect(buyerStage({ status: 'open', leg: 'local', hub: null, fail_reason: '' })).toBe('open')
  })

  it('shows a delivery window in Shanghai, with both days when it spans two', () => {
    const start = Date.parse('2026-12-01T14:00:00+08:00')
    expect(formatWindow(start, Date.parse('2026-12-01T18:00:00+08:00'))).toBe('2026-12-01 14:00–18:00')
    // 07:30 in Shanghai is the evening before in UTC.
    expect(formatWindow(Date.parse('2026-11-30T23:30:00Z'), Date.parse('2026-12-01T04:00:00Z'))).toBe(
      '2026-12-01 07:30–12:00',
    )
    expect(formatWindow(start, Date.parse('2026-12-03T14:00:00+08:00'))).toBe('2026-12-01 14:00 – 2026-12-03 14:00')
    expect(formatWindow(null, null)).toBe('')
    expect(formatWindow(start, undefined)).toBe('')
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

describe('the delivery windows a buyer may choose', () => {
  const at = (text) => Date.parse(text)
  const names = (slots) => slots.map((slot) => `${slot.day} ${slot.slot}`)

  it('offers the three windows of today and the six days after, with their times in Shanghai', () => {
    const slots = deliverySlots(at('2026-12-01T06:00:00+08:00'))
    expect(slots).toHaveLength(21)
    expect(slots[0]).toEqual({
      day: '2026-12-01',
      slot: 'morning',
      start: at('2026-12-01T09:00:00+08:00'),
      end: at('2026-12-01T12:00:00+08:00'),
      label: '09:00–12:00',
      daysAhead: 0,
    })
    expect(slots.slice(1, 3).map((slot) => slot.label)).toEqual(['14:00–18:00', '18:00–21:00'])
    expect(slots[20]).toMatchObject({ day: '2026-12-07', slot: 'evening', daysAhead: 6 })
    expect(slots[20].end).toBe(at('2026-12-07T21:00:00+08:00'))
  })

  it('keeps a window that ends two hours from now, and drops one that ends sooner', () => {
    expect(names(deliverySlots(at('2026-12-01T10:00:00+08:00'))).slice(0, 2)).toEqual([
      '2026-12-01 morning',
      '2026-12-01 afternoon',
    ])
    expect(names(deliverySlots(at('2026-12-01T10:00:00.001+08:00')))[0]).toBe('2026-12-01 afternoon')
    // 16:30: the afternoon ends in 90 minutes, the evening in four and a half hours.
    expect(names(deliverySlots(at('2026-12-01T16:30:00+08:00')))[0]).toBe('2026-12-01 evening')
    const late = deliverySlots(at('2026-12-01T19:00:00.001+08:00'))
    expect(names(late)[0]).toBe('2026-12-02 morning')
    expect(late).toHaveLength(18)
  })

  it('counts days from midnight in Shanghai, not in UTC', () => {
    // 23:30 in Shanghai, 15:30 in UTC: today is over, the week runs to the 7th.
    const lateEvening = deliverySlots(at('2026-12-01T15:30:00Z'))
    expect(lateEvening[0]).toMatchObject({ day: '2026-12-02', slot: 'morning', daysAhead: 1 })
    expect(lateEvening[lateEvening.length - 1].day).toBe('2026-12-07')
    // 00:30 in Shanghai is still the 1st in UTC: it is the 2nd's morning, and the 8th is in.
    const afterMidnight = deliverySlots(at('2026-12-01T16:30:00Z'))
    expect(afterMidnight[0]).toMatchObject({ day: '2026-12-02', slot: 'morning', daysAhead: 0 })
    expect(afterMidnight[0].start).toBe(at('2026-12-02T01:00:00Z'))
    expect(afterMidnight[afterMidnight.length - 1].day).toBe('2026-12-08')
    // The year turns in Shanghai first.
    expect(deliverySlots(at('2026-12-31T16:00:00Z'))[0].day).toBe('2027-01-01')
  })

  it('finds the chosen window among those still open', () => {
    const slots = deliverySlots(at('2026-12-01T10:00:00+08:00'))
    expect(findSlot(slots, { day: '2026-12-01', slot: 'afternoon' })?.label).toBe('14:00–18:00')
    expect(findSlot(slots, { day: '2026-11-30', slot: 'afternoon' })).toBeNull()
    expect(findSlot(slots, null)).toBeNull()
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
