// What the console offers the signed-in user on one object. The server decides (see the
// functions named below); these mirror its rules so that the console does not offer
// buttons that can only fail. `user` is the session's user (GET /auth/me).

const countyAdminOf = (user, platformId) => user?.role === 'county_admin' && user.platform_id === platformId
const keeperOf = (user, storeId) => user?.role === 'store_keeper' && user.store_id === storeId
const supplierOf = (user, producerId) => user?.role === 'supplier' && user.producer_id === producerId

export const isCountyAdmin = (user) => user?.role === 'county_admin'

// src/catalog/products.cpp review_product: a listed product may be delisted and a delisted
// one relisted by its store keeper or its county admin, nobody else (a keeper's relist goes
// back to store_accepted for the county to approve again). Returns the action or null.
export function listingActionFor(user, product) {
  if (!keeperOf(user, product.store?.id) && !countyAdminOf(user, product.platform_id)) return null
  return { listed: 'delist', delisted: 'relist' }[product.status] ?? null
}

// update_product: its store keeper, its county admin, or its supplier while the product
// waits for the store or was rejected.
export function mayEditProduct(user, product) {
  if (keeperOf(user, product.store?.id) || countyAdminOf(user, product.platform_id)) return true
  return supplierOf(user, product.producer?.id) && ['submitted', 'rejected'].includes(product.status)
}

// create_certification: the county admin of the product's county.
export const mayCertify = (user, product) => countyAdminOf(user, product.platform_id)

// update_store and link_store_household: the county admin of the store's county or its keeper.
export const mayEditStore = (user, store) => countyAdminOf(user, store.platform_id) || keeperOf(user, store.id)

// The store's keeper may change its name and keeper, not move it to another village.
export const mayMoveStore = (user, store) => countyAdminOf(user, store.platform_id)

// create_household, update_household, create_producer, update_producer, create_store:
// the county admin of the object's county (their own county for new objects).
export const mayEditCountyRecord = (user, record) => countyAdminOf(user, record?.platform_id ?? user?.platform_id)

// The import endpoints: households and producers for county admins; products for county
// admins and store keepers (into their own store).
export function mayImport(user, kind) {
  if (kind === 'products') return ['county_admin', 'store_keeper'].includes(user?.role)
  return isCountyAdmin(user)
}

// update_user: an admin may not disable their own account.
export const mayDisableUser = (user, account) => user?.id !== account.id

// src/orders/checkout.cpp advance_order and cancel_order: the steps of an order the console
// offers, in the order of the buttons. Cash is confirmed (pay_cash) and a shipped order
// delivered by its store keeper, a courier of its county or its county admin (a pickup or
// village-point order by its pickup code: redeem); packing and shipping are for the keeper
// and the county admin, and so is cancelling an unpaid order. A cash-on-delivery order is
// packed before it is paid. City admins and auditors only look.
export function orderActionsFor(user, order) {
  const store = keeperOf(user, order.store?.id)
  const county = countyAdminOf(user, order.platform_id)
  const courier = user?.role === 'courier' && user.platform_id === order.platform_id
  const cashOnDelivery = order.payment_method === 'cash_on_delivery'
  const actions = []
  if (order.status === 'pending_payment') {
    if (store || county || courier) actions.push('pay_cash')
    if (cashOnDelivery && (store || county)) actions.push('pack')
    if (store || county) actions.push('cancel')
  } else if (order.status === 'paid' && (store || county)) actions.push('pack')
  else if (order.status === 'packed' && (store || county)) actions.push('ship')
  else if (order.status === 'shipped' && (store || county || courier)) {
    if (order.pickup_code) actions.push('redeem')
    actions.push('deliver')
  }
  return actions
}

// src/orders/after_sales.cpp advance_after_sale: the store's steps on a request, for the
// order's store keeper or the county admin: accept or reject a new request, receive the
// goods of a return sent back. City admins and auditors only look; the buyer's own steps
// (return, withdraw) are the mall's.
export function afterSaleActionsFor(user, afterSale) {
  if (!keeperOf(user, afterSale.store?.id) && !countyAdminOf(user, afterSale.platform_id)) return []
  if (afterSale.status === 'requested') return ['accept', 'reject']
  if (afterSale.status === 'returned') return ['receive']
  return []
}

// close_sale_event: the event's store keeper or its county admin, while it is not closed.
export function maySaleEventClose(user, event) {
  if (event.status === 'closed') return false
  return keeperOf(user, event.store?.id) || countyAdminOf(user, event.platform_id)
}

// The 拣货单 (packing list): for those who pack, the store keeper and the county admin.
export const mayPack = (user) => ['store_keeper', 'county_admin'].includes(user?.role)

// src/trace/recall.cpp recall and src/trace/alerts.cpp resolve_alert: the county office of
// the lot's (the alert's) county, or the city office, recalls an active lot and resolves an
// open alert. Auditors, suppliers and store keepers only look.
const tracesOffice = (user, platformId) => countyAdminOf(user, platformId) || user?.role === 'city_admin'
export const mayRecall = (user, lot) => lot?.status === 'active' && tracesOffice(user, lot.platform_id)
export const mayResolveAlert = (user, alert) => !alert?.resolved_at && tracesOffice(user, alert?.platform_id)
