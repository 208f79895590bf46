// Shared by the delivery end's browser tests: paid village-point orders of the 成县 store,
// and the delivery tasks they become, set up through the API as tests/api/delivery.test.mjs
// does. The buyer's addresses made here are removed again, and the cart is left empty.
import assert from 'node:assert/strict'

// Tomorrow in Shanghai: a vehicle's whole shift is ahead, whenever the test runs.
export function tomorrowInShanghai() {
  return new Date(Date.now() + 8 * 3_600_000 + 24 * 3_600_000).toISOString().slice(0, 10)
}

// Today in Shanghai, the day the console's delivery pages start on.
export function todayInShanghai() {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
}

// HH:MM in Shanghai, as the console and the driver's page show arrivals.
export function clock(ms) {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms))
}

export async function until(check, what, timeoutMs = 20_000) {
  const started = Date.now()
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

// `count` village-point orders of one unit each by `buyer` from the store of `keeper`, to
// the points of different villages of `township` (every `spread`-th point from `offset`, so
// that two tests use different villages), paid in cash by the keeper. By default 成县's
// 城关镇, the county town, which the park serves itself: one leg. Resolves when every order
// has its open delivery task: [{order, task, point}].
export async function paidVillageOrders({
  buyer,
  keeper,
  countyAdmin,
  count,
  offset = 0,
  spread = 7,
  township = '621221100',
  window,
}) {
  const { items: platforms } = await buyer.get('/platforms')
  const chengxian = platforms.find((platform) => platform.name === '成县')
  const { items: products } = await buyer.get(`/products?platform_id=${chengxian.id}&page_size=100`)
  let sku
  for (const item of products.filter((candidate) => candidate.store.id === keeper.user.store_id)) {
    sku = (await buyer.get(`/products/${item.id}`)).skus.find((candidate) => candidate.stock >= 20)
    if (sku) break
  }
  assert.ok(sku, 'the 成县 store has a product with stock to spare')
  const { items: points } = await buyer.get(`/logistics-nodes?division=${township}&tier=village_point&page_size=100`)
  const chosen = points.filter((_, index) => index % spread === offset % spread).slice(0, count)
  assert.equal(chosen.length, count)

  for (const group of (await buyer.get('/cart')).stores)
    for (const line of group.items) await buyer.delete(`/cart/items/${line.sku_id}`)
  const placed = []
  for (const [index, point] of chosen.entries()) {
    const address = await buyer.post('/addresses', {
      recipient: `收货人${index + 1}`,
      phone: '13912345678',
      division_code: point.division_code,
      detail: `${index + 1} 组 ${10 + index} 号`,
    })
    await buyer.put(`/cart/items/${sku.id}`, { quantity: 1 })
    const { orders } = await buyer.post(
      '/orders',
      { address_id: address.id, delivery_mode: 'village_point', ...(window ? { delivery_window: window } : {}) },
      { 'Idempotency-Key': `e2e-delivery-${Date.now()}-${index}` },
    )
    await keeper.post(`/orders/${orders[0].id}/advance`, { action: 'pay_cash' })
    await buyer.delete(`/addresses/${address.id}`)
    placed.push({ order: orders[0], point })
  }
  const tasks = await until(async () => {
    const { items } = await countyAdmin.get('/delivery-tasks?status=open&page_size=100')
    const found = placed.map(({ order }) => items.find((task) => task.order_id === order.id))
    return found.every(Boolean) && found
  }, 'the delivery tasks of the paid orders')
  return placed.map((entry, index) => ({ ...entry, task: tasks[index] }))
}
