// The courier's day on the phone: two village-point orders of the 成县 store are paid,
// packed and shipped, and tomorrow's wave from 成县电商物流园 puts them on the van the 成县
// courier drives. Signing in, the courier lands on 配送, looks at tomorrow, sees both stops
// in order with arrival, recipient, phone and navigation links; picks both up; records one
// as not delivered (拒收, with a note: the task is open again for the next wave); and hands
// the other over with the buyer's 6-digit code, after a wrong one is refused. The order is
// delivered, and the task follows. Then the buyer, in the mall, sees the delivered order as
// 已送达 both in its delivery card and in its status, and the refused one as 未送达 with the
// reason (拒收 and the driver's note) while it waits for another van.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clock, paidVillageOrders, tomorrowInShanghai, until } from './delivery_support.mjs'
import { apiLogin, baseUrl, kAccounts, kPassword, kPhone, withBrowser } from './support.mjs'

function isApiCall(response, method, apiPath) {
  return response.request().method() === method && new URL(response.url()).pathname === `/api/v1${apiPath}`
}

test('the courier picks up, fails one stop with a reason and delivers the other with the buyer’s code', async (t) => {
  const buyer = await apiLogin(kAccounts.buyer)
  const keeper = await apiLogin(kAccounts.chengxianStoreKeeper)
  const countyAdmin = await apiLogin(kAccounts.chengxianCountyAdmin)
  const courier = await apiLogin(kAccounts.chengxianCourier)
  const [delivered, refused] = await paidVillageOrders({ buyer, keeper, countyAdmin, count: 2, offset: 9 })
  for (const { order } of [delivered, refused]) {
    await keeper.post(`/orders/${order.id}/advance`, { action: 'pack' })
    await keeper.post(`/orders/${order.id}/advance`, { action: 'ship', carrier: '县乡村物流' })
  }
  const van = (await courier.get('/vehicles')).items.find((vehicle) => vehicle.driver?.id === courier.user.id)
  assert.ok(van, 'the 成县 courier drives a van')

  // Tomorrow's wave from the park, with both tasks on the courier's van (moved there by the
  // dispatcher's plan when the planner chose another vehicle).
  const [park] = (await countyAdmin.get('/logistics-nodes?tier=park&division=621221')).items
  const day = tomorrowInShanghai()
  const queued = await countyAdmin.post('/dispatch/waves', { node_id: park.id, day, time_limit_s: 1 })
  let wave = await until(async () => {
    const current = await countyAdmin.get(`/dispatch/waves/${queued.id}`)
    assert.notEqual(current.status, 'failed', current.error)
    return current.status === 'planned' && current
  }, 'the wave to be planned')
  const ours = [delivered.task.id, refused.task.id]
  const onVan = wave.runs.find((run) => run.vehicle.id === van.id)?.stops.map((stop) => stop.task_id) ?? []
  if (!ours.every((taskId) => onVan.includes(taskId))) {
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
  const stopOf = (entry) => run.stops.find((stop) => stop.task_id === entry.task.id)

  await withBrowser(t, kPhone, async (page) => {
    // Signing in without a page to go back to: a courier goes to 配送.
    await page.goto(`${baseUrl}/login`)
    await page.locator('[data-test=login-phone] input').fill(kAccounts.chengxianCourier)
    await page.locator('[data-test=login-password] input').fill(kPassword)
    await page.locator('[data-test=login-submit]').click()
    await page.waitForURL((url) => url.pathname === '/driver')
    await page.locator('[data-test=driver-page]').waitFor()

    const tomorrow = page.waitForResponse(
      (response) =>
        isApiCall(response, 'GET', '/driver/runs') && new URL(response.url()).searchParams.get('day') === day,
    )
    await page.locator('.van-tab', { hasText: '明天' }).click()
    assert.equal((await tomorrow).status(), 200)
    const runView = page.locator(`[data-test=driver-run][data-run-id="${run.id}"]`)
    await runView.waitFor()
    assert.equal(await runView.getAttribute('data-plate'), van.plate)

    const stopView = (entry) => runView.locator(`[data-test=driver-stop][data-task-id="${entry.task.id}"]`)
    for (const entry of [delivered, refused]) {
      const view = stopView(entry)
      assert.equal(await view.getAttribute('data-status'), 'planned')
      assert.match(await view.locator('[data-test=driver-stop-eta]').innerText(), new RegExp(clock(stopOf(entry).eta)))
      assert.match(await view.innerText(), new RegExp(entry.point.name))
      assert.equal(await view.locator('[data-test=driver-stop-phone]').getAttribute('href'), 'tel:13912345678')
      const navigation = new URL(await view.locator('[data-test=driver-stop-navigate]').getAttribute('href'))
      assert.equal(navigation.origin + navigation.pathname, 'https://uri.amap.com/marker')
      assert.equal(navigation.searchParams.get('position'), `${entry.point.lng},${entry.point.lat}`)
    }
    // The stops in the run's order.
    const order = await runView
      .locator('[data-test=driver-stop]')
      .evaluateAll((views) => views.map((view) => Number(view.dataset.taskId)))
    assert.deepEqual(
      order,
      run.stops.map((stop) => stop.task_id),
    )

    // 取货, both.
    for (const entry of [delivered, refused]) {
      const picked = page.waitForResponse((response) =>
        isApiCall(response, 'POST', `/driver/tasks/${entry.task.id}/pickup`),
      )
      await stopView(entry).locator('[data-test=driver-pickup]').click()
      assert.equal((await picked).status(), 200)
      await runView.locator(`[data-test=driver-stop][data-task-id="${entry.task.id}"][data-status=picked_up]`).waitFor()
    }

    // 未送达: 拒收 with a note; the task is open again.
    await stopView(refused).locator('[data-test=driver-fail]').click()
    const failDialog = page.locator('[data-test=driver-fail-dialog]')
    await failDialog.locator('[data-test=driver-fail-reason][data-reason=refused]').click()
    await failDialog.locator('[data-test=driver-fail-note] textarea').fill('买家说不要了')
    const failing = page.waitForResponse((response) =>
      isApiCall(response, 'POST', `/driver/tasks/${refused.task.id}/fail`),
    )
    await failDialog.locator('.van-dialog__confirm').click()
    const failed = await failing
    assert.equal(failed.status(), 200)
    assert.deepEqual(failed.request().postDataJSON(), { reason: 'refused', note: '买家说不要了' })
    await runView.locator(`[data-test=driver-stop][data-task-id="${refused.task.id}"][data-status=open]`).waitFor()
    assert.match(await stopView(refused).locator('[data-test=driver-stop-reason]').innerText(), /拒收：买家说不要了/)
    const reopened = (await countyAdmin.get('/delivery-tasks?status=open&page_size=100')).items.find(
      (task) => task.id === refused.task.id,
    )
    assert.ok(reopened, 'the refused task is open again')
    assert.match(reopened.fail_reason, /^refused/)

    // 送达: a wrong code is refused in words; the buyer's code delivers.
    const { pickup_code: code } = await buyer.get(`/orders/${delivered.order.id}`)
    assert.match(code, /^\d{6}$/)
    const wrong = code === '000000' ? '111111' : '000000'
    await stopView(delivered).locator('[data-test=driver-deliver]').click()
    const codeDialog = page.locator('[data-test=driver-code-dialog]')
    await codeDialog.locator('[data-test=driver-code] input').fill(wrong)
    const refusedCode = page.waitForResponse((response) =>
      isApiCall(response, 'POST', `/orders/${delivered.order.id}/advance`),
    )
    await codeDialog.locator('.van-dialog__confirm').click()
    assert.equal((await refusedCode).status(), 422)
    await codeDialog.locator('.van-field__error-message', { hasText: '提货码不正确' }).waitFor()
    await codeDialog.locator('[data-test=driver-code] input').fill(code)
    const redeemed = page.waitForResponse((response) =>
      isApiCall(response, 'POST', `/orders/${delivered.order.id}/advance`),
    )
    await codeDialog.locator('.van-dialog__confirm').click()
    const answer = await redeemed
    assert.equal(answer.status(), 200)
    assert.deepEqual(answer.request().postDataJSON(), { action: 'redeem', code })
    await codeDialog.waitFor({ state: 'hidden' })
    await runView
      .locator(`[data-test=driver-stop][data-task-id="${delivered.task.id}"][data-status=delivered]`)
      .waitFor()
    assert.equal((await buyer.get(`/orders/${delivered.order.id}`)).status, 'delivered')
    await until(
      async () =>
        (await countyAdmin.get('/delivery-tasks?status=delivered&page_size=100')).items.some(
          (task) => task.id === delivered.task.id,
        ),
      'the task delivered with its order',
    )
  })
  // The buyer's order pages, in the mall: what the delivery card and the status say.
  await withBrowser(t, kPhone, async (page) => {
    await page.goto(`${baseUrl}/login?redirect=${encodeURIComponent(`/me/orders/${delivered.order.id}`)}`)
    await page.locator('[data-test=login-phone] input').fill(kAccounts.buyer)
    await page.locator('[data-test=login-password] input').fill(kPassword)
    const asked = page.waitForResponse((response) =>
      isApiCall(response, 'GET', `/orders/${delivered.order.id}/delivery`),
    )
    await page.locator('[data-test=login-submit]').click()
    await page.waitForURL((url) => url.pathname === `/me/orders/${delivered.order.id}`)
    assert.equal((await asked).status(), 200)
    const card = page.locator(`[data-test=order-tracking][data-task-id="${delivered.task.id}"][data-status=delivered]`)
    await card.waitFor()
    assert.equal((await card.locator('[data-test=order-tracking-stage]').innerText()).trim(), '已送达')
    assert.equal(
      (await card.locator('[data-test=order-tracking-point]').innerText()).includes(delivered.point.name),
      true,
    )
    // Neither an arrival nor a van once the goods are handed over.
    assert.equal(await card.locator('[data-test=order-tracking-eta], [data-test=order-tracking-plate]').count(), 0)
    await page.locator('[data-test=order-detail][data-status=delivered]').waitFor()
    assert.equal((await page.locator('[data-test=order-status-name]').innerText()).trim(), '已送达')

    // The refused order: open again for the next wave, not delivered for the buyer.
    const refusedAsked = page.waitForResponse((response) =>
      isApiCall(response, 'GET', `/orders/${refused.order.id}/delivery`),
    )
    await page.goto(`${baseUrl}/me/orders/${refused.order.id}`)
    assert.equal((await refusedAsked).status(), 200)
    const refusedCard = page.locator(`[data-test=order-tracking][data-task-id="${refused.task.id}"]`)
    await refusedCard.waitFor()
    assert.equal(await refusedCard.getAttribute('data-status'), 'open')
    assert.equal(await refusedCard.getAttribute('data-stage'), 'failed')
    assert.equal((await refusedCard.locator('[data-test=order-tracking-stage]').innerText()).trim(), '未送达')
    assert.match(await refusedCard.locator('[data-test=order-tracking-reason]').innerText(), /原因：拒收：买家说不要了/)
    assert.match(
      await refusedCard.locator('[data-test=order-tracking-point]').innerText(),
      new RegExp(refused.point.name),
    )
    // Its order is still on its way (shipped), not delivered.
    const refusedOrder = await buyer.get(`/orders/${refused.order.id}`)
    await page.locator(`[data-test=order-detail][data-status=${refusedOrder.status}]`).waitFor()
    assert.notEqual(refusedOrder.status, 'delivered')
  })
})
