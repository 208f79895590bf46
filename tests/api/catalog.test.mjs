// The catalog: listed products with filters and paging, ranked Chinese search, product
// detail, the listing line from supplier to county, and certification badges.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, ACCOUNTS, BACKENDS } from './harness.mjs';

for (const backend of BACKENDS) {
  describe(`catalog (${backend})`, () => {
    let server;
    const as = {};
    const anonymous = () => new Client(server.url);
    before(async () => {
      server = await startServer(backend);
      for (const role of ['supplier', 'storeKeeper', 'countyAdmin', 'wenxianAdmin', 'buyer']) {
        as[role] = new Client(server.url);
        await as[role].login(ACCOUNTS[role]);
      }
    });
    after(async () => { await server.stop(); });

    test('the public list pages through listed products only', async () => {
      const first = await anonymous().get('/api/v1/products?page_size=10');
      assert.equal(first.status, 200);
      assert.equal(first.json.total, 40);  // 42 in the list, 2 waiting on the listing line
      assert.equal(first.json.items.length, 10);
      const last = await anonymous().get('/api/v1/products?page=4&page_size=10');
      assert.equal(last.json.items.length, 10);
      const beyond = await anonymous().get('/api/v1/products?page=5&page_size=10');
      assert.equal(beyond.json.items.length, 0);
      const ids = new Set();
      for (let page = 1; page <= 4; page++)
        for (const item of (await anonymous().get(`/api/v1/products?page=${page}&page_size=10`)).json.items) ids.add(item.id);
      assert.equal(ids.size, 40);
      const item = first.json.items[0];
      for (const key of ['id', 'name', 'min_price_fen', 'store', 'producer', 'county_name', 'badges'])
        assert.ok(key in item, `missing ${key}`);
      assert.ok(Number.isInteger(item.min_price_fen));
    });

    test('q=花椒 finds every pepper product, q=核桃 the walnuts, q=蜜 the honey', async () => {
      const pepper = await anonymous().get(`/api/v1/products?q=${encodeURIComponent('花椒')}`);
      assert.equal(pepper.json.total, 4);
      for (const item of pepper.json.items) assert.match(item.name, /花椒/);
      const walnuts = await anonymous().get(`/api/v1/products?q=${encodeURIComponent('核桃')}`);
      assert.equal(walnuts.json.total, 3);
      for (const item of walnuts.json.items) assert.match(item.name, /核桃/);
      const honey = await anonymous().get(`/api/v1/products?q=${encodeURIComponent('蜜')}`);
      assert.ok(honey.json.total >= 4);
      assert.ok(honey.json.items.every((item) => /蜜/.test(item.name)), honey.json.items.map((i) => i.name).join());
      const nothing = await anonymous().get(`/api/v1/products?q=${encodeURIComponent('榴莲')}`);
      assert.equal(nothing.json.total, 0);
      const ranked = await anonymous().get(`/api/v1/products?q=${encodeURIComponent('武都 花椒')}&page_size=2`);
      assert.equal(ranked.json.total, 4);
      assert.equal(ranked.json.items.length, 2);
    });

    test('filters: county, category subtree, brand, certification, price range', async () => {
      const platforms = (await anonymous().get('/api/v1/platforms')).json.items;
      const chengxian = platforms.find((p) => p.name === '成县');
      const byCounty = await anonymous().get(`/api/v1/products?platform_id=${chengxian.id}&page_size=100`);
      assert.ok(byCounty.json.total >= 3);
      for (const item of byCounty.json.items) assert.equal(item.county_name, '成县');
      const categories = (await anonymous().get('/api/v1/categories')).json.items;
      assert.equal(new Set(categories.map((c) => c.level)).size, 3);
      const honeyTop = categories.find((c) => c.code === 'tea');
      const byCategory = await anonymous().get(`/api/v1/products?category_id=${honeyTop.id}&page_size=100`);
      assert.ok(byCategory.json.items.some((i) => /蜜/.test(i.name)) && byCategory.json.items.some((i) => /茶/.test(i.name)));
      const brands = (await anonymous().get('/api/v1/brands')).json.items;
      const apples = brands.find((b) => b.name === '礼县苹果');
      assert.equal(apples.product_count, 3);
      const byBrand = await anonymous().get(`/api/v1/products?brand_id=${apples.id}`);
      assert.equal(byBrand.json.total, 3);
      const green = await anonymous().get('/api/v1/products?certification=green&page_size=100');
      assert.ok(green.json.total > 0);
      for (const item of green.json.items) assert.ok(item.badges.includes('green'));
      const cheap = await anonymous().get('/api/v1/products?min_price_fen=2000&max_price_fen=3000&page_size=100');
      for (const item of cheap.json.items) assert.ok(item.min_price_fen >= 2000 && item.min_price_fen <= 3000);
      assert.ok(cheap.json.total > 0);
      assert.equal((await anonymous().get('/api/v1/products?certification=fake')).status, 422);
    });

    test('an expired certification stops showing its badge', async () => {
      const tea = (await anonymous().get(`/api/v1/products?q=${encodeURIComponent('碧口龙井')}`)).json.items[0];
      const detail = (await anonymous().get(`/api/v1/products/${tea.id}`)).json;
      const organic = detail.certifications.find((c) => c.kind === 'organic');
      assert.ok(organic, 'the demo data has an expired organic certificate');
      assert.equal(organic.active, false);
      assert.ok(!detail.badges.includes('organic'));
      assert.ok(detail.badges.includes('gi'));
      const withOrganic = await anonymous().get('/api/v1/products?certification=organic');
      assert.equal(withOrganic.json.total, 0);
    });

    test('product detail: producer, origin village, SKUs with validated GTINs', async () => {
      const walnut = (await anonymous().get(`/api/v1/products?q=${encodeURIComponent('核桃仁')}`)).json.items[0];
      const detail = await anonymous().get(`/api/v1/products/${walnut.id}`);
      assert.equal(detail.status, 200);
      assert.equal(detail.json.origin.county_name, '成县');
      assert.ok(detail.json.origin.village_name.length > 0);
      assert.ok(detail.json.producer.name.length > 0);
      assert.equal(detail.json.category.code, 'dry.nuts.walnut');
      assert.match(detail.json.skus[0].gtin, /^69\d{11}$/);
      assert.equal(detail.json.skus[0].price_fen, 4990);
    });

    test('the listing line: submit → accept → approve → searchable; delist; relist', async () => {
      const categories = (await anonymous().get('/api/v1/categories')).json.items;
      const walnutCategory = categories.find((c) => c.code === 'dry.nuts.walnut');
      const store = as.storeKeeper.user.store_id;
      const body = {
        name: '成县手剥核桃测试款', category_id: walnutCategory.id, origin_village_code: '621221100201', store_id: store,
        description: '测试', skus: [{ code: 'T-1', price_fen: 3600, stock: 50, weight_g: 500, gtin: '6901234567892' }],
      };
      const badGtin = await as.supplier.post('/api/v1/products', { ...body, skus: [{ ...body.skus[0], gtin: '6901234567893' }] });
      assert.equal(badGtin.status, 422);
      assert.equal(badGtin.json.error.field, 'skus[0].gtin');
      const created = await as.supplier.post('/api/v1/products', body);
      assert.equal(created.status, 201, created.text);
      const id = created.json.id;
      assert.equal(created.json.status, 'submitted');
      assert.equal((await anonymous().get(`/api/v1/products/${id}`)).status, 404);
      // The county may not approve before the store has accepted.
      assert.equal((await as.countyAdmin.post(`/api/v1/products/${id}/review`, { action: 'approve' })).status, 409);
      assert.equal((await as.supplier.post(`/api/v1/products/${id}/review`, { action: 'accept' })).status, 403);
      assert.equal((await as.wenxianAdmin.post(`/api/v1/products/${id}/review`, { action: 'accept' })).status, 404);
      const accepted = await as.storeKeeper.post(`/api/v1/products/${id}/review`, { action: 'accept' });
      assert.equal(accepted.json.status, 'store_accepted');
      assert.equal((await as.storeKeeper.post(`/api/v1/products/${id}/review`, { action: 'accept' })).status, 409);
      assert.equal((await as.storeKeeper.post(`/api/v1/products/${id}/review`, { action: 'approve' })).status, 403);
      const approved = await as.countyAdmin.post(`/api/v1/products/${id}/review`, { action: 'approve', note: '资料齐全' });
      assert.equal(approved.json.status, 'listed');
      const found = await anonymous().get(`/api/v1/products?q=${encodeURIComponent('手剥核桃')}`);
      assert.deepEqual(found.json.items.map((i) => i.id), [id]);
      assert.equal((await as.storeKeeper.post(`/api/v1/products/${id}/review`, { action: 'delist' })).json.status, 'delisted');
      assert.equal((await anonymous().get(`/api/v1/products?q=${encodeURIComponent('手剥核桃')}`)).json.total, 0);
      assert.equal((await as.storeKeeper.post(`/api/v1/products/${id}/review`, { action: 'relist' })).json.status, 'store_accepted');
      assert.equal((await as.countyAdmin.post(`/api/v1/products/${id}/review`, { action: 'approve' })).json.status, 'listed');
      const events = (await as.countyAdmin.get(`/api/v1/products/${id}/listing-events`)).json.items;
      assert.deepEqual(events.map((e) => e.to_status), ['submitted', 'store_accepted', 'listed', 'delisted', 'store_accepted', 'listed']);
      assert.equal(events[2].note, '资料齐全');
      const audit = await as.countyAdmin.get(`/api/v1/audit-log?entity=product&entity_id=${id}`);
      assert.ok(audit.json.items.some((e) => e.action === 'review:approve'));
    });

    test('a rejection needs a reason and the supplier may resubmit', async () => {
      const pending = (await as.countyAdmin.get('/api/v1/admin/products?status=submitted')).json.items;
      const target = pending.find((p) => p.store.id === as.storeKeeper.user.store_id);
      assert.ok(target, 'the demo data has a submitted product in the demo store');
      assert.equal((await as.storeKeeper.post(`/api/v1/products/${target.id}/review`, { action: 'reject' })).status, 422);
      const rejected = await as.storeKeeper.post(`/api/v1/products/${target.id}/review`, { action: 'reject', note: '图片不清晰' });
      assert.equal(rejected.json.status, 'rejected');
      // Another county's admin cannot touch it; the store resubmits it after fixing.
      assert.equal((await as.wenxianAdmin.post(`/api/v1/products/${target.id}/review`, { action: 'resubmit' })).status, 404);
      const resubmitted = await as.storeKeeper.post(`/api/v1/products/${target.id}/review`, { action: 'resubmit' });
      assert.equal(resubmitted.json.status, 'submitted');
    });

    test('price and stock updates keep the cheapest price in step', async () => {
      const product = (await as.storeKeeper.get('/api/v1/admin/products?status=listed&page_size=1')).json.items[0];
      const detail = (await as.storeKeeper.get(`/api/v1/products/${product.id}`)).json;
      const sku = detail.skus[0];
      const updated = await as.storeKeeper.patch(`/api/v1/products/${product.id}`, { skus: [{ id: sku.id, price_fen: 1234, stock: 7 }] });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.json.min_price_fen, 1234);
      assert.equal(updated.json.skus[0].stock, 7);
      assert.equal((await as.storeKeeper.patch(`/api/v1/products/${product.id}`, { skus: [{ id: sku.id, stock: -1 }] })).status, 422);
      assert.equal((await as.storeKeeper.patch(`/api/v1/products/${product.id}`, { skus: [{ id: 999999, stock: 1 }] })).status, 422);
    });
  });
}
