// Crash safety at small scale: flash-sale load, `kill -9` of the server half-way, a
// restart, and then: every order acknowledged to a client (201) exists, sold + remaining
// equals the event's initial stock, no Idempotency-Key made two checkouts, and retrying the
// unanswered requests with their keys changes none of that.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, ACCOUNTS, BACKENDS, run } from './harness.mjs';

const kBuyers = 60;
const kUnits = 30;

for (const backend of BACKENDS) {
  describe(`kill -9 during a flash sale (${backend})`, () => {
    test('acknowledged orders survive, stock adds up, no key orders twice', async () => {
      let server = await startServer(backend);
      try {
        const keeper = new Client(server.url);
        await keeper.login(ACCOUNTS.storeKeeper);
        const county = new Client(server.url);
        await county.login(ACCOUNTS.countyAdmin);
        const list = (await keeper.get(`/api/v1/products?platform_id=${keeper.user.platform_id}&page_size=100`)).json.items;
        const product = (await keeper.get(`/api/v1/products/${list.find((p) => p.store.id === keeper.user.store_id).id}`)).json;
        const sku = product.skus[0];
        await keeper.patch(`/api/v1/products/${product.id}`, { skus: [{ id: sku.id, stock: sku.stock + kUnits }] });
        const event = (await keeper.post('/api/v1/sale-events', {
          kind: 'flash', title: '断电测试', starts_at: Date.now() - 1000, ends_at: Date.now() + 600000, per_buyer_limit: 1,
          skus: [{ sku_id: sku.id, sale_price_fen: 100, stock: kUnits }],
        })).json;

        // Buyers with bearer tokens (they survive the restart) and addresses.
        const buyers = await Promise.all(Array.from({ length: kBuyers }, async (_, index) => {
          const phone = `1350000${String(index).padStart(4, '0')}`;
          const created = await county.post('/api/v1/users', { phone, name: `买家${index}`, password: 'Buyer2026!', role: 'buyer' });
          assert.equal(created.status, 201, created.text);
          const client = new Client(server.url);
          const token = await client.post('/api/v1/auth/tokens', { phone, password: 'Buyer2026!' });
          client.token = token.json.token;
          const address = (await client.post('/api/v1/addresses', {
            recipient: `买家${index}`, phone: '13912345678', division_code: '621221100201', detail: '一组',
          })).json;
          return { client, address, key: `crash-${index}` };
        }));
        const order = (buyer) => buyer.client.request('POST', '/api/v1/orders', {
          body: { address_id: buyer.address.id, delivery_mode: 'same_city', sale: { event_id: event.id, sku_id: sku.id, quantity: 1 } },
          headers: { 'idempotency-key': buyer.key },
        }).catch(() => null);  // the connection dies with the server

        // Everyone at once; the server is killed as soon as a few orders are acknowledged.
        const acknowledged = new Map();  // buyer index → checkout id
        let killed = false;
        const answers = await Promise.all(buyers.map(async (buyer, index) => {
          const answer = await order(buyer);
          if (answer?.status === 201) {
            acknowledged.set(index, answer.json.checkout_id);
            if (acknowledged.size >= 5 && !killed) {
              killed = true;
              server.child.kill('SIGKILL');
            }
          }
          return answer;
        }));
        await new Promise((resolve) => (server.child.exitCode !== null || server.child.signalCode ? resolve() : server.child.on('exit', resolve)));
        assert.ok(killed, `the server was never killed: ${answers.map((a) => a?.status).join(',')}`);
        const unanswered = answers.filter((answer) => answer === null).length;

        server = await startServer(backend, { demo: false, db: server.db });
        for (const buyer of buyers) buyer.client.base = server.url;
        const checkouts = async () => {
          const query = `SELECT c.id, c.user_id, c.idempotency_key, COUNT(o.id) FROM checkouts c JOIN orders o ON o.checkout_id = c.id
            JOIN order_items i ON i.order_id = o.id WHERE i.sale_event_id = ${event.id} GROUP BY c.id, c.user_id, c.idempotency_key`;
          const rows = backend === 'sqlite'
            ? execFileSync('sqlite3', ['-separator', ' ', server.db.url.slice(7), query], { encoding: 'utf8' })
            : execFileSync('psql', ['-At', '-F', ' ', server.db.url, '-c', query], { encoding: 'utf8' });
          return rows.trim().split('\n').filter(Boolean).map((line) => line.split(' ').map((cell, i) => (i === 2 ? cell : Number(cell))));
        };
        const check = async () => {
          const stored = await checkouts();
          for (const [index, checkoutId] of acknowledged)
            assert.ok(stored.some(([id]) => id === checkoutId), `acknowledged checkout ${checkoutId} of buyer ${index} is lost`);
          const keys = stored.map(([, user, key]) => `${user}/${key}`);
          assert.equal(new Set(keys).size, keys.length, 'a key made two checkouts');
          assert.ok(stored.every(([, , , orders]) => orders === 1));
          const left = (await new Client(server.url).get(`/api/v1/sale-events/${event.id}`)).json.skus[0].stock;
          assert.equal(stored.length + left, kUnits, `sold ${stored.length} + remaining ${left} != ${kUnits}`);
          return stored.length;
        };
        const soldBefore = await check();
        // Clients retry what got no answer, with the same keys: a retry of an order that
        // was committed answers it again; nothing is sold twice.
        const retries = await Promise.all(buyers.map(order));
        for (const [index, checkoutId] of acknowledged) {
          assert.equal(retries[index].status, 200, retries[index].text);
          assert.equal(retries[index].json.checkout_id, checkoutId);
        }
        assert.ok(retries.every((answer) => [200, 201, 409].includes(answer.status)), retries.map((a) => a.status).join(','));
        const soldAfter = await check();
        assert.ok(soldAfter >= soldBefore);
        assert.equal(soldAfter, Math.min(kUnits, kBuyers));
        console.log(`# ${backend}: ${acknowledged.size} acknowledged before the kill, ${unanswered} unanswered, ${soldBefore} stored`);
        assert.match(run(['ledger', 'check', '--db', server.db.url, '--key-file', server.db.key]), /the ledger reconciles/);
      } finally {
        if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
      }
    });
  });
}
