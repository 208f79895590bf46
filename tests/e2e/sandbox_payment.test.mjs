// Paying online with the sandbox provider in the mall: a buyer adds a 成县 product to the
// cart, checks out paying online, is taken to the sandbox wallet (沙箱支付), confirms, and
// once the provider's notification has reached the server sees 支付成功 and the order paid
// in 我的订单. Then the buyer checks out again choosing cash on delivery, which leaves the
// order unpaid in 我的订单, and pays it after all with 去支付 on the order.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiLogin, baseUrl, kAccounts, kPassword, kPhone, withBrowser } from './support.mjs'

// ¥1,234.56, as the mall shows money (integer fen).
function yuan(fen) {
  const whole = Math.floor(fen / 100).toLocaleString('en-US')
  return `¥${whole}.${String(fen % 100).padStart(2, '0')}`
}

// A listed product whose name starts with `prefix`, with an option that has stock to spare.
async function productNamed(client, prefix) {
  const { items } = await client.get(`/products?q=${encodeURIComponent(prefix)}&page_size=20`)
  for (const item of items.filter((candidate) => candidate.name.startsWith(prefix))) {
    const product = await client.get(`/products/${item.id}`)
    const sku = product.skus.find((candidate) => candidate.stock >= 5)
    if (sku) return { product, sku }
  }
  assert.fail(`no listed ${prefix} product with stock, among: ${items.map((item) => item.name).join(', ')}`)
}

function isApiCall(response, method, apiPath) {
  return response.request().method() === method && new URL(response.url()).pathname === `/api/v1${apiPath}`
}

// On the checkout page: the address, delivery at the store, the payment method; then
// places the order and resolves to POST /orders' answer.
async function placeOrder(page, address, method) {
  await page.locator('[data-test=checkout-store]').first().waitFor()
  await page.locator('[data-test=checkout-address]').click()
  await page.locator(`[data-test=checkout-address-option][data-address-id="${address.id}"]`).click()
  await page.locator('[data-test=address-chooser]').waitFor({ state: 'hidden' })
  await page.locator('[data-test=delivery-mode][data-mode=pickup]').click()
  await page.locator(`[data-test=payment-method][data-method=${method}]`).click()
  await page.locator(`[data-test=payment-method][data-method=${method}] .van-radio__icon--checked`).waitFor()
  const placed = page.waitForResponse((response) => isApiCall(response, 'POST', '/orders'))
  await page.locator('[data-test=place-order]').click()
  const answer = await placed
  assert.equal(answer.status(), 201, `POST /orders answered HTTP ${answer.status()}`)
  return answer.json()
}

// On the sandbox wallet: the amount, 确认支付, then 支付成功 once the notification is in.
async function confirmInWallet(page, amountFen) {
  const wallet = page.locator('[data-test=sandbox-pay][data-state=pay]')
  await wallet.waitFor()
  assert.match(await page.locator('[data-test=sandbox-banner]').innerText(), /沙箱支付/)
  assert.equal((await page.locator('[data-test=sandbox-amount]').innerText()).trim(), yuan(amountFen))
  const prepayId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop())
  const approved = page.waitForResponse((response) => isApiCall(response, 'POST', `/sandbox/prepays/${prepayId}/pay`))
  await page.locator('[data-test=sandbox-confirm]').click()
  const approval = await approved
  assert.equal(approval.status(), 200, `the sandbox's approval answered HTTP ${approval.status()}`)
  // The orders are paid when the provider's notification arrives, within about a second.
  const success = page.locator('[data-test=sandbox-success]')
  await success.waitFor({ timeout: 20_000 })
  assert.match(await success.innerText(), /支付成功/)
}

