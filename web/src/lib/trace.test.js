import { describe, expect, it } from 'vitest'
import {
  daysBetween,
  linkPath,
  lotBody,
  orderOf,
  outsideColdRange,
  plotBody,
  recallReason,
  recordBody,
  resolverPath,
  safetyInterval,
  siteOf,
  skuChoices,
  temperatureProblem,
  temperatureRange,
  traceHistory,
} from './trace.js'

// Noon in Shanghai of a day, as the server dates production records.
const noon = (day) => Date.parse(`${day}T12:00:00+08:00`)

const entry = (biz_step, day, event = {}, extra = {}) => ({
  event_id: `ni:///sha-256;${'0'.repeat(64)}?ver=CBV2.0`,
  type: 'ObjectEvent',
  event_time: noon(day),
  action: 'OBSERVE',
  biz_step,
  disposition: '',
  error_declaration: false,
  leaf: 0,
  event,
  ...extra,
})

const leg = (minValue, maxValue) => ({
  sensorElementList: [{ sensorReport: [{ type: 'gs1:Temperature', minValue, maxValue, uom: 'CEL' }] }],
})

const kData = {
  lot: { harvest_date: '2026-09-15', quantity: 120, unit: 'KGM', certificate: 'CX-2026-0915', status: 'active' },
  village: { lat: 33.75, lng: 105.72 },
  plot: { name: '东坡地', lat: 33.76, lng: 105.7, area_mu: 3.5 },
  events: [
    entry('shipping', '2026-09-20', { ...leg(2, 6), 'ln:place': '成县物流园' }, { disposition: 'in_transit' }),
    entry('commissioning', '2026-09-15', { ilmd: { 'ln:harvestDate': '2026-09-15' } }, { action: 'ADD' }),
    entry('fertilising', '2026-05-02', { 'ln:input': { 'ln:name': '有机肥', 'ln:dose': '200 kg/亩' } }),
    entry('spraying', '2026-08-20', {
      'ln:input': { 'ln:name': '吡虫啉', 'ln:dose': '2000 倍液', 'ln:safetyIntervalDays': 21 },
    }),
    entry('spraying', '2026-09-05', {
      'ln:input': { 'ln:name': '阿维菌素', 'ln:dose': '3000 倍液', 'ln:safetyIntervalDays': 14 },
    }),
    entry(
      'inspecting',
      '2026-09-16',
      { 'ln:inspection': { 'ln:lab': '县农检站', 'ln:method': '快速检测', 'ln:result': '农残未检出' } },
      { disposition: 'conformant' },
    ),
    entry('certifying', '2026-09-16', {
      'ln:certificate': { 'ln:name': '承诺达标合格证', 'ln:number': 'HG-001', 'ln:issuer': '' },
    }),
    entry('storing', '2026-09-18', { ...leg(3, 11), 'ln:note': '冷库门故障' }, { disposition: 'in_progress' }),
    entry('packing', '2026-09-17', { 'ln:place': '合作社' }),
    entry(
      'shipping',
      '2026-09-22',
      { bizTransactionList: [{ type: 'po', bizTransaction: 'urn:longnan:order:77' }] },
      { disposition: 'in_transit' },
    ),
  ],
}

describe('resolverPath and linkPath', () => {
  it('builds the path of a lot and of an item, encoding what needs it', () => {
    expect(resolverPath({ gtin: '06901234567892', lot: 'CX-0915' })).toBe('/01/06901234567892/10/CX-0915')
    expect(resolverPath({ gtin: '06901234567892', lot: 'A/B', serial: 'A/B.2' })).toBe(
      '/01/06901234567892/10/A%2FB/21/A%2FB.2',
    )
  })

  it('keeps only the path of a Digital Link on another host', () => {
    expect(linkPath('https://trace.longnan.gov.cn/01/06901234567892/10/CX-0915')).toBe('/01/06901234567892/10/CX-0915')
    expect(linkPath('http://localhost:8080/01/06901234567892/10/A%2FB')).toBe('/01/06901234567892/10/A%2FB')
    expect(linkPath('not a link')).toBe('')
  })
})

describe('safetyInterval', () => {
  it('counts the days from spraying to harvest against the interval', () => {
    expect(daysBetween('2026-08-20', '2026-09-15')).toBe(26)
    expect(safetyInterval('2026-08-20', '2026-09-15', 21)).toEqual({ days: 26, ok: true })
    expect(safetyInterval('2026-09-01', '2026-09-15', 14)).toEqual({ days: 14, ok: true })
    expect(safetyInterval('2026-09-02', '2026-09-15', 14)).toEqual({ days: 13, ok: false })
    expect(safetyInterval('2026-09-15', '2026-09-15', 0)).toEqual({ days: 0, ok: true })
  })

  it('does not judge without an interval or a harvest, or after the harvest', () => {
    expect(safetyInterval('2026-09-02', '2026-09-15', null).ok).toBeNull()
    expect(safetyInterval('2026-09-02', '', 7).ok).toBeNull()
    expect(safetyInterval('2026-09-20', '2026-09-15', 7)).toEqual({ days: -5, ok: null })
  })
})

