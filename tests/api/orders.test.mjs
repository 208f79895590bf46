// Checkout: the cart becomes one order per store; an Idempotency-Key makes retries safe;
// stock is taken on checkout, never below zero, and given back exactly once when an order
// is cancelled by a person or by the payment deadline (which survives restarts).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, ACCOUNTS, BACKENDS } from './harness.mjs';

for (const backend of BACKENDS) {
  describe(`orders (${backend})`, () => {
    let server;
    let buyer;
    let address;
    let walnut;
    let honey;
    const stockOf = async (product) => (await new Client(server.url).get(`/api/v1/products/${product.id}`)).json.skus[0].stock;
    const checkout = (client, key, body) =>
      client.request('POST', '/api/v1/orders', { body, headers: { 'idempotency-key': key } });

    before(async () => {
      server = await startServer(backend);
      buyer = new Client(server.url);
      await buyer.login(ACCOUNTS.buyer);
      address = (await buyer.post('/api/v1/addresses', {
        recipient: '王小明', phone: '13912345678', division_code: '621221100201', detail: '二组 12 号',
      })).json;
      const find = async (q) => {
        const id = (await buyer.get(`/api/v1/products?q=${encodeURIComponent(q)}`)).json.items[0].id;
        return (await buyer.get(`/api/v1/products/${id}`)).json;
      };
      walnut = await find('成县核桃仁');
      honey = await find('两当狼牙蜜 500g');
    });
    after(async () => { await server.stop(); });

    test('a cart from two stores becomes two orders; a retry with the same key changes nothing', async () => {
      const walnutStock = await stockOf(walnut), honeyStock = await stockOf(honey);
      await buyer.request('PUT', `/api/v1/cart/items/${walnut.skus[0].id}`, { body: { quantity: 2 } });
      await buyer.request('PUT', `/api/v1/cart/items/${honey.skus[0].id}`, { body: { quantity: 1 } });
      const body = { address_id: address.id, delivery_mode: 'express', note: '请放门口' };
      const first = await checkout(buyer, 'checkout-1', body);
      assert.equal(first.status, 201, first.text);
      assert.equal(first.json.orders.length, 2);
      assert.equal(first.json.total_fen, 2 * walnut.skus[0].price_fen + honey.skus[0].price_fen);
      for (const order of first.json.orders) {
        assert.equal(order.status, 'pending_payment');
        assert.equal(order.address.county_name, '成县');
      }
      assert.deepEqual(new Set(first.json.orders.map((o) => o.store.id)), new Set([walnut.store.id, honey.store.id]));
      assert.equal(await stockOf(walnut), walnutStock - 2);
      assert.equal(await stockOf(honey), honeyStock - 1);
      assert.equal((await buyer.get('/api/v1/cart')).json.count, 0);
      const retry = await checkout(buyer, 'checkout-1', body);
      assert.equal(retry.status, 200);
      assert.deepEqual(retry.json.orders.map((o) => o.id), first.json.orders.map((o) => o.id));
      assert.equal(await stockOf(walnut), walnutStock - 2);
      assert.equal((await buyer.get('/api/v1/orders')).json.total, 2);
      // The same key for another request is refused.
      assert.equal((await checkout(buyer, 'checkout-1', { ...body, note: 'other' })).status, 409);
    });

    test('concurrent retries of one key make one checkout', async () => {
      await buyer.request('PUT', `/api/v1/cart/items/${honey.skus[0].id}`, { body: { quantity: 1 } });
      const body = { address_id: address.id, delivery_mode: 'express' };
      const answers = await Promise.all(Array.from({ length: 6 }, () => checkout(buyer, 'checkout-race', body)));
      const ids = new Set(answers.filter((a) => a.status < 300).map((a) => a.json.checkout_id));
      assert.equal(ids.size, 1, answers.map((a) => `${a.status} ${a.text}`).join('\n'));
      assert.ok(answers.every((a) => [200, 201].includes(a.status)), answers.map((a) => `${a.status} ${a.text}`).join('\n'));
    });

    test('bad checkouts are refused and change nothing', async () => {
      const before = await stockOf(walnut);
      await buyer.request('PUT', `/api/v1/cart/items/${walnut.skus[0].id}`, { body: { quantity: 1 } });
      const body = { address_id: address.id, delivery_mode: 'express' };
      assert.equal((await buyer.request('POST', '/api/v1/orders', { body })).status, 400);  // no key
      assert.equal((await checkout(buyer, 'bad key!', body)).status, 400);
      assert.equal((await checkout(buyer, 'k-mode', { ...body, delivery_mode: 'drone' })).status, 422);
      assert.equal((await checkout(buyer, 'k-type', { ...body, address_id: 'one' })).status, 400);
      const courier = new Client(server.url);
      await courier.login(ACCOUNTS.courier);
      // Someone else's address id is not yours.
      assert.equal((await checkout(courier, 'k-other', body)).status, 422);
      // More than the stock: the county lowers it after the cart was filled.
      const county = new Client(server.url);
      await county.login(ACCOUNTS.countyAdmin);
      await county.patch(`/api/v1/products/${walnut.id}`, { skus: [{ id: walnut.skus[0].id, stock: 0 }] });
      const short = await checkout(buyer, 'k-short', body);
      assert.equal(short.status, 409, short.text);
      await county.patch(`/api/v1/products/${walnut.id}`, { skus: [{ id: walnut.skus[0].id, stock: before }] });
      assert.equal(await stockOf(walnut), before);
      assert.equal((await buyer.get('/api/v1/cart')).json.count, 1);  // the cart is untouched
      const ok = await checkout(buyer, 'k-short', body);  // the failed key left no trace
      assert.equal(ok.status, 201, ok.text);
      assert.equal(await stockOf(walnut), before - 1);
    });

    test('cancelling gives the stock back once; a second cancel is 409; others cannot', async () => {
      const orders = (await buyer.get('/api/v1/orders?status=pending_payment')).json.items;
      const order = orders.find((o) => o.items.some((i) => i.sku_id === walnut.skus[0].id));
      const quantity = order.items.find((i) => i.sku_id === walnut.skus[0].id).quantity;
      const stock = await stockOf(walnut);
      const wenxian = new Client(server.url);
      await wenxian.login(ACCOUNTS.wenxianAdmin);
      assert.equal((await wenxian.post(`/api/v1/orders/${order.id}/cancel`, {})).status, 404);
      assert.equal((await wenxian.get(`/api/v1/orders/${order.id}`)).status, 404);
      const cancelled = await buyer.post(`/api/v1/orders/${order.id}/cancel`, { reason: '买错了' });
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.equal(cancelled.json.status, 'cancelled');
      assert.deepEqual(cancelled.json.events.map((e) => e.to_status), ['pending_payment', 'cancelled']);
      assert.equal(await stockOf(walnut), stock + quantity);
      assert.equal((await buyer.post(`/api/v1/orders/${order.id}/cancel`, {})).status, 409);
      assert.equal(await stockOf(walnut), stock + quantity);
    });

    test('scope: the store and the county couriers see orders with the phone, the city masked, others nothing', async () => {
      const keeper = new Client(server.url);
      await keeper.login(ACCOUNTS.storeKeeper);
      for (const order of (await keeper.get('/api/v1/orders')).json.items) {
        assert.equal(order.store.id, keeper.user.store_id);
        assert.equal(order.address.phone, '13912345678');
      }
      const city = new Client(server.url);
      await city.login(ACCOUNTS.cityAdmin);
      const all = (await city.get('/api/v1/orders')).json;
      assert.ok(all.total >= 3);
      assert.match(all.items[0].address.phone, /\*/);
      const courier = new Client(server.url);
      await courier.login(ACCOUNTS.courier);
      const delivering = (await courier.get('/api/v1/orders')).json;
      assert.ok(delivering.total >= 1);
      for (const order of delivering.items) {
        assert.equal(order.platform_id, courier.user.platform_id);
        assert.equal(order.address.phone, '13912345678');
      }
      const county = new Client(server.url);
      await county.login(ACCOUNTS.countyAdmin);
      const exported = await fetch(`${server.url}/api/v1/orders?format=csv`, { headers: { cookie: county.cookie } });
      assert.equal(exported.status, 200);
      const rows = (await exported.text()).trim().split('\r\n');
      assert.ok(rows.length > 1);
      assert.equal(rows.length - 1, (await county.get('/api/v1/orders')).json.total);
      assert.match(rows[1], /13912345678/);
      // Staff buy too: ?mine=1 lists the caller's own purchases only.
      assert.equal((await county.get('/api/v1/orders?mine=1')).json.total, 0);
      const supplier = new Client(server.url);
      await supplier.login(ACCOUNTS.supplier);
      assert.equal((await supplier.get('/api/v1/orders')).json.total, 0);
      assert.equal((await supplier.get(`/api/v1/orders/${all.items[0].id}`)).status, 404);
      assert.equal((await city.post(`/api/v1/orders/${all.items[0].id}/cancel`, {})).status, 403);
    });

    test('unpaid orders are cancelled at the deadline, after a restart too, and their stock released', async () => {
      // A server of its own with a 3-second deadline, so other tests' orders stay put.
      let quick = await startServer(backend, { extraArgs: ['--pay-timeout-seconds', '3'] });
      const shopper = new Client(quick.url);
      await shopper.login(ACCOUNTS.buyer);
      const place = (await shopper.post('/api/v1/addresses', {
        recipient: '王小明', phone: '13912345678', division_code: '621221100201', detail: '二组 12 号',
      })).json;
      const stockHere = async () => (await new Client(quick.url).get(`/api/v1/products/${honey.id}`)).json.skus[0].stock;
      await shopper.request('PUT', `/api/v1/cart/items/${honey.skus[0].id}`, { body: { quantity: 2 } });
      const stock = await stockHere();
      const placed = await checkout(shopper, 'k-deadline', { address_id: place.id, delivery_mode: 'pickup' });
      assert.equal(placed.status, 201, placed.text);
      assert.equal(await stockHere(), stock - 2);
      // A cash-on-delivery order has no payment deadline.
      await shopper.request('PUT', `/api/v1/cart/items/${honey.skus[0].id}`, { body: { quantity: 1 } });
      const cod = await checkout(shopper, 'k-cod', { address_id: place.id, delivery_mode: 'express', payment_method: 'cash_on_delivery' });
      assert.equal(cod.status, 201, cod.text);
      // Stop the server before the deadline and start it again: the deadline is in the database.
      await quick.stop();
      quick = await startServer(backend, { demo: false, db: quick.db, extraArgs: ['--pay-timeout-seconds', '3'] });
      shopper.base = quick.url;
      const buyer = shopper;
      const stockOf = stockHere;
      const order = placed.json.orders[0].id;
      let status = 'pending_payment';
      for (let attempt = 0; attempt < 100 && status === 'pending_payment'; attempt++) {
        status = (await buyer.get(`/api/v1/orders/${order}`)).json.status;
        if (status === 'pending_payment') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(status, 'cancelled');
      const detail = (await buyer.get(`/api/v1/orders/${order}`)).json;
      assert.equal(detail.events.at(-1).actor_name, 'system');
      assert.equal(await stockOf(), stock - 1);  // the cash-on-delivery unit stays sold
      assert.equal((await buyer.get(`/api/v1/orders/${cod.json.orders[0].id}`)).json.status, 'pending_payment');
      await quick.stop();
    });
  });
}

for (const backend of BACKENDS) {
  describe(`fulfilment (${backend})`, () => {
    let server;
    const as = {};
    before(async () => {
      // Delivered orders complete after about 2 seconds here (the default is 7 days).
      server = await startServer(backend, { extraArgs: ['--auto-complete-days', '0.00002'] });
      for (const role of ['buyer', 'storeKeeper', 'courier', 'countyAdmin', 'wenxianAdmin', 'cityAdmin']) {
        as[role] = new Client(server.url);
        await as[role].login(ACCOUNTS[role]);
      }
    });
    after(async () => { await server.stop(); });

    // Places an order for the demo store keeper's store (成县) and returns it.
    async function placeOrder(mode, key) {
      const products = (await as.buyer.get(`/api/v1/products?platform_id=${as.storeKeeper.user.platform_id}&page_size=100`)).json.items;
      const product = products.find((p) => p.store.id === as.storeKeeper.user.store_id);
      const detail = (await as.buyer.get(`/api/v1/products/${product.id}`)).json;
      await as.buyer.request('PUT', `/api/v1/cart/items/${detail.skus[0].id}`, { body: { quantity: 1 } });
      let address = (await as.buyer.get('/api/v1/addresses')).json.items[0];
      if (!address)
        address = (await as.buyer.post('/api/v1/addresses', {
          recipient: '王小明', phone: '13912345678', division_code: '621221100201', detail: '二组 12 号',
        })).json;
      const placed = await as.buyer.request('POST', '/api/v1/orders', {
        body: { address_id: address.id, delivery_mode: mode }, headers: { 'idempotency-key': key },
      });
      assert.equal(placed.status, 201, placed.text);
      return placed.json.orders[0];
    }
    const advance = (client, order, body) => client.post(`/api/v1/orders/${order.id}/advance`, body);

    test('cash on delivery: paid, packed, shipped with a waybill, delivered, completed by the buyer', async () => {
      const order = await placeOrder('express', 'life-1');
      assert.equal((await advance(as.storeKeeper, order, { action: 'pack' })).status, 409);  // not paid yet
      assert.equal((await advance(as.buyer, order, { action: 'pay_cash' })).status, 403);
      assert.equal((await advance(as.wenxianAdmin, order, { action: 'pay_cash' })).status, 404);
      assert.equal((await advance(as.storeKeeper, order, { action: 'pay_cash', note: '现金已收' })).json.status, 'paid');
      assert.equal((await advance(as.storeKeeper, order, { action: 'pay_cash' })).status, 409);  // twice
      assert.equal((await as.buyer.post(`/api/v1/orders/${order.id}/cancel`, {})).status, 409);  // paid now
      assert.equal((await advance(as.courier, order, { action: 'pack' })).status, 403);
      assert.equal((await advance(as.storeKeeper, order, { action: 'pack' })).json.status, 'packed');
      const noWaybill = await advance(as.storeKeeper, order, { action: 'ship', carrier: '中国邮政' });
      assert.equal(noWaybill.status, 422);
      assert.equal(noWaybill.json.error.field, 'waybill');
      const shipped = await advance(as.storeKeeper, order, { action: 'ship', carrier: '中国邮政', waybill: 'YZ1234567890' });
      assert.equal(shipped.json.status, 'shipped');
      assert.equal(shipped.json.waybill, 'YZ1234567890');
      assert.equal((await advance(as.buyer, order, { action: 'deliver' })).status, 403);
      assert.equal((await advance(as.courier, order, { action: 'deliver' })).json.status, 'delivered');
      assert.equal((await advance(as.storeKeeper, order, { action: 'complete' })).status, 403);
      const completed = await advance(as.buyer, order, { action: 'complete' });
      assert.equal(completed.json.status, 'completed');
      assert.deepEqual(completed.json.events.map((e) => e.to_status),
        ['pending_payment', 'paid', 'packed', 'shipped', 'delivered', 'completed']);
      assert.equal((await advance(as.buyer, order, { action: 'explode' })).status, 422);
      assert.equal((await advance(as.buyer, order, { action: 'cancel' })).status, 422);
      assert.equal((await advance(as.buyer, order, { action: 'complete' })).status, 409);  // twice
    });

    test('cash on delivery: packed and sent unpaid, paid when the courier hands the goods over', async () => {
      const products = (await as.buyer.get(`/api/v1/products?platform_id=${as.storeKeeper.user.platform_id}&page_size=100`)).json.items;
      const product = products.find((p) => p.store.id === as.storeKeeper.user.store_id);
      const sku = (await as.buyer.get(`/api/v1/products/${product.id}`)).json.skus[0];
      await as.buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
      const address = (await as.buyer.get('/api/v1/addresses')).json.items[0];
      const body = { address_id: address.id, delivery_mode: 'same_city', payment_method: 'cash_on_delivery' };
      assert.equal((await as.buyer.request('POST', '/api/v1/orders', {
        body: { ...body, payment_method: 'credit' }, headers: { 'idempotency-key': 'cod-bad' } })).status, 422);
      const placed = await as.buyer.request('POST', '/api/v1/orders', { body, headers: { 'idempotency-key': 'cod-1' } });
      assert.equal(placed.status, 201, placed.text);
      const order = placed.json.orders[0];
      assert.equal(order.payment_method, 'cash_on_delivery');
      assert.equal((await advance(as.storeKeeper, order, { action: 'pack' })).json.status, 'packed');
      // Packed but not paid: nothing to refund yet.
      assert.equal((await as.buyer.post(`/api/v1/orders/${order.id}/after-sales`, { kind: 'refund_only', reason: 'other' })).status, 409);
      assert.equal((await advance(as.storeKeeper, order, { action: 'ship', carrier: '县乡村物流' })).json.status, 'shipped');
      assert.equal((await advance(as.buyer, order, { action: 'complete' })).status, 409);  // the cash first
      const delivered = await advance(as.courier, order, { action: 'deliver', note: '现金已收' });
      assert.equal(delivered.json.status, 'delivered');
      assert.equal(delivered.json.payment.provider, 'cash');
      assert.equal(delivered.json.payment.amount_fen, order.total_fen);
      assert.equal((await advance(as.buyer, order, { action: 'complete' })).json.status, 'completed');
    });

    test('an online order is not packed before it is paid', async () => {
      const products = (await as.buyer.get(`/api/v1/products?platform_id=${as.storeKeeper.user.platform_id}&page_size=100`)).json.items;
      const product = products.find((p) => p.store.id === as.storeKeeper.user.store_id);
      const sku = (await as.buyer.get(`/api/v1/products/${product.id}`)).json.skus[0];
      await as.buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
      const address = (await as.buyer.get('/api/v1/addresses')).json.items[0];
      const placed = await as.buyer.request('POST', '/api/v1/orders', {
        body: { address_id: address.id, delivery_mode: 'express' }, headers: { 'idempotency-key': 'online-1' } });
      const order = placed.json.orders[0];
      assert.equal(order.payment_method, 'online');
      assert.equal((await advance(as.storeKeeper, order, { action: 'pack' })).status, 409);
    });

    test('a delivered order completes by itself when the after-sales window closes', async () => {
      const order = await placeOrder('pickup', 'life-2');
      for (const action of ['pay_cash', 'pack', 'ship', 'deliver'])
        assert.equal((await advance(as.countyAdmin, order, { action })).status, 200, action);
      let status = 'delivered';
      for (let attempt = 0; attempt < 100 && status === 'delivered'; attempt++) {
        status = (await as.buyer.get(`/api/v1/orders/${order.id}`)).json.status;
        if (status === 'delivered') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(status, 'completed');
      const events = (await as.buyer.get(`/api/v1/orders/${order.id}`)).json.events;
      assert.equal(events.at(-1).actor_name, 'system');
    });
  });
}

describe('two app servers on one PostgreSQL', () => {
  test('concurrent checkouts through both servers never oversell a SKU', async () => {
    const { freshDatabase } = await import('./harness.mjs');
    const db = freshDatabase('postgresql');
    const first = await startServer('postgresql', { db });
    const second = await startServer('postgresql', { db, demo: false });
    try {
      const county = new Client(first.url);
      await county.login(ACCOUNTS.countyAdmin);
      const products = (await county.get(`/api/v1/products?platform_id=${county.user.platform_id}&page_size=100`)).json.items;
      const product = (await county.get(`/api/v1/products/${products[0].id}`)).json;
      const sku = product.skus[0];
      assert.equal((await county.patch(`/api/v1/products/${product.id}`, { skus: [{ id: sku.id, stock: 5 }] })).status, 200);
      // Twelve buyers, each with one unit in the cart and an address, half on each server.
      const buyers = [];
      for (let index = 0; index < 12; index++) {
        const phone = `1370000${String(100 + index).padStart(4, '0')}`;
        const created = await county.post('/api/v1/users', { phone, name: `买家${index}`, password: 'Buyer2026!', role: 'buyer' });
        assert.equal(created.status, 201, created.text);
        const buyer = new Client(index % 2 ? second.url : first.url);
        await buyer.login(phone, 'Buyer2026!');
        await buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
        const address = (await buyer.post('/api/v1/addresses', {
          recipient: `买家${index}`, phone: '13912345678', division_code: '621221100201', detail: '一组',
        })).json;
        buyers.push({ buyer, address });
      }
      const answers = await Promise.all(buyers.map(({ buyer, address }, index) =>
        buyer.request('POST', '/api/v1/orders', {
          body: { address_id: address.id, delivery_mode: 'express' }, headers: { 'idempotency-key': `race-${index}` },
        })));
      const sold = answers.filter((answer) => answer.status === 201).length;
      assert.equal(sold, 5, answers.map((answer) => answer.status).join(','));
      assert.ok(answers.every((answer) => [201, 409].includes(answer.status)));
      assert.equal((await new Client(second.url).get(`/api/v1/products/${product.id}`)).json.skus[0].stock, 0);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
