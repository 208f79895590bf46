// After-sales: refund only or return and refund, full or partial; the store accepts or
// rejects; money goes back through the provider the order was paid with; stock comes back
// exactly once whatever the path (refund before shipment, return, then cancellation); the
// ledger reverses and still reconciles.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, ACCOUNTS, BACKENDS, run } from './harness.mjs';

for (const backend of BACKENDS) {
  describe(`after-sales (${backend})`, () => {
    let server, buyer, keeper, county, other, address, product, sku;
    let keyCounter = 0;
    const stock = async () => (await new Client(server.url).get(`/api/v1/products/${product.id}`)).json.skus[0].stock;
    const advance = (client, order, body) => client.post(`/api/v1/orders/${order.id}/advance`, body);
    const step = (client, request, body) => client.post(`/api/v1/after-sales/${request.id}/advance`, body);
    const ask = (order, body) => buyer.post(`/api/v1/orders/${order.id}/after-sales`, body);
    const ledgerOf = async (orderId) => (await county.get('/api/v1/ledger/entries?page_size=100')).json.items
      .filter((e) => e.order_id === orderId).reduce((sum, e) => sum + e.amount_fen, 0);
    // An order of `quantity` units of the store keeper's product, paid in cash or online.
    const paidOrder = async (quantity, { online = false } = {}) => {
      await buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity } });
      const checkout = (await buyer.request('POST', '/api/v1/orders', {
        body: { address_id: address.id, delivery_mode: 'express' }, headers: { 'idempotency-key': `as-${++keyCounter}` },
      })).json;
      const order = checkout.orders[0];
      if (online) {
        // Paid in the sandbox's page; the provider's notification follows within a second.
        const pay = (await buyer.post(`/api/v1/checkouts/${checkout.checkout_id}/pay`, { provider: 'sandbox' })).json;
        assert.equal((await buyer.post(`/api/v1/sandbox/prepays/${pay.prepay_id}/pay`, {})).status, 200);
        for (let attempt = 0; attempt < 100; attempt++) {
          if ((await buyer.get(`/api/v1/orders/${order.id}`)).json.status === 'paid') break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } else {
        assert.equal((await advance(keeper, order, { action: 'pay_cash' })).status, 200);
      }
      return (await buyer.get(`/api/v1/orders/${order.id}`)).json;
    };
    const ship = async (order) => {
      assert.equal((await advance(keeper, order, { action: 'pack' })).status, 200);
      assert.equal((await advance(keeper, order, { action: 'ship', carrier: '中国邮政', waybill: `YZ${order.id}` })).status, 200);
    };

    before(async () => {
      server = await startServer(backend);
      buyer = new Client(server.url);
      await buyer.login(ACCOUNTS.buyer);
      keeper = new Client(server.url);
      await keeper.login(ACCOUNTS.storeKeeper);
      county = new Client(server.url);
      await county.login(ACCOUNTS.countyAdmin);
      other = new Client(server.url);
      await other.login(ACCOUNTS.wenxianAdmin);
      address = (await buyer.post('/api/v1/addresses', {
        recipient: '王小明', phone: '13912345678', division_code: '621221100201', detail: '二组 12 号',
      })).json;
      const products = (await buyer.get(`/api/v1/products?platform_id=${keeper.user.platform_id}&page_size=100`)).json.items;
      product = (await buyer.get(`/api/v1/products/${products.find((p) => p.store.id === keeper.user.store_id).id}`)).json;
      sku = product.skus[0];
    });
    after(async () => { await server.stop(); });

    test('a full refund before shipment cancels the order, returns the money online and the stock once', async () => {
      const initial = await stock();
      const order = await paidOrder(2, { online: true });
      assert.equal(await stock(), initial - 2);
      // Shipping waits while a request is open.
      const request = await ask(order, { kind: 'refund_only', reason: 'changed_mind', description: '不想要了' });
      assert.equal(request.status, 201, request.text);
      assert.equal(request.json.amount_fen, order.total_fen);
      assert.equal((await advance(keeper, order, { action: 'pack' })).status, 409);
      assert.equal((await ask(order, { kind: 'refund_only', reason: 'other' })).status, 409);  // one open at a time
      assert.equal((await step(buyer, request.json, { action: 'accept' })).status, 403);
      assert.equal((await step(other, request.json, { action: 'accept' })).status, 404);
      const accepted = await step(keeper, request.json, { action: 'accept' });
      assert.equal(accepted.status, 200, accepted.text);
      assert.equal(accepted.json.status, 'refunded');
      assert.equal((await step(keeper, request.json, { action: 'accept' })).status, 409);  // twice
      const after = (await buyer.get(`/api/v1/orders/${order.id}`)).json;
      assert.equal(after.status, 'cancelled');
      assert.equal(after.refunded_fen, order.total_fen);
      assert.equal(await stock(), initial);
      assert.equal(await ledgerOf(order.id), 0);
    });

    test('a partial refund of unsent goods restocks them; a later cancellation restocks only the rest', async () => {
      const initial = await stock();
      const order = await paidOrder(3);
      const item = order.items[0];
      const request = (await ask(order, { kind: 'refund_only', reason: 'other', items: [{ order_item_id: item.id, quantity: 1 }] })).json;
      assert.equal(request.amount_fen, item.price_fen);
      await step(keeper, request, { action: 'accept' });
      assert.equal(await stock(), initial - 2);
      const rest = (await ask(order, { kind: 'refund_only', reason: 'other' })).json;
      assert.equal(rest.amount_fen, order.total_fen - item.price_fen);
      assert.equal((await step(county, rest, { action: 'accept' })).json.status, 'refunded');
      assert.equal((await buyer.get(`/api/v1/orders/${order.id}`)).json.status, 'cancelled');
      assert.equal(await stock(), initial);
      assert.equal(await ledgerOf(order.id), 0);
      assert.equal((await ask(order, { kind: 'refund_only', reason: 'other' })).status, 409);
    });

    test('return and refund: the buyer sends goods back, the store receives them, refund and restock follow', async () => {
      const initial = await stock();
      const order = await paidOrder(2, { online: true });
      await ship(order);
      const item = order.items[0];
      assert.equal((await ask(order, { kind: 'return_refund', reason: 'damaged' })).status, 422);  // which goods?
      // The buyer's photo of the damage, uploaded first; a URL of nothing uploaded is refused.
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
      const photo = await buyer.request('POST', '/api/v1/files', { raw: png, headers: { 'content-type': 'image/png' } });
      assert.ok([200, 201].includes(photo.status), photo.text);
      const items = [{ order_item_id: item.id, quantity: 1 }];
      assert.equal((await ask(order, { kind: 'return_refund', reason: 'damaged', items, photos: ['/api/v1/files/' + 'a'.repeat(64)] })).status, 422);
      const request = (await ask(order, { kind: 'return_refund', reason: 'damaged', items, photos: [photo.json.url] })).json;
      assert.deepEqual(request.photos, [photo.json.url]);
      assert.equal(request.status, 'requested');
      assert.equal((await step(keeper, request, { action: 'receive' })).status, 409);  // not returned yet
      assert.equal((await step(keeper, request, { action: 'accept', note: '请寄回' })).json.status, 'accepted');
      assert.equal((await step(buyer, request, { action: 'return', carrier: '中国邮政' })).status, 422);
      assert.equal((await step(buyer, request, { action: 'return', carrier: '中国邮政', waybill: 'YZR1' })).json.status, 'returned');
      assert.equal(await stock(), initial - 2);
      const received = await step(keeper, request, { action: 'receive' });
      assert.equal(received.json.status, 'refunded');
      assert.deepEqual(received.json.events.map((e) => e.to_status), ['requested', 'accepted', 'returned', 'refunded']);
      assert.equal(await stock(), initial - 1);
      const after = (await buyer.get(`/api/v1/orders/${order.id}`)).json;
      assert.equal(after.status, 'shipped');
      assert.equal(after.refunded_fen, item.price_fen);
      assert.equal(await ledgerOf(order.id), order.total_fen - item.price_fen);
    });

    test('a delivered order refunded in part keeps its goods out of stock; rejection needs a reason', async () => {
      const order = await paidOrder(1);
      await ship(order);
      await advance(keeper, order, { action: 'deliver' });
      const before = await stock();
      const rejected = (await ask(order, { kind: 'refund_only', reason: 'quality', amount_fen: 100 })).json;
      assert.equal((await step(keeper, rejected, { action: 'reject' })).status, 422);
      assert.equal((await step(keeper, rejected, { action: 'reject', note: '商品无问题' })).json.status, 'rejected');
      const partial = (await ask(order, { kind: 'refund_only', reason: 'quality', amount_fen: 100 })).json;
      assert.equal((await step(keeper, partial, { action: 'accept' })).json.status, 'refunded');
      assert.equal(await stock(), before);
      assert.equal((await buyer.get(`/api/v1/orders/${order.id}`)).json.refunded_fen, 100);
      const withdrawn = (await ask(order, { kind: 'refund_only', reason: 'quality', amount_fen: 50 })).json;
      assert.equal((await step(keeper, withdrawn, { action: 'withdraw' })).status, 403);
      assert.equal((await step(buyer, withdrawn, { action: 'withdraw' })).json.status, 'withdrawn');
      assert.equal((await buyer.get('/api/v1/after-sales?status=withdrawn')).json.total, 1);
      assert.ok((await keeper.get('/api/v1/after-sales')).json.items.every((r) => r.store.id === keeper.user.store_id));
      assert.equal((await other.get('/api/v1/after-sales')).json.total, 0);
    });

    test('bad after-sales requests are refused and change nothing', async () => {
      const order = await paidOrder(1);
      const bad = [
        [{ kind: 'exchange', reason: 'other' }, 422],
        [{ kind: 'refund_only', reason: 'bored' }, 422],
        [{ kind: 'refund_only', reason: 'other', amount_fen: -5 }, 422],
        [{ kind: 'refund_only', reason: 'other', amount_fen: '5' }, 400],
        [{ kind: 'refund_only', reason: 'other', amount_fen: order.total_fen + 1 }, 422],
        [{ kind: 'refund_only', reason: 'other', items: [{ order_item_id: 99999999, quantity: 1 }] }, 422],
        [{ kind: 'refund_only', reason: 'other', items: [{ order_item_id: order.items[0].id, quantity: 0 }] }, 422],
        [{ kind: 'refund_only', reason: 'other', items: [{ order_item_id: order.items[0].id, quantity: 5 }] }, 422],
        [{ kind: 'refund_only', reason: 'other', items: 'all' }, 400],
        [{ kind: 'refund_only', reason: 'other', photos: ['https://evil.example/x.jpg'] }, 422],
        [{ kind: 'return_refund', reason: 'other', items: [{ order_item_id: order.items[0].id, quantity: 1 }] }, 409],  // not sent
      ];
      for (const [body, status] of bad) {
        const answer = await ask(order, body);
        assert.equal(answer.status, status, `${JSON.stringify(body)} → ${answer.status} ${answer.text}`);
      }
      // Someone else's order is not found; an unpaid one has nothing to refund.
      assert.equal((await other.post(`/api/v1/orders/${order.id}/after-sales`, { kind: 'refund_only', reason: 'other' })).status, 404);
      await buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
      const unpaid = (await buyer.request('POST', '/api/v1/orders', {
        body: { address_id: address.id, delivery_mode: 'express' }, headers: { 'idempotency-key': 'as-unpaid' },
      })).json.orders[0];
      assert.equal((await ask(unpaid, { kind: 'refund_only', reason: 'other' })).status, 409);
      assert.equal((await buyer.get(`/api/v1/orders/${order.id}`)).json.after_sale, null);
      assert.equal((await step(buyer, { id: 99999999 }, { action: 'withdraw' })).status, 404);
      assert.equal((await step(buyer, { id: 1 }, { action: 'fly' })).status, 422);
    });

    test('the ledger still reconciles', async () => {
      assert.match(run(['ledger', 'check', '--db', server.db.url, '--key-file', server.db.key]), /the ledger reconciles/);
    });
  });
}
