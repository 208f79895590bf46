// Importing households: a 成县 county admin uploads a CSV through the console. A clean file
// is imported whole and its households can be found in the list; a file with a faulty row
// shows the row-by-row report and imports nothing.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiLogin, baseUrl, kAccounts, kDesktop, nextApiResponse, signIn, withBrowser } from './support.mjs'

const kHeader = 'village_code,head_name,members,phone,id_card,bank_account,poverty_status'

// Two head-of-household names no other test run uses.
function freshNames(label) {
  const stamp = `${Date.now()}`.slice(-7)
  return [`导入${label}甲${stamp}`, `导入${label}乙${stamp}`]
}

async function chengxianVillage(countyAdmin) {
  const { items: villages } = await countyAdmin.get('/divisions?parent=621221100')
  assert.ok(villages.length, '城关镇 (621221100) has no villages')
  return villages[0]
}

// Opens the households page, signs in, and uploads `csv` through the import dialog;
// resolves with the server's answer to the upload.
async function importThroughConsole(page, csv) {
  await page.goto(`${baseUrl}/admin/households`)
  await signIn(page, kAccounts.chengxianCountyAdmin)
  await page.locator('[data-test=import-open]').click()
  await page.locator('[data-test=import-file] input[type=file]').setInputFiles({
    name: 'households.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  })
  const uploaded = nextApiResponse(page, '/import/households')
  await page.locator('[data-test=import-submit]').click()
  const answer = await uploaded
  assert.equal(answer.request().headers()['content-type'], 'text/csv', 'the file was not sent as text/csv')
  return answer
}

test('a 成县 county admin imports two households from a CSV file and finds them in the list', async (t) => {
  const countyAdmin = await apiLogin(kAccounts.chengxianCountyAdmin)
  const village = await chengxianVillage(countyAdmin)
  const [first, second] = freshNames('农户')
  const csv = [
    kHeader,
    `${village.code},${first},胡金凤:配偶;${first}子:子,,,,registered`,
    `${village.code},${second},,,,,已脱贫`,
  ]

  await withBrowser(t, kDesktop, async (page) => {
    const answer = await importThroughConsole(page, `${csv.join('\r\n')}\r\n`)
    assert.equal(
      answer.status(),
      201,
      `POST /import/households answered HTTP ${answer.status()}: ${await answer.text()}`,
    )

    const result = page.locator('[data-test=import-result]')
    await result.waitFor()
    assert.equal(await result.getAttribute('data-imported'), '2')
    assert.match(await result.innerText(), /2/, 'the console does not say how many households were imported')

    await page.locator('[data-test=import-close]').click()
    await result.waitFor({ state: 'hidden' })
    const searched = nextApiResponse(page, '/households', { q: second })
    await page.locator('[data-test=filter-keyword]').fill(second)
    await searched
    const link = page.locator('[data-test=household-link]', { hasText: second })
    await link.waitFor()
    assert.equal(
      await page.locator('[data-test=household-link]').count(),
      1,
      `more than one household is named ${second}`,
    )
  })
})

test('an import with a faulty row shows the row report and imports nothing', async (t) => {
  const countyAdmin = await apiLogin(kAccounts.chengxianCountyAdmin)
  const village = await chengxianVillage(countyAdmin)
  const [good, faulty] = freshNames('错行')
  const csv = [kHeader, `${village.code},${good},,,,,none`, `${village.code},${faulty},,,,,小康户`]

  await withBrowser(t, kDesktop, async (page) => {
    const answer = await importThroughConsole(page, `${csv.join('\n')}\n`)
    assert.equal(
      answer.status(),
      422,
      `POST /import/households answered HTTP ${answer.status()}: ${await answer.text()}`,
    )

    const report = page.locator('[data-test=import-rows]')
    await report.waitFor()
    const rows = report.locator('.el-table__body tr')
    assert.equal(await rows.count(), 1, `the report lists ${await rows.count()} rows, expected the faulty one`)
    const reported = await rows.first().innerText()
    assert.match(reported, /^\s*3\s/, `the report does not name row 3 (the header is row 1): ${reported}`)
    assert.match(reported, /poverty_status/, `the report does not name the poverty_status column: ${reported}`)
    assert.equal(await page.locator('[data-test=import-result]').count(), 0, 'a success message is shown')
  })

  const { total } = await countyAdmin.get(`/households?q=${encodeURIComponent(good)}`)
  assert.equal(total, 0, `the good row of the rejected file was imported (${good})`)
})
