// One lot from the field to the buyer's phone. The 成县 cooperative (a supplier), on the
// phone, goes from 我的 to 溯源批次 and records a harvest of walnuts as a new lot: the option
// with its barcode (GTIN), the harvest three days ago, the quantity, the 承诺达标合格证 number,
// three item codes, and a new plot in a village of 小川镇 entered in the form itself. Then,
// one form each, the production records: fertilising and spraying before the harvest (the
// pesticide's safety interval kept), a conformant inspection, packing, and shipping with the
// leg's temperatures. The label sheet, one label per item, is downloaded from the lot's page:
// its three codes decode to the items' GS1 Digital Link URIs. Once the server's signed
// checkpoint covers the lot's events, anyone who scans an item's code sees the product, the
// producer, the village on the county's map, the plot, the inputs with the interval kept, the
// inspection, the chain of custody with the shipment's temperatures, the certificate, and the
// history verified in the browser — in Chinese, and in English after the switch. A code
// that names no lot shows 查无此码, not a broken page.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { until } from './delivery_support.mjs'
import { apiLogin, baseUrl, kAccounts, kPassword, kPhone, withBrowser } from './support.mjs'

const kProduct = '成县核桃（带壳）1kg'
const kTownship = { code: '621221103', name: '小川镇' }

function isApiCall(response, method, apiPath) {
  return response.request().method() === method && new URL(response.url()).pathname === `/api/v1${apiPath}`
}

// A day in Shanghai `offset` days from today, YYYY-MM-DD.
function shanghaiDay(offset) {
  return new Date(Date.now() + 8 * 3_600_000 + offset * 24 * 3_600_000).toISOString().slice(0, 10)
}

// Signs in on the mall's login page, which then goes to `redirect`.
async function signInOnPhone(page, phone, redirect) {
  await page.goto(`${baseUrl}/login?redirect=${encodeURIComponent(redirect)}`)
  await page.locator('[data-test=login-phone] input').fill(phone)
  await page.locator('[data-test=login-password] input').fill(kPassword)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((url) => url.pathname === redirect)
}

// Chooses the option whose text is `text` in the open picker `testId`: a tap on an option
// turns the wheel to it.
async function pick(page, testId, text) {
  const picker = page.locator(`[data-test=${testId}]`)
  await picker.locator('.van-picker-column__item', { hasText: text }).click()
  await picker.locator('.van-picker-column__item--selected', { hasText: text }).waitFor()
  await picker.locator('.van-picker__confirm').click()
  await picker.waitFor({ state: 'hidden' })
}

// Renders every page of the PDF at 150 dpi and decodes the QR codes on them.
async function decodePdf(pdfPath) {
  const dir = path.dirname(pdfPath)
  execFileSync('pdftoppm', ['-r', '150', '-png', pdfPath, path.join(dir, 'page')])
  const decoded = []
  for (const name of (await readdir(dir)).filter((file) => file.startsWith('page')).sort())
    decoded.push(
      ...execFileSync('zbarimg', ['--raw', '-q', path.join(dir, name)], { encoding: 'utf8' })
        .trim()
        .split('\n'),
    )
  return decoded
}

