// The county's delivery figures and a village point's arrivals in the console. A village-point
// order of the 成县 store is paid, packed, shipped and handed over by the 成县 courier with
// the buyer's code (through the API), so that today has a delivery whatever ran before. The
// 成县 county admin opens 配送 → 同城配送指标: the totals and today's row count it, and the
// figures can be seen by month; then 今日到货, which asks for a point to be chosen and shows
// that point's arrivals. The 成县 store keeper (the village agent) finds 今日到货 under 配送
// too, and sees what comes to the store's village today, or that nothing does.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { paidVillageOrders, todayInShanghai, until } from './delivery_support.mjs'
import { apiLogin, baseUrl, kAccounts, kDesktop, nextApiResponse, signIn, withBrowser } from './support.mjs'

// ¥1,234.56, as the console shows money (integer fen).
function yuan(fen) {
  const whole = Math.floor(fen / 100).toLocaleString('en-US')
  return `¥${whole}.${String(fen % 100).padStart(2, '0')}`
}

test('the county admin reads the delivery figures and a point’s arrivals, the store keeper today’s arrivals', async (t) => {
  const buyer = await apiLogin(kAccounts.buyer)
  const keeper = await apiLogin(kAccounts.chengxianStoreKeeper)
  const countyAdmin = await apiLogin(kAccounts.chengxianCountyAdmin)
  const courier = await apiLogin(kAccounts.chengxianCourier)
  const today = todayInShanghai()
  const before = (await countyAdmin.get('/delivery/figures')).total.orders

  // One order delivered today: the courier hands it over against the buyer's code.
  const [entry] = await paidVillageOrders({ buyer, keeper, countyAdmin, count: 1, offset: 13 })
  await keeper.post(`/orders/${entry.order.id}/advance`, { action: 'pack' })
  await keeper.post(`/orders/${entry.order.id}/advance`, { action: 'ship', carrier: '县乡村物流' })
  const { pickup_code: code } = await buyer.get(`/orders/${entry.order.id}`)
  await courier.post(`/orders/${entry.order.id}/advance`, { action: 'redeem', code })
  const figures = await until(async () => {
    const current = await countyAdmin.get('/delivery/figures')
    return current.total.orders > before && current
  }, 'the delivered order in the figures')
  const todays = figures.items.find((item) => item.period === today)
  assert.ok(todays && todays.orders >= 1, 'today has a row with the delivered order')

  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/`)
    await signIn(page, kAccounts.chengxianCountyAdmin)
    await page.locator('[data-test=menu-group-delivery]').waitFor()

    // 同城配送指标: the last 30 days by day, the totals as cards and a row per day.
    const asked = nextApiResponse(page, '/delivery/figures')
    await page.locator('[data-test=menu-delivery-figures]').click()
    const answer = await asked
    assert.equal(answer.status(), 200)
    const shown = await answer.json()
    assert.ok(shown.total.orders >= figures.total.orders, 'the page shows at least the orders delivered so far')
    const card = (key) => page.locator(`[data-test=figures-total][data-key=${key}]`)
    await card('orders').waitFor()
    assert.equal(await card('orders').getAttribute('data-value'), String(shown.total.orders))
    assert.match(await card('orders').innerText(), new RegExp(`送达订单\\s+${shown.total.orders}`))
    assert.match(await card('amount_fen').innerText(), new RegExp(yuan(shown.total.amount_fen).replace('.', '\\.')))
    assert.match(await card('on_time_rate').innerText(), /准时率\s+(\d+\.\d%|—)/)
    const todayRow = page.locator(`[data-test=figures-row][data-period="${today}"]`)
    await todayRow.waitFor()
    assert.ok(Number(await todayRow.getAttribute('data-orders')) >= 1)
    assert.match(await page.locator('[data-test=figures-period]').innerText(), new RegExp(`${shown.from} 至 ${today}`))

    // By month: this month's row.
    const monthly = nextApiResponse(page, '/delivery/figures', { by: 'month' })
    await page.locator('[data-test=figures-by-month]').click()
    assert.equal((await monthly).status(), 200)
    const monthRow = page.locator(`[data-test=figures-row][data-period="${today.slice(0, 7)}"]`)
    await monthRow.waitFor()
    assert.ok(Number(await monthRow.getAttribute('data-orders')) >= 1)

    // 今日到货: the county names a point first, then sees what comes there today.
    await page.locator('[data-test=menu-arrivals]').click()
    await page.locator('[data-test=arrivals-empty]', { hasText: '请选择要查看的村级代办点' }).waitFor()
    await page.locator('[data-test=arrivals-point]').click()
    const arrivals = nextApiResponse(page, '/delivery/arrivals', { node_id: entry.point.id, day: today })
    await page.locator('[data-test=arrivals-point-option]:visible', { hasText: entry.point.name }).click()
    const arrived = await arrivals
    assert.equal(arrived.status(), 200)
    const { items } = await arrived.json()
    if (items.length) await page.locator('[data-test=arrival-row]').first().waitFor()
    else await page.locator('[data-test=arrivals-empty]', { hasText: '这一天没有送到代办点的订单' }).waitFor()
    assert.equal(await page.locator('[data-test=arrival-row]').count(), items.length)
  })

  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/`)
    await signIn(page, kAccounts.chengxianStoreKeeper)
    // The village agent's 配送 holds 今日到货 alone, and asks for the store's point today.
    const group = page.locator('[data-test=menu-group-delivery]')
    await group.waitFor()
    assert.equal(await page.locator('[data-test=menu-dispatch], [data-test=menu-delivery-figures]').count(), 0)
    const asked = page.waitForResponse((response) => {
      const url = new URL(response.url())
      return url.pathname === '/api/v1/delivery/arrivals' && url.searchParams.get('day') === today
    })
    await page.locator('[data-test=menu-arrivals]').click()
    const answer = await asked
    assert.equal(answer.status(), 200)
    assert.equal(new URL(answer.url()).searchParams.has('node_id'), false)
    const { items } = await answer.json()
    await page.locator('[data-test=arrivals-page]').waitFor()
    assert.equal(await page.locator('[data-test=arrivals-point]').count(), 0)
    if (items.length) await page.locator('[data-test=arrival-row]').first().waitFor()
    else await page.locator('[data-test=arrivals-empty]', { hasText: '这一天没有送到代办点的订单' }).waitFor()
    assert.equal(await page.locator('[data-test=arrival-row]').count(), items.length)
  })
})
