// Freight and village agents. The 成县 county admin gives a 成县 store a freight template in
// the console (运费模板: delivery within the county only, by weight); a buyer's checkout then
// quotes that freight for an address in 成县, refuses an address outside the county (the
// store does not deliver there) until pickup is chosen. A village store keeper orders in
// the mall for a villager (为村民代购: a name, a registered household), and the order says
// whom it is for.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiLogin, baseUrl, kAccounts, kDesktop, kPassword, kPhone, signIn, withBrowser } from './support.mjs'

// Sold by a 成县 store that no other browser test delivers from (they collect it at the store).
const kProduct = '成县核桃仁 500g'
const kRule = { region_prefix: '621221', first_weight_g: 1000, first_fen: 600, extra_weight_g: 1000, extra_fen: 200 }

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

// An address of `client` in the county `countyName`, added in its first village when missing.
async function addressIn(client, countyName, townshipCode) {
  const found = (await client.get('/addresses')).items.find((candidate) => candidate.county_name === countyName)
  if (found) return found
  const [village] = (await client.get(`/divisions?parent=${townshipCode}`)).items
  return client.post('/addresses', {
    recipient: '王小明',
    phone: '13912345678',
    division_code: village.code,
    detail: '1 号',
  })
}

async function emptyCart(client) {
  for (const group of (await client.get('/cart')).stores) {
    for (const line of group.items) await client.delete(`/cart/items/${line.sku_id}`)
  }
}

async function signInToMall(page, phone, path) {
  await page.goto(`${baseUrl}/login?redirect=${encodeURIComponent(path)}`)
  await page.locator('[data-test=login-phone] input').fill(phone)
  await page.locator('[data-test=login-password] input').fill(kPassword)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((url) => url.pathname === path)
}

