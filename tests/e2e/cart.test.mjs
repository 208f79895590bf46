// A buyer's cart and delivery address in the mobile mall: two products of two stores go
// into the cart (signing in on the way), the cart shows them by store with the right
// total, a quantity changes, a line goes, and an address in 成县 becomes the default.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiLogin, baseUrl, kAccounts, kPassword, kPhone, nextApiResponse, withBrowser } from './support.mjs'

// ¥1,234.56, as the mall shows money (integer fen).
function yuan(fen) {
  const whole = Math.floor(fen / 100).toLocaleString('en-US')
  return `¥${whole}.${String(fen % 100).padStart(2, '0')}`
}

// A listed product whose name starts with `prefix`, with an option that has stock to spare.
async function productNamed(prefix) {
  const query = new URLSearchParams({ q: prefix, page_size: '20' })
  const answer = await fetch(`${baseUrl}/api/v1/products?${query}`)
  assert.equal(answer.status, 200, `GET /products?q=${prefix} answered HTTP ${answer.status}`)
  const { items } = await answer.json()
  for (const item of items.filter((candidate) => candidate.name.startsWith(prefix))) {
    const product = await (await fetch(`${baseUrl}/api/v1/products/${item.id}`)).json()
    const sku = product.skus.find((candidate) => candidate.stock >= 5)
    if (sku) return { product, sku }
  }
  assert.fail(`no listed ${prefix} product with stock, among: ${items.map((item) => item.name).join(', ')}`)
}

// A cart line or a badge as the test reads it: its text without white space.
async function textOf(locator) {
  return (await locator.innerText()).replace(/\s+/g, '')
}

function isCartPut(response, skuId) {
  const url = new URL(response.url())
  return response.request().method() === 'PUT' && url.pathname === `/api/v1/cart/items/${skuId}`
}

