// Imports of households, producers and products from CSV and XLSX (all rows or none,
// with a row-by-row report), and exports of the admin lists to CSV and XLSX.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, Client, ACCOUNTS, BACKENDS, run } from './harness.mjs';

const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

for (const backend of BACKENDS) {
  describe(`import and export (${backend})`, () => {
    let server;
    let admin;
    before(async () => {
      server = await startServer(backend);
      admin = new Client(server.url);
      await admin.login(ACCOUNTS.countyAdmin);
    });
    after(async () => { await server.stop(); });

    const upload = (kind, body, type = CSV, client = admin) =>
      client.request('POST', `/api/v1/import/${kind}`, { raw: body, headers: { 'content-type': type } });

    test('a household list imports whole, with full-width separators and Chinese status labels', async () => {
      const before = (await admin.get('/api/v1/households?page_size=1')).json.total;
      const csv = '\ufeffvillage_code,head_name,members,phone,id_card,bank_account,poverty_status\r\n' +
        '621221100201,导入甲,李四：配偶；李小：子女,13912345678,621221199001010017,6228000011112222333,建档立卡\r\n' +
        '621221100201,导入乙,,,,,已脱贫\r\n';
      const response = await upload('households', csv);
      assert.equal(response.status, 201, response.text);
      assert.equal(response.json.imported, 2);
      const list = await admin.get(`/api/v1/households?q=${encodeURIComponent('导入')}`);
      assert.equal(list.json.total, 2);
      const first = list.json.items.find((h) => h.head_name === '导入甲');
      assert.deepEqual(first.members.map((m) => m.relation), ['配偶', '子女']);
      assert.equal(first.poverty_status, 'registered');
      assert.equal((await admin.get('/api/v1/households?page_size=1')).json.total, before + 2);
      const audit = (await admin.get('/api/v1/audit-log?entity=household')).json.items.find((e) => e.action === 'import');
      assert.deepEqual(new Set(audit.after.ids), new Set(list.json.items.map((h) => h.id)));
    });

    test('one bad row stops the whole import and every bad row is reported', async () => {
      const before = (await admin.get('/api/v1/households?page_size=1')).json.total;
      const csv = 'village_code,head_name,phone,id_card,poverty_status\n' +
        '621221100201,好人,13912345670,,none\n' +
        '621221100201,坏身份证,,621221199001010011,none\n' +
        '999999999999,坏村,,,none\n' +
        '621222100201,别县,,,none\n' +
        '621221100201,,,,none\n';
      const response = await upload('households', csv);
      assert.equal(response.status, 422);
      assert.deepEqual(response.json.error.rows.map((r) => [r.row, r.field]),
        [[3, 'id_card'], [4, 'village_code'], [5, 'village_code'], [6, 'head_name']]);
      assert.equal((await admin.get('/api/v1/households?page_size=1')).json.total, before);
    });

    test('uploads must be CSV or XLSX and readable', async () => {
      assert.equal((await upload('households', 'x', 'text/plain')).status, 415);
      assert.equal((await upload('households', 'PK\u0003\u0004garbage', XLSX)).status, 422);
      assert.equal((await upload('households', 'village_code,head_name\n')).status, 422);
      assert.equal((await upload('households', 'a,"unterminated\n1,2\n')).status, 422);
      const storeKeeper = new Client(server.url);
      await storeKeeper.login(ACCOUNTS.storeKeeper);
      assert.equal((await upload('households', 'village_code,head_name\n621221100201,x\n', CSV, storeKeeper)).status, 403);
    });

    test('an XLSX export imports back (producers round trip)', async () => {
      const exported = await fetch(`${server.url}/api/v1/producers?format=xlsx`, { headers: { cookie: admin.cookie } });
      assert.equal(exported.status, 200);
      assert.equal(exported.headers.get('content-type'), XLSX);
      assert.match(exported.headers.get('content-disposition'), /producers\.xlsx/);
      const bytes = Buffer.from(await exported.arrayBuffer());
      assert.equal(bytes.subarray(0, 2).toString(), 'PK');
      // The export has id and display columns the import ignores; household producers
      // keep their household, so the re-import doubles the county's producers.
      const before = (await admin.get('/api/v1/producers?page_size=1')).json.total;
      const response = await upload('producers', bytes, XLSX);
      assert.equal(response.status, 201, response.text);
      assert.equal(response.json.imported, before);
      assert.equal((await admin.get('/api/v1/producers?page_size=1')).json.total, before * 2);
    });

    test('products import one SKU per row, grouped into products waiting for approval', async () => {
      const producers = (await admin.get('/api/v1/producers?kind=cooperative&page_size=1')).json.items;
      const store = (await admin.get('/api/v1/stores?mine=1&page_size=1')).json.items[0];
      const header = 'store_id,producer_id,category_code,brand,name,unit,origin_village_code,sku_code,price_fen,stock,weight_g,gtin,cold_chain\n';
      const rows = `${store.id},${producers[0].id},dry.nuts.walnut,成县核桃,导入核桃,袋,621221100201,IMP-1,2500,10,500,,否\n` +
        `${store.id},${producers[0].id},dry.nuts.walnut,成县核桃,导入核桃,袋,621221100201,IMP-2,4500,10,1000,,no\n`;
      const response = await upload('products', header + rows);
      assert.equal(response.status, 201, response.text);
      assert.equal(response.json.imported, 1);
      const pending = await admin.get(`/api/v1/admin/products?status=store_accepted&q=${encodeURIComponent('导入核桃')}`);
      assert.equal(pending.json.total, 1);
      const detail = (await admin.get(`/api/v1/products/${pending.json.items[0].id}`)).json;
      assert.deepEqual(detail.skus.map((s) => s.code), ['IMP-1', 'IMP-2']);
      assert.equal(detail.min_price_fen, 2500);
      assert.deepEqual(detail.skus.map((s) => s.volume_ml), [null, null]);
      // The optional volume column: millilitres of one packed unit.
      const withVolume = header.replace('weight_g,', 'weight_g,volume_ml,');
      const measured = await upload('products', withVolume +
        `${store.id},${producers[0].id},dry.nuts.walnut,成县核桃,导入量体积核桃,袋,621221100201,VOL-1,2500,10,500,900,,否\n`);
      assert.equal(measured.status, 201, measured.text);
      const found = await admin.get(`/api/v1/admin/products?status=store_accepted&q=${encodeURIComponent('导入量体积核桃')}`);
      assert.equal((await admin.get(`/api/v1/products/${found.json.items[0].id}`)).json.skus[0].volume_ml, 900);
      const badVolume = await upload('products', withVolume +
        `${store.id},${producers[0].id},dry.nuts.walnut,成县核桃,导入核桃二,袋,621221100201,VOL-2,2500,10,500,lots,,否\n`);
      assert.equal(badVolume.status, 422);
      assert.equal(badVolume.json.error.rows[0].field, 'volume_ml');
      const bad = await upload('products', header + `${store.id},${producers[0].id},nope,,x,袋,621221100201,A,0,1,,6901234567893,maybe\n`);
      assert.equal(bad.status, 422);
      assert.equal(bad.json.error.rows.length, 1);
    });

    test('every admin list exports to CSV and XLSX', async () => {
      for (const list of ['/api/v1/households', '/api/v1/producers', '/api/v1/stores', '/api/v1/admin/products', '/api/v1/audit-log',
        '/api/v1/users', '/api/v1/certifications']) {
        const csv = await fetch(`${server.url}${list}?format=csv`, { headers: { cookie: admin.cookie } });
        assert.equal(csv.status, 200, list);
        assert.match(csv.headers.get('content-type'), /text\/csv/);
        const bytes = Buffer.from(await csv.arrayBuffer());
        assert.equal(bytes.subarray(0, 3).toString('hex'), 'efbbbf', `${list}: no BOM`);
        const text = bytes.toString('utf8');
        assert.ok(text.split('\r\n').length > 2, `${list}: no rows`);
        const xlsx = await fetch(`${server.url}${list}?format=xlsx`, { headers: { cookie: admin.cookie } });
        assert.equal(xlsx.status, 200, list);
        assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
      }
      const households = await (await fetch(`${server.url}/api/v1/households?format=csv`, { headers: { cookie: admin.cookie } })).text();
      assert.equal(households.trim().split('\r\n').length - 1, (await admin.get('/api/v1/households?page_size=1')).json.total);
      assert.equal((await admin.get('/api/v1/households?format=pdf')).status, 422);
    });

    test('longnan import reads CSV files from the command line, all or nothing', async () => {
      const dir = path.dirname(server.db.key);
      const good = path.join(dir, 'households.csv');
      writeFileSync(good, 'village_code,head_name,poverty_status\n621221100201,命令行导入,monitored\n');
      const output = run(['import', 'households', good, '--county', '621221', '--db', server.db.url, '--key-file', server.db.key]);
      assert.match(output, /imported 1 households/);
      const bad = path.join(dir, 'bad.csv');
      writeFileSync(bad, 'village_code,head_name,poverty_status\n621221100201,好,none\n621221100201,坏,unknown\n');
      assert.throws(() => run(['import', 'households', bad, '--county', '621221', '--db', server.db.url, '--key-file', server.db.key]),
        (error) => /row 3: poverty_status/.test(error.stderr) && error.status === 1);
      const list = await admin.get(`/api/v1/households?q=${encodeURIComponent('命令行导入')}`);
      assert.equal(list.json.total, 1);
    });
  });
}
