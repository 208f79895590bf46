// Settlement in the console: the 成县 county admin sets the county's default commission
// (佣金), a buyer pays an order online, and the statement (结算) shows the producer's
// credit and the platform's commission for it, the totals, the account and date filters and
// the Excel export; turnover (成交额) shows the store and the day. The supplier's statement
// is their producer's credits alone.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiLogin, baseUrl, kAccounts, kDesktop, nextApiResponse, signIn, withBrowser } from './support.mjs'

const kRateBp = 500

// ¥1,234.56, as the console shows money (integer fen).
function yuan(fen) {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}¥${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`
}

function isApiCall(response, method, apiPath) {
  return response.request().method() === method && new URL(response.url()).pathname === `/api/v1${apiPath}`
}

// Today in Asia/Shanghai, as YYYY-MM-DD.
function shanghaiToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
}

// The buyer checks out one 成县 walnut and pays it in the sandbox; resolves to the order
// once the provider's notification has made it paid.
async function paidOrder(buyer) {
  const { items } = await buyer.get(`/products?q=${encodeURIComponent('成县核桃')}&page_size=20`)
  let sku
  for (const item of items) {
    sku = (await buyer.get(`/products/${item.id}`)).skus.find((candidate) => candidate.stock >= 5)
    if (sku) break
  }
  assert.ok(sku, 'no 成县核桃 with stock')
  for (const group of (await buyer.get('/cart')).stores) {
    for (const line of group.items) await buyer.delete(`/cart/items/${line.sku_id}`)
  }
  await buyer.put(`/cart/items/${sku.id}`, { quantity: 1 })
  let address = (await buyer.get('/addresses')).items[0]
  if (!address) {
    const [village] = (await buyer.get('/divisions?parent=621221100')).items
    address = await buyer.post('/addresses', {
      recipient: '王小明',
      phone: '13912345678',
      division_code: village.code,
      detail: '东街 12 号',
    })
  }
  const checkout = await buyer.post(
    '/orders',
    { address_id: address.id, delivery_mode: 'pickup' },
    { 'Idempotency-Key': `e2e-settlement-${Date.now()}` },
  )
  const payment = await buyer.post(`/checkouts/${checkout.checkout_id}/pay`, { provider: 'sandbox' })
  await buyer.post(`/sandbox/prepays/${payment.prepay_id}/pay`, {})
  for (let attempt = 0; attempt < 60; attempt += 1) {
    if ((await buyer.get(`/checkouts/${checkout.checkout_id}`)).payable_fen === 0) break
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  const [order] = checkout.orders
  const paid = await buyer.get(`/orders/${order.id}`)
  assert.equal(paid.status, 'paid', 'the sandbox notification did not make the order paid')
  return paid
}

test('the county sets its commission and reads the statement and turnover of an order paid online', async (t) => {
  await withBrowser(t, kDesktop, async (page) => {
    // 1. 佣金: the county default becomes 5 %.
    await page.goto(`${baseUrl}/admin/commission`)
    await signIn(page, kAccounts.chengxianCountyAdmin)
    await page.locator('[data-test=menu-commission]').waitFor()
    await page.locator('[data-test=commission-create]').click()
    const dialog = page.locator('[data-test=commission-form]')
    await dialog.locator('[data-test=commission-category] .el-cascader').click()
    await page.locator('.el-cascader-node', { hasText: '全县默认' }).locator('.el-radio').click()
    await dialog.locator('[data-test=commission-rate] input').fill(String(kRateBp / 100))
    const saved = page.waitForResponse((response) => isApiCall(response, 'PUT', '/commission-rates'))
    await dialog.locator('[data-test=commission-save]').click()
    const answer = await saved
    assert.equal(answer.status(), 200, `PUT /commission-rates answered HTTP ${answer.status()}`)
    assert.deepEqual(answer.request().postDataJSON(), { category_id: 0, rate_bp: kRateBp })
    const row = page.locator('[data-test=commission-row][data-category-id="0"]')
    await row.waitFor()
    assert.match(await row.innerText(), /全县默认/)
    await page
      .locator('.el-table__row', { has: row })
      .locator('[data-test=commission-rate-value]', { hasText: '5%' })
      .waitFor()
  })

  const order = await paidOrder(await apiLogin(kAccounts.buyer))
  const [item] = order.items
  const commission = Math.floor((item.subtotal_fen * kRateBp) / 10000)

  await withBrowser(t, kDesktop, async (page) => {
    // 2. 结算: the producer's credit and the commission of the order, the newest entries.
    await page.goto(`${baseUrl}/admin/statement`)
    await signIn(page, kAccounts.chengxianCountyAdmin)
    const orderRows = page.locator('.el-table__row', { hasText: `#${order.id}` })
    await orderRows.nth(1).waitFor()
    const amounts = {}
    for (const entry of await orderRows.all()) {
      const account = await entry.locator('[data-test=entry-account]').getAttribute('data-account')
      amounts[account] = (await entry.locator('[data-test=entry-amount]').innerText()).trim()
    }
    assert.deepEqual(amounts, { producer: yuan(item.subtotal_fen - commission), platform: yuan(commission) })
    await page.locator('[data-test=statement-totals]').waitFor()
    assert.match(await page.locator('[data-test=total-net_fen]').innerText(), /净额\s*¥/)

    // The commission alone, this month: the filters reach the list and the export.
    const platformOnly = nextApiResponse(page, '/ledger/entries', { account: 'platform' })
    await page.locator('[data-test=filter-account]').click()
    await page.locator('.el-select-dropdown__item', { hasText: '平台佣金' }).click()
    assert.equal((await platformOnly).status(), 200)
    // However many producer rows were shown before, none is left once the filter applies.
    await page.waitForFunction(() => !document.querySelector('[data-test=entry-account][data-account=producer]'))
    assert.deepEqual(
      [
        ...new Set(
          await page
            .locator('[data-test=entry-account]')
            .evaluateAll((cells) => cells.map((cell) => cell.dataset.account)),
        ),
      ],
      ['platform'],
    )
    const today = shanghaiToday()
    const thisMonth = nextApiResponse(page, '/ledger/entries', { account: 'platform', to: today })
    await page.locator('[data-test=filter-period] .el-date-editor').click()
    await page.locator('.el-picker-panel__shortcut', { hasText: '本月' }).click()
    const monthAnswer = await thisMonth
    assert.equal(new URL(monthAnswer.url()).searchParams.get('from'), `${today.slice(0, 8)}01`)
    await page.locator('.el-table__row', { hasText: `#${order.id}` }).waitFor()
    const exportUrl = new URL(await page.locator('[data-test=export-xlsx]').getAttribute('href'), baseUrl)
    assert.equal(exportUrl.pathname, '/api/v1/ledger/entries')
    assert.deepEqual(
      ['format', 'account', 'from', 'to'].map((key) => exportUrl.searchParams.get(key)),
      ['xlsx', 'platform', `${today.slice(0, 8)}01`, today],
    )

    // 3. 成交额: the store's row, then today's.
    await page.locator('[data-test=menu-turnover]').click()
    await page.locator('[data-test=turnover-name]', { hasText: order.store.name }).waitFor()
    const byDay = nextApiResponse(page, '/ledger/summary', { by: 'day' })
    await page.locator('[data-test=turnover-by-day]').click()
    assert.equal((await byDay).status(), 200)
    await page.locator('[data-test=turnover-name]', { hasText: today }).waitFor()
  })

  // 4. The supplier's statement: their producer's credits, without account or producer filters.
  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/statement`)
    await signIn(page, kAccounts.chengxianSupplier)
    await page.locator('[data-test=statement-totals]').waitFor()
    await page.locator('[data-test=data-table]').waitFor()
    assert.equal(await page.locator('[data-test=filter-account]').count(), 0)
    assert.equal(await page.locator('[data-test=filter-producer]').count(), 0)
    assert.equal(await page.locator('[data-test=menu-commission]').count(), 0)
    const accounts = await page
      .locator('[data-test=entry-account]')
      .evaluateAll((cells) => cells.map((cell) => cell.dataset.account))
    assert.ok(
      accounts.every((account) => account === 'producer'),
      `the supplier sees ${accounts.join(', ')}`,
    )
  })
})