test('a buyer pays online in the sandbox wallet, at checkout and later from the order', async (t) => {
  const buyer = await apiLogin(kAccounts.buyer)
  const walnut = await productNamed(buyer, '成县核桃')

  // The cart starts empty, whatever an earlier run left.
  for (const group of (await buyer.get('/cart')).stores) {
    for (const line of group.items) await buyer.delete(`/cart/items/${line.sku_id}`)
  }
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

  await withBrowser(t, kPhone, async (page) => {
    // 1. Signing in and putting the walnuts in the cart.
    await page.goto(`${baseUrl}/login?redirect=/products/${walnut.product.id}`)
    await page.locator('[data-test=login-phone] input').fill(kAccounts.buyer)
    await page.locator('[data-test=login-password] input').fill(kPassword)
    await page.locator('[data-test=login-submit]').click()
    await page.waitForURL((url) => url.pathname === `/products/${walnut.product.id}`)
    await page.locator('[data-test=product-detail]').waitFor()
    await page.locator('[data-test=sku-row]').nth(walnut.product.skus.indexOf(walnut.sku)).click()
    const added = page.waitForResponse((response) => isApiCall(response, 'PUT', `/cart/items/${walnut.sku.id}`))
    await page.locator('[data-test=add-to-cart]').click()
    assert.equal((await added).status(), 200)

    // 2. The checkout, paying online (the first choice): on to the sandbox wallet.
    await page.goto(`${baseUrl}/cart`)
    await page.locator('[data-test=checkout]').click()
    await page.waitForURL((url) => url.pathname === '/checkout')
    await page.locator('[data-test=payment-method][data-method=online] .van-radio__icon--checked').waitFor()
    const paying = page.waitForResponse((response) =>
      /^\/api\/v1\/checkouts\/\d+\/pay$/.test(new URL(response.url()).pathname),
    )
    const checkout = await placeOrder(page, address, 'online')
    assert.equal(checkout.orders.length, 1)
    assert.equal(checkout.total_fen, walnut.sku.price_fen)
    const payment = await paying
    assert.equal(payment.status(), 201, `POST /checkouts/${checkout.checkout_id}/pay answered HTTP ${payment.status()}`)
    assert.deepEqual(payment.request().postDataJSON(), { provider: 'sandbox' })
    const { pay_url: payUrl, amount_fen: amount } = await payment.json()
    assert.equal(amount, checkout.total_fen)
    await page.waitForURL((url) => url.pathname === payUrl)

    // 3. 确认支付 in the wallet, 支付成功, and the order paid in 我的订单.
    await confirmInWallet(page, checkout.total_fen)
    const [order] = checkout.orders
    await page.locator('[data-test=sandbox-orders]').click()
    await page.waitForURL((url) => url.pathname === '/me/orders')
    const card = page.locator(`[data-test=order-card][data-order-id="${order.id}"]`)
    await card.waitFor()
    assert.equal(await card.getAttribute('data-status'), 'paid')
    assert.equal(await card.locator('[data-test=order-pay]').count(), 0)

    await card.locator('[data-test=order-view]').click()
    await page.locator('[data-test=order-detail][data-status=paid]').waitFor()
    assert.equal(await page.locator('[data-test=order-status-name]').innerText(), '已付款')
    const paidWith = page.locator('[data-test=order-payment][data-provider=sandbox]')
    assert.match(await paidWith.innerText(), /在线支付（沙箱）/)
    assert.match(await paidWith.innerText(), new RegExp(yuan(order.total_fen).replace(/[.$]/g, '\\$&')))
    assert.deepEqual(
      await page.locator('[data-test=order-event]').evaluateAll((steps) => steps.map((step) => step.dataset.status)),
      ['paid', 'pending_payment'],
    )
    const paid = await buyer.get(`/orders/${order.id}`)
    assert.equal(paid.status, 'paid')
    assert.equal(paid.payment?.provider, 'sandbox')
    assert.equal(paid.payment?.amount_fen, order.total_fen)

    // 4. Again, choosing cash on delivery: the order waits unpaid in 我的订单 …
    await buyer.put(`/cart/items/${walnut.sku.id}`, { quantity: 2 })
    await page.goto(`${baseUrl}/checkout`)
    const cash = await placeOrder(page, address, 'cash')
    await page.waitForURL((url) => url.pathname === '/me/orders')
    await page.locator('[data-test=orders-placed]').waitFor()
    const [unpaid] = cash.orders
    const unpaidCard = page.locator(`[data-test=order-card][data-order-id="${unpaid.id}"]`)
    await unpaidCard.waitFor()
    assert.equal(await unpaidCard.getAttribute('data-status'), 'pending_payment')

    // … until the buyer pays it online after all, with 去支付 on the order.
    await unpaidCard.locator('[data-test=order-view]').click()
    await page.locator('[data-test=order-detail][data-status=pending_payment]').waitFor()
    assert.match(await page.locator('[data-test=order-payment]').innerText(), /未付款/)
    await page.locator('[data-test=order-pay]').click()
    await page.waitForURL((url) => url.pathname.startsWith('/pay/sandbox/'))
    await confirmInWallet(page, unpaid.total_fen)
    assert.equal((await buyer.get(`/orders/${unpaid.id}`)).status, 'paid')
  })
})