describe('temperatures', () => {
  it('reads ranges and single values, in °C, °F and K', () => {
    expect(temperatureRange(leg(2, 6))).toEqual({ min: 2, max: 6 })
    expect(
      temperatureRange({
        sensorElementList: [
          {
            sensorReport: [
              { type: 'gs1:Temperature', value: 3.5, uom: 'CEL' },
              { type: 'gs1:Humidity', value: 80 },
            ],
          },
          { sensorReport: [{ type: 'Temperature', value: 50, uom: 'FAH' }] },
        ],
      }),
    ).toEqual({ min: 3.5, max: 10 })
    expect(
      temperatureRange({
        sensorElementList: [{ sensorReport: [{ type: 'gs1:Temperature', value: 273.15, uom: 'KEL' }] }],
      }),
    ).toEqual({ min: 0, max: 0 })
    expect(temperatureRange({})).toBeNull()
  })

  it('flags any reading outside 0–8 °C', () => {
    expect(outsideColdRange({ min: 0, max: 8 })).toBe(false)
    expect(outsideColdRange({ min: -0.5, max: 4 })).toBe(true)
    expect(outsideColdRange({ min: 2, max: 8.1 })).toBe(true)
    expect(outsideColdRange(null)).toBe(false)
  })
})

describe('traceHistory', () => {
  const history = traceHistory(kData)

  it('lists inputs in time order with the safety interval judged for sprays', () => {
    expect(history.inputs.map((input) => [input.kind, input.name, input.day, input.ok])).toEqual([
      ['fertilising', '有机肥', '2026-05-02', null],
      ['spraying', '吡虫啉', '2026-08-20', true],
      ['spraying', '阿维菌素', '2026-09-05', false],
    ])
    expect(history.inputs[2]).toMatchObject({ dose: '3000 倍液', intervalDays: 14, days: 10 })
  })

  it('lists inspections with their result, and certificates recorded on the lot', () => {
    expect(history.inspections).toHaveLength(1)
    expect(history.inspections[0]).toMatchObject({ lab: '县农检站', method: '快速检测', conformant: true })
    expect(history.certificates.map((certificate) => certificate.number)).toEqual(['HG-001'])
  })

  it('puts everything else in the chain of custody, in time order, with places, legs and orders', () => {
    expect(history.custody.map((step) => step.step)).toEqual([
      'commissioning',
      'packing',
      'storing',
      'shipping',
      'shipping',
    ])
    const [, packing, storing, shipping, order] = history.custody
    expect(packing.place).toBe('合作社')
    expect(storing).toMatchObject({ temperature: { min: 3, max: 11 }, coldBreak: true, note: '冷库门故障' })
    expect(shipping).toMatchObject({ place: '成县物流园', coldBreak: false, orderId: null })
    expect(order.orderId).toBe(77)
  })

  it('copes with a lot without events', () => {
    expect(traceHistory({ lot: {}, events: [] })).toEqual({
      inputs: [],
      inspections: [],
      certificates: [],
      custody: [],
    })
  })
})

describe('the lot around its history', () => {
  it('finds the recall reason', () => {
    const recalled = { events: [...kData.events, entry('recalling', '2026-09-30', { 'ln:reason': '农残超标' })] }
    expect(recallReason(recalled)).toBe('农残超标')
    expect(recallReason(kData)).toBe('')
  })

  it('places the dot at the plot, else the village', () => {
    expect(siteOf(kData)).toEqual({ lat: 33.76, lng: 105.7 })
    expect(siteOf({ ...kData, plot: null })).toEqual({ lat: 33.75, lng: 105.72 })
    expect(siteOf({ village: { lat: null, lng: null }, plot: null })).toBeNull()
  })

  it('reads the order of a shipment', () => {
    expect(orderOf({ bizTransactionList: [{ type: 'po', bizTransaction: 'urn:longnan:order:12' }] })).toBe(12)
    expect(orderOf({ bizTransactionList: [{ type: 'po', bizTransaction: 'urn:other:12' }] })).toBeNull()
    expect(orderOf({})).toBeNull()
  })
})

