// Online payment through the sandbox provider: a prepay id per checkout, a signed
// asynchronous notification that alone makes orders paid (verified, amount-checked,
// idempotent, replay-safe; a forged or mismatched one changes nothing and is logged), the
// payout ledger credited per producer minus the county's commission, and `longnan ledger
// check` reconciling it all.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, ACCOUNTS, BACKENDS, run, SANDBOX_SECRET, signedNotification } from './harness.mjs';

const SECRET = SANDBOX_SECRET;

for (const backend of BACKENDS) {
  describe(`payments and the ledger (${backend})`, () => {
    let server, buyer, address, walnut, honey;
    const anonymous = () => new Client(server.url);
    const notify = (notification) => anonymous().request('POST', '/api/v1/payments/sandbox/notify', notification);
    let keyCounter = 0;
    const order = async (items, mode = 'express') => {
      for (const [product, quantity] of items)
        await buyer.request('PUT', `/api/v1/cart/items/${product.skus[0].id}`, { body: { quantity } });
      const response = await buyer.request('POST', '/api/v1/orders', {
        body: { address_id: address.id, delivery_mode: mode }, headers: { 'idempotency-key': `pay-${++keyCounter}` },
      });
      assert.equal(response.status, 201, response.text);
      return response.json;
    };
    const waitFor = async (check, what) => {
      for (let attempt = 0; attempt < 100; attempt++) {
        if (await check()) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.fail(`timed out waiting for ${what}`);
    };
    const statusOf = async (id) => (await buyer.get(`/api/v1/orders/${id}`)).json.status;

    before(async () => {
      server = await startServer(backend, { extraArgs: ['--sandbox-secret', SECRET] });
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

    test('the sandbox pays two stores\' orders with one prepay and the ledger credits both producers', async () => {
      const county = new Client(server.url);
      await county.login(ACCOUNTS.countyAdmin);
      const rate = await county.request('PUT', '/api/v1/commission-rates', { body: { category_id: 0, rate_bp: 500 } });
      assert.equal(rate.status, 200, rate.text);

      const checkout = await order([[walnut, 2], [honey, 1]]);
      const pay = await buyer.post(`/api/v1/checkouts/${checkout.checkout_id}/pay`, { provider: 'sandbox' });
      assert.equal(pay.status, 201, pay.text);
      assert.equal(pay.json.amount_fen, checkout.total_fen);
      assert.match(pay.json.prepay_id, /^sbp_/);
      // Asking again answers the same prepay id.
      const again = await buyer.post(`/api/v1/checkouts/${checkout.checkout_id}/pay`, { provider: 'sandbox' });
      assert.equal(again.json.prepay_id, pay.json.prepay_id);
      const page = await buyer.get(`/api/v1/sandbox/prepays/${pay.json.prepay_id}`);
      assert.equal(page.json.amount_fen, checkout.total_fen);
      assert.equal(page.json.status, 'created');

      // Approving in the provider's page does not by itself pay the orders: the provider's
      // signed notification does, a moment later.
      const approve = await buyer.post(`/api/v1/sandbox/prepays/${pay.json.prepay_id}/pay`, {});
      assert.equal(approve.status, 200, approve.text);
      assert.equal((await buyer.post(`/api/v1/sandbox/prepays/${pay.json.prepay_id}/pay`, {})).status, 409);
      for (const o of checkout.orders) await waitFor(async () => (await statusOf(o.id)) === 'paid', `order ${o.id} paid`);
      const paid = (await buyer.get(`/api/v1/orders/${checkout.orders[0].id}`)).json;
      assert.equal(paid.payment.provider, 'sandbox');
      assert.equal((await buyer.get(`/api/v1/checkouts/${checkout.checkout_id}`)).json.payable_fen, 0);
      assert.equal((await buyer.post(`/api/v1/checkouts/${checkout.checkout_id}/pay`, { provider: 'sandbox' })).status, 409);

      // The walnut producer is credited 95% of the goods, the platform 5% (成县's rate);
      // the honey (两当, no rate set) credits its producer in full.
      const city = new Client(server.url);
      await city.login(ACCOUNTS.cityAdmin);
      const walnutOrder = checkout.orders.find((o) => o.store.id === walnut.store.id);
      const honeyOrder = checkout.orders.find((o) => o.store.id === honey.store.id);
      const entries = async (orderId) => (await city.get('/api/v1/ledger/entries?page_size=100')).json.items
        .filter((e) => e.order_id === orderId);
      const walnutEntries = await entries(walnutOrder.id);
      const subtotal = 2 * walnut.skus[0].price_fen;
      const commission = Math.floor(subtotal * 500 / 10000);
      assert.deepEqual(walnutEntries.map((e) => [e.account, e.amount_fen]).sort(),
        [['platform', commission], ['producer', subtotal - commission]].sort());
      assert.equal(walnutEntries.find((e) => e.account === 'producer').producer.id, walnut.producer.id);
      const honeyEntries = await entries(honeyOrder.id);
      assert.deepEqual(honeyEntries.map((e) => [e.account, e.amount_fen]), [['producer', honey.skus[0].price_fen]]);

      // Statements are scoped: the store sees its orders, the supplier only its own credits.
      const store = new Client(server.url);
      await store.login(ACCOUNTS.storeKeeper);
      const storeRows = (await store.get('/api/v1/ledger/entries')).json;
      assert.ok(storeRows.items.every((e) => e.store.id === store.user.store_id));
      const supplier = new Client(server.url);
      await supplier.login(ACCOUNTS.supplier);
      const own = (await supplier.get('/api/v1/ledger/entries')).json;
      assert.ok(own.items.every((e) => e.account === 'producer' && e.producer.id === supplier.user.producer_id));
      assert.equal((await buyer.get('/api/v1/ledger/entries')).status, 403);
      const summary = (await county.get('/api/v1/ledger/summary?by=producer')).json;
      assert.ok(summary.items.some((row) => row.id === walnut.producer.id && row.net_fen === subtotal - commission),
        JSON.stringify(summary));
      assert.equal((await county.get('/api/v1/ledger/entries?from=2026-13-01')).status, 422);
      assert.equal((await county.get('/api/v1/ledger/summary?by=week')).status, 422);
      const xlsx = await county.get('/api/v1/ledger/entries?format=xlsx');
      assert.equal(xlsx.status, 200);
      assert.match(xlsx.headers.get('content-disposition'), /statement\.xlsx/);
    });

    test('a signed notification pays once; forged, stale, mismatched and replayed ones change nothing', async () => {
      const checkout = await order([[honey, 1]]);
      const pay = (await buyer.post(`/api/v1/checkouts/${checkout.checkout_id}/pay`, { provider: 'sandbox' })).json;
      const body = { prepay_id: pay.prepay_id, transaction_id: 'sbt_test_1', amount_fen: pay.amount_fen, trade_state: 'SUCCESS' };
      const id = checkout.orders[0].id;

      const forged = await notify(signedNotification(body, { secret: 'guessed' }));
      assert.equal(forged.status, 401);
      assert.equal(forged.json.error.code, 'bad_signature');
      const stale = await notify(signedNotification(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 }));
      assert.equal(stale.status, 400);
      const cheap = await notify(signedNotification({ ...body, amount_fen: 1 }));
      assert.equal(cheap.status, 400);
      assert.equal(cheap.json.error.code, 'amount_mismatch');
      const unknown = await notify(signedNotification({ ...body, prepay_id: 'sbp_nothing' }));
      assert.equal(unknown.status, 404);
      assert.equal((await notify(signedNotification('{"prepay_id": '))).status, 400);
      assert.equal((await notify(signedNotification({ ...body, amount_fen: '1' }))).status, 400);
      assert.equal((await notify({ raw: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).status, 401);
      assert.equal(await statusOf(id), 'pending_payment');
      // Every refused callback is on the log for the city's auditors.
      const auditor = new Client(server.url);
      await auditor.login(ACCOUNTS.auditor);
      const log = (await auditor.get('/api/v1/payment-notifications?page_size=100')).json.items;
      for (const outcome of ['forged', 'stale', 'mismatch', 'unknown', 'malformed'])
        assert.ok(log.some((entry) => entry.outcome === outcome), `no ${outcome} callback on the log`);
      assert.equal((await auditor.get('/api/v1/payment-notifications?outcome=forged')).json.items[0].outcome, 'forged');
      assert.equal((await buyer.get('/api/v1/payment-notifications')).status, 403);
      assert.equal((await auditor.get('/api/v1/payment-notifications?outcome=bogus')).status, 422);

      const genuine = signedNotification(body);
      const accepted = await notify(genuine);
      assert.equal(accepted.status, 200, accepted.text);
      assert.equal(accepted.json.outcome, 'accepted');
      assert.equal(await statusOf(id), 'paid');
      // The same notification again, and the provider retrying with a new nonce: both answer
      // success (so the provider stops) and pay nothing twice.
      assert.equal((await notify(genuine)).json.outcome, 'duplicate');
      assert.equal((await notify(signedNotification(body))).json.outcome, 'duplicate');
      const city = new Client(server.url);
      await city.login(ACCOUNTS.cityAdmin);
      const credits = (await city.get('/api/v1/ledger/entries?page_size=100')).json.items.filter((e) => e.order_id === id);
      assert.equal(credits.length, 1);
      assert.equal(credits[0].amount_fen, pay.amount_fen);
    });

    test('money for an order cancelled after its prepay was made goes back to the buyer', async () => {
      const checkout = await order([[walnut, 1], [honey, 1]]);
      const pay = (await buyer.post(`/api/v1/checkouts/${checkout.checkout_id}/pay`, { provider: 'sandbox' })).json;
      assert.equal((await buyer.post(`/api/v1/orders/${checkout.orders[0].id}/cancel`, {})).status, 200);
      // The buyer still pays the old prepay, for both orders.
      assert.equal((await buyer.post(`/api/v1/sandbox/prepays/${pay.prepay_id}/pay`, {})).status, 200);
      await waitFor(async () => (await statusOf(checkout.orders[1].id)) === 'paid', 'the other order paid');
      assert.equal(await statusOf(checkout.orders[0].id), 'cancelled');
      const city = new Client(server.url);
      await city.login(ACCOUNTS.cityAdmin);
      const credited = (await city.get('/api/v1/ledger/entries?page_size=100')).json.items
        .filter((e) => e.order_id === checkout.orders[0].id);
      assert.deepEqual(credited, []);
    });

    test('bad payment requests are refused', async () => {
      const checkout = await order([[honey, 1]]);
      const other = new Client(server.url);
      await other.login(ACCOUNTS.courier);
      assert.equal((await other.post(`/api/v1/checkouts/${checkout.checkout_id}/pay`, { provider: 'sandbox' })).status, 404);
      assert.equal((await other.get(`/api/v1/checkouts/${checkout.checkout_id}`)).status, 404);
      assert.equal((await buyer.post(`/api/v1/checkouts/${checkout.checkout_id}/pay`, { provider: 'cash' })).status, 422);
      assert.equal((await buyer.post(`/api/v1/checkouts/${checkout.checkout_id}/pay`, { provider: 7 })).status, 400);
      assert.equal((await buyer.post('/api/v1/checkouts/999999/pay', { provider: 'sandbox' })).status, 404);
      const pay = (await buyer.post(`/api/v1/checkouts/${checkout.checkout_id}/pay`, { provider: 'sandbox' })).json;
      assert.equal((await other.get(`/api/v1/sandbox/prepays/${pay.prepay_id}`)).status, 404);
      assert.equal((await other.post(`/api/v1/sandbox/prepays/${pay.prepay_id}/pay`, {})).status, 404);
      const county = new Client(server.url);
      await county.login(ACCOUNTS.countyAdmin);
      assert.equal((await county.request('PUT', '/api/v1/commission-rates', { body: { category_id: 0, rate_bp: 9000 } })).status, 422);
      assert.equal((await county.request('PUT', '/api/v1/commission-rates', { body: { category_id: 99999, rate_bp: 10 } })).status, 422);
      assert.equal((await county.request('PUT', '/api/v1/commission-rates', { body: { category_id: 0, rate_bp: 10, platform_id: 3 } })).status, 403);
      assert.equal((await buyer.request('PUT', '/api/v1/commission-rates', { body: { category_id: 0, rate_bp: 10 } })).status, 403);
    });

    test('longnan ledger check reconciles payments with the ledger', async () => {
      const output = run(['ledger', 'check', '--db', server.db.url, '--key-file', server.db.key]);
      assert.match(output, /the ledger reconciles/);
    });
  });
}
