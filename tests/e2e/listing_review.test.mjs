// The listing line end to end: a product the store accepted is approved by the county
// e-commerce office in the console and can then be found in the mall.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiLogin, baseUrl, kAccounts, kDesktop, kPhone, nextApiResponse, signIn, withBrowser } from './support.mjs'

// A 成县 product waiting for the county's approval, taken from the first page of the
// county admin's queue (what the console shows); when the demo data has none left,
// one is submitted by a 成县 supplier and accepted by the 成县 store keeper.
async function productAwaitingCountyReview(countyAdmin) {
  const queue = await countyAdmin.get('/admin/products?status=store_accepted&page=1&page_size=20')
  if (queue.items.length) return queue.items[0]

  const supplier = await apiLogin(kAccounts.chengxianSupplier)
  const storeKeeper = await apiLogin(kAccounts.chengxianStoreKeeper)
  const { items: categories } = await supplier.get('/categories')
  const honey = categories.find((candidate) => candidate.code === 'tea.honey.honey')
  const { items: villages } = await supplier.get('/divisions?parent=621221100')
  const name = `成县土蜂蜜 测试批次${Date.now()}`
  const created = await supplier.post('/products', {
    name,
    name_en: 'Chengxian farmhouse honey (test lot)',
    category_id: honey.id,
    store_id: storeKeeper.user.store_id,
    origin_village_code: villages[0].code,
    description: '浏览器测试提交的商品',
    skus: [
      {
        code: `E2E-${Date.now()}`,
        attrs: { 规格: '500g' },
        price_fen: 6800,
        stock: 10,
        weight_g: 500,
      },
    ],
  })
  await storeKeeper.post(`/products/${created.id}/review`, {
    action: 'accept',
    note: '',
  })
  return { id: created.id, name }
}

test('a 成县 county admin approves a product in the review queue and it appears in the mall', async (t) => {
  const countyAdmin = await apiLogin(kAccounts.chengxianCountyAdmin)
  const product = await productAwaitingCountyReview(countyAdmin)

  await withBrowser(t, kDesktop, async (page) => {
    await page.goto(`${baseUrl}/admin/`)
    await signIn(page, kAccounts.chengxianCountyAdmin)
    await page.locator('[data-test=menu-review]').click()
    const approve = page.locator(`[data-test=review-approve][data-product-id="${product.id}"]`)
    await approve.waitFor()

    const reviewed = nextApiResponse(page, `/products/${product.id}/review`)
    await approve.click()
    const answer = await reviewed
    assert.equal(
      answer.status(),
      200,
      `approving product ${product.id} answered HTTP ${answer.status()}: ${await answer.text()}`,
    )
    await approve.waitFor({ state: 'detached' })
  })

  await withBrowser(t, kPhone, async (page) => {
    await page.goto(`${baseUrl}/search?q=${encodeURIComponent(product.name)}`)
    await page.locator(`[data-test=product-card][data-product-id="${product.id}"]`).waitFor()
  })
})
