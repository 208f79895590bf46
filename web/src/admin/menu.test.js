import { describe, expect, it } from 'vitest'
import { mayOpen, menuEntriesFor, menuPagesFor } from './menu.js'

describe('the ledger pages', () => {
  it('offer the statement to everyone with a part of the ledger', () => {
    for (const role of ['store_keeper', 'supplier', 'county_admin', 'city_admin', 'auditor'])
      expect(mayOpen('statement', role)).toBe(true)
    expect(mayOpen('statement', 'courier')).toBe(false)
    expect(mayOpen('statement', 'buyer')).toBe(false)
  })

  it('offer turnover to stores and the offices, commission rates to the county and the city', () => {
    expect(['store_keeper', 'county_admin', 'city_admin', 'auditor'].every((role) => mayOpen('turnover', role))).toBe(
      true,
    )
    expect(mayOpen('turnover', 'supplier')).toBe(false)
    expect(mayOpen('commission', 'county_admin')).toBe(true)
    expect(mayOpen('commission', 'city_admin')).toBe(true)
    for (const role of ['auditor', 'store_keeper', 'supplier']) expect(mayOpen('commission', role)).toBe(false)
  })

  it('keeps a supplier’s menu to producers, products, the statement and their lots', () => {
    expect(menuPagesFor('supplier').map((page) => page.name)).toEqual(['producers', 'products', 'statement', 'lots'])
  })
})

describe('the after-sales, freight and sale pages', () => {
  it('offer the refund queue to stores and the offices', () => {
    for (const role of ['store_keeper', 'county_admin', 'city_admin', 'auditor'])
      expect(mayOpen('after-sales', role)).toBe(true)
    for (const role of ['supplier', 'courier', 'buyer']) expect(mayOpen('after-sales', role)).toBe(false)
  })

  it('offer freight templates and sale events to store keepers and the county', () => {
    for (const page of ['freight', 'sale-events']) {
      expect(mayOpen(page, 'store_keeper')).toBe(true)
      expect(mayOpen(page, 'county_admin')).toBe(true)
      for (const role of ['supplier', 'courier', 'auditor', 'buyer']) expect(mayOpen(page, role)).toBe(false)
    }
  })
})

describe('the delivery pages', () => {
  const kDelivery = ['logistics-nodes', 'vehicles', 'delivery-tasks', 'dispatch']

  it('offer the network, fleet, tasks and dispatch to the county and the city', () => {
    for (const page of kDelivery) {
      expect(mayOpen(page, 'county_admin')).toBe(true)
      expect(mayOpen(page, 'city_admin')).toBe(true)
      for (const role of ['store_keeper', 'supplier', 'auditor', 'buyer']) expect(mayOpen(page, role)).toBe(false)
    }
  })

  it('offer dispatch, and nothing else of the network, to couriers (station managers)', () => {
    expect(mayOpen('dispatch', 'courier')).toBe(true)
    for (const page of ['logistics-nodes', 'vehicles', 'delivery-tasks', 'arrivals', 'delivery-figures'])
      expect(mayOpen(page, 'courier')).toBe(false)
  })

  it('offer a point’s arrivals to its village agent and the county', () => {
    expect(mayOpen('arrivals', 'store_keeper')).toBe(true)
    expect(mayOpen('arrivals', 'county_admin')).toBe(true)
    for (const role of ['city_admin', 'auditor', 'supplier', 'courier', 'buyer'])
      expect(mayOpen('arrivals', role)).toBe(false)
  })

  it('offer the figures to the offices that report them', () => {
    for (const role of ['county_admin', 'city_admin', 'auditor']) expect(mayOpen('delivery-figures', role)).toBe(true)
    for (const role of ['store_keeper', 'supplier', 'courier', 'buyer'])
      expect(mayOpen('delivery-figures', role)).toBe(false)
  })

  it('show them together under 配送, where the first of them would be', () => {
    const entries = menuEntriesFor('county_admin')
    const groups = entries.filter((entry) => entry.pages)
    expect(groups.map((group) => [group.name, group.label])).toEqual([
      ['delivery', 'admin.menu.delivery'],
      ['trace', 'admin.menu.trace'],
    ])
    expect(groups[0].pages.map((page) => page.name)).toEqual([...kDelivery, 'arrivals', 'delivery-figures'])
    expect(entries.filter((entry) => !entry.pages).map((entry) => entry.name)).toEqual(
      menuPagesFor('county_admin')
        .filter((page) => !page.group)
        .map((page) => page.name),
    )
    expect(menuEntriesFor('supplier').some((entry) => entry.name === 'delivery')).toBe(false)
  })

  it('give the store keeper, the auditor and the courier a 配送 group of their own pages', () => {
    const group = (role) => menuEntriesFor(role).find((entry) => entry.name === 'delivery')
    expect(group('store_keeper').pages.map((page) => page.name)).toEqual(['arrivals'])
    expect(group('auditor').pages.map((page) => page.name)).toEqual(['delivery-figures'])
    expect(group('city_admin').pages.map((page) => page.name)).toEqual([...kDelivery, 'delivery-figures'])
    expect(group('courier').pages.map((page) => page.name)).toEqual(['dispatch'])
  })

  it('keep a courier’s first page their orders', () => {
    expect(menuPagesFor('courier').map((page) => page.name)).toEqual(['orders', 'dispatch'])
  })
})

describe('the traceability pages', () => {
  it('offer lots to those who record them and to the offices', () => {
    for (const role of ['store_keeper', 'supplier', 'county_admin', 'city_admin', 'auditor'])
      expect(mayOpen('lots', role)).toBe(true)
    for (const role of ['courier', 'buyer']) expect(mayOpen('lots', role)).toBe(false)
  })

  it('offer the alerts to the offices only', () => {
    for (const role of ['county_admin', 'city_admin', 'auditor']) expect(mayOpen('trace-alerts', role)).toBe(true)
    for (const role of ['store_keeper', 'supplier', 'courier', 'buyer'])
      expect(mayOpen('trace-alerts', role)).toBe(false)
  })

  it('show them together under 追溯, after 配送', () => {
    const names = (role) =>
      menuEntriesFor(role)
        .filter((entry) => entry.pages)
        .map((entry) => entry.name)
    const trace = (role) => menuEntriesFor(role).find((entry) => entry.name === 'trace')
    expect(names('county_admin')).toEqual(['delivery', 'trace'])
    expect(trace('county_admin').label).toBe('admin.menu.trace')
    expect(trace('county_admin').pages.map((page) => page.name)).toEqual(['lots', 'trace-alerts'])
    expect(trace('auditor').pages.map((page) => page.name)).toEqual(['lots', 'trace-alerts'])
    expect(trace('supplier').pages.map((page) => page.name)).toEqual(['lots'])
    expect(trace('store_keeper').pages.map((page) => page.name)).toEqual(['lots'])
    expect(trace('courier')).toBeUndefined()
  })
})