describe('recordBody', () => {
  it('sends a spray with its interval as a number and leaves an empty note out', () => {
    expect(
      recordBody('spraying', {
        date: '2026-09-05',
        note: ' ',
        input_name: ' 阿维菌素 ',
        dose: '3000 倍液',
        safety_interval_days: '14',
      }),
    ).toEqual({
      kind: 'spraying',
      date: '2026-09-05',
      input_name: '阿维菌素',
      dose: '3000 倍液',
      safety_interval_days: 14,
    })
  })

  it('sends an inspection’s result as conformant or not', () => {
    const body = recordBody('inspection', { date: '2026-09-16', lab: '县农检站', method: 'GB 23200', result: '合格' })
    expect(body).toEqual({
      kind: 'inspection',
      date: '2026-09-16',
      lab: '县农检站',
      method: 'GB 23200',
      result: '合格',
      conformant: false,
    })
  })

  it('sends a leg’s temperatures only when typed, and its place only when given', () => {
    expect(recordBody('shipping', { date: '2026-09-20', place: '', min_temp_c: '', max_temp_c: '' })).toEqual({
      kind: 'shipping',
      date: '2026-09-20',
    })
    expect(
      recordBody('storing', { date: '2026-09-18', place: '冷库', min_temp_c: '-1.5', max_temp_c: '4', note: '夜间' }),
    ).toEqual({ kind: 'storing', date: '2026-09-18', note: '夜间', place: '冷库', min_temp_c: -1.5, max_temp_c: 4 })
  })

  it('sends a certificate’s required texts even when empty, so the server names them', () => {
    expect(recordBody('certification', { date: '2026-09-16', certificate: '承诺达标合格证', number: '' })).toEqual({
      kind: 'certification',
      date: '2026-09-16',
      certificate: '承诺达标合格证',
      number: '',
    })
  })
})

describe('temperatureProblem', () => {
  it('wants both or neither, numbers, lowest first', () => {
    expect(temperatureProblem('', '')).toBe('')
    expect(temperatureProblem('0', '8')).toBe('')
    expect(temperatureProblem('4', '4')).toBe('')
    expect(temperatureProblem('2', '')).toBe('both')
    expect(temperatureProblem('', '2')).toBe('both')
    expect(temperatureProblem('cold', '2')).toBe('number')
    expect(temperatureProblem('9', '2')).toBe('order')
  })
})

describe('lotBody and plotBody', () => {
  it('sends what the form holds, leaving out what was not given', () => {
    expect(
      lotBody({ sku_id: 7, harvest_date: '2026-09-15', quantity: '120.5', unit: '', lot_number: ' ', serials: 0 }),
    ).toEqual({ sku_id: 7, harvest_date: '2026-09-15', quantity: 120.5, unit: 'KGM' })
    expect(
      lotBody({
        sku_id: 7,
        plot_id: 3,
        harvest_date: '2026-09-15',
        quantity: '120',
        unit: 'GRM',
        lot_number: 'CX-0915',
        certificate: 'CX-2026-0915',
        serials: 20,
      }),
    ).toEqual({
      sku_id: 7,
      plot_id: 3,
      harvest_date: '2026-09-15',
      quantity: 120,
      unit: 'GRM',
      lot_number: 'CX-0915',
      certificate: 'CX-2026-0915',
      serials: 20,
    })
  })

  it('sends a plot’s position and area only when typed, and the producer when given', () => {
    expect(plotBody({ name: ' 东坡地 ', village_code: '621221100201', lat: '', lng: '', area_mu: '' })).toEqual({
      name: '东坡地',
      village_code: '621221100201',
    })
    expect(
      plotBody({ name: '东坡地', village_code: '621221100201', lat: '33.7', lng: '105.7', area_mu: '3.5' }, 12),
    ).toEqual({ name: '东坡地', village_code: '621221100201', lat: 33.7, lng: 105.7, area_mu: 3.5, producer_id: 12 })
  })
})

describe('skuChoices', () => {
  it('offers only the SKUs with a GTIN, named by product and option', () => {
    const products = [
      { id: 1, name: '大红袍花椒', producer: { id: 5 } },
      { id: 2, name: '核桃', producer: { id: 6 } },
    ]
    const details = {
      1: {
        skus: [
          { id: 10, code: 'HJ-250', attrs: { 规格: '250g' }, gtin: '6901234567892' },
          { id: 11, code: 'HJ-500', attrs: {}, gtin: null },
        ],
      },
    }
    expect(skuChoices(products, details)).toEqual([
      { skuId: 10, gtin: '6901234567892', productId: 1, producerId: 5, label: '大红袍花椒 · 250g' },
    ])
  })
})
