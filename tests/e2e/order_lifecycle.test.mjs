// An order from the cart to the buyer's receipt: the buyer checks out a 成县 store's product
// and 两当狼牙蜜 in the mall (two stores, two orders, express delivery to an address in 成县,
// cash on delivery; the first answer is lost, and the retry with the same Idempotency-Key
// gets the same orders); in the console the 成县 store keeper confirms the cash, packs and
// ships with a carrier and waybill, and the 成县 courier marks it delivered; back in the mall
// the buyer confirms receipt and cancels the other, still unpaid, order.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiLogin, baseUrl, kAccounts, kDesktop, kPassword, kPhone, signIn, withBrowser } from './support.mjs'

// ¥1,234.56, as the mall and the console show money (integer fen).
function yuan(fen) {
  const whole = Math.floor(fen / 100).toLocaleString('en-US')
  return `¥${whole}.${String(fen % 100).padStart(2, '0')}`
}

// The first option of a listed product with stock to spare.
async function skuWithStock(client, productId) {
  const product = await client.get(`/products/${productId}`)
  const sku = product.skus.find((candidate) => candidate.stock >= 5)
  return sku ? { product, sku } : null
}

// A product of `storeId`, found among the county's listed products.
async function productOfStore(client, platformId, storeId) {
  const { items } = await client.get(`/products?platform_id=${platformId}&page_size=100`)
  for (const item of items.filter((candidate) => candidate.store.id === storeId)) {
    const found = await skuWithStock(client, item.id)
    if (found) return found
  }
  assert.fail(`store ${storeId} has no listed product with stock among ${items.length} of platform ${platformId}`)
}

async function productNamed(client, name) {
  const { items } = await client.get(`/products?q=${encodeURIComponent(name)}&page_size=20`)
  const item = items.find((candidate) => candidate.name === name)
  assert.ok(item, `no listed product named ${name}`)
  const found = await skuWithStock(client, item.id)
  assert.ok(found, `${name} has no option with stock`)
  return found
}

function isApiCall(response, method, apiPath) {
  return response.request().method() === method && new URL(response.url()).pathname === `/api/v1${apiPath}`
}

// Takes one step of order `orderId` on the console's order page: presses the button,
// confirms the question box when the step asks one, and waits for the order's new status.
async function consoleStep(page, orderId, action, status) {
  const answer = page.waitForResponse((response) => isApiCall(response, 'POST', `/orders/${orderId}/advance`))
  await page.locator(`[data-test=order-action-${action}]`).click()
  if (action === 'pay_cash' || action === 'deliver') {
    await page.locator('.order-step-box .el-message-box__btns .el-button--primary').click()
  }
  const response = await answer
  assert.equal(response.status(), 200, `${action} of order ${orderId} answered HTTP ${response.status()}`)
  await page.locator(`[data-test=order-detail][data-status=${status}]`).waitFor()
}