test('a buyer fills the cart from two stores, changes it, and adds a delivery address in 成县', async (t) => {
  const walnut = await productNamed('成县核桃')
  const honey = await productNamed('两当狼牙蜜')
  assert.notEqual(walnut.product.store.id, honey.product.store.id, 'the 成县 walnuts and 两当 honey share a store')

  // Start from an empty cart and no addresses, whatever an earlier run left.
  const buyer = await apiLogin(kAccounts.buyer)
  for (const group of (await buyer.get('/cart')).stores) {
    for (const line of group.items) await buyer.delete(`/cart/items/${line.sku_id}`)
  }
  for (const address of (await buyer.get('/addresses')).items) await buyer.delete(`/addresses/${address.id}`)
  const [village] = (await buyer.get('/divisions?parent=621221100')).items
  assert.ok(village, '城关镇 of 成县 has no village or community in the divisions')

  await withBrowser(t, kPhone, async (page) => {
    // 1. The walnuts, two of them: the mall asks the buyer to sign in first, then adds them.
    await page.goto(`${baseUrl}/products/${walnut.product.id}`)
    await page.locator('[data-test=product-detail]').waitFor()
    await page.locator('[data-test=quantity] .van-stepper__plus').click()
    assert.equal(await page.locator('[data-test=quantity] input').inputValue(), '2')
    await page.locator('[data-test=add-to-cart]').click()
    await page.waitForURL((url) => url.pathname === '/login')

    await page.locator('[data-test=login-phone] input').fill(kAccounts.buyer)
    await page.locator('[data-test=login-password] input').fill(kPassword)
    const walnutPut = page.waitForResponse((response) => isCartPut(response, walnut.sku.id))
    await page.locator('[data-test=login-submit]').click()
    const walnutAnswer = await walnutPut
    assert.equal(walnutAnswer.status(), 200, `PUT /cart/items/${walnut.sku.id} answered HTTP ${walnutAnswer.status()}`)
    assert.equal((await walnutAnswer.request().postDataJSON()).quantity, 2)
    await page.waitForURL((url) => url.pathname === `/products/${walnut.product.id}`)
    await page.locator('.added-to-cart-toast').waitFor()
    await page.locator('[data-test=cart-icon] .van-badge', { hasText: '2' }).waitFor()

    // 2. One jar of honey, already signed in.
    await page.goto(`${baseUrl}/products/${honey.product.id}`)
    await page.locator('[data-test=product-detail]').waitFor()
    const honeyPut = page.waitForResponse((response) => isCartPut(response, honey.sku.id))
    await page.locator('[data-test=add-to-cart]').click()
    const honeyAnswer = await honeyPut
    assert.equal(honeyAnswer.status(), 200, `PUT /cart/items/${honey.sku.id} answered HTTP ${honeyAnswer.status()}`)
    await page.locator('[data-test=cart-icon] .van-badge', { hasText: '3' }).waitFor()

    // 3. The cart: two stores, one line each, the subtotals and the total.
    await page.locator('[data-test=cart-icon]').click()
    await page.waitForURL((url) => url.pathname === '/cart')
    const stores = page.locator('[data-test=cart-store]')
    await stores.nth(1).waitFor()
    assert.equal(await stores.count(), 2, 'the cart does not show two stores')
    const walnutStore = stores.filter({ hasText: walnut.product.store.name })
    const honeyStore = stores.filter({ hasText: honey.product.store.name })
    assert.equal(await walnutStore.locator('[data-test=cart-line]').count(), 1)
    assert.equal(await honeyStore.locator('[data-test=cart-line]').count(), 1)
    assert.equal(
      await walnutStore.locator('[data-test=cart-line-name]').innerText(),
      walnut.product.name,
      'the walnuts are not in the store that sells them',
    )
    assert.equal(
      await honeyStore.locator('[data-test=cart-line-name]').innerText(),
      honey.product.name,
      'the honey is not in the store that sells it',
    )
    assert.equal(await textOf(walnutStore.locator('[data-test=cart-store-subtotal]')), yuan(2 * walnut.sku.price_fen))
    assert.equal(await textOf(honeyStore.locator('[data-test=cart-store-subtotal]')), yuan(honey.sku.price_fen))
    const total = page.locator('[data-test=cart-total]')
    assert.equal(await textOf(total), yuan(2 * walnut.sku.price_fen + honey.sku.price_fen))
    const checkout = page.locator('[data-test=checkout]')
    assert.equal(await textOf(checkout), '去结算')
    assert.ok(await checkout.isEnabled(), 'the checkout button cannot be pressed with lines on sale in the cart')

    // 4. A second jar of honey with the stepper.
    const honeyPlus = page.waitForResponse((response) => isCartPut(response, honey.sku.id))
    await honeyStore.locator('[data-test=cart-line-quantity] .van-stepper__plus').click()
    assert.equal((await honeyPlus).status(), 200)
    const twoJars = yuan(2 * walnut.sku.price_fen + 2 * honey.sku.price_fen)
    await page.locator('[data-test=cart-total]', { hasText: twoJars }).waitFor()
    assert.equal(await honeyStore.locator('[data-test=cart-line-quantity] input').inputValue(), '2')
    assert.equal(await textOf(honeyStore.locator('[data-test=cart-store-subtotal]')), yuan(2 * honey.sku.price_fen))

    // 5. The walnuts go.
    await walnutStore.locator('[data-test=cart-remove]').click()
    const removed = nextApiResponse(page, `/cart/items/${walnut.sku.id}`)
    await page.locator('.van-dialog__confirm').click()
    assert.equal((await removed).status(), 204)
    await page.locator('[data-test=cart-total]', { hasText: yuan(2 * honey.sku.price_fen) }).waitFor()
    assert.equal(await stores.count(), 1, 'the store of the walnuts is still in the cart')
    await page.locator('[data-test=tab-cart] .van-badge', { hasText: '2' }).waitFor()

    // 6. A delivery address in 成县 from the buyer's own page.
    await page.locator('[data-test=tab-me]').click()
    await page.locator('[data-test=current-user]').waitFor()
    assert.equal(await page.locator('[data-test=current-user]').innerText(), buyer.user.name)
    await page.locator('[data-test=me-addresses]').click()
    await page.locator('[data-test=addresses-empty]').waitFor()
    await page.locator('[data-test=address-add]').click()
    await page.locator('[data-test=address-form]').waitFor()

    await page.locator('[data-test=address-recipient-input] input').fill('王小明')
    await page.locator('[data-test=address-phone-input] input').fill('13912345678')
    await page.locator('[data-test=address-area]').click()
    await page.getByRole('menuitemradio', { name: '成县', exact: true }).click()
    await page.getByRole('menuitemradio', { name: '城关镇', exact: true }).click()
    await page.getByRole('menuitemradio', { name: village.name, exact: true }).click()
    await page.locator('[data-test=address-area] input').waitFor()
    assert.equal(await page.locator('[data-test=address-area] input').inputValue(), `成县 城关镇 ${village.name}`)
    await page.locator('[data-test=address-detail-input] textarea').fill('东街 12 号')
    assert.equal(
      await page.locator('[data-test=address-default-switch]').getAttribute('aria-checked'),
      'true',
      'the first address is not offered as the default',
    )

    const created = page.waitForResponse(
      (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/v1/addresses',
    )
    await page.locator('[data-test=address-save]').click()
    const createdAnswer = await created
    assert.equal(createdAnswer.status(), 201, `POST /addresses answered HTTP ${createdAnswer.status()}`)
    assert.equal((await createdAnswer.json()).division_code, village.code)

    await page.waitForURL((url) => url.pathname === '/me/addresses')
    const address = page.locator('[data-test=address-item]')
    await address.first().waitFor()
    assert.equal(await address.count(), 1)
    assert.equal(await address.locator('[data-test=address-recipient]').innerText(), '王小明')
    assert.match(
      await address.locator('[data-test=address-place]').innerText(),
      new RegExp(`^成县 城关镇 ${village.name} 东街 12 号`),
    )
    assert.equal(await address.locator('[data-test=address-default]').innerText(), '默认')
  })

  const { items: addresses } = await buyer.get('/addresses')
  assert.equal(addresses.length, 1)
  assert.equal(addresses[0].is_default, true, 'the server did not keep the address as the default')
  assert.equal(addresses[0].county_name, '成县')
  const cart = await buyer.get('/cart')
  assert.deepEqual(
    cart.stores.flatMap((group) => group.items.map((line) => [line.sku_id, line.quantity])),
    [[honey.sku.id, 2]],
  )
})
