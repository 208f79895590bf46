// Delivery in two tiers, from the park to a village of 鸡峰镇. Two village-point orders of
// the 成县 store go to two villages of 鸡峰镇, one with a window the buyer chose (tomorrow
// afternoon): their tasks are line-haul tasks from 成县电商物流园 to the 鸡峰镇 station, and
// tomorrow's park wave puts them, as one stop, on the van the 成县 courier drives. On the
// phone the courier sees one 交站 stop of two parcels with neither phone nor code, picks both
// up and hands them over at the station. The buyer's order page says the goods wait at the
// station, with the chosen window. The station's manager (站长) follows the driver page's
// link to the console's dispatch, where the station is the one node offered, plans tomorrow's
// local wave: two stops of the local leg on the station's van. Back on the phone they pick up
// the windowed order and hand it to its buyer with the buyer's code, after a wrong one is
// refused; the buyer sees it 已送达.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clock, paidVillageOrders, tomorrowInShanghai, until } from './delivery_support.mjs'
import { apiLogin, baseUrl, kAccounts, kDesktop, kPassword, kPhone, signIn, withBrowser } from './support.mjs'

// 鸡峰镇: a township outside the county town, reached through its station.
const kJifeng = '621221112'
// The courier who manages the 鸡峰镇 station and drives its van.
const kStationManager = '13800000012'

function isApiCall(response, method, apiPath) {
  return response.request().method() === method && new URL(response.url()).pathname === `/api/v1${apiPath}`
}

// Signs in on the mall's login page, which then goes to `redirect` (or, for a courier
// without one, to 配送).
async function signInOnPhone(page, phone, redirect) {
  const query = redirect ? `?redirect=${encodeURIComponent(redirect)}` : ''
  await page.goto(`${baseUrl}/login${query}`)
  await page.locator('[data-test=login-phone] input').fill(phone)
  await page.locator('[data-test=login-password] input').fill(kPassword)
  await page.locator('[data-test=login-submit]').click()
}

// Opens tomorrow on the driver's page, and waits for its runs.
async function showTomorrow(page, day) {
  const asked = page.waitForResponse(
    (response) => isApiCall(response, 'GET', '/driver/runs') && new URL(response.url()).searchParams.get('day') === day,
  )
  await page.locator('.van-tab', { hasText: '明天' }).click()
  const answer = await asked
  assert.equal(answer.status(), 200)
}

