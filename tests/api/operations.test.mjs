// Operations: the command line, health and readiness, metrics, request ids, the static
// web app with cache headers and compression, graceful shutdown, and two app servers on
// one PostgreSQL keeping their own search indexes current.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import zlib from 'node:zlib';
import { startServer, Client, ACCOUNTS, run, freshDatabase, BIN } from './harness.mjs';

describe('command line', () => {
  test('version, a bad flag and an unreachable database', () => {
    assert.match(run(['version']), /^longnan \d+\.\d+\.\d+/);
    for (const args of [['serve', '--bogus'], ['serve', '--port', 'eighty'], ['nothing'],
      ['migrate', '--db', 'postgresql://127.0.0.1:1/none?connect_timeout=2'], ['migrate', '--db', 'mysql://x'],
      ['migrate', '--db', 'sqlite:/dev/null/x.db']]) {
      assert.throws(() => run(args), (error) => {
        const lines = error.stderr.trim().split('\n');
        return error.status === 1 && lines.length === 1 && lines[0].startsWith('longnan: ');
      }, args.join(' '));
    }
  });

  test('a missing key file is not replaced while encrypted data exists', async () => {
    const db = freshDatabase('sqlite');
    run(['demo-data', '--db', db.url, '--key-file', db.key]);
    assert.throws(() => run(['migrate', '--db', db.url, '--key-file', `${db.key}.missing`]),
      (error) => error.status === 1 && /key file .* is missing but the database holds encrypted personal data/.test(error.stderr));
  });

  test('add-user creates the first county admin of a deployment, who can then log in', async () => {
    const db = freshDatabase('sqlite');
    const args = ['add-user', '--db', db.url, '--key-file', db.key, '--phone', '13700000001', '--name', '徽县电商办',
      '--role', 'county_admin', '--county', '621227'];
    assert.match(run(args, { input: 'FirstAdmin2026\n', stdio: ['pipe', 'pipe', 'pipe'] }), /created user \d+/);
    assert.throws(() => run(args, { input: 'FirstAdmin2026\n', stdio: ['pipe', 'pipe', 'pipe'] }),
      (error) => error.status === 1 && /exists/.test(error.stderr));
    assert.throws(() => run([...args.slice(0, -2), '--county', '999999'], { env: { ...process.env, LONGNAN_PASSWORD: 'FirstAdmin2026' } }),
      (error) => error.status === 1 && /no platform/.test(error.stderr));
    const server = await startServer('sqlite', { db, demo: false });
    try {
      const admin = new Client(server.url);
      const user = await admin.login('13700000001', 'FirstAdmin2026');
      assert.equal(user.role, 'county_admin');
      const log = await admin.get(`/api/v1/audit-log?entity=user&entity_id=${user.id}`);
      assert.equal(log.json.items[0].actor_name, 'longnan add-user');
    } finally {
      await server.stop();
    }
  });

  test('LONGNAN_DB and LONGNAN_PORT set the database and the port', async () => {
    const db = freshDatabase('sqlite');
    run(['migrate'], { env: { ...process.env, LONGNAN_DB: db.url, LONGNAN_KEY_FILE: db.key } });
    assert.match(run(['migrate', '--db', db.url, '--key-file', db.key]), /schema version \d+/);
  });
});