test('the county sets a freight template, and the checkout quotes it or refuses an address outside it', async (t) => {
  const buyer = await apiLogin(kAccounts.buyer)
  const kernels = await productNamed(buyer, kProduct)
  const store = kernels.product.store

  // 1. 运费模板 for the store: 成县 only, 6 yuan the first kilogram, 2 yuan each further one.
  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/freight`)
    await signIn(page, kAccounts.chengxianCountyAdmin)
    await page.locator('[data-test=menu-freight]').click()
    await page.locator('[data-test=freight-store-select]').click()
    await page.keyboard.type(store.name.slice(0, 5))
    await page.locator('.el-select-dropdown__item:visible', { hasText: store.name }).click()
    await page.locator(`[data-test=freight-store][data-store-id="${store.id}"]`).waitFor()
    const rule = page.locator('[data-test=freight-rule]').first()
    await rule.waitFor()
    // Keep one rule: a template of an earlier run may have more.
    while ((await page.locator('[data-test=freight-rule]').count()) > 1)
      await page.locator('[data-test=freight-rule]').last().locator('[data-test=freight-remove]').click()

    // A prefix that is not digits is refused at the field.
    await rule.locator('[data-test=freight-region]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '自定义区划代码' }).click()
    await rule.locator('[data-test=freight-prefix]').fill('62a')
    await rule.locator('[data-test=freight-first-fee] input').fill('6')
    await rule.locator('[data-test=freight-extra-fee] input').fill('2')
    await rule.locator('[data-test=freight-extra-fee] input').blur()
    await page.locator('[data-test=freight-save]').click()
    await page.locator('.el-form-item__error', { hasText: '区划代码为 1 至 12 位数字' }).waitFor()

    await rule.locator('[data-test=freight-region]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '成县（621221）' }).click()
    const saved = page.waitForResponse((response) => isApiCall(response, 'PUT', `/stores/${store.id}/freight`))
    await page.locator('[data-test=freight-save]').click()
    const answer = await saved
    assert.equal(answer.status(), 200, `PUT /stores/${store.id}/freight answered HTTP ${answer.status()}`)
    assert.deepEqual(answer.request().postDataJSON(), { rules: [kRule] })
    await page.locator('[data-test=freight-state][data-configured=true]').waitFor()
  })

  const weight = kernels.sku.weight_g ?? 0
  const freight =
    kRule.first_fen + Math.ceil(Math.max(0, weight - kRule.first_weight_g) / kRule.extra_weight_g) * kRule.extra_fen
  const home = await addressIn(buyer, '成县', '621221100')
  const away = await addressIn(buyer, '武都区', '621202001')
  await emptyCart(buyer)
  await buyer.put(`/cart/items/${kernels.sku.id}`, { quantity: 1 })

  // 2. The checkout quotes the freight within 成县, and refuses 武都区 until pickup.
  await withBrowser(t, kPhone, async (page) => {
    await signInToMall(page, kAccounts.buyer, '/checkout')
    const storeCard = page.locator(`[data-test=checkout-store][data-store-id="${store.id}"]`)
    await storeCard.waitFor()
    await page.locator('[data-test=checkout-address]').click()
    await page.locator(`[data-test=checkout-address-option][data-address-id="${home.id}"]`).click()
    await page.locator('[data-test=address-chooser]').waitFor({ state: 'hidden' })
    await page.locator('[data-test=delivery-mode][data-mode=express]').click()
    await storeCard.locator('[data-test=checkout-store-freight]', { hasText: yuan(freight) }).waitFor()
    await page.locator('[data-test=checkout-freight]', { hasText: yuan(freight) }).waitFor()
    await page.locator('[data-test=checkout-total]', { hasText: yuan(kernels.sku.price_fen + freight) }).waitFor()
    assert.equal(await page.locator('[data-test=place-order]').isDisabled(), false)

    const refused = page.waitForResponse((response) => isApiCall(response, 'POST', '/orders/quote'))
    await page.locator('[data-test=checkout-address]').click()
    await page.locator(`[data-test=checkout-address-option][data-address-id="${away.id}"]`).click()
    assert.equal((await refused).status(), 422)
    await page.locator('[data-test=checkout-quote-error]', { hasText: '不配送' }).waitFor()
    assert.equal(await page.locator('[data-test=place-order]').isDisabled(), true)

    await page.locator('[data-test=delivery-mode][data-mode=pickup]').click()
    await page.locator('[data-test=checkout-quote-error]').waitFor({ state: 'detached' })
    await storeCard.locator('[data-test=checkout-store-freight]', { hasText: '免运费' }).waitFor()
    await page.locator('[data-test=checkout-total]', { hasText: yuan(kernels.sku.price_fen) }).waitFor()
    assert.equal(await page.locator('[data-test=place-order]').isDisabled(), false)
  })
  await emptyCart(buyer)
})

test('a village store keeper orders for a villager of a household the store brings along', async (t) => {
  const keeper = await apiLogin(kAccounts.chengxianStoreKeeper)
  const walnut = await productNamed(keeper, '成县核桃（带壳）1kg')
  const address = await addressIn(keeper, '成县', '621221100')
  const { items: households } = await keeper.get('/households?page_size=100')
  assert.ok(households.length, 'the store brings along no households')
  await emptyCart(keeper)
  await keeper.put(`/cart/items/${walnut.sku.id}`, { quantity: 1 })

  await withBrowser(t, kPhone, async (page) => {
    await signInToMall(page, kAccounts.chengxianStoreKeeper, '/checkout')
    await page.locator('[data-test=checkout-store]').first().waitFor()
    await page.locator('[data-test=checkout-address]').click()
    await page.locator(`[data-test=checkout-address-option][data-address-id="${address.id}"]`).click()
    await page.locator('[data-test=address-chooser]').waitFor({ state: 'hidden' })
    await page.locator('[data-test=delivery-mode][data-mode=village_point]').click()
    await page.locator('[data-test=payment-method][data-method=cash]').click()

    // 为村民代购 takes a name; a household fills it in with the head of the household.
    await page.locator('[data-test=agent-switch]').click()
    await page.locator('[data-test=place-order]').click()
    await page
      .locator('[data-test=agent-name] .van-field__error-message', { hasText: '请填写为哪位村民购买' })
      .waitFor()
    await page.locator('[data-test=agent-household]').click()
    const [household] = households
    await page.locator(`[data-test=agent-household-option][data-household-id="${household.id}"]`).click()
    assert.equal(await page.locator('[data-test=agent-name] input').inputValue(), household.head_name)

    const placed = page.waitForResponse((response) => isApiCall(response, 'POST', '/orders'))
    await page.locator('[data-test=place-order]').click()
    const answer = await placed
    assert.equal(answer.status(), 201, `POST /orders answered HTTP ${answer.status()}`)
    assert.deepEqual(answer.request().postDataJSON(), {
      address_id: address.id,
      delivery_mode: 'village_point',
      payment_method: 'cash_on_delivery',
      on_behalf_of: { name: household.head_name, household_id: household.id },
    })
    const [order] = (await answer.json()).orders
    assert.equal(order.for_name, household.head_name)
    assert.equal(order.for_household_id, household.id)

    await page.waitForURL((url) => url.pathname === '/me/orders')
    const card = page.locator(`[data-test=order-card][data-order-id="${order.id}"]`)
    await card.locator('[data-test=order-for-name]', { hasText: household.head_name }).waitFor()
    await card.locator('[data-test=order-view]').click()
    await page.locator(`[data-test=order-detail][data-order-id="${order.id}"]`).waitFor()
    assert.match(await page.locator('[data-test=order-for-name]').innerText(), new RegExp(household.head_name))

    // Unpaid: cancelled, which puts the walnut back.
    await page.locator('[data-test=order-cancel]').click()
    await page.locator('.van-dialog__confirm').click()
    await page.locator('[data-test=order-detail][data-status=cancelled]').waitFor()
  })
})