test('the park’s line-haul takes two parcels to the 鸡峰镇 station; its manager plans and drives the last leg', async (t) => {
  const buyer = await apiLogin(kAccounts.buyer)
  const keeper = await apiLogin(kAccounts.chengxianStoreKeeper)
  const countyAdmin = await apiLogin(kAccounts.chengxianCountyAdmin)
  const courier = await apiLogin(kAccounts.chengxianCourier)
  const manager = await apiLogin(kStationManager)
  const day = tomorrowInShanghai()
  const dayStart = Date.parse(`${day}T00:00:00+08:00`)
  const afternoon = { start: dayStart + 14 * 3_600_000, end: dayStart + 18 * 3_600_000 }

  // 1. Two paid orders to two villages of 鸡峰镇, one for tomorrow afternoon; packed and shipped.
  const [windowed] = await paidVillageOrders({
    buyer,
    keeper,
    countyAdmin,
    count: 1,
    offset: 4,
    township: kJifeng,
    window: { day, slot: 'afternoon' },
  })
  const [plain] = await paidVillageOrders({ buyer, keeper, countyAdmin, count: 1, offset: 6, township: kJifeng })
  assert.notEqual(windowed.point.id, plain.point.id)
  assert.deepEqual(windowed.order.delivery_window, afternoon)
  assert.equal(plain.order.delivery_window, null)
  for (const { order } of [windowed, plain]) {
    await keeper.post(`/orders/${order.id}/advance`, { action: 'pack' })
    await keeper.post(`/orders/${order.id}/advance`, { action: 'ship', carrier: '县乡村物流' })
  }
  const [park] = (await countyAdmin.get('/logistics-nodes?tier=park&division=621221')).items
  const [station] = (await buyer.get(`/logistics-nodes?division=${kJifeng}&tier=station`)).items
  assert.equal(station.name, '鸡峰镇快递服务站')
  for (const { task } of [windowed, plain]) {
    assert.equal(task.leg, 'line_haul')
    assert.equal(task.hub.id, station.id)
    assert.equal(task.origin.id, park.id)
  }
  assert.equal(windowed.task.window_start, afternoon.start)
  assert.equal(windowed.task.window_end, afternoon.end)
  const ours = [windowed.task.id, plain.task.id]

  const fleet = (await countyAdmin.get('/vehicles?page_size=100')).items
  const van = fleet.find((vehicle) => vehicle.driver?.id === courier.user.id)
  assert.ok(van, 'the 成县 courier drives a van')
  const stationVan = fleet.find((vehicle) => vehicle.driver?.id === manager.user.id)
  assert.equal(stationVan?.home_node_id, station.id, 'the station manager drives the station’s van')

  // 2. Tomorrow's park wave, with the station's parcels on the courier's van as one stop
  // (moved there, together and one after the other, when the planner chose otherwise).
  const queued = await countyAdmin.post('/dispatch/waves', { node_id: park.id, day, time_limit_s: 1 })
  let wave = await until(async () => {
    const current = await countyAdmin.get(`/dispatch/waves/${queued.id}`)
    assert.notEqual(current.status, 'failed', current.error)
    return current.status === 'planned' && current
  }, 'the park’s wave to be planned')
  const onVan = wave.runs.find((run) => run.vehicle.id === van.id)?.stops.map((stop) => stop.task_id) ?? []
  const [first, second] = ours.map((taskId) => onVan.indexOf(taskId))
  const together = first >= 0 && second >= 0 && Math.abs(first - second) === 1
  if (!together) {
    const runs = wave.runs.map((run) => ({
      vehicle_id: run.vehicle.id,
      task_ids: run.stops.map((stop) => stop.task_id).filter((taskId) => !ours.includes(taskId)),
    }))
    let vanRun = runs.find((run) => run.vehicle_id === van.id)
    if (!vanRun) runs.push((vanRun = { vehicle_id: van.id, task_ids: [] }))
    vanRun.task_ids.push(...ours)
    wave = await countyAdmin.put(`/dispatch/waves/${wave.id}/plan`, { runs })
  }
  const run = wave.runs.find((candidate) => candidate.vehicle.id === van.id)
  const haul = run.stops.filter((stop) => ours.includes(stop.task_id))
  assert.equal(haul.length, 2)
  assert.equal(new Set(haul.map((stop) => stop.group)).size, 1, 'one stop at the station')
  for (const stop of haul) {
    assert.equal(stop.leg, 'line_haul')
    assert.equal(stop.node.id, station.id)
  }

  // 3. The courier: one 交站 stop of two parcels; both picked up, then handed to the station.
  await withBrowser(t, kPhone, async (page) => {
    const managed = page.waitForResponse(
      (response) =>
        isApiCall(response, 'GET', '/logistics-nodes') && new URL(response.url()).searchParams.has('manager_user_id'),
    )
    await signInOnPhone(page, kAccounts.chengxianCourier)
    await page.waitForURL((url) => url.pathname === '/driver')
    await page.locator('[data-test=driver-page]').waitFor()
    // A courier who manages no station has no dispatch to go to.
    assert.equal((await (await managed).json()).total, 0)
    assert.equal(await page.locator('[data-test=driver-dispatch-link]').count(), 0)
    await showTomorrow(page, day)
    const runView = page.locator(`[data-test=driver-run][data-run-id="${run.id}"]`)
    await runView.waitFor()
    assert.equal(await runView.getAttribute('data-plate'), van.plate)

    const groupView = runView.locator('[data-test=driver-group][data-leg=line_haul]', {
      has: page.locator(`[data-test=driver-stop][data-task-id="${ours[0]}"]`),
    })
    await groupView.waitFor()
    assert.equal(await groupView.getAttribute('data-parcels'), '2')
    const parcels = await groupView
      .locator('[data-test=driver-stop]')
      .evaluateAll((views) => views.map((view) => Number(view.dataset.taskId)))
    assert.deepEqual([...parcels].sort(), [...ours].sort())
    assert.equal(
      await runView.locator('[data-test=driver-group]', { hasText: station.name }).count(),
      1,
      'the station is one stop of the run',
    )
    assert.match(await groupView.innerText(), /交站 · 2 件/)
    assert.match(await groupView.locator('[data-test=driver-group-eta]').innerText(), new RegExp(clock(haul[0].eta)))
    // Nobody to call and no code to ask for at a station.
    assert.equal(
      await groupView
        .locator('[data-test=driver-stop-phone], [data-test=driver-deliver], [data-test=driver-fail]')
        .count(),
      0,
    )
    const parcel = (taskId, status) =>
      groupView.locator(`[data-test=driver-stop][data-task-id="${taskId}"][data-status=${status}]`)
    for (const taskId of ours) await parcel(taskId, 'planned').waitFor()

    // 全部取货: both parcels, one request each.
    const pickups = ours.map((taskId) =>
      page.waitForResponse((response) => isApiCall(response, 'POST', `/driver/tasks/${taskId}/pickup`)),
    )
    await groupView.locator('[data-test=driver-group-pickup]').click()
    for (const picked of await Promise.all(pickups)) assert.equal(picked.status(), 200)
    for (const taskId of ours) await parcel(taskId, 'picked_up').waitFor()
    await groupView.locator('[data-test=driver-group-pickup]').waitFor({ state: 'detached' })

    // 交站, confirmed: both task ids in one request; the parcels are handed over.
    await groupView.locator('[data-test=driver-handover]').click()
    const dialog = page.locator('.driver-handover-dialog')
    await dialog.waitFor()
    assert.match(await dialog.innerText(), new RegExp(`把 2 件交给${station.name}`))
    const handing = page.waitForResponse((response) => isApiCall(response, 'POST', '/driver/handover'))
    await dialog.locator('.van-dialog__confirm').click()
    const handed = await handing
    assert.equal(handed.status(), 200, await handed.text())
    assert.deepEqual([...handed.request().postDataJSON().task_ids].sort(), [...ours].sort())
    for (const taskId of ours) await parcel(taskId, 'handed_over').waitFor()
    await groupView.locator('[data-test=driver-handover]').waitFor({ state: 'detached' })

    // As the server has it too, once the page asks again.
    await page.reload()
    await runView.waitFor()
    for (const taskId of ours) await parcel(taskId, 'handed_over').waitFor()
    assert.equal(await groupView.locator('[data-test=driver-group-pickup], [data-test=driver-handover]').count(), 0)
  })

  // 4. The buyer: the goods wait at the station for the local run.
  for (const { order } of [windowed, plain]) {
    const { task } = await buyer.get(`/orders/${order.id}/delivery`)
    assert.equal(task.status, 'open')
    assert.equal(task.leg, 'local')
    assert.equal(task.hub.id, station.id)
  }
  await withBrowser(t, kPhone, async (page) => {
    const asked = page.waitForResponse((response) =>
      isApiCall(response, 'GET', `/orders/${windowed.order.id}/delivery`),
    )
    await signInOnPhone(page, kAccounts.buyer, `/me/orders/${windowed.order.id}`)
    await page.waitForURL((url) => url.pathname === `/me/orders/${windowed.order.id}`)
    assert.equal((await asked).status(), 200)
    const card = page.locator(`[data-test=order-tracking][data-task-id="${windowed.task.id}"]`)
    await card.waitFor()
    assert.equal(await card.getAttribute('data-status'), 'open')
    assert.equal(await card.getAttribute('data-stage'), 'at_hub')
    assert.equal(
      (await card.locator('[data-test=order-tracking-stage]').innerText()).trim(),
      `已到达${station.name}，等待派送`,
    )
    assert.match(await card.locator('[data-test=order-tracking-hub]').innerText(), new RegExp(station.name))
    assert.match(await card.locator('[data-test=order-tracking-point]').innerText(), new RegExp(windowed.point.name))
    assert.match(await card.locator('[data-test=order-tracking-window]').innerText(), new RegExp(`${day} 14:00–18:00`))

    // The other order: at the station too, without a window.
    await page.goto(`${baseUrl}/me/orders/${plain.order.id}`)
    const plainCard = page.locator(`[data-test=order-tracking][data-task-id="${plain.task.id}"][data-stage=at_hub]`)
    await plainCard.waitFor()
    assert.match(await plainCard.locator('[data-test=order-tracking-point]').innerText(), new RegExp(plain.point.name))
    assert.equal(await plainCard.locator('[data-test=order-tracking-window]').count(), 0)
  })

  // 5. The station's manager: the driver page links to the console's dispatch, where the
  // station is the node to plan from.
  await withBrowser(t, kPhone, async (page) => {
    await signInOnPhone(page, kStationManager)
    await page.waitForURL((url) => url.pathname === '/driver')
    const link = page.locator('[data-test=driver-dispatch-link]')
    await link.waitFor()
    await link.click()
    await page.waitForURL((url) => url.pathname === '/admin/dispatch')
    await page.locator('[data-test=current-user][data-role=courier]').waitFor()
    await page.locator('[data-test=dispatch-node]', { hasText: station.name }).waitFor()
  })
  // The console is laid out for a computer's screen: there the manager plans tomorrow's
  // local wave.
  let stationRun
  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/dispatch`)
    await signIn(page, kStationManager)
    await page.locator('[data-test=dispatch-page]').waitFor()

    // The station is the one node offered.
    await page.locator('[data-test=dispatch-node]').click()
    const options = page.locator('[data-test=dispatch-node-option]:visible')
    await options.first().waitFor()
    assert.deepEqual(
      (await options.allInnerTexts()).map((text) => text.trim().replace(/（.*$/, '')),
      [station.name],
    )
    await options.first().click()
    assert.equal(await page.locator('[data-test=dispatch-day] input').inputValue(), day)
    await page.locator('[data-test=dispatch-time-limit] input').fill('1')
    await page.locator('[data-test=dispatch-time-limit] input').blur()
    const started = page.waitForResponse((response) => isApiCall(response, 'POST', '/dispatch/waves'))
    await page.locator('[data-test=dispatch-start]').click()
    const answer = await started
    assert.equal(answer.status(), 202, await answer.text())
    assert.deepEqual(answer.request().postDataJSON(), { node_id: station.id, day, time_limit_s: 1, service_s: 180 })
    const { id: waveId } = await answer.json()
    await page
      .locator(`[data-test=dispatch-wave][data-wave-id="${waveId}"]`)
      .and(page.locator('[data-status=planned]'))
      .waitFor({ timeout: 30_000 })

    // Two stops of the local leg, one per village, on the station's van.
    const localWave = await manager.get(`/dispatch/waves/${waveId}`)
    stationRun = localWave.runs.find((candidate) => candidate.vehicle.id === stationVan.id)
    assert.ok(stationRun, JSON.stringify(localWave.unassigned))
    assert.deepEqual(stationRun.stops.map((stop) => stop.task_id).sort(), [...ours].sort())
    const runView = page.locator(`[data-test=dispatch-run][data-vehicle-id="${stationVan.id}"]`)
    assert.equal((await runView.locator('[data-test=dispatch-run-plate]').innerText()).trim(), stationVan.plate)
    const groups = runView.locator('[data-test=dispatch-group]')
    assert.equal(await groups.count(), 2)
    for (const index of [0, 1]) {
      assert.equal(await groups.nth(index).getAttribute('data-leg'), 'local')
      assert.equal(await groups.nth(index).getAttribute('data-parcels'), '1')
    }
    assert.equal(await page.locator('[data-test=dispatch-group][data-leg=line_haul]').count(), 0)
    const shown = await runView
      .locator('[data-test=dispatch-stop]')
      .evaluateAll((stops) => stops.map((stop) => Number(stop.dataset.taskId)))
    assert.deepEqual(
      shown,
      stationRun.stops.map((stop) => stop.task_id),
    )
  })
  const windowedEta = stationRun.stops.find((stop) => stop.task_id === windowed.task.id).eta
  assert.ok(
    windowedEta >= afternoon.start && windowedEta <= afternoon.end,
    `arrives in the buyer’s window: ${clock(windowedEta)}`,
  )

  // 6. On the phone again: tomorrow's two local stops on the station's van.
  await withBrowser(t, kPhone, async (page) => {
    await signInOnPhone(page, kStationManager)
    await page.waitForURL((url) => url.pathname === '/driver')
    await page.locator('[data-test=driver-page]').waitFor()
    await showTomorrow(page, day)
    const driven = page.locator(`[data-test=driver-run][data-run-id="${stationRun.id}"]`)
    await driven.waitFor()
    assert.equal(await driven.getAttribute('data-plate'), stationVan.plate)
    assert.equal(await driven.locator('[data-test=driver-group][data-leg=line_haul]').count(), 0)
    assert.equal(await driven.locator('[data-test=driver-group][data-leg=local]').count(), 2)
    const stopView = (entry) => driven.locator(`[data-test=driver-stop][data-task-id="${entry.task.id}"]`)
    for (const entry of [windowed, plain]) {
      const view = stopView(entry)
      assert.equal(await view.getAttribute('data-status'), 'planned')
      assert.match(await view.innerText(), new RegExp(entry.point.name))
      assert.equal(await view.locator('[data-test=driver-stop-phone]').getAttribute('href'), 'tel:13912345678')
    }
    assert.match(
      await stopView(windowed).locator('[data-test=driver-stop-eta]').innerText(),
      new RegExp(clock(windowedEta)),
    )

    // 取货, then 送达 with the buyer's code once a wrong one is refused.
    const picked = page.waitForResponse((response) =>
      isApiCall(response, 'POST', `/driver/tasks/${windowed.task.id}/pickup`),
    )
    await stopView(windowed).locator('[data-test=driver-pickup]').click()
    assert.equal((await picked).status(), 200)
    await driven.locator(`[data-test=driver-stop][data-task-id="${windowed.task.id}"][data-status=picked_up]`).waitFor()
    const { pickup_code: code } = await buyer.get(`/orders/${windowed.order.id}`)
    assert.match(code, /^\d{6}$/)
    await stopView(windowed).locator('[data-test=driver-deliver]').click()
    const codeDialog = page.locator('[data-test=driver-code-dialog]')
    await codeDialog.locator('[data-test=driver-code] input').fill(code === '000000' ? '111111' : '000000')
    const refused = page.waitForResponse((response) =>
      isApiCall(response, 'POST', `/orders/${windowed.order.id}/advance`),
    )
    await codeDialog.locator('.van-dialog__confirm').click()
    assert.equal((await refused).status(), 422)
    await codeDialog.locator('.van-field__error-message', { hasText: '提货码不正确' }).waitFor()
    await codeDialog.locator('[data-test=driver-code] input').fill(code)
    const redeeming = page.waitForResponse((response) =>
      isApiCall(response, 'POST', `/orders/${windowed.order.id}/advance`),
    )
    await codeDialog.locator('.van-dialog__confirm').click()
    const redeemed = await redeeming
    assert.equal(redeemed.status(), 200, await redeemed.text())
    assert.deepEqual(redeemed.request().postDataJSON(), { action: 'redeem', code })
    await codeDialog.waitFor({ state: 'hidden' })
    await driven.locator(`[data-test=driver-stop][data-task-id="${windowed.task.id}"][data-status=delivered]`).waitFor()
    assert.equal(await stopView(plain).getAttribute('data-status'), 'planned')
    await until(
      async () => (await buyer.get(`/orders/${windowed.order.id}/delivery`)).task.status === 'delivered',
      'the task delivered with its order',
    )
  })

  // 7. The buyer sees the order delivered.
  await withBrowser(t, kPhone, async (page) => {
    await signInOnPhone(page, kAccounts.buyer, `/me/orders/${windowed.order.id}`)
    await page.waitForURL((url) => url.pathname === `/me/orders/${windowed.order.id}`)
    const card = page.locator(`[data-test=order-tracking][data-task-id="${windowed.task.id}"][data-status=delivered]`)
    await card.waitFor()
    assert.equal((await card.locator('[data-test=order-tracking-stage]').innerText()).trim(), '已送达')
    assert.match(await card.locator('[data-test=order-tracking-hub]').innerText(), new RegExp(station.name))
    await page.locator('[data-test=order-detail][data-status=delivered]').waitFor()
    assert.equal((await page.locator('[data-test=order-status-name]').innerText()).trim(), '已送达')
  })
})
