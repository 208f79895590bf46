// Express delivery beyond Longnan. A buyer adds an address in 上海市 through the form
// (其他地区（快递）: the province, then city, district and street in words) and finds it in
// the address list; at the checkout, choosing it greys out same-city delivery and village
// points and turns the same-city delivery chosen for a Longnan address into express. The
// 成县 store, given a freight rule for 上海 (prefix 31) through the API, quotes it, and the
// order placed shows 上海市 and the street in the mall and in the store keeper's console,
// whose freight editor names the rule's province and takes another one (甘肃省). What the
// test changed (the template, its addresses, the cart, the order) is put back at the end.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiLogin, baseUrl, kAccounts, kDesktop, kPassword, kPhone, signIn, withBrowser } from './support.mjs'

// Sold by the 成县 store of 13800000002.
const kProduct = '成县核桃（带壳）1kg'
const kShanghaiRule = {
  region_prefix: '31',
  first_weight_g: 1000,
  first_fen: 1500,
  extra_weight_g: 1000,
  extra_fen: 800,
}
const kEverywhereFree = { region_prefix: '', first_weight_g: 1000, first_fen: 0, extra_weight_g: 1000, extra_fen: 0 }
const kStreet = '浦东新区 世纪大道 100 号'

function yuan(fen) {
  return `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`
}

function isApiCall(response, method, apiPath) {
  return response.request().method() === method && new URL(response.url()).pathname === `/api/v1${apiPath}`
}

async function productNamed(client, name) {
  const { items } = await client.get(`/products?q=${encodeURIComponent(name)}&page_size=20`)
  const item = items.find((candidate) => candidate.name === name)
  assert.ok(item, `no listed product named ${name}`)
  const product = await client.get(`/products/${item.id}`)
  const sku = product.skus.find((candidate) => candidate.stock >= 5)
  assert.ok(sku, `${name} has no option with stock`)
  return { product, sku }
}

async function emptyCart(client) {
  for (const group of (await client.get('/cart')).stores) {
    for (const line of group.items) await client.delete(`/cart/items/${line.sku_id}`)
  }
}

async function signInToMall(page, path) {
  await page.goto(`${baseUrl}/login?redirect=${encodeURIComponent(path)}`)
  await page.locator('[data-test=login-phone] input').fill(kAccounts.buyer)
  await page.locator('[data-test=login-password] input').fill(kPassword)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((url) => url.pathname === path)
}

// Chooses `name` in the open province picker. The wheel shows a few provinces at a time:
// each tap on the next one turns it a step, until the one wanted is tapped.
async function pickProvince(page, name) {
  const options = page.locator('[data-test=province-picker] .van-picker-column__item')
  await options.first().waitFor()
  const target = (await options.allInnerTexts()).map((text) => text.trim()).indexOf(name)
  assert.ok(target >= 0, `the province picker does not offer ${name}`)
  for (let index = 1; index <= target; index++) await options.nth(index).click()
  await page.locator('[data-test=province-picker] .van-picker-column__item--selected', { hasText: name }).waitFor()
  await page.locator('[data-test=province-picker] .van-picker__confirm').click()
}

async function chooseAddress(page, addressId) {
  await page.locator('[data-test=checkout-address]').click()
  await page.locator(`[data-test=checkout-address-option][data-address-id="${addressId}"]`).click()
  await page.locator('[data-test=address-chooser]').waitFor({ state: 'hidden' })
}

