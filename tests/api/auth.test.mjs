// Accounts: login by phone and password, the session cookie and its CSRF token, bearer
// tokens, logout, password change, rate limits, and user management with audit.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, ACCOUNTS, BACKENDS, PASSWORD } from './harness.mjs';

for (const backend of BACKENDS) {
  describe(`accounts (${backend})`, () => {
    let server;
    before(async () => { server = await startServer(backend); });
    after(async () => { await server.stop(); });

    test('login sets an HttpOnly SameSite cookie and returns a CSRF token', async () => {
      const client = new Client(server.url);
      const response = await client.post('/api/v1/auth/login', { phone: ACCOUNTS.countyAdmin, password: PASSWORD });
      assert.equal(response.status, 200);
      const cookie = response.headers.get('set-cookie');
      assert.match(cookie, /ln_session=[0-9a-f]{64}/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      assert.equal(response.json.user.role, 'county_admin');
      assert.match(response.json.csrf_token, /^[0-9a-f]{32}$/);
      assert.ok(!('password_hash' in response.json.user));
      client.csrf = response.json.csrf_token;
      const me = await client.get('/api/v1/auth/me');
      assert.equal(me.json.user.phone, ACCOUNTS.countyAdmin);
      assert.equal(me.json.csrf_token, client.csrf);
    });

    test('state-changing requests with the cookie need the CSRF token', async () => {
      const client = new Client(server.url);
      await client.login(ACCOUNTS.countyAdmin);
      const token = client.csrf;
      client.csrf = '';
      const without = await client.post('/api/v1/households', { village_code: '621221100201', head_name: '无令牌', poverty_status: 'none' });
      assert.equal(without.status, 403);
      client.csrf = 'f'.repeat(32);
      assert.equal((await client.post('/api/v1/households', { village_code: '621221100201', head_name: '错令牌', poverty_status: 'none' })).status, 403);
      client.csrf = token;
      assert.equal((await client.post('/api/v1/households', { village_code: '621221100201', head_name: '有令牌', poverty_status: 'none' })).status, 201);
      const list = await client.get('/api/v1/households?q=令牌');
      assert.deepEqual(list.json.items.map((h) => h.head_name), ['有令牌']);
    });

    test('bearer tokens work without cookies or CSRF, and bad tokens are 401', async () => {
      const client = new Client(server.url);
      const response = await client.post('/api/v1/auth/tokens', { phone: ACCOUNTS.cityAdmin, password: PASSWORD });
      assert.equal(response.status, 200);
      assert.equal(response.json.token_type, 'Bearer');
      const api = new Client(server.url);
      api.token = response.json.token;
      assert.equal((await api.get('/api/v1/households?page_size=1')).status, 200);
      const bad = new Client(server.url);
      bad.token = 'nope';
      assert.equal((await bad.get('/api/v1/households')).status, 401);
      assert.equal((await api.post('/api/v1/auth/logout')).status, 204);
      assert.equal((await api.get('/api/v1/households')).status, 401);
    });

    test('wrong passwords are 401; too many are 429 per phone, and the real password then waits too', async () => {
      const client = new Client(server.url);
      const phone = ACCOUNTS.courier;
      for (let attempt = 0; attempt < 5; attempt++) {
        const response = await client.post('/api/v1/auth/login', { phone, password: `wrong-${attempt}` });
        assert.equal(response.status, 401);
      }
      const limited = await client.post('/api/v1/auth/login', { phone, password: PASSWORD });
      assert.equal(limited.status, 429);
      assert.equal(limited.json.error.code, 'too_many_requests');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      const unknown = await client.post('/api/v1/auth/login', { phone: '13999999999', password: 'whatever1' });
      assert.equal(unknown.status, 401);
      assert.equal(unknown.json.error.message, 'wrong phone number or password');
    });

    test('password change needs the old password and ends other sessions', async () => {
      const first = new Client(server.url);
      await first.login(ACCOUNTS.auditor);
      const second = new Client(server.url);
      await second.login(ACCOUNTS.auditor);
      const wrong = await first.post('/api/v1/auth/password', { old_password: 'nope-nope', new_password: 'NewPassword1' });
      assert.equal(wrong.status, 422);
      const short = await first.post('/api/v1/auth/password', { old_password: PASSWORD, new_password: 'short' });
      assert.equal(short.status, 422);
      assert.equal((await first.post('/api/v1/auth/password', { old_password: PASSWORD, new_password: 'NewPassword1' })).status, 204);
      assert.equal((await first.get('/api/v1/auth/me')).status, 200);
      assert.equal((await second.get('/api/v1/auth/me')).status, 401);
      const again = new Client(server.url);
      assert.equal((await again.post('/api/v1/auth/login', { phone: ACCOUNTS.auditor, password: PASSWORD })).status, 401);
      await again.login(ACCOUNTS.auditor, 'NewPassword1');
    });

    test('logout ends the cookie session', async () => {
      const client = new Client(server.url);
      await client.login(ACCOUNTS.buyer);
      const response = await client.post('/api/v1/auth/logout');
      assert.equal(response.status, 204);
      assert.match(response.headers.get('set-cookie'), /Max-Age=0/);
      assert.equal((await client.get('/api/v1/auth/me')).status, 401);
    });

    test('a county admin manages accounts of their county only, with audit', async () => {
      const admin = new Client(server.url);
      await admin.login(ACCOUNTS.countyAdmin);
      const created = await admin.post('/api/v1/users', { phone: '13900000123', name: '新快递员', password: 'Courier2026', role: 'courier' });
      assert.equal(created.status, 201, created.text);
      const keepers = await admin.get('/api/v1/users?role=store_keeper');
      assert.ok(keepers.json.items.every((user) => typeof user.store_name === 'string' && user.store_name.length > 0));
      assert.equal(created.json.platform_id, admin.user.platform_id);
      assert.equal((await admin.post('/api/v1/users', { phone: '13900000123', name: '重复', password: 'Courier2026', role: 'courier' })).status, 409);
      assert.equal((await admin.post('/api/v1/users', { phone: '13900000124', name: '市管理员', password: 'Courier2026', role: 'city_admin' })).status, 403);
      assert.equal((await admin.post('/api/v1/users', { phone: '139', name: 'x', password: 'Courier2026', role: 'courier' })).status, 422);
      const courier = new Client(server.url);
      await courier.login('13900000123', 'Courier2026');
      assert.equal((await admin.patch(`/api/v1/users/${created.json.id}`, { disabled: true })).status, 200);
      assert.equal((await courier.get('/api/v1/auth/me')).status, 401);
      const wenxian = new Client(server.url);
      await wenxian.login(ACCOUNTS.wenxianAdmin);
      assert.equal((await wenxian.patch(`/api/v1/users/${created.json.id}`, { disabled: false })).status, 404);
      const log = await admin.get(`/api/v1/audit-log?entity=user&entity_id=${created.json.id}`);
      assert.deepEqual(log.json.items.map((e) => e.action), ['update', 'create']);
      assert.equal(log.json.items[0].after.disabled, true);
    });
  });
}
