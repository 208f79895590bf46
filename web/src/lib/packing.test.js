import { describe, expect, it } from 'vitest'
import { packingList, unitsToPick } from './packing.js'

const item = (skuId, quantity, fields) => ({
  sku_id: skuId,
  name: `商品${skuId}`,
  sku_code: `LN-${skuId}`,
  quantity,
  restocked: 0,
  ...fields,
})
const order = (id, storeId, mode, village, items, fields) => ({
  id,
  store: { id: storeId, name: storeId === 36 ? '东街店' : '云屏店' },
  delivery_mode: mode,
  address: { township_name: '城关镇', village_name: village },
  after_sale: null,
  items,
  ...fields,
})

describe('packingList', () => {
  it('totals each SKU of a store and groups its orders by delivery mode and village', () => {
    const [store] = packingList([
      order(3, 36, 'express', '西街', [item(1, 2)]),
      order(1, 36, 'pickup', '东街', [item(1, 1), item(2, 3)]),
      order(2, 36, 'express', '东街', [item(2, 1)]),
    ])
    expect(store.store.id).toBe(36)
    expect(store.skus.map((sku) => [sku.sku_id, sku.quantity, sku.orders])).toEqual([
      [1, 3, 2],
      [2, 4, 2],
    ])
    expect(store.units).toBe(7)
    expect(store.orderCount).toBe(3)
    expect(store.groups.map((group) => [group.mode, group.orders.map((o) => o.id)])).toEqual([
      ['pickup', [1]],
      ['express', [2, 3]],
    ])
  })

  it('keeps stores apart, by name', () => {
    const stores = packingList([order(1, 37, 'pickup', '', [item(1, 1)]), order(2, 36, 'pickup', '', [item(1, 1)])])
    expect(stores.map((store) => store.store.id)).toEqual([36, 37])
  })

  it('leaves out units put back in stock and holds orders with an open after-sales request', () => {
    expect(unitsToPick(item(1, 3, { restocked: 1 }))).toBe(2)
    const [store] = packingList([
      order(1, 36, 'pickup', '', [item(1, 3, { restocked: 1 })]),
      order(2, 36, 'pickup', '', [item(1, 5)], { after_sale: { status: 'requested' } }),
      order(3, 36, 'pickup', '', [item(2, 1)], { after_sale: { status: 'rejected' } }),
    ])
    expect(store.skus.map((sku) => [sku.sku_id, sku.quantity])).toEqual([
      [1, 2],
      [2, 1],
    ])
    expect(store.groups[0].orders.map((o) => [o.id, o.held])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ])
  })

  it('puts express parcels to the same province together', () => {
    const beyond = (id, province) => ({
      ...order(id, 36, 'express', '', [item(1, 1)]),
      address: { province_name: province, township_name: '', village_name: '' },
    })
    const [store] = packingList([
      beyond(1, '上海市'),
      order(2, 36, 'express', '东街', [item(1, 1)]),
      beyond(3, '四川省'),
      beyond(4, '上海市'),
    ])
    expect(store.groups.map((group) => group.orders.map((o) => o.id))).toEqual([[1, 4, 3, 2]])
  })

  it('is empty without orders', () => {
    expect(packingList([])).toEqual([])
  })
})