describe('operations (sqlite)', () => {
  test('healthz, readyz, metrics and request ids', async () => {
    const server = await startServer('sqlite', { demo: false });
    try {
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.match(health.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
      const ready = await (await fetch(`${server.url}/readyz`)).json();
      assert.equal(ready.status, 'ready');
      await fetch(`${server.url}/api/v1/products`);
      await fetch(`${server.url}/api/v1/products/999999`);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /longnan_http_requests_total\{method="GET",route="\/api\/v1\/products",status="200"\} \d+/);
      assert.match(metrics, /longnan_http_requests_total\{method="GET",route="\/api\/v1\/products\/\{id\}",status="404"\} 1/);
      assert.match(metrics, /longnan_http_request_duration_seconds_bucket\{route="\/api\/v1\/products",le="\+Inf"\} \d+/);
      assert.match(metrics, /longnan_db_pool_connections \d+/);
      const missing = await (await fetch(`${server.url}/api/v1/products/999999`)).json();
      assert.match(missing.error.request_id, /^[0-9a-f]{16}$/);
    } finally {
      await server.stop();
    }
  });

  test('the web app is served with cache headers, ETags, gzip and the page fallbacks', async () => {
    const dist = mkdtempSync(path.join(os.tmpdir(), 'dist-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), `<!doctype html><title>store</title>${'<p>陇南</p>'.repeat(200)}`);
    writeFileSync(path.join(dist, 'admin.html'), '<!doctype html><title>admin</title>');
    writeFileSync(path.join(dist, 'assets', 'app-abc123.js'), `console.log(${JSON.stringify('x'.repeat(5000))});`);
    const server = await startServer('sqlite', { demo: false, staticDir: dist });
    try {
      const asset = await fetch(`${server.url}/assets/app-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(asset.status, 200);
      assert.match(asset.headers.get('cache-control'), /immutable/);
      assert.match(asset.headers.get('content-type'), /javascript/);
      const raw = await fetch(`${server.url}/assets/app-abc123.js`, { headers: { 'accept-encoding': 'identity' } });
      assert.equal(raw.headers.get('content-encoding'), null);
      const page = await fetch(`${server.url}/products/12`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>store/);
      assert.equal(page.headers.get('cache-control'), 'no-cache');
      const etag = page.headers.get('etag');
      assert.equal((await fetch(`${server.url}/`, { headers: { 'if-none-match': etag } })).status, 304);
      assert.match(await (await fetch(`${server.url}/admin/households/3`)).text(), /<title>admin/);
      assert.equal((await fetch(`${server.url}/assets/missing.js`)).status, 404);
      const traversal = await new Promise((resolve) => {
        const socket = require_net().connect(server.port, '127.0.0.1', () => socket.write('GET /assets/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n'));
        let data = '';
        socket.on('data', (chunk) => { data += chunk; socket.end(); });
        socket.on('close', () => resolve(data));
      });
      assert.doesNotMatch(traversal, /root:/);
      // gzip is what curl and browsers ask for; check the bytes decompress.
      const compressed = await new Promise((resolve) => {
        require_http().get(`${server.url}/`, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
          const parts = [];
          response.on('data', (part) => parts.push(part));
          response.on('end', () => resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(parts) }));
        });
      });
      assert.equal(compressed.encoding, 'gzip');
      assert.match(zlib.gunzipSync(compressed.body).toString(), /陇南/);
    } finally {
      await server.stop();
    }
  });

  test('a burst of logins (argon2id) does not stall other clients', async () => {
    const server = await startServer('sqlite');
    try {
      const logins = [];
      for (let index = 0; index < 24; index++)
        logins.push(fetch(`${server.url}/api/v1/auth/login`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ phone: ACCOUNTS.buyer, password: 'Longnan2026!' }),
        }));
      let worst = 0;
      for (let probe = 0; probe < 15; probe++) {
        const started = Date.now();
        assert.equal((await fetch(`${server.url}/api/v1/brands`)).status, 200);
        worst = Math.max(worst, Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const response of await Promise.all(logins)) assert.equal(response.status, 200);
      // Hashing runs on the compute pool: before it did, a probe waited about a second.
      assert.ok(worst < 300, `a quick request waited ${worst} ms behind the logins`);
    } finally {
      await server.stop();
    }
  });

  test('SIGTERM finishes the request in flight, then exits 0', async () => {
    const server = await startServer('sqlite');
    const client = new Client(server.url);
    await client.login(ACCOUNTS.countyAdmin);
    // An export of every household takes a moment: stop the server while it runs.
    const inFlight = fetch(`${server.url}/api/v1/households?format=xlsx`, { headers: { cookie: client.cookie } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    server.child.kill('SIGTERM');
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.ok((await response.arrayBuffer()).byteLength > 10000);
    const code = await new Promise((resolve) => server.child.on('exit', resolve));
    assert.equal(code, 0);
  });
});

import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
function require_net() { return require('node:net'); }
function require_http() { return require('node:http'); }

describe('behind a reverse proxy', () => {
  test('login limits per address use X-Forwarded-For only from the trusted proxy', async () => {
    const server = await startServer('sqlite', { extraArgs: ['--trusted-proxy', '127.0.0.1'] });
    try {
      const attempt = (address, phone) => fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.9, ${address}` },
        body: JSON.stringify({ phone, password: 'wrong-password' }),
      });
      for (let index = 0; index < 30; index++) assert.equal((await attempt('10.0.0.1', `1390000${String(index).padStart(4, '0')}`)).status, 401);
      assert.equal((await attempt('10.0.0.1', '13911112222')).status, 429);
      assert.equal((await attempt('10.0.0.2', '13911112222')).status, 401);
    } finally {
      await server.stop();
    }
  });
});

describe('two app servers on one PostgreSQL', () => {
  test('a product approved on one server is found by search on the other', async () => {
    const db = freshDatabase('postgresql');
    const first = await startServer('postgresql', { db });
    const second = await startServer('postgresql', { db, demo: false });
    try {
      const supplier = new Client(first.url);
      await supplier.login(ACCOUNTS.storeKeeper);
      const categories = (await supplier.get('/api/v1/categories')).json.items;
      const created = await supplier.post('/api/v1/products', {
        name: '跨服务器蜂蜜', category_id: categories.find((c) => c.code === 'tea.honey.honey').id,
        origin_village_code: '621221100201', producer_id: (await supplier.get('/api/v1/producers?page_size=1')).json.items[0].id,
        skus: [{ code: 'X-1', price_fen: 5000, stock: 5 }],
      });
      assert.equal(created.status, 201, created.text);
      const admin = new Client(second.url);
      await admin.login(ACCOUNTS.countyAdmin);
      assert.equal((await admin.post(`/api/v1/products/${created.json.id}/review`, { action: 'approve' })).status, 200);
      // The first server learns of the approval from the database within a few seconds.
      const query = `/api/v1/products?q=${encodeURIComponent('跨服务器')}`;
      let found = 0;
      for (let attempt = 0; attempt < 100 && found === 0; attempt++) {
        found = (await (await fetch(first.url + query)).json()).total;
        if (!found) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(found, 1);
      assert.equal((await (await fetch(second.url + query)).json()).total, 1);
      // Sessions live in the database: a login on one server works on the other.
      const shared = new Client(second.url);
      shared.cookie = admin.cookie;
      shared.base = first.url;
      assert.equal((await shared.get('/api/v1/auth/me')).status, 200);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