test('a lot recorded on the phone, printed per item and scanned: its whole history, verified', async (t) => {
  const supplier = await apiLogin(kAccounts.chengxianSupplier)
  const { items: products } = await supplier.get('/admin/products?page_size=100')
  const product = products.find((candidate) => candidate.name === kProduct)
  assert.ok(product, `the 成县 cooperative does not sell ${kProduct}`)
  const sku = (await supplier.get(`/products/${product.id}`)).skus.find((candidate) => candidate.gtin)
  assert.ok(sku, `${kProduct} has no option with a GTIN`)
  const gtin = sku.gtin.padStart(14, '0')
  const village = (await supplier.get(`/divisions?parent=${kTownship.code}`)).items.find((division) =>
    division.name.endsWith('村'),
  )
  assert.ok(village, `${kTownship.name} has no village`)

  // A lot number of this run's own, so that the test can run again on the same server.
  const lotNumber = `CX-${Date.now().toString(36).toUpperCase()}`
  const harvest = shanghaiDay(-3)
  const certificate = `CX-HG-${harvest.replaceAll('-', '')}`
  const plotName = `后山核桃地 ${lotNumber}`
  const serials = [1, 2, 3].map((n) => `${lotNumber}.${n}`)
  const records = [
    {
      kind: 'fertilising',
      fields: { input_name: '腐熟农家肥', dose: '1500 千克/亩' },
      body: { kind: 'fertilising', date: shanghaiDay(-40), input_name: '腐熟农家肥', dose: '1500 千克/亩' },
      bizStep: 'urn:longnan:bizstep:fertilising',
    },
    {
      kind: 'spraying',
      fields: { input_name: '吡虫啉', dose: '2000 倍液', safety_interval_days: '14' },
      body: {
        kind: 'spraying',
        date: shanghaiDay(-20),
        input_name: '吡虫啉',
        dose: '2000 倍液',
        safety_interval_days: 14,
      },
      bizStep: 'urn:longnan:bizstep:spraying',
    },
    {
      kind: 'inspection',
      fields: { lab: '成县农产品质量检测站', method: '农残快速检测', result: '未检出' },
      conformant: true,
      body: {
        kind: 'inspection',
        date: shanghaiDay(-2),
        lab: '成县农产品质量检测站',
        method: '农残快速检测',
        result: '未检出',
        conformant: true,
      },
      bizStep: 'inspecting',
      disposition: 'conformant',
    },
    {
      kind: 'packing',
      fields: { place: '合作社包装车间' },
      body: { kind: 'packing', date: shanghaiDay(-2), place: '合作社包装车间' },
      bizStep: 'packing',
      disposition: 'in_progress',
    },
    {
      kind: 'shipping',
      fields: { place: '成县电商物流园', min_temp_c: '2', max_temp_c: '6' },
      body: { kind: 'shipping', date: shanghaiDay(-1), place: '成县电商物流园', min_temp_c: 2, max_temp_c: 6 },
      bizStep: 'shipping',
      disposition: 'in_transit',
    },
  ]

  let lot
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'longnan-e2e-labels-'))
  t.after(() => rm(scratch, { recursive: true, force: true }))
  const pdfPath = path.join(scratch, 'labels.pdf')

  await withBrowser(t, kPhone, async (page) => {
    // 1. 我的 → 溯源批次 → 新建批次.
    await signInOnPhone(page, kAccounts.chengxianSupplier, '/me')
    await page.locator('[data-test=me-lots]').click()
    await page.waitForURL((url) => url.pathname === '/me/lots')
    await page.locator('[data-test=lots-page]').waitFor()
    await page.locator('[data-test=lot-create]').click()
    await page.waitForURL((url) => url.pathname === '/me/lots/new')
    const form = page.locator('[data-test=lot-form]')
    await form.waitFor()

    await form.locator('[data-test=lot-sku]').click()
    await pick(page, 'lot-sku-picker', kProduct)
    assert.match(await form.locator('[data-test=lot-sku] input').inputValue(), new RegExp(`^${kProduct} · `))
    await form.locator('[data-test=lot-harvest-input] input').fill(harvest)
    await form.locator('[data-test=lot-quantity-input] input').fill('240')
    await form.locator('[data-test=lot-unit] [data-unit=KGM]').click()
    await form.locator('[data-test=lot-certificate-input] input').fill(certificate)
    for (let count = 0; count < serials.length; count++)
      await form.locator('[data-test=lot-serials] .van-stepper__plus').click()
    assert.equal(await form.locator('[data-test=lot-serials] input').inputValue(), String(serials.length))

    // A new plot, entered in the form: its name, its village of 小川镇, its area and position.
    await form.locator('[data-test=lot-plot-new]').click()
    const plotForm = page.locator('[data-test=plot-form]')
    await plotForm.waitFor()
    await plotForm.locator('[data-test=plot-name-input] input').fill(plotName)
    await plotForm.locator('[data-test=plot-village]').click()
    const cascader = page.locator('[data-test=area-cascader]')
    await cascader.getByRole('menuitemradio', { name: '成县', exact: true }).click()
    await cascader.getByRole('menuitemradio', { name: kTownship.name, exact: true }).click()
    await cascader.getByRole('menuitemradio', { name: village.name, exact: true }).click()
    await cascader.waitFor({ state: 'hidden' })
    assert.equal(
      await plotForm.locator('[data-test=plot-village] input').inputValue(),
      `成县 ${kTownship.name} ${village.name}`,
    )
    await plotForm.locator('[data-test=plot-area-input] input').fill('3.5')
    await plotForm.locator('[data-test=plot-lat-input] input').fill('33.585')
    await plotForm.locator('[data-test=plot-lng-input] input').fill('105.69')
    const plotting = page.waitForResponse((response) => isApiCall(response, 'POST', '/plots'))
    await plotForm.locator('[data-test=plot-save]').click()
    const plotAnswer = await plotting
    assert.equal(plotAnswer.status(), 201, await plotAnswer.text())
    const plot = await plotAnswer.json()
    assert.deepEqual(plotAnswer.request().postDataJSON(), {
      name: plotName,
      village_code: village.code,
      lat: 33.585,
      lng: 105.69,
      area_mu: 3.5,
    })
    await plotForm.waitFor({ state: 'detached' })
    // The new plot is the lot's.
    assert.equal(await form.locator('[data-test=lot-plot] input').inputValue(), `${plotName}（3.5 亩）`)

    await form.locator('[data-test=lot-number-input] input').fill(lotNumber)
    const creating = page.waitForResponse((response) => isApiCall(response, 'POST', '/lots'))
    await form.locator('[data-test=lot-save]').click()
    const created = await creating
    assert.equal(created.status(), 201, await created.text())
    assert.deepEqual(created.request().postDataJSON(), {
      sku_id: sku.id,
      harvest_date: harvest,
      quantity: 240,
      unit: 'KGM',
      plot_id: plot.id,
      lot_number: lotNumber,
      certificate,
      serials: serials.length,
    })
    lot = await created.json()
    assert.equal(lot.lot_number, lotNumber)
    assert.equal(lot.sku.id, sku.id)
    assert.equal(lot.product.id, product.id)
    assert.equal(lot.plot_id, plot.id)
    assert.equal(lot.harvest_date, harvest)
    assert.equal(lot.quantity, 240)
    assert.equal(lot.unit, 'KGM')
    assert.equal(lot.certificate, certificate)
    assert.equal(lot.gtin, gtin)
    assert.equal(lot.items, serials.length)
    assert.equal(lot.events, 1, 'the harvest is the lot’s first event')
    assert.equal(lot.status, 'active')
    assert.match(lot.digital_link, new RegExp(`^https?://[^/]+/01/${gtin}/10/${lotNumber}$`))

    // The lot's page opens.
    await page.waitForURL((url) => url.pathname === `/me/lots/${lot.id}`)
    const lotPage = page.locator(`[data-test=lot-page][data-lot-id="${lot.id}"]`)
    await lotPage.waitFor()
    assert.equal((await lotPage.locator('[data-test=lot-number]').innerText()).trim(), `批号 ${lotNumber}`)
    await lotPage.getByText(`承诺达标合格证 ${certificate}`).waitFor()
    await lotPage.getByText(`${serials.length} 个单品码 · 1 条记录`).waitFor()

    // 2. The production records, one form each; back on the lot's page after each.
    for (const record of records) {
      await lotPage.locator(`[data-test=lot-record-add][data-kind=${record.kind}]`).click()
      await page.waitForURL((url) => url.pathname === `/me/lots/${lot.id}/records/${record.kind}`)
      const recordForm = page.locator(`[data-test=record-form][data-kind=${record.kind}]`)
      await recordForm.waitFor()
      await recordForm.locator('[data-test=record-date-input] input').fill(record.body.date)
      for (const [name, value] of Object.entries(record.fields))
        await recordForm.locator(`[data-test=record-${name}-input] input`).fill(value)
      if (record.conformant) await recordForm.locator('[data-test=record-conformant-yes]').click()
      if (record.kind === 'spraying') {
        // Sprayed 17 days before the harvest: the 14 days' interval is kept, before saving too.
        const check = recordForm.locator('[data-test=record-interval-check]')
        await check.waitFor()
        assert.equal(await check.getAttribute('data-interval-ok'), 'true')
        assert.equal((await check.innerText()).trim(), '已过安全间隔期（施药后 17 天采收）')
      }
      const saving = page.waitForResponse((response) => isApiCall(response, 'POST', `/lots/${lot.id}/records`))
      await recordForm.locator('[data-test=record-save]').click()
      const saved = await saving
      assert.equal(saved.status(), 201, `${record.kind}: ${await saved.text()}`)
      assert.deepEqual(saved.request().postDataJSON(), record.body, record.kind)
      const answer = await saved.json()
      assert.deepEqual(answer.warnings, [], `${record.kind} warns`)
      assert.equal(answer.alert, null, `${record.kind} raises an alert`)
      assert.equal(answer.event.bizStep, record.bizStep)
      if (record.disposition) assert.equal(answer.event.disposition, record.disposition)
      assert.equal(answer.event.eventTime.slice(0, 10), record.body.date)
      if (record.kind === 'shipping') {
        const [report] = answer.event.sensorElementList[0].sensorReport
        assert.deepEqual(report, { type: 'gs1:Temperature', minValue: 2, maxValue: 6, uom: 'CEL' })
        assert.equal(answer.event['ln:place'], '成县电商物流园')
      }
      // Nothing to warn of: no dialog, straight back to the lot.
      await page.waitForURL((url) => url.pathname === `/me/lots/${lot.id}`)
      assert.equal(await page.locator('.record-warnings-dialog').isVisible(), false)
      await lotPage.waitFor()
    }
    await lotPage.getByText(`${serials.length} 个单品码 · ${1 + records.length} 条记录`).waitFor()

    // 3. The label sheet, one label per item, from the lot's page.
    const labelsLink = lotPage.locator('[data-test=lot-labels-items]')
    assert.match(await labelsLink.innerText(), /每件一张，共 3 张/)
    const href = new URL(await labelsLink.getAttribute('href'), baseUrl)
    assert.equal(href.pathname + href.search, `/api/v1/lots/${lot.id}/labels.pdf?items=1`)
    const downloading = page.waitForEvent('download')
    await labelsLink.click()
    const download = await downloading
    assert.equal(download.suggestedFilename(), `labels-${lotNumber}.pdf`)
    await download.saveAs(pdfPath)
  })

  // The sheet's codes: the three items' Digital Link URIs, each once; its text names the
  // certificate and the lot.
  const itemUris = serials.map((serial) => `${lot.digital_link}/21/${serial}`)
  assert.deepEqual((await decodePdf(pdfPath)).sort(), [...itemUris].sort())
  const sheetText = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' })
  assert.match(sheetText, /承诺达标合格证/)
  assert.match(sheetText, new RegExp(`批次：${lotNumber}`))

  // 4. Once the signed checkpoint covers every event of the lot, the second item is scanned.
  const itemPath = new URL(itemUris[1]).pathname
  const resolved = await (await fetch(`${baseUrl}${itemPath}`, { headers: { Accept: 'application/json' } })).json()
  assert.deepEqual(
    resolved.events.map((event) => event.biz_step),
    ['fertilising', 'spraying', 'commissioning', 'inspecting', 'packing', 'shipping'],
  )
  const lastLeaf = Math.max(...resolved.events.map((event) => event.leaf))
  await until(
    async () => (await supplier.get('/trace/checkpoints/latest')).tree_size >= lastLeaf + 1,
    'a checkpoint that covers the lot’s events',
  )

  await withBrowser(t, kPhone, async (page) => {
    const opened = await page.goto(`${baseUrl}${itemPath}`)
    assert.match(
      opened.headers()['content-type'],
      /^text\/html/,
      `a browser that opens the item's code ${itemPath} gets the scan page, not the resolver's data`,
    )
    const scan = page.locator(`[data-test=scan-page][data-lot="${lotNumber}"]`)
    await scan.waitFor()
    assert.equal(await scan.locator('[data-test=scan-item]').getAttribute('data-serial'), serials[1])
    assert.equal(await scan.locator('[data-test=scan-warning], [data-test=scan-recalled]').count(), 0)

    const productView = scan.locator('[data-test=scan-product]')
    assert.equal(await productView.getAttribute('data-product-id'), String(product.id))
    assert.equal((await productView.locator('h1').innerText()).trim(), kProduct)

    // The producer as the server names them (masked when they chose so).
    const producer = scan.locator('[data-test=scan-producer]')
    assert.equal(await producer.getAttribute('data-masked'), String(resolved.producer.masked))
    assert.equal((await producer.locator('[data-test=scan-producer-name]').innerText()).trim(), resolved.producer.name)

    // The village on the county's outline, with a dot at the plot.
    const map = scan.locator(`[data-test=scan-village-map][data-village="${village.code}"]`)
    await map.waitFor()
    await scan.locator('[data-test=scan-village-map][data-outline=true]').waitFor()
    await map.locator('[data-test=scan-village-dot]').waitFor()
    assert.equal((await map.locator('figcaption').innerText()).trim(), `成县 ${kTownship.name} ${village.name}`)
    const plotView = scan.locator('[data-test=scan-plot]')
    assert.match(await plotView.innerText(), new RegExp(plotName))
    assert.equal((await plotView.locator('[data-test=scan-plot-area]').innerText()).trim(), '3.5 亩')
    assert.equal(await scan.locator('[data-test=scan-lot]').getAttribute('data-status'), 'active')
    assert.equal((await scan.locator('[data-test=scan-harvest-date]').innerText()).trim(), harvest)

    // The inputs: fertilising, then spraying with its interval kept.
    const inputs = scan.locator('[data-test=scan-inputs] [data-test=scan-input]')
    assert.deepEqual(await inputs.evaluateAll((views) => views.map((view) => view.dataset.kind)), [
      'fertilising',
      'spraying',
    ])
    assert.match(await inputs.nth(0).innerText(), /腐熟农家肥[\s\S]*用量：1500 千克\/亩/)
    const spraying = inputs.nth(1)
    assert.equal(await spraying.getAttribute('data-interval-ok'), 'true')
    assert.match(await spraying.innerText(), /吡虫啉[\s\S]*安全间隔期 14 天[\s\S]*已过安全间隔期（施药后 17 天采收）/)

    // The inspection, conformant.
    const inspections = scan.locator('[data-test=scan-inspections] [data-test=scan-inspection]')
    assert.equal(await inspections.count(), 1)
    assert.equal(await inspections.first().getAttribute('data-conformant'), 'true')
    assert.match(await inspections.first().innerText(), /合格[\s\S]*成县农产品质量检测站[\s\S]*检测结果：未检出/)

    // The chain of custody, in time order: the harvest, packing, and shipping with its
    // temperatures inside the cold chain.
    const steps = scan.locator('[data-test=scan-custody] [data-test=scan-custody-step]')
    assert.deepEqual(await steps.evaluateAll((views) => views.map((view) => view.dataset.step)), [
      'commissioning',
      'packing',
      'shipping',
    ])
    const shipping = scan.locator('[data-test=scan-custody-step][data-step=shipping]')
    assert.equal(await shipping.getAttribute('data-cold-break'), null)
    assert.equal((await shipping.locator('[data-test=scan-custody-temperature]').innerText()).trim(), '温度 2～6 ℃')
    assert.match(await shipping.innerText(), /发运[\s\S]*地点：成县电商物流园/)
    assert.match(await scan.locator('[data-test=scan-custody-step][data-step=packing]').innerText(), /合作社包装车间/)

    // The lot's 承诺达标合格证.
    const lotCertificate = scan.locator('[data-test=scan-certificate][data-source=lot]')
    assert.match(await lotCertificate.innerText(), new RegExp(`编号 ${certificate}`))

    // Verified in the browser against the signed checkpoint.
    const badge = scan.locator('[data-test=scan-verified]')
    await scan.locator('[data-test=scan-verified][data-state=verified]').waitFor()
    assert.match(
      await badge.innerText(),
      new RegExp(`已验证[\\s\\S]*${resolved.events.length} 条记录均已写入防篡改日志`),
    )

    // In English.
    await page.locator('[data-test=language-switch]').click()
    await page.locator('.van-nav-bar__title', { hasText: 'Trace' }).waitFor()
    await badge.getByText('Verified', { exact: true }).waitFor()
    assert.equal((await productView.locator('h1').innerText()).trim(), resolved.product.name_en)
    assert.match(await spraying.innerText(), /Safety interval kept \(harvested 17 days after spraying\)/)
    assert.match(await inspections.first().innerText(), /Pass/)
    assert.match(await shipping.innerText(), /Shipping[\s\S]*Temperature 2 to 6 °C/)
    assert.match(await lotCertificate.innerText(), new RegExp(`No\\. ${certificate}`))
    assert.equal(await badge.getAttribute('data-state'), 'verified')
  })
})

test('a code that names no lot or item shows 查无此码', async (t) => {
  const supplier = await apiLogin(kAccounts.chengxianSupplier)
  const [someLot] = (await supplier.get('/lots?page_size=1')).items
  assert.ok(someLot, 'the 成县 cooperative has a lot')
  const known = new URL(someLot.digital_link).pathname
  await withBrowser(t, kPhone, async (page) => {
    for (const unknown of [`/01/${someLot.gtin}/10/NO-SUCH-LOT`, `${known}/21/NO-SUCH-ITEM`]) {
      const asked = page.waitForResponse(
        (response) => response.request().resourceType() === 'fetch' && new URL(response.url()).pathname === unknown,
      )
      await page.goto(`${baseUrl}${unknown}`)
      assert.equal((await asked).status(), 404)
      await page.locator('[data-test=scan-page]').waitFor()
      const notFound = page.locator('[data-test=scan-page] [data-test=error-message][data-not-found=true]')
      await notFound.waitFor()
      assert.match(await notFound.innerText(), /查无此码/)
      assert.equal(await page.locator('[data-test=scan-product], [data-test=scan-verified]').count(), 0)
    }
  })
})
