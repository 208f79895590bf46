// Data scope: a user sees and changes only their own county, store or household; a city
// admin sees all counties. Objects outside the scope answer 404 (or 403) and nothing
// changes. Personal data is masked unless the role needs it.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, ACCOUNTS, BACKENDS } from './harness.mjs';

for (const backend of BACKENDS) {
  describe(`data scope (${backend})`, () => {
    let server;
    const as = {};
    let platforms;
    before(async () => {
      server = await startServer(backend);
      for (const [role, phone] of Object.entries(ACCOUNTS)) {
        as[role] = new Client(server.url);
        await as[role].login(phone);
      }
      platforms = Object.fromEntries((await as.cityAdmin.get('/api/v1/platforms')).json.items.map((p) => [p.name, p.id]));
    });
    after(async () => { await server.stop(); });

    async function wenxianHousehold() {
      const list = await as.cityAdmin.get(`/api/v1/households?platform_id=${platforms['文县']}&page_size=1`);
      assert.equal(list.status, 200);
      return list.json.items[0];
    }

    test('a county admin of 成县 cannot read or change a household of 文县, and nothing changes', async () => {
      const household = await wenxianHousehold();
      const read = await as.countyAdmin.get(`/api/v1/households/${household.id}`);
      assert.ok([403, 404].includes(read.status), `read: ${read.status}`);
      assert.doesNotMatch(read.text, new RegExp(household.head_name));
      const change = await as.countyAdmin.patch(`/api/v1/households/${household.id}`, { head_name: '篡改', poverty_status: 'none' });
      assert.ok([403, 404].includes(change.status), `change: ${change.status}`);
      const after = (await as.wenxianAdmin.get(`/api/v1/households/${household.id}`)).json;
      assert.equal(after.head_name, household.head_name);
      assert.equal(after.poverty_status, household.poverty_status);
      assert.equal(after.updated_at, household.updated_at);
    });

    test('a county admin lists only their own county', async () => {
      const list = await as.countyAdmin.get('/api/v1/households?page_size=100');
      assert.ok(list.json.total > 100);
      for (const item of list.json.items) assert.equal(item.platform_id, as.countyAdmin.user.platform_id);
      const foreign = await as.countyAdmin.get(`/api/v1/households?platform_id=${platforms['文县']}`);
      assert.equal(foreign.json.total, 0);
      // Search text is matched literally: % and _ are not wildcards.
      assert.equal((await as.countyAdmin.get('/api/v1/households?q=%25')).json.total, 0);
      assert.equal((await as.countyAdmin.get('/api/v1/households?q=_')).json.total, 0);
      assert.equal((await as.countyAdmin.get('/api/v1/households?village_code=62%25')).status, 422);
      const byVillage = await as.countyAdmin.get('/api/v1/households?village_code=621221&page_size=1');
      assert.equal(byVillage.json.total, list.json.total);
      const producers = await as.countyAdmin.get('/api/v1/producers?page_size=100');
      for (const item of producers.json.items) assert.equal(item.platform_id, as.countyAdmin.user.platform_id);
      const township = producers.json.items[0].village_code.slice(0, 9);
      const inTownship = await as.countyAdmin.get(`/api/v1/producers?village_code=${township}&page_size=100`);
      assert.ok(inTownship.json.total >= 1);
      for (const item of inTownship.json.items) assert.ok(item.village_code.startsWith(township));
      const stores = await as.countyAdmin.get(`/api/v1/stores?village_code=${township}&page_size=100`);
      for (const item of stores.json.items) assert.ok(item.village_code.startsWith(township));
      assert.equal((await as.countyAdmin.get('/api/v1/stores?village_code=abc')).status, 422);
    });

    test('the city admin sees every county, with personal data masked', async () => {
      const list = await as.cityAdmin.get('/api/v1/households?page_size=1');
      assert.equal(list.json.total, 3600);
      const seen = new Set();
      for (const name of Object.keys(platforms)) {
        const page = await as.cityAdmin.get(`/api/v1/households?platform_id=${platforms[name]}&page_size=1`);
        if (page.json.total > 0) seen.add(name);
      }
      assert.equal(seen.size, 9);
      const item = list.json.items[0];
      assert.match(item.id_card, /^\d{6}\*{8}\d{3}[\dX]$/);
      assert.match(item.phone, /^1\d{2}\*{4}\d{4}$/);
      assert.match(item.bank_account, /^\*+\d{4}$/);
    });

    test('the county admin sees personal data in full; it is encrypted at rest', async () => {
      const list = await as.countyAdmin.get('/api/v1/households?page_size=1');
      const item = list.json.items[0];
      assert.match(item.id_card, /^\d{17}[\dX]$/);
      assert.match(item.phone, /^1\d{10}$/);
      if (backend === 'sqlite') {
        const { readFileSync } = await import('node:fs');
        const file = server.db.url.slice('sqlite:'.length);
        const bytes = readFileSync(file).toString('latin1') + (() => { try { return readFileSync(`${file}-wal`).toString('latin1'); } catch { return ''; } })();
        assert.ok(!bytes.includes(item.id_card), 'an ID-card number is stored in clear');
        assert.ok(!bytes.includes(item.bank_account), 'a bank account is stored in clear');
      }
    });

    test('a store keeper sees only the households their store brings along, masked', async () => {
      const mine = await as.storeKeeper.get('/api/v1/households?page_size=100');
      assert.equal(mine.status, 200);
      assert.equal(mine.json.total, 8);
      for (const item of mine.json.items) assert.match(item.id_card, /\*/);
      const linked = await as.storeKeeper.get(`/api/v1/stores/${as.storeKeeper.user.store_id}/households`);
      assert.deepEqual(new Set(linked.json.items.map((h) => h.household_id)), new Set(mine.json.items.map((h) => h.id)));
      const household = await wenxianHousehold();
      assert.ok([403, 404].includes((await as.storeKeeper.get(`/api/v1/households/${household.id}`)).status));
      const otherStore = (await as.countyAdmin.get('/api/v1/stores?mine=1&page_size=5')).json.items.find((s) => s.id !== as.storeKeeper.user.store_id);
      assert.ok([403, 404].includes((await as.storeKeeper.get(`/api/v1/stores/${otherStore.id}/households`)).status));
      assert.ok([403, 404].includes((await as.storeKeeper.patch(`/api/v1/stores/${otherStore.id}`, { name: '别人的店' })).status));
    });

    test('a household sees only itself, in full', async () => {
      const mine = await as.household.get('/api/v1/households');
      assert.equal(mine.json.total, 1);
      assert.equal(mine.json.items[0].id, as.household.user.household_id);
      assert.match(mine.json.items[0].id_card, /^\d{17}[\dX]$/);
      const other = await as.countyAdmin.get('/api/v1/households?page_size=2');
      const otherId = other.json.items.find((h) => h.id !== as.household.user.household_id).id;
      assert.ok([403, 404].includes((await as.household.get(`/api/v1/households/${otherId}`)).status));
    });

    test('buyers and couriers see no households; auditors read but do not write', async () => {
      assert.equal((await as.buyer.get('/api/v1/households')).status, 403);
      assert.equal((await as.courier.get('/api/v1/households')).status, 403);
      assert.equal((await as.auditor.get('/api/v1/households?page_size=1')).json.total, 3600);
      const create = await as.auditor.post('/api/v1/households', { village_code: '621221100201', head_name: '审计', poverty_status: 'none' });
      assert.equal(create.status, 403);
    });

    test('a county admin cannot create in another county or act on its products', async () => {
      const village = (await as.countyAdmin.get('/api/v1/divisions?parent=622222')).json.items; // no such parent: empty
      assert.equal(village.length, 0);
      const wenxianVillage = '621222100201';
      const create = await as.countyAdmin.post('/api/v1/households', { village_code: wenxianVillage, head_name: '越界', poverty_status: 'none' });
      assert.ok([403, 422].includes(create.status), `${create.status} ${create.text}`);
      const foreignProduct = (await as.wenxianAdmin.get('/api/v1/admin/products?status=listed&page_size=1')).json.items[0];
      const review = await as.countyAdmin.post(`/api/v1/products/${foreignProduct.id}/review`, { action: 'delist' });
      assert.ok([403, 404].includes(review.status));
      assert.equal((await as.wenxianAdmin.get(`/api/v1/products/${foreignProduct.id}`)).json.status, 'listed');
      const patch = await as.storeKeeper.patch(`/api/v1/products/${foreignProduct.id}`, { name: '改名' });
      assert.ok([403, 404].includes(patch.status));
    });

    test('ids that do not exist and ids of others look the same', async () => {
      const household = await wenxianHousehold();
      const foreign = await as.countyAdmin.get(`/api/v1/households/${household.id}`);
      const missing = await as.countyAdmin.get('/api/v1/households/987654321');
      assert.equal(foreign.status, missing.status);
      assert.equal(foreign.json.error.message, missing.json.error.message);
    });

    test('changes are in the audit log, readable by auditors, personal data masked', async () => {
      const household = (await as.countyAdmin.get('/api/v1/households?page_size=1')).json.items[0];
      const patch = await as.countyAdmin.patch(`/api/v1/households/${household.id}`, { poverty_status: 'lifted' });
      assert.equal(patch.status, 200);
      const log = await as.auditor.get(`/api/v1/audit-log?entity=household&entity_id=${household.id}`);
      assert.equal(log.status, 200);
      const entry = log.json.items[0];
      assert.equal(entry.actor_name, as.countyAdmin.user.name);
      assert.equal(entry.action, 'update');
      assert.equal(entry.before.poverty_status, household.poverty_status);
      assert.equal(entry.after.poverty_status, 'lifted');
      assert.doesNotMatch(JSON.stringify(entry), new RegExp(household.id_card));
      assert.match(entry.after.id_card, /\*/);
      const wenxianLog = await as.wenxianAdmin.get(`/api/v1/audit-log?entity=household&entity_id=${household.id}`);
      assert.equal(wenxianLog.json.total, 0);
      assert.equal((await as.storeKeeper.get('/api/v1/audit-log')).status, 403);
    });
  });
}