test('a buyer in 上海 adds the address, checks out by express and sees the order go there', async (t) => {
  const buyer = await apiLogin(kAccounts.buyer)
  const keeper = await apiLogin(kAccounts.chengxianStoreKeeper)
  const walnut = await productNamed(buyer, kProduct)
  const storeId = walnut.product.store.id
  assert.equal(keeper.user.store_id, storeId, `${kProduct} is not sold by 13800000002's store`)

  // The store's template gains a rule for 上海 (a store without one stays free elsewhere).
  const before = await keeper.get(`/stores/${storeId}/freight`)
  const others = before.configured
    ? before.rules.filter((rule) => !['31', '62'].includes(rule.region_prefix))
    : [kEverywhereFree]
  await keeper.put(`/stores/${storeId}/freight`, { rules: [...others, kShanghaiRule] })
  const weight = walnut.sku.weight_g ?? 0
  const freight =
    kShanghaiRule.first_fen +
    Math.ceil(Math.max(0, weight - kShanghaiRule.first_weight_g) / kShanghaiRule.extra_weight_g) *
      kShanghaiRule.extra_fen

  // A Longnan address to start the checkout from (added when the buyer has none).
  const added = []
  let home = (await buyer.get('/addresses')).items.find((candidate) => candidate.county_name !== '')
  if (!home) {
    const [village] = (await buyer.get('/divisions?parent=621221100')).items
    home = await buyer.post('/addresses', {
      recipient: '王小明',
      phone: '13912345678',
      division_code: village.code,
      detail: '东街 12 号',
    })
    added.push(home.id)
  }
  await emptyCart(buyer)
  await buyer.put(`/cart/items/${walnut.sku.id}`, { quantity: 1 })

  let shanghai
  let order
  try {
    await withBrowser(t, kPhone, async (page) => {
      // 1. The address in 上海市, through the form.
      await signInToMall(page, '/me/addresses')
      await page.locator('[data-test=address-add]').click()
      await page.locator('[data-test=address-form]').waitFor()
      await page.locator('[data-test=address-recipient-input] input').fill('李华')
      await page.locator('[data-test=address-phone-input] input').fill('13912345679')
      await page.locator('[data-test=address-scope-option][data-scope=province]').click()
      await page.locator('[data-test=address-area]').waitFor({ state: 'detached' })
      const detail = page.locator('[data-test=address-detail-input] textarea')
      assert.match(await detail.getAttribute('placeholder'), /市、区县、街道和门牌号/)

      // Neither the province nor the rest of the address yet: both are asked for.
      await page.locator('[data-test=address-save]').click()
      await page.locator('[data-test=address-province] .van-field__error-message', { hasText: '请选择省份' }).waitFor()
      await page
        .locator('[data-test=address-detail-input] .van-field__error-message', {
          hasText: '请填写市、区县、街道和门牌号',
        })
        .waitFor()

      await page.locator('[data-test=address-province]').click()
      await pickProvince(page, '上海市')
      await page.locator('[data-test=province-picker]').waitFor({ state: 'hidden' })
      assert.equal(await page.locator('[data-test=address-province] input').inputValue(), '上海市')
      await detail.fill(kStreet)
      const created = page.waitForResponse((response) => isApiCall(response, 'POST', '/addresses'))
      await page.locator('[data-test=address-save]').click()
      const createdAnswer = await created
      assert.equal(createdAnswer.status(), 201, `POST /addresses answered HTTP ${createdAnswer.status()}`)
      assert.equal(createdAnswer.request().postDataJSON().division_code, '310000')
      shanghai = await createdAnswer.json()
      added.push(shanghai.id)
      assert.equal(shanghai.province_name, '上海市')

      // 2. The address list names the province, then the street.
      await page.waitForURL((url) => url.pathname === '/me/addresses')
      const listed = page.locator(`[data-test=address-item][data-address-id="${shanghai.id}"]`)
      await listed.waitFor()
      assert.equal((await listed.locator('[data-test=address-place]').innerText()).trim(), `上海市 ${kStreet}`)

      // 3. The checkout: same-city delivery chosen for the Longnan address gives way to
      // express once the 上海 address is chosen, and is not offered for it.
      const quotes = []
      page.on('request', (request) => {
        if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/orders/quote')
          quotes.push(request.postDataJSON())
      })
      await page.goto(`${baseUrl}/checkout`)
      await page.locator(`[data-test=checkout-store][data-store-id="${storeId}"]`).waitFor()
      await chooseAddress(page, home.id)
      await page.locator('[data-test=delivery-mode][data-mode=same_city]').click()
      await page.locator('[data-test=delivery-mode][data-mode=same_city] .van-radio__icon--checked').waitFor()
      assert.equal(await page.locator('[data-test=delivery-mode-note]').count(), 0)

      const quoted = page.waitForResponse(
        (response) =>
          isApiCall(response, 'POST', '/orders/quote') && response.request().postDataJSON().address_id === shanghai.id,
      )
      await chooseAddress(page, shanghai.id)
      assert.match(await page.locator('[data-test=checkout-address-place]').innerText(), /^上海市 浦东新区/)
      await page.locator('[data-test=delivery-mode][data-mode=express] .van-radio__icon--checked').waitFor()
      for (const mode of ['same_city', 'village_point']) {
        const cell = page.locator(`[data-test=delivery-mode][data-mode=${mode}]`)
        assert.equal(await cell.getAttribute('data-disabled'), 'true', `${mode} is offered for 上海`)
        assert.equal(await cell.locator('.van-radio--disabled').count(), 1)
      }
      assert.equal(
        await page.locator('[data-test=delivery-mode][data-mode=express]').getAttribute('data-disabled'),
        'false',
      )
      await page.locator('[data-test=delivery-mode-note]', { hasText: '快递可达全国' }).waitFor()
      const quoteAnswer = await quoted
      assert.equal(quoteAnswer.status(), 200, `POST /orders/quote answered HTTP ${quoteAnswer.status()}`)
      assert.deepEqual(quoteAnswer.request().postDataJSON(), { address_id: shanghai.id, delivery_mode: 'express' })

      // Tapping same-city again changes nothing.
      await page.locator('[data-test=delivery-mode][data-mode=same_city]').click()
      await page.locator('[data-test=delivery-mode][data-mode=express] .van-radio__icon--checked').waitFor()
      assert.equal(
        await page.locator('[data-test=delivery-mode][data-mode=same_city] .van-radio__icon--checked').count(),
        0,
      )

      const storeCard = page.locator(`[data-test=checkout-store][data-store-id="${storeId}"]`)
      await storeCard.locator('[data-test=checkout-store-freight]', { hasText: yuan(freight) }).waitFor()
      await page.locator('[data-test=checkout-total]', { hasText: yuan(walnut.sku.price_fen + freight) }).waitFor()
      assert.equal(await page.locator('[data-test=checkout-quote-error]').count(), 0)
      const localQuotes = quotes.filter((body) => body.address_id === shanghai.id && body.delivery_mode !== 'express')
      assert.deepEqual(localQuotes, [], 'same-city delivery was quoted for 上海')

      // 4. Placed, paid in cash on delivery; the order goes to 上海市.
      await page.locator('[data-test=payment-method][data-method=cash]').click()
      const placed = page.waitForResponse((response) => isApiCall(response, 'POST', '/orders'))
      await page.locator('[data-test=place-order]').click()
      const answer = await placed
      assert.equal(answer.status(), 201, `POST /orders answered HTTP ${answer.status()}`)
      assert.deepEqual(answer.request().postDataJSON(), {
        address_id: shanghai.id,
        delivery_mode: 'express',
        payment_method: 'cash_on_delivery',
      })
      ;[order] = (await answer.json()).orders
      assert.equal(order.freight_fen, freight)
      assert.equal(order.address.province_name, '上海市')

      await page.waitForURL((url) => url.pathname === '/me/orders')
      await page.goto(`${baseUrl}/me/orders/${order.id}`)
      await page.locator(`[data-test=order-detail][data-order-id="${order.id}"]`).waitFor()
      assert.match(await page.locator('[data-test=order-address]').innerText(), new RegExp(`上海市 ${kStreet}`))
    })

    // 5. The store keeper's console: the order's address, and the freight rule by province.
    await withBrowser(t, kDesktop, async (page) => {
      await page.goto(`${baseUrl}/admin/orders/${order.id}`)
      await signIn(page, kAccounts.chengxianStoreKeeper)
      await page.locator(`[data-test=order-detail][data-order-id="${order.id}"]`).waitFor()
      assert.equal((await page.locator('[data-test=order-address]').innerText()).trim(), `上海市 ${kStreet}`)

      await page.goto(`${baseUrl}/admin/freight`)
      await page.locator(`[data-test=freight-store][data-store-id="${storeId}"]`).waitFor()
      const shanghaiRegion = page.locator('[data-test=freight-region][data-region="province:31"]')
      await shanghaiRegion.waitFor()
      assert.match(await shanghaiRegion.innerText(), /上海市（31）/)

      await page.locator('[data-test=freight-add]').click()
      const rule = page.locator('[data-test=freight-rule]').last()
      await rule.locator('[data-test=freight-region]').click()
      await page.keyboard.type('甘肃')
      await page.locator('.el-select-dropdown__item:visible', { hasText: '甘肃省（62）' }).click()
      await rule.locator('[data-test=freight-region][data-region="province:62"]').waitFor()
      await rule.locator('[data-test=freight-first-fee] input').fill('8')
      await rule.locator('[data-test=freight-extra-fee] input').fill('3')
      await rule.locator('[data-test=freight-extra-fee] input').blur()
      const saved = page.waitForResponse((response) => isApiCall(response, 'PUT', `/stores/${storeId}/freight`))
      await page.locator('[data-test=freight-save]').click()
      const savedAnswer = await saved
      assert.equal(savedAnswer.status(), 200, `PUT /stores/${storeId}/freight answered HTTP ${savedAnswer.status()}`)
      const { rules } = savedAnswer.request().postDataJSON()
      assert.deepEqual(
        rules.find((candidate) => candidate.region_prefix === '62'),
        { region_prefix: '62', first_weight_g: 1000, first_fen: 800, extra_weight_g: 1000, extra_fen: 300 },
      )
      assert.deepEqual(
        rules.find((candidate) => candidate.region_prefix === '31'),
        kShanghaiRule,
      )
    })
  } finally {
    // Put back what the test changed, so that the other browser tests find the store and
    // the buyer as the demo data has them.
    if (order) await buyer.post(`/orders/${order.id}/cancel`, {}).catch(() => {})
    for (const id of added) await buyer.delete(`/addresses/${id}`).catch(() => {})
    const restored = before.configured ? { rules: before.rules } : { rules: [kEverywhereFree] }
    if (before.free_over_fen != null) restored.free_over_fen = before.free_over_fen
    await keeper.put(`/stores/${storeId}/freight`, restored)
    await emptyCart(buyer)
  }
})
