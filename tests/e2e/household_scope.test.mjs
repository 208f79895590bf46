// Data scope: a store keeper of 成县 must not see a household of 文县, even by its URL.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiLogin, baseUrl, kAccounts, kDesktop, nextApiResponse, signIn, withBrowser } from './support.mjs'

test('a 成县 store keeper opening a 文县 household sees an error and none of its data', async (t) => {
  const cityAdmin = await apiLogin(kAccounts.cityAdmin)
  const { items: platforms } = await cityAdmin.get('/platforms')
  const wenxian = platforms.find((platform) => platform.name === '文县')
  assert.ok(wenxian, `no 文县 platform among: ${platforms.map((platform) => platform.name).join(', ')}`)
  const { items: households } = await cityAdmin.get(`/households?platform_id=${wenxian.id}&page=1&page_size=1`)
  assert.ok(households.length, '文县 has no household in the demo data')
  const [household] = households
  assert.equal(household.platform_id, wenxian.id, 'GET /households ignored the platform_id filter')

  await withBrowser(t, kDesktop, async (page) => {
    const refused = nextApiResponse(page, `/households/${household.id}`)
    await page.goto(`${baseUrl}/admin/households/${household.id}`)
    await signIn(page, kAccounts.chengxianStoreKeeper)

    const answer = await refused
    assert.ok(
      [403, 404].includes(answer.status()),
      `GET /households/${household.id} as the 成县 store keeper answered HTTP ${answer.status()}`,
    )
    await page.locator('[data-test=error-message]').waitFor()
    assert.equal(await page.locator('[data-test=household-detail]').count(), 0, 'household details are shown')
    const shown = await page.locator('body').innerText()
    assert.ok(!shown.includes(household.head_name), `the page shows the head of household ${household.head_name}`)
    assert.ok(!shown.includes(household.village_name), `the page shows the village ${household.village_name}`)
  })
})
