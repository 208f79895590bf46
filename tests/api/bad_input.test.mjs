// Every bad input of the API contract, on SQLite and PostgreSQL: the right status and
// error shape, nothing half-stored, nothing internal disclosed, and the server keeps
// answering other clients meanwhile.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startServer, Client, ACCOUNTS, BACKENDS } from './harness.mjs';

const NAUGHTY = JSON.parse(readFileSync(new URL('../fixtures/blns.json', import.meta.url), 'utf8'));

function assertError(response, status, code) {
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${response.text}`);
  assert.ok(response.json && response.json.error, `no error object in ${response.text}`);
  if (code) assert.equal(response.json.error.code, code);
  assert.equal(typeof response.json.error.message, 'string');
  assert.match(response.json.error.request_id, /^[0-9a-f]{16}$/);
  assert.doesNotMatch(response.text, /SELECT|INSERT|sqlite|soci|postgres|\/work\/|\.cpp|std::/i, 'internal detail leaked');
}

// Sends raw bytes and collects whatever comes back until the server closes or `ms` pass.
function rawExchange(port, chunks, { ms = 5000, delayMs = 0 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    socket.on('data', (chunk) => { data += chunk; });
    socket.on('error', () => {});
    socket.on('close', () => { closed = true; resolve({ data, closed }); });
    setTimeout(() => { socket.destroy(); if (!closed) resolve({ data, closed: false }); }, ms);
    (async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      }
    })();
  });
}

for (const backend of BACKENDS) {
  describe(`bad input (${backend})`, () => {
    let server;
    let admin;
    before(async () => {
      server = await startServer(backend, { extraArgs: ['--header-timeout', '2', '--body-timeout', '3'] });
      admin = new Client(server.url);
      await admin.login(ACCOUNTS.countyAdmin);
    });
    after(async () => { await server.stop(); });

    test('malformed JSON, wrong types and wrong shapes are 400', async () => {
      assertError(await admin.request('POST', '/api/v1/households', { raw: '{"head_name":', headers: { 'content-type': 'application/json' } }), 400, 'bad_request');
      assertError(await admin.request('POST', '/api/v1/households', { raw: '[1,2]', headers: { 'content-type': 'application/json' } }), 400);
      assertError(await admin.post('/api/v1/households', { village_code: 621221100201, head_name: 'x', poverty_status: 'none' }), 400);
      assertError(await admin.post('/api/v1/stores/1/households', { household_id: '12', mechanism: 'purchase' }), 400);
    });

    test('validation failures are 422 with the field', async () => {
      const response = await admin.post('/api/v1/households', {
        village_code: '621221100201', head_name: '张三', poverty_status: 'registered', id_card: '621221198001010013',
      });
      assertError(response, 422, 'validation_failed');
      assert.equal(response.json.error.field, 'id_card');
      const empty = await admin.post('/api/v1/households', { village_code: '621221100201', head_name: '   ', poverty_status: 'none' });
      assertError(empty, 422);
      assert.equal(empty.json.error.field, 'head_name');
      const member = await admin.post('/api/v1/households', {
        village_code: '621221100201', head_name: '张三', poverty_status: 'none', members: [{ name: '李四', relation: '配偶' }, { name: '' }],
      });
      assertError(member, 422);
      assert.equal(member.json.error.field, 'members[1].name');
    });

    test('numbers out of range are refused, not wrapped', async () => {
      for (const price of ['1e400', '18446744073709551616', '-1', '9223372036854775807', '1.5']) {
        const response = await admin.request('POST', '/api/v1/products', {
          headers: { 'content-type': 'application/json' },
          raw: `{"name":"x","category_id":14,"origin_village_code":"621221100201","store_id":1,"producer_id":1,"skus":[{"code":"a","price_fen":${price},"stock":1}]}`,
        });
        assert.ok([400, 422].includes(response.status), `price ${price}: ${response.status} ${response.text}`);
      }
      assertError(await admin.get('/api/v1/products?page=99999999999999999999'), 422);
      assertError(await admin.get('/api/v1/products?page=abc'), 400);
      assertError(await admin.get('/api/v1/products?page_size=0'), 422);
    });

    test('invalid UTF-8 in a body or a query is refused', async () => {
      const body = Buffer.concat([Buffer.from('{"village_code":"621221100201","poverty_status":"none","head_name":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')]);
      assertError(await admin.request('POST', '/api/v1/households', { raw: body, headers: { 'content-type': 'application/json' } }), 400);
      assertError(await admin.get('/api/v1/products?q=%FF%FE'), 422);
    });

    test('JSON nested 10,000 deep is refused without harm', async () => {
      const deep = `{"a":${'['.repeat(10000)}${']'.repeat(10000)}}`;
      assertError(await admin.request('POST', '/api/v1/households', { raw: deep, headers: { 'content-type': 'application/json' } }), 400);
      assert.equal((await admin.get('/healthz')).status, 200);
    });

    test('not logged in is 401, wrong role is 403, unknown id is 404, wrong method is 405', async () => {
      const anonymous = new Client(server.url);
      assertError(await anonymous.get('/api/v1/households'), 401, 'unauthenticated');
      const buyer = new Client(server.url);
      await buyer.login(ACCOUNTS.buyer);
      assertError(await buyer.get('/api/v1/households'), 403, 'forbidden');
      assertError(await admin.get('/api/v1/households/99999999'), 404, 'not_found');
      assertError(await admin.get('/api/v1/households/abc'), 404);
      assertError(await admin.get('/api/v1/no-such-thing'), 404);
      const wrong = await admin.request('DELETE', '/api/v1/products');
      assertError(wrong, 405, 'method_not_allowed');
      assert.match(wrong.headers.get('allow'), /GET/);
    });

    test('a conflict is 409 and changes nothing', async () => {
      const listed = await admin.get('/api/v1/admin/products?status=listed&page_size=1');
      const id = listed.json.items[0].id;
      assertError(await admin.post(`/api/v1/products/${id}/review`, { action: 'approve' }), 409, 'conflict');
      assert.equal((await admin.get(`/api/v1/products/${id}`)).json.status, 'listed');
    });

    test('wrong content type is 415', async () => {
      assertError(await admin.request('POST', '/api/v1/households', { raw: 'head_name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
      assertError(await admin.request('POST', '/api/v1/import/households', { raw: 'a,b', headers: { 'content-type': 'application/json' } }), 415);
    });

    test('a body over the limit is 413, whether announced or streamed', async () => {
      const announced = await rawExchange(server.port, [
        `POST /api/v1/households HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`,
      ]);
      assert.match(announced.data, /^HTTP\/1\.1 413/);
      const chunk = 'x'.repeat(64 * 1024);
      const chunks = [`POST /api/v1/households HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`];
      for (let i = 0; i < 40; i++) chunks.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      const streamed = await rawExchange(server.port, chunks);
      assert.match(streamed.data, /^HTTP\/1\.1 413/);
    });

    test('headers over 16 KiB are 431; HEAD answers the GET header alone', async () => {
      const big = await rawExchange(server.port, [`GET /api/v1/products HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`]);
      assert.match(big.data, /^HTTP\/1\.1 431/);
      assert.match(big.data, /"code":"headers_too_large"/);
      const get = await fetch(`${server.url}/api/v1/brands`);
      const body = await get.text();
      const head = await rawExchange(server.port, ['HEAD /api/v1/brands HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
      const [header, rest] = head.data.split('\r\n\r\n');
      assert.match(header, /^HTTP\/1\.1 200/);
      assert.match(header, new RegExp(`Content-Length: ${Buffer.byteLength(body)}`, 'i'));
      assert.equal(rest, '');
    });

    test('garbage instead of HTTP is answered 400 and the connection closed', async () => {
      const result = await rawExchange(server.port, ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n']);
      assert.match(result.data, /^HTTP\/1\.1 400/);
      assert.ok(result.closed);
    });

    test('a client sending one byte a second is cut off and does not stall others', async () => {
      const request = 'GET /api/v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(40) + '\r\n\r\n';
      const started = Date.now();
      const slow = rawExchange(server.port, [...request], { ms: 15000, delayMs: 1000 });
      // Meanwhile other clients are served promptly.
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now();
        assert.equal((await fetch(`${server.url}/api/v1/products?page_size=5`)).status, 200);
        assert.ok(Date.now() - t0 < 1000, 'a normal request waited behind the slow client');
      }
      const result = await slow;
      assert.ok(result.closed, 'the slow client was not disconnected');
      assert.ok(Date.now() - started < 10000, `cut off after ${Date.now() - started} ms`);
    });

    test('naughty strings are stored or refused cleanly, never a 500', async () => {
      const ids = [];
      for (const text of NAUGHTY) {
        const search = await admin.get(`/api/v1/products?q=${encodeURIComponent(text)}`);
        assert.ok([200, 422].includes(search.status), `search ${JSON.stringify(text)}: ${search.status}`);
        const created = await admin.post('/api/v1/households', { village_code: '621221100201', head_name: text, poverty_status: 'none' });
        assert.ok([201, 400, 422].includes(created.status), `create ${JSON.stringify(text)}: ${created.status} ${created.text}`);
        if (created.status === 201) {
          const stored = await admin.get(`/api/v1/households/${created.json.id}`);
          assert.equal(stored.json.head_name, text.trim());
          ids.push(created.json.id);
        }
      }
      assert.ok(ids.length > 100, 'most naughty strings are valid names and must round-trip');
      assert.equal((await admin.get('/healthz')).status, 200);
    });

    test('naughty strings at the platform end: checkout, payment callbacks, ledger, sale events, freight', async () => {
      const buyer = new Client(server.url);
      await buyer.login(ACCOUNTS.buyer);
      const keeper = new Client(server.url);
      await keeper.login(ACCOUNTS.storeKeeper);
      const address = (await buyer.post('/api/v1/addresses', {
        recipient: '王小明', phone: '13912345678', division_code: '621221100201', detail: '二组',
      })).json;
      const product = (await buyer.get(`/api/v1/products?platform_id=${keeper.user.platform_id}&page_size=1`)).json.items[0];
      const sku = (await buyer.get(`/api/v1/products/${product.id}`)).json.skus[0];
      await buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
      for (const text of NAUGHTY) {
        const quote = await buyer.post('/api/v1/orders/quote', { address_id: address.id, delivery_mode: 'express', note: text });
        assert.ok([200, 422].includes(quote.status), `quote note ${JSON.stringify(text)}: ${quote.status} ${quote.text}`);
        const agent = await keeper.post('/api/v1/orders/quote', { address_id: address.id, delivery_mode: 'pickup', on_behalf_of: { name: text } });
        assert.ok([200, 400, 422].includes(agent.status), `agent name ${JSON.stringify(text)}: ${agent.status}`);
        const callback = await new Client(server.url).request('POST', '/api/v1/payments/sandbox/notify', {
          raw: text, headers: { 'content-type': 'application/json', 'longnan-sandbox-signature': Buffer.from(text).toString('hex').slice(0, 64) },
        });
        assertError(callback, 401, 'bad_signature');
        const ledger = await admin.get(`/api/v1/ledger/entries?from=${encodeURIComponent(text)}`);
        assert.ok([200, 422].includes(ledger.status), `ledger from ${JSON.stringify(text)}: ${ledger.status}`);
        const events = await buyer.get(`/api/v1/sale-events?state=${encodeURIComponent(text)}`);
        assert.ok([200, 422].includes(events.status), `sale events ${JSON.stringify(text)}: ${events.status}`);
        const freight = await keeper.request('PUT', `/api/v1/stores/${keeper.user.store_id}/freight`, {
          body: { rules: [{ region_prefix: text, first_weight_g: 1000, first_fen: 0, extra_weight_g: 1000, extra_fen: 0 }] },
        });
        assert.ok([200, 400, 422].includes(freight.status), `freight ${JSON.stringify(text)}: ${freight.status}`);
      }
      assert.equal((await admin.get('/healthz')).status, 200);
    });

    test('nothing is half-stored when a request fails part-way', async () => {
      const before = (await admin.get('/api/v1/admin/products?status=store_accepted')).json.total;
      const response = await admin.post('/api/v1/products', {
        name: '半截商品', category_id: 10, origin_village_code: '621221100201', store_id: admin.user.store_id || 1, producer_id: 1,
        skus: [{ code: 'ok', price_fen: 100, stock: 1 }, { code: 'ok', price_fen: 100, stock: 1 }],
      });
      assert.ok(response.status >= 400);
      assert.equal((await admin.get('/api/v1/admin/products?status=store_accepted')).json.total, before);
    });
  });
}
