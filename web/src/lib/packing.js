// The packing list (拣货单) of paid orders: store by store, how many of each SKU to pick
// in all, then the orders themselves grouped by how they leave (same-city delivery, the
// village point, pickup at the store, express) and by place (the village, or the province
// of an express parcel beyond Longnan), so that what goes one way is packed together.
// Units already put back in stock (refunded before packing) are not picked.
import { placeText } from './address.js'
import { isOpenAfterSale } from './afterSales.js'
import { kDeliveryModes } from './orders.js'

// The units of `item` left to pick.
export function unitsToPick(item) {
  return Math.max(0, item.quantity - (item.restocked ?? 0))
}

// [{store, skus, groups, orderCount, units}] for `orders`, stores by name:
// - skus: [{sku_id, name, sku_code, quantity, orders}] by name then code, quantity being
//   the units to pick and orders how many orders want it;
// - groups: [{mode, orders}] in the order of kDeliveryModes, each group's orders by place
//   (province, or county, township and village) then number; an order with an open
//   after-sales request is `held` (the server refuses to pack it until it is settled).
export function packingList(orders) {
  const stores = new Map()
  for (const order of orders) {
    let store = stores.get(order.store.id)
    if (!store) {
      store = { store: order.store, skus: new Map(), orders: [], units: 0 }
      stores.set(order.store.id, store)
    }
    const held = isOpenAfterSale(order.after_sale)
    store.orders.push({ ...order, held })
    if (held) continue
    for (const item of order.items) {
      const units = unitsToPick(item)
      if (!units) continue
      const line = store.skus.get(item.sku_id) ?? {
        sku_id: item.sku_id,
        name: item.name,
        sku_code: item.sku_code,
        quantity: 0,
        orders: 0,
      }
      line.quantity += units
      line.orders += 1
      store.units += units
      store.skus.set(item.sku_id, line)
    }
  }
  const byText = (a, b) => (a < b ? -1 : a > b ? 1 : 0)
  return [...stores.values()]
    .sort((a, b) => byText(a.store.name, b.store.name) || a.store.id - b.store.id)
    .map((store) => ({
      store: store.store,
      skus: [...store.skus.values()].sort((a, b) => byText(a.name, b.name) || byText(a.sku_code, b.sku_code)),
      groups: kDeliveryModes
        .map((mode) => ({
          mode,
          orders: store.orders
            .filter((order) => order.delivery_mode === mode)
            .sort((a, b) => byText(placeText(a.address), placeText(b.address)) || a.id - b.id),
        }))
        .filter((group) => group.orders.length),
      orderCount: store.orders.length,
      units: store.units,
    }))
}
