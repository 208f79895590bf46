import { describe, expect, it } from 'vitest'
import {
  afterSaleActionsFor,
  listingActionFor,
  mayEditProduct,
  mayEditStore,
  mayImport,
  mayMoveStore,
  mayPack,
  mayRecall,
  mayResolveAlert,
  maySaleEventClose,
  orderActionsFor,
} from './permissions.js'

const kChengxian = 2
const kWenxian = 7
const countyAdmin = { id: 6, role: 'county_admin', platform_id: kChengxian, store_id: null, producer_id: null }
const otherCountyAdmin = { id: 9, role: 'county_admin', platform_id: kWenxian, store_id: null, producer_id: null }
const cityAdmin = { id: 7, role: 'city_admin', platform_id: null, store_id: null, producer_id: null }
const keeper = { id: 2, role: 'store_keeper', platform_id: kChengxian, store_id: 36, producer_id: null }
const otherKeeper = { id: 12, role: 'store_keeper', platform_id: kChengxian, store_id: 37, producer_id: null }
const supplier = { id: 3, role: 'supplier', platform_id: kChengxian, store_id: null, producer_id: 30 }
const auditor = { id: 8, role: 'auditor', platform_id: null, store_id: null, producer_id: null }
const courier = { id: 5, role: 'courier', platform_id: kChengxian, store_id: null, producer_id: null }
const otherCourier = { id: 15, role: 'courier', platform_id: kWenxian, store_id: null, producer_id: null }

const product = (status) => ({ status, platform_id: kChengxian, store: { id: 36 }, producer: { id: 30 } })

describe('listingActionFor', () => {
  it('offers delist of a listed product to its store keeper and its county admin', () => {
    expect(listingActionFor(keeper, product('listed'))).toBe('delist')
    expect(listingActionFor(countyAdmin, product('listed'))).toBe('delist')
  })

  it('offers relist of a delisted product to the same two', () => {
    expect(listingActionFor(keeper, product('delisted'))).toBe('relist')
    expect(listingActionFor(countyAdmin, product('delisted'))).toBe('relist')
  })

  it('offers nothing to city admins, auditors, suppliers, other stores and other counties', () => {
    for (const user of [cityAdmin, auditor, supplier, otherKeeper, otherCountyAdmin]) {
      expect(listingActionFor(user, product('listed'))).toBeNull()
      expect(listingActionFor(user, product('delisted'))).toBeNull()
    }
  })

  it('offers nothing in the other statuses', () => {
    for (const status of ['submitted', 'store_accepted', 'rejected'])
      expect(listingActionFor(countyAdmin, product(status))).toBeNull()
  })
})

describe('mayEditProduct', () => {
  it('lets the store and the county edit in any status', () => {
    expect(mayEditProduct(keeper, product('listed'))).toBe(true)
    expect(mayEditProduct(countyAdmin, product('store_accepted'))).toBe(true)
  })

  it('lets the supplier edit only before review or after rejection', () => {
    expect(mayEditProduct(supplier, product('submitted'))).toBe(true)
    expect(mayEditProduct(supplier, product('rejected'))).toBe(true)
    expect(mayEditProduct(supplier, product('listed'))).toBe(false)
  })

  it('refuses everyone else', () => {
    for (const user of [cityAdmin, auditor, otherKeeper, otherCountyAdmin])
      expect(mayEditProduct(user, product('submitted'))).toBe(false)
  })
})

describe('stores', () => {
  const store = { id: 36, platform_id: kChengxian }

  it('lets the keeper edit their own store but not move it', () => {
    expect(mayEditStore(keeper, store)).toBe(true)
    expect(mayMoveStore(keeper, store)).toBe(false)
    expect(mayEditStore(otherKeeper, store)).toBe(false)
  })

  it('lets the county admin of its county edit and move it', () => {
    expect(mayEditStore(countyAdmin, store)).toBe(true)
    expect(mayMoveStore(countyAdmin, store)).toBe(true)
    expect(mayEditStore(otherCountyAdmin, store)).toBe(false)
    expect(mayEditStore(cityAdmin, store)).toBe(false)
  })
})

describe('mayImport', () => {
  it('lets store keepers import products only', () => {
    expect(mayImport(keeper, 'products')).toBe(true)
    expect(mayImport(keeper, 'households')).toBe(false)
    expect(mayImport(keeper, 'producers')).toBe(false)
  })

  it('lets county admins import everything and city admins nothing', () => {
    for (const kind of ['households', 'producers', 'products']) {
      expect(mayImport(countyAdmin, kind)).toBe(true)
      expect(mayImport(cityAdmin, kind)).toBe(false)
    }
  })
})

