// The buyer's side before checkout: delivery addresses (a village or town community,
// recipient phone encrypted at rest) and a cart across stores. Each account sees and
// changes only its own.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, Client, ACCOUNTS, BACKENDS } from './harness.mjs';

for (const backend of BACKENDS) {
  describe(`cart and addresses (${backend})`, () => {
    let server;
    let buyer;
    let other;
    let walnut;
    let honey;
    before(async () => {
      server = await startServer(backend);
      buyer = new Client(server.url);
      await buyer.login(ACCOUNTS.buyer);
      other = new Client(server.url);
      await other.login(ACCOUNTS.courier);
      const search = async (q) => (await buyer.get(`/api/v1/products?q=${encodeURIComponent(q)}`)).json.items[0];
      walnut = (await buyer.get(`/api/v1/products/${(await search('成县核桃仁')).id}`)).json;
      honey = (await buyer.get(`/api/v1/products/${(await search('两当狼牙蜜 500g')).id}`)).json;
    });
    after(async () => { await server.stop(); });

    test('the cart spans stores and groups its lines by store', async () => {
      assert.equal((await buyer.request('PUT', `/api/v1/cart/items/${walnut.skus[0].id}`, { body: { quantity: 2 } })).status, 200);
      const cart = await buyer.request('PUT', `/api/v1/cart/items/${honey.skus[0].id}`, { body: { quantity: 1 } });
      assert.equal(cart.status, 200, cart.text);
      assert.equal(cart.json.stores.length, 2);
      assert.equal(cart.json.count, 3);
      assert.equal(cart.json.total_fen, 2 * walnut.skus[0].price_fen + honey.skus[0].price_fen);
      const walnutStore = cart.json.stores.find((group) => group.store.id === walnut.store.id);
      assert.equal(walnutStore.items[0].quantity, 2);
      assert.equal(walnutStore.subtotal_fen, 2 * walnut.skus[0].price_fen);
      // Setting the quantity replaces it; the courier's cart is its own.
      await buyer.request('PUT', `/api/v1/cart/items/${walnut.skus[0].id}`, { body: { quantity: 1 } });
      assert.equal((await buyer.get('/api/v1/cart')).json.count, 2);
      assert.equal((await other.get('/api/v1/cart')).json.count, 0);
    });

    test('bad quantities, unknown or unlisted SKUs and more than the stock are refused; nothing changes', async () => {
      const before = (await buyer.get('/api/v1/cart')).json;
      const sku = walnut.skus[0].id;
      for (const quantity of [0, -1, 1000, 1.5]) {
        const response = await buyer.request('PUT', `/api/v1/cart/items/${sku}`, { body: { quantity } });
        assert.ok([400, 422].includes(response.status), `quantity ${quantity}: ${response.status}`);
      }
      assert.equal((await buyer.request('PUT', `/api/v1/cart/items/${sku}`, { body: { quantity: '2' } })).status, 400);
      assert.equal((await buyer.request('PUT', '/api/v1/cart/items/99999999', { body: { quantity: 1 } })).status, 404);
      assert.equal((await buyer.request('PUT', '/api/v1/cart/items/abc', { body: { quantity: 1 } })).status, 404);
      const county = new Client(server.url);
      await county.login(ACCOUNTS.countyAdmin);
      await county.patch(`/api/v1/products/${walnut.id}`, { skus: [{ id: sku, stock: 3 }] });
      const tooMany = await buyer.request('PUT', `/api/v1/cart/items/${sku}`, { body: { quantity: 4 } });
      assert.equal(tooMany.status, 422);
      assert.match(tooMany.json.error.message, /only 3 left/);
      await county.patch(`/api/v1/products/${walnut.id}`, { skus: [{ id: sku, stock: walnut.skus[0].stock }] });
      assert.deepEqual((await buyer.get('/api/v1/cart')).json, before);
      assert.equal((await new Client(server.url).get('/api/v1/cart')).status, 401);
    });

    test('a line goes unavailable when the product is delisted, and can be removed', async () => {
      const keeper = new Client(server.url);
      await keeper.login(ACCOUNTS.countyAdmin);
      assert.equal((await keeper.post(`/api/v1/products/${walnut.id}/review`, { action: 'delist' })).status, 200);
      const cart = (await buyer.get('/api/v1/cart')).json;
      const line = cart.stores.flatMap((group) => group.items).find((item) => item.sku_id === walnut.skus[0].id);
      assert.equal(line.available, false);
      assert.equal(line.unavailable_reason, 'not_listed');
      assert.equal(cart.total_fen, honey.skus[0].price_fen);
      const removed = await buyer.request('DELETE', `/api/v1/cart/items/${walnut.skus[0].id}`);
      assert.equal(removed.status, 204);
      assert.equal(removed.headers.get('content-type'), null);
      assert.equal((await buyer.request('DELETE', `/api/v1/cart/items/${walnut.skus[0].id}`)).status, 404);
      assert.equal((await keeper.post(`/api/v1/products/${walnut.id}/review`, { action: 'relist' })).status, 200);
    });

    test('addresses: a village or community, a default, validated, private and encrypted', async () => {
      const first = await buyer.post('/api/v1/addresses', {
        recipient: '王小明', phone: '13912345678', division_code: '621221100201', detail: '二组 12 号',
      });
      assert.equal(first.status, 201, first.text);
      assert.equal(first.json.is_default, true);
      assert.equal(first.json.county_name, '成县');
      const second = await buyer.post('/api/v1/addresses', {
        recipient: '王小明', phone: '13912345678', division_code: '621228100201', detail: '街道 3 号', is_default: true,
      });
      assert.equal(second.status, 201, second.text);
      const list = (await buyer.get('/api/v1/addresses')).json.items;
      assert.deepEqual(list.map((a) => [a.id, a.is_default]), [[second.json.id, true], [first.json.id, false]]);
      for (const bad of [{ division_code: '621221100' }, { division_code: '999999999999' }, { phone: '123' }, { recipient: ' ' },
        { detail: 'x'.repeat(201) }]) {
        const response = await buyer.post('/api/v1/addresses', {
          recipient: '王小明', phone: '13912345678', division_code: '621221100201', detail: '二组', ...bad,
        });
        assert.equal(response.status, 422, JSON.stringify(bad));
      }
      assert.equal((await buyer.post('/api/v1/addresses', { recipient: 1 })).status, 400);
      // Another account cannot see, change or delete them.
      assert.equal((await other.get('/api/v1/addresses')).json.items.length, 0);
      assert.equal((await other.patch(`/api/v1/addresses/${first.json.id}`, { detail: '改了' })).status, 404);
      assert.equal((await other.request('DELETE', `/api/v1/addresses/${first.json.id}`)).status, 404);
      assert.equal((await buyer.patch(`/api/v1/addresses/${first.json.id}`, { detail: '三组 5 号' })).json.detail, '三组 5 号');
      // The default cannot be switched off, only moved.
      assert.equal((await buyer.patch(`/api/v1/addresses/${second.json.id}`, { is_default: false })).json.is_default, true);
      // Deleting the default makes the remaining one the default.
      assert.equal((await buyer.request('DELETE', `/api/v1/addresses/${second.json.id}`)).status, 204);
      const left = (await buyer.get('/api/v1/addresses')).json.items;
      assert.deepEqual(left.map((a) => [a.id, a.is_default]), [[first.json.id, true]]);
      if (backend === 'sqlite') {
        const file = server.db.url.slice('sqlite:'.length);
        let bytes = readFileSync(file).toString('latin1');
        try { bytes += readFileSync(`${file}-wal`).toString('latin1'); } catch { /* no WAL yet */ }
        assert.ok(!bytes.includes('13912345678'), 'a recipient phone is stored in clear');
      }
    });
  });
}