test('a buyer checks out two stores, the 成县 store and courier fulfil one order, the buyer receives it', async (t) => {
  const buyer = await apiLogin(kAccounts.buyer)
  const storeKeeper = await apiLogin(kAccounts.chengxianStoreKeeper)
  const { items: platforms } = await buyer.get('/platforms')
  const chengxian = platforms.find((platform) => platform.name === '成县')
  const walnut = await productOfStore(buyer, chengxian.id, storeKeeper.user.store_id)
  const honey = await productNamed(buyer, '两当狼牙蜜 500g')
  assert.notEqual(honey.product.store.id, storeKeeper.user.store_id)

  // The cart holds exactly these two, whatever an earlier run left.
  for (const group of (await buyer.get('/cart')).stores) {
    for (const line of group.items) await buyer.delete(`/cart/items/${line.sku_id}`)
  }
  await buyer.put(`/cart/items/${walnut.sku.id}`, { quantity: 2 })
  await buyer.put(`/cart/items/${honey.sku.id}`, { quantity: 1 })
  const total = 2 * walnut.sku.price_fen + honey.sku.price_fen

  // An address in 成县 to deliver to (cart.test.mjs leaves one; otherwise one is added).
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

  let checkout
  await withBrowser(t, kPhone, async (page) => {
    // 1. From the cart to the checkout, signing in on the way.
    await page.goto(`${baseUrl}/login?redirect=/cart`)
    await page.locator('[data-test=login-phone] input').fill(kAccounts.buyer)
    await page.locator('[data-test=login-password] input').fill(kPassword)
    await page.locator('[data-test=login-submit]').click()
    await page.waitForURL((url) => url.pathname === '/cart')
    await page.locator('[data-test=cart-total]', { hasText: yuan(total) }).waitFor()
    await page.locator('[data-test=checkout]').click()
    await page.waitForURL((url) => url.pathname === '/checkout')

    // 2. Two stores, their lines and the total; cash on delivery.
    const stores = page.locator('[data-test=checkout-store]')
    await stores.nth(1).waitFor()
    assert.equal(await stores.count(), 2)
    const walnutStore = page.locator(`[data-test=checkout-store][data-store-id="${walnut.product.store.id}"]`)
    assert.equal(await walnutStore.locator('[data-test=checkout-line]').count(), 1)
    assert.equal(
      (await walnutStore.locator('[data-test=checkout-store-subtotal]').innerText()).trim(),
      yuan(2 * walnut.sku.price_fen),
    )
    assert.equal((await page.locator('[data-test=checkout-total]').innerText()).trim(), yuan(total))
    // Online payment is offered first; this buyer pays cash on delivery.
    await page.locator('[data-test=payment-method][data-method=cash]').click()
    await page.locator('[data-test=payment-method][data-method=cash] .van-radio__icon--checked').waitFor()
    assert.match(await page.locator('[data-test=checkout-payment-note]').innerText(), /现金/)

    // 3. The 成县 address, express delivery and a note.
    await page.locator('[data-test=checkout-address]').click()
    await page.locator(`[data-test=checkout-address-option][data-address-id="${address.id}"]`).click()
    await page.locator('[data-test=address-chooser]').waitFor({ state: 'hidden' })
    assert.equal(await page.locator('[data-test=checkout-address]').getAttribute('data-address-id'), String(address.id))
    assert.match(await page.locator('[data-test=checkout-address-place]').innerText(), /^成县 /)
    await page.locator('[data-test=delivery-mode][data-mode=express]').click()
    await page.locator('[data-test=checkout-note] textarea').fill('浏览器测试订单')

    // 4. Placing the order. The first answer is lost on its way back (the server did check
    // out); pressing again retries with the same Idempotency-Key and gets the same orders.
    let firstKey = ''
    await page.route(
      (url) => url.pathname === '/api/v1/orders',
      async (route) => {
        if (route.request().method() !== 'POST' || firstKey) return route.fallback()
        firstKey = route.request().headers()['idempotency-key'] ?? ''
        await route.fetch()
        await route.abort('connectionreset')
      },
    )
    await page.locator('[data-test=place-order]').click()
    await page.locator('.checkout-retry-dialog').waitFor()
    assert.match(firstKey, /^[A-Za-z0-9_.:-]{1,64}$/)
    await page.locator('.checkout-retry-dialog .van-dialog__confirm').click()

    const placed = page.waitForResponse((response) => isApiCall(response, 'POST', '/orders'))
    await page.locator('[data-test=place-order]').click()
    const answer = await placed
    assert.equal(answer.status(), 200, `the retry of POST /orders answered HTTP ${answer.status()}`)
    assert.equal((await answer.request().allHeaders())['idempotency-key'], firstKey, 'the retry took another key')
    assert.deepEqual(answer.request().postDataJSON(), {
      address_id: address.id,
      delivery_mode: 'express',
      payment_method: 'cash_on_delivery',
      note: '浏览器测试订单',
    })
    checkout = await answer.json()
    assert.equal(checkout.orders.length, 2)
    assert.equal(checkout.total_fen, total)

    // 5. 我的订单 shows them, unpaid; cash on delivery has no payment deadline.
    await page.waitForURL((url) => url.pathname === '/me/orders')
    await page.locator('[data-test=orders-placed]').waitFor()
    const fresh = page.locator(`[data-test=order-card][data-checkout-id="${checkout.checkout_id}"]`)
    await fresh.nth(1).waitFor()
    assert.equal(await fresh.count(), 2)
    for (const card of await fresh.all()) {
      assert.equal(await card.getAttribute('data-status'), 'pending_payment')
      assert.equal(await card.locator('[data-test=order-deadline]').count(), 0)
    }
  })

  const walnutOrder = checkout.orders.find((order) => order.store.id === walnut.product.store.id)
  const honeyOrder = checkout.orders.find((order) => order.store.id === honey.product.store.id)
  assert.ok(walnutOrder && honeyOrder, 'the checkout did not make one order per store')
  assert.deepEqual(
    walnutOrder.items.map((item) => [item.sku_id, item.quantity]),
    [[walnut.sku.id, 2]],
  )

  // 6. The 成县 store keeper: cash, packing, shipping by express.
  const waybill = `E2E${Date.now()}`
  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/orders`)
    await signIn(page, kAccounts.chengxianStoreKeeper)
    await page.locator('[data-test=menu-orders]').click()
    const link = page.locator(`[data-test=order-link][data-order-id="${walnutOrder.id}"]`)
    await link.waitFor()
    assert.equal(
      await page.locator(`[data-test=order-link][data-order-id="${honeyOrder.id}"]`).count(),
      0,
      "the store keeper sees another store's order",
    )
    await link.click()
    await page.locator('[data-test=order-detail][data-status=pending_payment]').waitFor()
    assert.equal(await page.locator('[data-test=order-phone]').innerText(), address.phone)

    await consoleStep(page, walnutOrder.id, 'pay_cash', 'paid')
    await consoleStep(page, walnutOrder.id, 'pack', 'packed')

    // Express orders ship with a carrier and a waybill: the dialog asks for both.
    await page.locator('[data-test=order-action-ship]').click()
    const dialog = page.locator('[data-test=ship-dialog]')
    await dialog.locator('[data-test=ship-submit]').click()
    await dialog.locator('.el-form-item__error', { hasText: '快递订单须填写快递公司' }).waitFor()
    await dialog.locator('[data-test=ship-carrier]').fill('中国邮政')
    await dialog.locator('[data-test=ship-waybill]').fill(waybill)
    const shipped = page.waitForResponse((response) => isApiCall(response, 'POST', `/orders/${walnutOrder.id}/advance`))
    await dialog.locator('[data-test=ship-submit]').click()
    assert.equal((await shipped).status(), 200)
    await page.locator('[data-test=order-detail][data-status=shipped]').waitFor()
    assert.equal(await page.locator('[data-test=order-waybill]').innerText(), waybill)
    // Handing it over is left to the courier, though the keeper could do it too.
    assert.deepEqual(
      await page
        .locator('[data-test^=order-action-]')
        .evaluateAll((buttons) => buttons.map((button) => button.dataset.test)),
      ['order-action-deliver'],
    )
  })

  // 7. The 成县 courier hands it over.
  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/orders/${walnutOrder.id}`)
    await signIn(page, kAccounts.chengxianCourier)
    await page.locator('[data-test=order-detail][data-status=shipped]').waitFor()
    await consoleStep(page, walnutOrder.id, 'deliver', 'delivered')
  })

  // 8. The buyer confirms receipt, and cancels the honey they have not paid for.
  await withBrowser(t, kPhone, async (page) => {
    await page.goto(`${baseUrl}/me/orders/${walnutOrder.id}`)
    await page.waitForURL((url) => url.pathname === '/login')
    await page.locator('[data-test=login-phone] input').fill(kAccounts.buyer)
    await page.locator('[data-test=login-password] input').fill(kPassword)
    await page.locator('[data-test=login-submit]').click()
    await page.waitForURL((url) => url.pathname === `/me/orders/${walnutOrder.id}`)
    await page.locator('[data-test=order-detail][data-status=delivered]').waitFor()
    assert.match(await page.locator('[data-test=order-waybill]').innerText(), new RegExp(waybill))
    assert.deepEqual(
      await page.locator('[data-test=order-event]').evaluateAll((steps) => steps.map((step) => step.dataset.status)),
      ['delivered', 'shipped', 'packed', 'paid', 'pending_payment'],
    )

    const completed = page.waitForResponse((response) =>
      isApiCall(response, 'POST', `/orders/${walnutOrder.id}/advance`),
    )
    await page.locator('[data-test=order-complete]').click()
    await page.locator('.van-dialog__confirm').click()
    assert.equal((await completed).status(), 200)
    await page.locator('[data-test=order-detail][data-status=completed]').waitFor()
    assert.equal(await page.locator('[data-test=order-status-name]').innerText(), '已完成')
    assert.equal(await page.locator('[data-test=order-complete]').count(), 0)

    await page.goto(`${baseUrl}/me/orders?status=pending_payment`)
    const honeyCard = page.locator(`[data-test=order-card][data-order-id="${honeyOrder.id}"]`)
    await honeyCard.waitFor()
    const cancelled = page.waitForResponse((response) => isApiCall(response, 'POST', `/orders/${honeyOrder.id}/cancel`))
    await honeyCard.locator('[data-test=order-cancel]').click()
    await page.locator('.van-dialog__confirm').click()
    assert.equal((await cancelled).status(), 200)
    await page.locator(`[data-test=order-card][data-order-id="${honeyOrder.id}"][data-status=cancelled]`).waitFor()
  })

  // The county office sees the whole history, the buyer's receipt last.
  const countyAdmin = await apiLogin(kAccounts.chengxianCountyAdmin)
  const final = await countyAdmin.get(`/orders/${walnutOrder.id}`)
  assert.equal(final.status, 'completed')
  assert.deepEqual(
    final.events.map((event) => [event.to_status, event.actor_name]),
    [
      ['pending_payment', buyer.user.name],
      ['paid', storeKeeper.user.name],
      ['packed', storeKeeper.user.name],
      ['shipped', storeKeeper.user.name],
      ['delivered', (await apiLogin(kAccounts.chengxianCourier)).user.name],
      ['completed', buyer.user.name],
    ],
  )
  assert.equal((await buyer.get(`/orders/${honeyOrder.id}`)).status, 'cancelled')
})
