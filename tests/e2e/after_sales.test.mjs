// After-sales (售后) between a buyer in the mall and the 成县 store in the console: the buyer
// of a shipped order asks to return the goods for a refund (退货退款: why, which goods, the
// amount they are worth), the store keeper accepts in the refund queue, the buyer sends the
// goods back with a carrier and a waybill, and the store keeper confirms they arrived,
// which refunds the buyer; the buyer's list of requests shows it refunded. A request for a
// refund only of another order is rejected, which takes a reason.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiLogin, baseUrl, kAccounts, kDesktop, kPassword, kPhone, signIn, withBrowser } from './support.mjs'

const kProduct = '成县核桃（带壳）1kg'

function yuan(fen) {
  return `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`
}

function isApiCall(response, method, apiPath) {
  return response.request().method() === method && new URL(response.url()).pathname === `/api/v1${apiPath}`
}

// A paid order of one walnut, placed through the API: paid online in the sandbox
// (`online`), else in cash confirmed by the store keeper.
async function paidOrder(buyer, keeper, sku, address, { online }) {
  for (const group of (await buyer.get('/cart')).stores) {
    for (const line of group.items) await buyer.delete(`/cart/items/${line.sku_id}`)
  }
  await buyer.put(`/cart/items/${sku.id}`, { quantity: 1 })
  const checkout = await buyer.post(
    '/orders',
    { address_id: address.id, delivery_mode: 'express' },
    { 'Idempotency-Key': `e2e-after-sales-${Date.now()}-${online ? 'online' : 'cash'}` },
  )
  const [order] = checkout.orders
  if (online) {
    const payment = await buyer.post(`/checkouts/${checkout.checkout_id}/pay`, { provider: 'sandbox' })
    await buyer.post(`/sandbox/prepays/${payment.prepay_id}/pay`, {})
    for (let attempt = 0; attempt < 60; attempt += 1) {
      if ((await buyer.get(`/checkouts/${checkout.checkout_id}`)).payable_fen === 0) break
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  } else {
    await keeper.post(`/orders/${order.id}/advance`, { action: 'pay_cash' })
  }
  const paid = await buyer.get(`/orders/${order.id}`)
  assert.equal(paid.status, 'paid')
  return paid
}

// Takes a step in the console's refund queue: the button, the question box (with `note`),
// and the request's new status.
async function queueStep(page, requestId, action, status, note = '') {
  const answer = page.waitForResponse((response) => isApiCall(response, 'POST', `/after-sales/${requestId}/advance`))
  await page.locator(`[data-test=after-sale-action-${action}][data-after-sale-id="${requestId}"]`).click()
  const box = page.locator('.after-sale-step-box')
  if (note) await box.locator('input').fill(note)
  await box.locator('.el-message-box__btns .el-button--primary').click()
  const response = await answer
  assert.equal(response.status(), 200, `${action} of request ${requestId} answered HTTP ${response.status()}`)
  await page.locator(`[data-test=after-sale-row][data-after-sale-id="${requestId}"][data-status=${status}]`).waitFor()
  return response
}

test('a buyer returns shipped goods for a refund; the store accepts, receives and refunds', async (t) => {
  const buyer = await apiLogin(kAccounts.buyer)
  const keeper = await apiLogin(kAccounts.chengxianStoreKeeper)
  const { items } = await buyer.get(`/products?q=${encodeURIComponent(kProduct)}&page_size=20`)
  const listed = items.find((item) => item.name === kProduct)
  assert.ok(listed, `no listed ${kProduct}`)
  const sku = (await buyer.get(`/products/${listed.id}`)).skus.find((candidate) => candidate.stock >= 5)
  assert.ok(sku, `${kProduct} has no stock`)
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

  // A shipped order to return, and a paid one to ask a refund of.
  const order = await paidOrder(buyer, keeper, sku, address, { online: true })
  await keeper.post(`/orders/${order.id}/advance`, { action: 'pack' })
  await keeper.post(`/orders/${order.id}/advance`, { action: 'ship', carrier: '中国邮政', waybill: `AS${Date.now()}` })
  const [item] = order.items
  const other = await paidOrder(buyer, keeper, sku, address, { online: false })

  // 1. The buyer asks to return the walnuts.
  let request
  await withBrowser(t, kPhone, async (page) => {
    await page.goto(`${baseUrl}/login?redirect=/me/orders/${order.id}`)
    await page.locator('[data-test=login-phone] input').fill(kAccounts.buyer)
    await page.locator('[data-test=login-password] input').fill(kPassword)
    await page.locator('[data-test=login-submit]').click()
    await page.waitForURL((url) => url.pathname === `/me/orders/${order.id}`)
    await page.locator('[data-test=order-detail][data-status=shipped]').waitFor()
    await page.locator('[data-test=order-after-sale-apply]').click()
    await page.waitForURL((url) => url.pathname === `/me/orders/${order.id}/after-sale`)

    const form = page.locator('[data-test=after-sale-form]')
    await form.waitFor()
    await form.locator('[data-test=after-sale-kind][data-kind=return_refund]').click()
    await form.locator('[data-test=after-sale-reason]').click()
    await page.locator('.van-action-sheet__item', { hasText: '商品破损' }).click()
    // A return names the goods coming back.
    await form.locator('[data-test=after-sale-submit]').click()
    await form.locator('[data-test=after-sale-items-error]', { hasText: '勾选要退回的商品' }).waitFor()
    await form
      .locator(`[data-test=after-sale-item][data-item-id="${item.id}"] [data-test=after-sale-item-check]`)
      .click()
    assert.equal(
      await form.locator('[data-test=after-sale-amount] input').inputValue(),
      String(item.subtotal_fen / 100),
    )
    await form.locator('[data-test=after-sale-description] textarea').fill('外壳破损，有几颗发霉')

    const created = page.waitForResponse((response) => isApiCall(response, 'POST', `/orders/${order.id}/after-sales`))
    await form.locator('[data-test=after-sale-submit]').click()
    const answer = await created
    assert.equal(answer.status(), 201, `POST /orders/${order.id}/after-sales answered HTTP ${answer.status()}`)
    assert.deepEqual(answer.request().postDataJSON(), {
      kind: 'return_refund',
      reason: 'damaged',
      amount_fen: item.subtotal_fen,
      description: '外壳破损，有几颗发霉',
      items: [{ order_item_id: item.id, quantity: 1 }],
    })
    request = await answer.json()
    await page.waitForURL((url) => url.pathname === `/me/after-sales/${request.id}`)
    await page.locator('[data-test=after-sale-detail][data-status=requested]').waitFor()
    assert.match(
      await page.locator('[data-test=after-sale-amount]').innerText(),
      new RegExp(`¥${item.subtotal_fen / 100}`),
    )
    await page.locator('[data-test=after-sale-withdraw]').waitFor()
  })

  // 2. The store keeper accepts the return, and rejects the other request with a reason.
  const refundOnly = await buyer.post(`/orders/${other.id}/after-sales`, {
    kind: 'refund_only',
    reason: 'changed_mind',
  })
  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/after-sales`)
    await signIn(page, kAccounts.chengxianStoreKeeper)
    await page.locator('[data-test=menu-after-sales]').click()
    const row = page.locator('.el-table__row', {
      has: page.locator(`[data-test=after-sale-row][data-after-sale-id="${request.id}"]`),
    })
    await row.waitFor()
    assert.match(await row.innerText(), /退货退款/)
    assert.match(await row.innerText(), /商品破损/)
    assert.equal((await row.locator('[data-test=after-sale-amount]').innerText()).trim(), yuan(item.subtotal_fen))
    await queueStep(page, request.id, 'accept', 'accepted')

    // A rejection needs a reason.
    await page.locator(`[data-test=after-sale-action-reject][data-after-sale-id="${refundOnly.id}"]`).click()
    const box = page.locator('.after-sale-step-box')
    await box.locator('.el-message-box__btns .el-button--primary').click()
    await box.locator('.el-message-box__errormsg', { hasText: '请填写拒绝原因' }).waitFor()
    await box.locator('.el-message-box__btns .el-button:not(.el-button--primary)').click()
    const rejected = await queueStep(page, refundOnly.id, 'reject', 'rejected', '已与买家电话沟通，继续发货')
    assert.deepEqual(rejected.request().postDataJSON(), { action: 'reject', note: '已与买家电话沟通，继续发货' })
  })

  // 3. The buyer sends the goods back.
  const returnWaybill = `RT${Date.now()}`
  await withBrowser(t, kPhone, async (page) => {
    await page.goto(`${baseUrl}/login?redirect=/me/after-sales/${request.id}`)
    await page.locator('[data-test=login-phone] input').fill(kAccounts.buyer)
    await page.locator('[data-test=login-password] input').fill(kPassword)
    await page.locator('[data-test=login-submit]').click()
    await page.locator('[data-test=after-sale-detail][data-status=accepted]').waitFor()
    const shipment = page.locator('[data-test=after-sale-return]')
    await shipment.locator('[data-test=after-sale-carrier] input').fill('中国邮政')
    await shipment.locator('[data-test=after-sale-waybill] input').fill(returnWaybill)
    const sent = page.waitForResponse((response) => isApiCall(response, 'POST', `/after-sales/${request.id}/advance`))
    await shipment.locator('[data-test=after-sale-send]').click()
    const answer = await sent
    assert.equal(answer.status(), 200)
    assert.deepEqual(answer.request().postDataJSON(), { action: 'return', carrier: '中国邮政', waybill: returnWaybill })
    await page.locator('[data-test=after-sale-detail][data-status=returned]').waitFor()
    assert.match(await page.locator('[data-test=after-sale-return-waybill]').innerText(), new RegExp(returnWaybill))
    assert.equal(await page.locator('[data-test=after-sale-withdraw]').count(), 0)
  })

  // 4. The store keeper receives the goods, which refunds them.
  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/after-sales?status=returned`)
    await signIn(page, kAccounts.chengxianStoreKeeper)
    const row = page.locator('.el-table__row', {
      has: page.locator(`[data-test=after-sale-row][data-after-sale-id="${request.id}"]`),
    })
    await row.waitFor()
    assert.match(await row.locator('[data-test=after-sale-waybill]').innerText(), new RegExp(returnWaybill))
    await queueStep(page, request.id, 'receive', 'refunded')
  })
  const refunded = await buyer.get(`/orders/${order.id}`)
  assert.equal(refunded.refunded_fen, item.subtotal_fen)

  // 5. The buyer's requests: refunded, and rejected.
  await withBrowser(t, kPhone, async (page) => {
    await page.goto(`${baseUrl}/login?redirect=/me`)
    await page.locator('[data-test=login-phone] input').fill(kAccounts.buyer)
    await page.locator('[data-test=login-password] input').fill(kPassword)
    await page.locator('[data-test=login-submit]').click()
    await page.waitForURL((url) => url.pathname === '/me')
    await page.locator('[data-test=me-after-sales]').click()
    await page.waitForURL((url) => url.pathname === '/me/after-sales')
    await page
      .locator(`[data-test=after-sale-card][data-after-sale-id="${request.id}"][data-status=refunded]`)
      .waitFor()
    await page
      .locator(`[data-test=after-sale-card][data-after-sale-id="${refundOnly.id}"][data-status=rejected]`)
      .waitFor()
  })
})
