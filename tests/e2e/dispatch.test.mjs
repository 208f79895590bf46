// A dispatch wave in the console: three village-point orders of the 成县 store are paid and
// become delivery tasks; the 成县 county admin opens 配送 → 调度, plans tomorrow's deliveries
// from 成县电商物流园 and sees the runs (each stop with its arrival in Shanghai time, the
// distance, the cost), the drawing of the runs, and every one of the new tasks on a run or
// left out with a reason. They move a stop; a plan the server refuses shows its violations
// and keeps the edit; the plan saved, they lock a run and re-optimise, and the locked run
// stays as it was.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clock, paidVillageOrders, tomorrowInShanghai, until } from './delivery_support.mjs'
import { apiLogin, baseUrl, kAccounts, kDesktop, signIn, withBrowser } from './support.mjs'

function isApiCall(response, method, apiPath) {
  return response.request().method() === method && new URL(response.url()).pathname === `/api/v1${apiPath}`
}

test('the county admin plans tomorrow’s deliveries from the park, edits, locks and re-optimises', async (t) => {
  const buyer = await apiLogin(kAccounts.buyer)
  const keeper = await apiLogin(kAccounts.chengxianStoreKeeper)
  const countyAdmin = await apiLogin(kAccounts.chengxianCountyAdmin)
  const placed = await paidVillageOrders({ buyer, keeper, countyAdmin, count: 3, offset: 3 })
  const taskIds = placed.map(({ task }) => task.id)
  const [park] = (await countyAdmin.get('/logistics-nodes?tier=park&division=621221')).items
  assert.match(park.name, /成县电商物流园/)
  const day = tomorrowInShanghai()

  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/`)
    await signIn(page, kAccounts.chengxianCountyAdmin)
    await page.locator('[data-test=menu-group-delivery]').waitFor()
    await page.locator('[data-test=menu-dispatch]').click()
    await page.waitForURL((url) => url.pathname === '/admin/dispatch')

    // 1. The park, tomorrow, one second of solving.
    await page.locator('[data-test=dispatch-node]').click()
    await page.locator('[data-test=dispatch-node-option]:visible', { hasText: '成县电商物流园' }).click()
    assert.equal(await page.locator('[data-test=dispatch-day] input').inputValue(), day)
    await page.locator('[data-test=dispatch-time-limit] input').fill('1')
    await page.locator('[data-test=dispatch-time-limit] input').blur()
    const started = page.waitForResponse((response) => isApiCall(response, 'POST', '/dispatch/waves'))
    await page.locator('[data-test=dispatch-start]').click()
    const answer = await started
    assert.equal(answer.status(), 202, await answer.text())
    assert.deepEqual(answer.request().postDataJSON(), { node_id: park.id, day, time_limit_s: 1, service_s: 180 })
    const { id: waveId } = await answer.json()
    const waveView = page.locator(`[data-test=dispatch-wave][data-wave-id="${waveId}"]`)
    await waveView.and(page.locator('[data-status=planned]')).waitFor({ timeout: 30_000 })
    assert.equal(new URL(page.url()).searchParams.get('wave'), String(waveId))

    // 2. The runs as the server planned them; every new task is on a run or left out.
    let wave = await countyAdmin.get(`/dispatch/waves/${waveId}`)
    assert.ok(wave.runs.length >= 1, JSON.stringify(wave.unassigned))
    const runViews = page.locator('[data-test=dispatch-run]')
    assert.equal(await runViews.count(), wave.runs.length)
    for (const [index, run] of wave.runs.entries()) {
      const view = runViews.nth(index)
      assert.equal(await view.getAttribute('data-run-id'), String(run.id))
      assert.equal((await view.locator('[data-test=dispatch-run-plate]').innerText()).trim(), run.vehicle.plate)
      assert.match(await view.locator('[data-test=dispatch-run-distance]').innerText(), /公里/)
      const yuan = `¥${Math.floor(run.cost_fen / 100).toLocaleString('en-US')}.${String(run.cost_fen % 100).padStart(2, '0')}`
      assert.match(
        await view.locator('[data-test=dispatch-run-cost]').innerText(),
        new RegExp(yuan.replace(/[.$]/g, '\\$&')),
      )
      const etas = await view.locator('[data-test=dispatch-stop-eta]').allInnerTexts()
      assert.deepEqual(
        etas.map((text) => text.trim()),
        run.stops.map((stop) => clock(stop.eta)),
      )
    }
    const shown = await page
      .locator('[data-test=dispatch-stop]')
      .evaluateAll((stops) => stops.map((stop) => Number(stop.dataset.taskId)))
    const leftOut = await page
      .locator('[data-test=dispatch-unassigned-task]')
      .evaluateAll((tasks) => tasks.map((task) => Number(task.dataset.taskId)))
    for (const taskId of taskIds) assert.ok(shown.includes(taskId) !== leftOut.includes(taskId), `task ${taskId} once`)
    assert.equal(await page.locator('[data-test=routes-map] [data-test=routes-map-run]').count(), wave.runs.length)

    // 3. A stop moved: to the end of its run, or to another run when each has one stop.
    const busiest = wave.runs.findIndex((run) => run.stops.length >= 2)
    const source = busiest >= 0 ? busiest : 0
    const firstStop = runViews.nth(source).locator('[data-test=dispatch-stop]').first()
    const movedTask = Number(await firstStop.getAttribute('data-task-id'))
    if (busiest >= 0) {
      await runViews.nth(source).locator('[data-test=dispatch-stop-down]').first().click()
    } else if (wave.runs.length >= 2) {
      await runViews.nth(source).locator('[data-test=dispatch-stop-move]').first().click()
      await page.locator('.el-select-dropdown__item:visible').first().click()
    }
    const edited = busiest >= 0 || wave.runs.length >= 2
    if (edited) {
      await page.locator('[data-test=dispatch-edited]').waitFor()

      // The server refuses the plan (answered here, so that the refusal does not depend on
      // the demo data): its violations show, the edit stays, the stop at fault is marked.
      const refusal = {
        error: {
          code: 'plan_violations',
          message: '超出车辆载重',
          field: 'runs',
          violations: [
            { kind: 'capacity', message: '超出车辆载重', vehicle_id: wave.runs[source].vehicle.id, task_id: movedTask },
          ],
        },
      }
      await page.route(`**/api/v1/dispatch/waves/${waveId}/plan`, (route) =>
        route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify(refusal) }),
      )
      await page.locator('[data-test=dispatch-save]').click()
      await page.locator('[data-test=dispatch-violation][data-kind=capacity]', { hasText: '超出车辆载重' }).waitFor()
      await page.locator(`[data-test=dispatch-stop][data-task-id="${movedTask}"][data-violation]`).waitFor()
      assert.equal(await page.locator('[data-test=dispatch-save]').isEnabled(), true)
      await page.unroute(`**/api/v1/dispatch/waves/${waveId}/plan`)

      // The real save: the body is the edited plan, the answer the wave with its new runs.
      const saving = page.waitForResponse((response) => isApiCall(response, 'PUT', `/dispatch/waves/${waveId}/plan`))
      await page.locator('[data-test=dispatch-save]').click()
      const saved = await saving
      const body = saved.request().postDataJSON()
      assert.deepEqual(
        body.runs.map((run) => run.vehicle_id),
        wave.runs.map((run) => run.vehicle.id),
      )
      const sent = body.runs.flatMap((run) => run.task_ids)
      assert.deepEqual([...sent].sort(), wave.runs.flatMap((run) => run.stops.map((stop) => stop.task_id)).sort())
      if (busiest >= 0) assert.equal(body.runs[source].task_ids[1], movedTask)
      if (saved.status() === 200) {
        await page.locator('[data-test=dispatch-edited]').waitFor({ state: 'detached' })
        wave = await countyAdmin.get(`/dispatch/waves/${waveId}`)
        assert.deepEqual(
          wave.runs.map((run) => run.stops.map((stop) => stop.task_id)),
          body.runs.map((run) => run.task_ids).filter((ids) => ids.length),
        )
      } else {
        // An infeasible move of the real data: refused, shown, and the edit discarded.
        assert.equal(saved.status(), 422, await saved.text())
        await page.locator('[data-test=dispatch-violation]').first().waitFor()
        await page.locator('[data-test=dispatch-discard]').click()
      }
    }

    // 4. The first run locked, then re-optimised: the locked run keeps its stops.
    const lockedRun = wave.runs[0]
    const locking = page.waitForResponse((response) =>
      isApiCall(response, 'POST', `/dispatch/runs/${lockedRun.id}/lock`),
    )
    await runViews.first().locator('[data-test=dispatch-run-lock]').click()
    assert.equal((await locking).status(), 200)
    await page.locator(`[data-test=dispatch-run][data-run-id="${lockedRun.id}"][data-locked=true]`).waitFor()
    const requeued = page.waitForResponse((response) =>
      isApiCall(response, 'POST', `/dispatch/waves/${waveId}/reoptimise`),
    )
    await page.locator('[data-test=dispatch-reoptimise]').click()
    assert.equal((await requeued).status(), 202)
    await until(
      async () => (await countyAdmin.get(`/dispatch/waves/${waveId}`)).status === 'planned',
      'the wave re-planned',
    )
    await waveView.and(page.locator('[data-status=planned]')).waitFor({ timeout: 30_000 })
    const again = await countyAdmin.get(`/dispatch/waves/${waveId}`)
    const kept = again.runs.find((run) => run.vehicle.id === lockedRun.vehicle.id)
    assert.ok(kept?.locked, 'the locked run is still there, locked')
    assert.deepEqual(
      kept.stops.map((stop) => stop.task_id),
      lockedRun.stops.map((stop) => stop.task_id),
    )
    await page
      .locator(`[data-test=dispatch-run][data-vehicle-id="${lockedRun.vehicle.id}"][data-locked=true]`)
      .waitFor()
  })
})
