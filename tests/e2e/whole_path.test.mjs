// The whole path of one checkout across two counties' stores: a buyer orders 成县核桃（带壳）
// 1kg (the 成县 store of 13800000002, supplied by the cooperative 13800000003) and 两当狼牙蜜
// 500g (the 两当 store of 13800000010, supplied by the cooperative 13800000011) in one
// checkout, sees the quote (freight per store, the total) and pays both orders at once in
// the sandbox wallet; each store keeper finds their order on the packing list (拣货单), packs
// it and ships it by express with a carrier and a waybill; the buyer confirms receipt of both
// (确认收货, straight from shipped); and each supplier reads the credit for their goods on
// their statement (结算): the item's subtotal less the county's commission.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiLogin, baseUrl, kAccounts, kDesktop, kPassword, kPhone, signIn, withBrowser } from './support.mjs'

const kParties = {
  walnut: {
    product: '成县核桃（带壳）1kg',
    storeKeeper: kAccounts.chengxianStoreKeeper,
    supplier: kAccounts.chengxianSupplier,
    carrier: '中国邮政',
  },
  honey: { product: '两当狼牙蜜 500g', storeKeeper: '13800000010', supplier: '13800000011', carrier: '顺丰速运' },
}

// ¥1,234.56, as the mall and the console show money (integer fen).
function yuan(fen) {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}¥${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`
}

function isApiCall(response, method, apiPath) {
  return response.request().method() === method && new URL(response.url()).pathname === `/api/v1${apiPath}`
}

// The listed product named exactly `name`, with an option that has stock to spare.
async function productNamed(client, name) {
  const { items } = await client.get(`/products?q=${encodeURIComponent(name)}&page_size=20`)
  const item = items.find((candidate) => candidate.name === name)
  assert.ok(item, `no listed product named ${name}`)
  const product = await client.get(`/products/${item.id}`)
  const sku = product.skus.find((candidate) => candidate.stock >= 5)
  assert.ok(sku, `${name} has no option with stock`)
  return { product, sku }
}

async function signInToMall(page, path) {
  await page.goto(`${baseUrl}/login?redirect=${encodeURIComponent(path)}`)
  await page.locator('[data-test=login-phone] input').fill(kAccounts.buyer)
  await page.locator('[data-test=login-password] input').fill(kPassword)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((url) => url.pathname === path)
}

// One step of an order on the console's order page (pack), waiting for its new status.
async function consoleStep(page, orderId, action, status) {
  const answer = page.waitForResponse((response) => isApiCall(response, 'POST', `/orders/${orderId}/advance`))
  await page.locator(`[data-test=order-action-${action}]`).click()
  const response = await answer
  assert.equal(response.status(), 200, `${action} of order ${orderId} answered HTTP ${response.status()}`)
  await page.locator(`[data-test=order-detail][data-status=${status}]`).waitFor()
}

test('one checkout from two stores: paid online, packed and shipped by each store, received, credited', async (t) => {
  const buyer = await apiLogin(kAccounts.buyer)
  const goods = {}
  for (const [key, party] of Object.entries(kParties)) goods[key] = await productNamed(buyer, party.product)
  assert.notEqual(goods.walnut.product.store.id, goods.honey.product.store.id)
  const keepers = {}
  for (const [key, party] of Object.entries(kParties)) {
    keepers[key] = await apiLogin(party.storeKeeper)
    assert.equal(keepers[key].user.store_id, goods[key].product.store.id, `${party.product} is not sold by its keeper`)
  }

  // The cart holds exactly these two, whatever an earlier run left.
  for (const group of (await buyer.get('/cart')).stores) {
    for (const line of group.items) await buyer.delete(`/cart/items/${line.sku_id}`)
  }
  for (const { sku } of Object.values(goods)) await buyer.put(`/cart/items/${sku.id}`, { quantity: 1 })
  const goodsTotal = goods.walnut.sku.price_fen + goods.honey.sku.price_fen

  // An address in 成县 (cart.test.mjs leaves one; otherwise one is added).
  let address = (await buyer.get('/addresses')).items.find((candidate) => candidate.county_name === '成县')
  if (!address) {
    const [village] = (await buyer.get('/divisions?parent=621221100')).items
    address = await buyer.post('/addresses', {
      recipient: '王小明',
      phone: '13912345678',
      division_code: village.code,
      detail: '东街 12 号',
    })
  }

  // 1. The checkout: two stores, the quote for express delivery, online payment.
  let checkout
  await withBrowser(t, kPhone, async (page) => {
    await signInToMall(page, '/cart')
    await page.locator('[data-test=checkout]').click()
    await page.waitForURL((url) => url.pathname === '/checkout')
    const stores = page.locator('[data-test=checkout-store]')
    await stores.nth(1).waitFor()
    assert.equal(await stores.count(), 2)
    assert.match(await page.locator('[data-test=checkout-split]').innerText(), /2/)

    await page.locator('[data-test=checkout-address]').click()
    await page.locator(`[data-test=checkout-address-option][data-address-id="${address.id}"]`).click()
    await page.locator('[data-test=address-chooser]').waitFor({ state: 'hidden' })
    const quoted = page.waitForResponse(
      (response) =>
        isApiCall(response, 'POST', '/orders/quote') && response.request().postDataJSON().delivery_mode === 'express',
    )
    await page.locator('[data-test=delivery-mode][data-mode=express]').click()
    const quoteAnswer = await quoted
    assert.equal(quoteAnswer.status(), 200, `POST /orders/quote answered HTTP ${quoteAnswer.status()}`)
    assert.deepEqual(quoteAnswer.request().postDataJSON(), { address_id: address.id, delivery_mode: 'express' })
    const quote = await quoteAnswer.json()
    assert.equal(quote.orders.length, 2)
    assert.equal(
      quote.orders.reduce((sum, order) => sum + order.goods_fen, 0),
      goodsTotal,
    )
    // Each store's freight by the quote, and the total with it.
    for (const order of quote.orders) {
      const freight = page.locator(
        `[data-test=checkout-store][data-store-id="${order.store.id}"] [data-test=checkout-store-freight]`,
      )
      await freight.filter({ hasText: order.freight_fen ? yuan(order.freight_fen) : '免运费' }).waitFor()
    }
    await page.locator('[data-test=checkout-total]', { hasText: yuan(quote.total_fen) }).waitFor()
    assert.equal(await page.locator('[data-test=checkout-quote-error]').count(), 0)
    await page.locator('[data-test=payment-method][data-method=online] .van-radio__icon--checked').waitFor()

    const placed = page.waitForResponse((response) => isApiCall(response, 'POST', '/orders'))
    await page.locator('[data-test=place-order]').click()
    const answer = await placed
    assert.equal(answer.status(), 201, `POST /orders answered HTTP ${answer.status()}`)
    checkout = await answer.json()
    assert.equal(checkout.orders.length, 2)
    assert.equal(checkout.total_fen, quote.total_fen)

    // 2. Both orders paid at once in the sandbox wallet.
    await page.waitForURL((url) => url.pathname.startsWith('/pay/sandbox/'))
    await page.locator('[data-test=sandbox-pay][data-state=pay]').waitFor()
    assert.equal((await page.locator('[data-test=sandbox-amount]').innerText()).trim(), yuan(checkout.total_fen))
    assert.match(await page.locator('[data-test=sandbox-order-count]').innerText(), /2/)
    await page.locator('[data-test=sandbox-confirm]').click()
    await page.locator('[data-test=sandbox-success]').waitFor({ timeout: 20_000 })
  })

  const orders = {}
  for (const key of Object.keys(kParties)) {
    orders[key] = checkout.orders.find((order) => order.store.id === goods[key].product.store.id)
    assert.ok(orders[key], `no order for the store of ${kParties[key].product}`)
    assert.equal((await buyer.get(`/orders/${orders[key].id}`)).status, 'paid')
  }

  // 3. Each store keeper: the packing list, then packing and shipping by express.
  const waybills = {}
  for (const [key, party] of Object.entries(kParties)) {
    const order = orders[key]
    const other = key === 'walnut' ? orders.honey : orders.walnut
    waybills[key] = `WP${Date.now()}${key.slice(0, 1).toUpperCase()}`
    await withBrowser(t, kDesktop, async (page) => {
      await page.goto(`${baseUrl}/admin/orders`)
      await signIn(page, party.storeKeeper)
      await page.locator('[data-test=menu-orders]').click()
      await page.locator('[data-test=packing-list-open]').click()
      await page.waitForURL((url) => url.pathname === '/admin/orders/packing')
      const packed = page.locator(`[data-test=packing-order][data-order-id="${order.id}"]`)
      await packed.waitFor()
      assert.match(await packed.innerText(), new RegExp(party.product.replace(/[()（）]/g, '.')))
      assert.equal(await page.locator(`[data-test=packing-order][data-order-id="${other.id}"]`).count(), 0)
      const sku = page.locator(`[data-test=packing-sku][data-sku-id="${goods[key].sku.id}"]`)
      assert.ok(Number(await sku.locator('[data-test=packing-sku-quantity]').innerText()) >= 1)

      await page.goto(`${baseUrl}/admin/orders/${order.id}`)
      await page.locator('[data-test=order-detail][data-status=paid]').waitFor()
      await consoleStep(page, order.id, 'pack', 'packed')
      await page.locator('[data-test=order-action-ship]').click()
      const dialog = page.locator('[data-test=ship-dialog]')
      await dialog.locator('[data-test=ship-carrier]').fill(party.carrier)
      await dialog.locator('[data-test=ship-waybill]').fill(waybills[key])
      const shipped = page.waitForResponse((response) => isApiCall(response, 'POST', `/orders/${order.id}/advance`))
      await dialog.locator('[data-test=ship-submit]').click()
      assert.equal((await shipped).status(), 200)
      await page.locator('[data-test=order-detail][data-status=shipped]').waitFor()
      assert.equal(await page.locator('[data-test=order-waybill]').innerText(), waybills[key])
    })
  }

  // 4. The buyer confirms receipt of both, straight from shipped.
  await withBrowser(t, kPhone, async (page) => {
    await signInToMall(page, `/me/orders/${orders.walnut.id}`)
    for (const [key, order] of Object.entries(orders)) {
      await page.goto(`${baseUrl}/me/orders/${order.id}`)
      await page.locator('[data-test=order-detail][data-status=shipped]').waitFor()
      assert.match(await page.locator('[data-test=order-waybill]').innerText(), new RegExp(waybills[key]))
      const completed = page.waitForResponse((response) => isApiCall(response, 'POST', `/orders/${order.id}/advance`))
      await page.locator('[data-test=order-complete]').click()
      await page.locator('.van-dialog__confirm').click()
      assert.equal((await completed).status(), 200)
      await page.locator('[data-test=order-detail][data-status=completed]').waitFor()
    }
  })

  // 5. Each supplier's statement: the credit for their goods, less the county's commission
  // (the platform's entry of the item; none without a rate).
  const city = await apiLogin(kAccounts.cityAdmin)
  for (const [key, party] of Object.entries(kParties)) {
    const order = await buyer.get(`/orders/${orders[key].id}`)
    assert.equal(order.status, 'completed')
    const [item] = order.items
    const { items: entries } = await city.get(`/ledger/entries?store_id=${order.store.id}&page_size=100`)
    const ofItem = entries.filter((entry) => entry.order_item_id === item.id && entry.kind === 'sale')
    const commission = ofItem.find((entry) => entry.account === 'platform')?.amount_fen ?? 0
    const credit = item.subtotal_fen - commission

    await withBrowser(t, kDesktop, async (page) => {
      await page.goto(`${baseUrl}/admin/statement`)
      await signIn(page, party.supplier)
      await page.locator('[data-test=statement-totals]').waitFor()
      const row = page.locator('.el-table__row', { hasText: `#${order.id}` })
      await row.waitFor()
      assert.equal(await row.count(), 1)
      assert.equal(await row.locator('[data-test=entry-account]').getAttribute('data-account'), 'producer')
      assert.equal((await row.locator('[data-test=entry-amount]').innerText()).trim(), yuan(credit))
      assert.match(await row.innerText(), new RegExp(party.product.replace(/[()（）]/g, '.')))
    })
  }
})