describe('orderActionsFor', () => {
  const order = (status) => ({ status, platform_id: kChengxian, store: { id: 36 } })

  it('lets the store, its county and its couriers confirm cash; the store and county cancel', () => {
    expect(orderActionsFor(keeper, order('pending_payment'))).toEqual(['pay_cash', 'cancel'])
    expect(orderActionsFor(countyAdmin, order('pending_payment'))).toEqual(['pay_cash', 'cancel'])
    expect(orderActionsFor(courier, order('pending_payment'))).toEqual(['pay_cash'])
  })

  it('packs cash-on-delivery orders before payment and redeems pickup codes', () => {
    const cod = { ...order('pending_payment'), payment_method: 'cash_on_delivery' }
    expect(orderActionsFor(keeper, cod)).toEqual(['pay_cash', 'pack', 'cancel'])
    expect(orderActionsFor(courier, cod)).toEqual(['pay_cash'])
    const pickup = { ...order('shipped'), pickup_code: '******' }
    expect(orderActionsFor(courier, pickup)).toEqual(['redeem', 'deliver'])
    expect(orderActionsFor(keeper, order('shipped'))).toEqual(['deliver'])
  })

  it('lets the store and the county pack and ship, not couriers', () => {
    for (const user of [keeper, countyAdmin]) {
      expect(orderActionsFor(user, order('paid'))).toEqual(['pack'])
      expect(orderActionsFor(user, order('packed'))).toEqual(['ship'])
    }
    expect(orderActionsFor(courier, order('paid'))).toEqual([])
    expect(orderActionsFor(courier, order('packed'))).toEqual([])
  })

  it('lets the store, the county and its couriers mark a shipped order delivered', () => {
    for (const user of [keeper, countyAdmin, courier])
      expect(orderActionsFor(user, order('shipped'))).toEqual(['deliver'])
  })

  it('offers nothing once delivered (the buyer completes), nor after', () => {
    for (const status of ['delivered', 'completed', 'cancelled'])
      for (const user of [keeper, countyAdmin, courier]) expect(orderActionsFor(user, order(status))).toEqual([])
  })

  it('offers nothing to city admins, auditors, other stores and other counties', () => {
    for (const status of ['pending_payment', 'paid', 'packed', 'shipped'])
      for (const user of [cityAdmin, auditor, otherKeeper, otherCountyAdmin, otherCourier, supplier])
        expect(orderActionsFor(user, order(status))).toEqual([])
  })
})

describe('afterSaleActionsFor', () => {
  const request = (status) => ({ status, platform_id: kChengxian, store: { id: 36 } })

  it('offers the store keeper and the county admin to accept or reject a new request', () => {
    expect(afterSaleActionsFor(keeper, request('requested'))).toEqual(['accept', 'reject'])
    expect(afterSaleActionsFor(countyAdmin, request('requested'))).toEqual(['accept', 'reject'])
  })

  it('offers to receive the goods of a return sent back', () => {
    expect(afterSaleActionsFor(keeper, request('returned'))).toEqual(['receive'])
    for (const status of ['accepted', 'refunded', 'rejected', 'withdrawn'])
      expect(afterSaleActionsFor(keeper, request(status))).toEqual([])
  })

  it('offers nothing to other stores, other counties, the city, auditors and couriers', () => {
    for (const user of [otherKeeper, otherCountyAdmin, cityAdmin, auditor, courier, supplier])
      expect(afterSaleActionsFor(user, request('requested'))).toEqual([])
  })
})

describe('sale events and packing', () => {
  const event = (status) => ({ status, platform_id: kChengxian, store: { id: 36 } })

  it("lets the event's store keeper and county admin close it while it is scheduled", () => {
    expect(maySaleEventClose(keeper, event('scheduled'))).toBe(true)
    expect(maySaleEventClose(countyAdmin, event('scheduled'))).toBe(true)
    expect(maySaleEventClose(keeper, event('closed'))).toBe(false)
    for (const user of [otherKeeper, otherCountyAdmin, cityAdmin, auditor])
      expect(maySaleEventClose(user, event('scheduled'))).toBe(false)
  })

  it('gives the packing list to those who pack', () => {
    expect(mayPack(keeper)).toBe(true)
    expect(mayPack(countyAdmin)).toBe(true)
    for (const user of [cityAdmin, auditor, courier, supplier]) expect(mayPack(user)).toBe(false)
  })
})

describe('recall and alerts', () => {
  const lot = (status) => ({ status, platform_id: kChengxian })
  const alert = (resolvedAt) => ({ platform_id: kChengxian, resolved_at: resolvedAt })

  it('lets the lot’s county office and the city office recall an active lot', () => {
    expect(mayRecall(countyAdmin, lot('active'))).toBe(true)
    expect(mayRecall(cityAdmin, lot('active'))).toBe(true)
    expect(mayRecall(countyAdmin, lot('recalled'))).toBe(false)
    for (const user of [otherCountyAdmin, auditor, keeper, supplier, courier, null])
      expect(mayRecall(user, lot('active'))).toBe(false)
  })

  it('lets the same offices resolve an open alert', () => {
    expect(mayResolveAlert(countyAdmin, alert(null))).toBe(true)
    expect(mayResolveAlert(cityAdmin, alert(null))).toBe(true)
    expect(mayResolveAlert(countyAdmin, alert(1764460800000))).toBe(false)
    for (const user of [otherCountyAdmin, auditor, keeper]) expect(mayResolveAlert(user, alert(null))).toBe(false)
  })
})
