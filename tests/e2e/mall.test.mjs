// The mobile mall as a buyer sees it: products on the front page, and search.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { baseUrl, kPhone, nextApiResponse, withBrowser } from './support.mjs'

test('the mall front page shows product cards with prices', async (t) => {
  await withBrowser(t, kPhone, async (page) => {
    await page.goto(`${baseUrl}/`)
    const firstCard = page.locator('[data-test=product-card]').first()
    await firstCard.waitFor()
    const title = await firstCard.locator('[data-test=product-title]').innerText()
    const price = await firstCard.locator('[data-test=product-price]').innerText()
    assert.ok(title.trim(), 'the first product card has no title')
    assert.match(price, /¥\d[\d,]*\.\d{2}/, `the first product card's price reads "${price}"`)
  })
})

test('searching 花椒 shows Sichuan pepper products only', async (t) => {
  await withBrowser(t, kPhone, async (page) => {
    await page.goto(`${baseUrl}/`)
    const results = nextApiResponse(page, '/products', { q: '花椒' })
    const searchBox = page.locator('[data-test=search-bar] input')
    await searchBox.fill('花椒')
    await searchBox.press('Enter')
    const answer = await results
    assert.equal(answer.status(), 200, `GET /products?q=花椒 answered HTTP ${answer.status()}`)
    await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === '花椒')

    await page.locator('[data-test=product-card], [data-test=empty-result]').first().waitFor()
    const titles = await page.locator('[data-test=product-card] [data-test=product-title]').allInnerTexts()
    assert.ok(titles.length > 0, 'searching 花椒 found no product')
    const others = titles.filter((title) => !title.includes('花椒'))
    assert.deepEqual(others, [], `results without 花椒 in the title, among: ${titles.join(' | ')}`)
  })
})
