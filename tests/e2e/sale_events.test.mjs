// A flash sale (秒杀) from the console to the buyer's pickup code: the 成县 store keeper
// schedules one in 秒杀直播 (成县核桃（带壳）1kg at a sale price, one per buyer), a buyer finds
// it on the mall's front page and in 秒杀 / 直播, buys one with 立即抢购 for pickup at the
// store, pays in the sandbox wallet and sees the order's pickup code (提货码); a second
// purchase is refused (the per-buyer limit, in the buyer's words); the store keeper ends
// the sale early, and the mall no longer offers it.
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

test('a store keeper schedules a flash sale, a buyer buys within the limit and collects with a pickup code', async (t) => {
  const buyer = await apiLogin(kAccounts.buyer)
  const keeper = await apiLogin(kAccounts.chengxianStoreKeeper)
  const { items } = await buyer.get(`/products?q=${encodeURIComponent(kProduct)}&page_size=20`)
  const listed = items.find((item) => item.name === kProduct)
  assert.ok(listed, `no listed ${kProduct}`)
  const product = await buyer.get(`/products/${listed.id}`)
  const [sku] = product.skus
  assert.equal(product.store.id, keeper.user.store_id)
  const salePrice = sku.price_fen - 500
  const title = `核桃秒杀 ${Date.now()}`

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

  // 1. The store keeper schedules the sale: now, for two hours, one per buyer, 2 units.
  let event
  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/sale-events`)
    await signIn(page, kAccounts.chengxianStoreKeeper)
    await page.locator('[data-test=menu-sale-events]').click()
    await page.locator('[data-test=sale-create]').click()
    const dialog = page.locator('[data-test=sale-form]')
    await dialog.locator('[data-test=sale-title]').fill(title)
    await dialog.locator('[data-test=sale-starts] input').click()
    await page.locator('.el-picker-panel__shortcut:visible', { hasText: '现在' }).click()
    await dialog.locator('[data-test=sale-ends] input').click()
    await page.locator('.el-picker-panel__shortcut:visible', { hasText: '开始后 2 小时' }).click()
    await dialog.locator('[data-test=sale-product]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: kProduct }).click()
    await dialog.locator('[data-test=sale-sku-facts]').waitFor()
    await dialog.locator('[data-test=sale-price] input').fill(String(salePrice / 100))
    await dialog.locator('[data-test=sale-stock] input').fill('2')
    await dialog.locator('[data-test=sale-stock] input').blur()

    const created = page.waitForResponse((response) => isApiCall(response, 'POST', '/sale-events'))
    await dialog.locator('[data-test=sale-save]').click()
    const answer = await created
    assert.equal(answer.status(), 201, `POST /sale-events answered HTTP ${answer.status()}: ${await answer.text()}`)
    const body = answer.request().postDataJSON()
    assert.equal(body.kind, 'flash')
    assert.equal(body.title, title)
    assert.equal(body.per_buyer_limit, 1)
    assert.deepEqual(body.skus, [{ sku_id: sku.id, sale_price_fen: salePrice, stock: 2 }])
    assert.ok(body.ends_at - body.starts_at >= 2 * 3_600_000 - 1000)
    event = await answer.json()
    assert.equal(event.state, 'live')
    await page.locator(`[data-test=sale-row][data-event-id="${event.id}"][data-state=live]`).waitFor()
  })

  // 2. The buyer: the front page, 秒杀 / 直播, 立即抢购, pickup at the store, paid online.
  let order
  await withBrowser(t, kPhone, async (page) => {
    await page.goto(`${baseUrl}/login?redirect=/`)
    await page.locator('[data-test=login-phone] input').fill(kAccounts.buyer)
    await page.locator('[data-test=login-password] input').fill(kPassword)
    await page.locator('[data-test=login-submit]').click()
    await page.waitForURL((url) => url.pathname === '/')
    await page.locator(`[data-test=home-sales] [data-test=sale-event][data-event-id="${event.id}"]`).waitFor()
    await page.locator('[data-test=home-sales-more]').click()
    await page.waitForURL((url) => url.pathname === '/sales')

    const card = page.locator(`[data-test=sale-event][data-event-id="${event.id}"]`)
    await card.waitFor()
    assert.match(await card.locator('[data-test=sale-title]').innerText(), new RegExp(title))
    const line = card.locator(`[data-test=sale-sku][data-sku-id="${sku.id}"]`)
    assert.equal((await line.locator('[data-test=sale-price]').innerText()).trim(), yuan(salePrice))
    assert.equal((await line.locator('[data-test=sale-regular-price]').innerText()).trim(), yuan(sku.price_fen))
    assert.match(await line.locator('[data-test=sale-stock]').innerText(), /剩 2 件/)
    assert.match(await card.locator('[data-test=sale-countdown]').innerText(), /距结束/)
    await line.locator('[data-test=sale-buy]').click()
    await page.waitForURL((url) => url.pathname === `/sales/${event.id}/checkout`)

    await page.locator('[data-test=sale-checkout][data-state=live]').waitFor()
    await page.locator('[data-test=checkout-address]').click()
    await page.locator(`[data-test=checkout-address-option][data-address-id="${address.id}"]`).click()
    await page.locator('[data-test=address-chooser]').waitFor({ state: 'hidden' })
    const quoted = page.waitForResponse(
      (response) =>
        isApiCall(response, 'POST', '/orders/quote') && response.request().postDataJSON().delivery_mode === 'pickup',
    )
    await page.locator('[data-test=delivery-mode][data-mode=pickup]').click()
    const quote = await quoted
    assert.equal(quote.status(), 200)
    assert.deepEqual(quote.request().postDataJSON(), {
      address_id: address.id,
      delivery_mode: 'pickup',
      sale: { event_id: event.id, sku_id: sku.id, quantity: 1 },
    })
    await page.locator('[data-test=checkout-total]', { hasText: yuan(salePrice) }).waitFor()

    const placed = page.waitForResponse((response) => isApiCall(response, 'POST', '/orders'))
    await page.locator('[data-test=place-order]').click()
    const answer = await placed
    assert.equal(answer.status(), 201, `POST /orders answered HTTP ${answer.status()}`)
    assert.match((await answer.request().allHeaders())['idempotency-key'] ?? '', /^[A-Za-z0-9_.:-]{1,64}$/)
    assert.deepEqual(answer.request().postDataJSON(), {
      address_id: address.id,
      delivery_mode: 'pickup',
      sale: { event_id: event.id, sku_id: sku.id, quantity: 1 },
    })
    const checkout = await answer.json()
    ;[order] = checkout.orders
    assert.equal(order.total_fen, salePrice)

    await page.waitForURL((url) => url.pathname.startsWith('/pay/sandbox/'))
    await page.locator('[data-test=sandbox-pay][data-state=pay]').waitFor()
    await page.locator('[data-test=sandbox-confirm]').click()
    await page.locator('[data-test=sandbox-success]').waitFor({ timeout: 20_000 })

    // 3. The pickup code on the paid order.
    await page.goto(`${baseUrl}/me/orders/${order.id}`)
    await page.locator('[data-test=order-detail][data-status=paid]').waitFor()
    const code = page.locator('[data-test=order-pickup-code]')
    await code.waitFor()
    const paid = await buyer.get(`/orders/${order.id}`)
    assert.match(paid.pickup_code, /^\d{6}$/)
    assert.equal(await code.getAttribute('data-code'), paid.pickup_code)
    assert.match(await code.innerText(), /提货码/)

    // 4. A second purchase would go over the limit of one per buyer: the quote, which
    // counts the first, already says so.
    await page.goto(`${baseUrl}/sales/${event.id}/checkout?sku=${sku.id}`)
    await page.locator('[data-test=sale-checkout][data-state=live]').waitFor()
    const limited = page.waitForResponse(
      (response) => isApiCall(response, 'POST', '/orders/quote') && response.status() === 409,
    )
    await page.locator('[data-test=delivery-mode][data-mode=pickup]').click()
    await limited
    await page.locator('[data-test=checkout-quote-error]', { hasText: '每人限购 1 件' }).waitFor()
    assert.ok(page.url().includes(`/sales/${event.id}/checkout`), 'the refused checkout left the page')
  })

  // 5. The store keeper ends the sale early; the mall no longer offers it.
  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/sale-events`)
    await signIn(page, kAccounts.chengxianStoreKeeper)
    const close = page.locator(`[data-test=sale-close][data-event-id="${event.id}"]`)
    await close.waitFor()
    const closed = page.waitForResponse((response) => isApiCall(response, 'POST', `/sale-events/${event.id}/close`))
    await close.click()
    await page.locator('.sale-close-box .el-button--primary').click()
    assert.equal((await closed).status(), 200)
    await page.locator(`[data-test=sale-row][data-event-id="${event.id}"][data-state=ended]`).waitFor()
  })
  const live = await buyer.get('/sale-events?state=live&page_size=100')
  assert.equal(
    live.items.some((candidate) => candidate.id === event.id),
    false,
  )
})
