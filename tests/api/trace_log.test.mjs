// Traceability, what is recorded and what proves it: production records on a lot (with the
// safety-interval warning and cold-chain alerts), printed codes that decode to the lot's
// and items' Digital Link URIs (PNG, and PDF label sheets through pdftoppm and zbarimg),
// signed checkpoints with inclusion proofs, the auditor's co-signature, `longnan trace
// verify` catching an altered, a deleted and two swapped events, scans that look copied,
// and recall from a lot to its orders and buyers.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, Client, ACCOUNTS, BACKENDS, BIN } from './harness.mjs';

const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts.map((p) => Buffer.from(p)))).digest();
const leafHash = (hashUri) => sha256(Buffer.from([0]), Buffer.from(hashUri.split(';')[1].slice(0, 64), 'hex'));
const nodeHash = (left, right) => sha256(Buffer.from([1]), left, right);

// RFC 9162 §2.1.3.2: whether `proof` takes leaf `index` of a tree of `size` leaves to `root`.
function verifyInclusion(leaf, index, size, proof, root) {
  if (index >= size) return false;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1; sn >>= 1;
  }
  return sn === 0 && r.equals(root);
}

function checkpointVerifies(checkpoint, signatureHex = checkpoint.signature, keyHex = checkpoint.public_key) {
  const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(keyHex, 'hex')]),
    format: 'der', type: 'spki' });
  return verifySignature(null, Buffer.from(checkpoint.body), key, Buffer.from(signatureHex, 'hex'));
}

async function until(check, what, timeoutMs = 10000) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// SQL on the server's database through its own command-line client.
function sql(db, statement) {
  if (db.url.startsWith('sqlite:')) return execFileSync('sqlite3', [db.url.slice(7), statement], { encoding: 'utf8' });
  return execFileSync('psql', [db.url, '-qAt', '-c', statement], { encoding: 'utf8' });
}

function verifyLog(db) {
  return spawnSync(BIN, ['trace', 'verify', '--db', db.url, '--key-file', db.key, '--public-url', 'http://localhost:8080'],
    { encoding: 'utf8', timeout: 60000 });
}

// A date in Shanghai `offset` days from today, YYYY-MM-DD.
const day = (offset) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
// The test lot is harvested three days ago: newer than the demo lots of the same SKU.
const harvest = (offset = 0) => day(offset - 3);

const scratch = () => mkdtempSync(join(process.env.LONGNAN_TEST_TMP || tmpdir(), 'trace-'));

for (const backend of BACKENDS) {
  describe(`traceability: records, codes, the tamper-evident log and recall (${backend})`, () => {
    let server;
    const as = {};
    let lot, gtin, sku;
    before(async () => {
      server = await startServer(backend, { extraArgs: ['--checkpoint-seconds', '0.5'] });
      for (const role of ['buyer', 'supplier', 'storeKeeper', 'countyAdmin', 'courier', 'auditor', 'wenxianAdmin']) {
        as[role] = new Client(server.url);
        await as[role].login(ACCOUNTS[role]);
      }
      // The store's listed SKU, which now travels cooled.
      const { items } = (await as.storeKeeper.get('/api/v1/admin/products?page_size=100')).json;
      let product;
      for (product of items) {
        const detail = (await as.storeKeeper.get(`/api/v1/products/${product.id}`)).json;
        sku = detail.skus.find((candidate) => candidate.gtin);
        if (sku && detail.status === 'listed') break;
        sku = undefined;
      }
      assert.ok(sku, 'the store sells a listed SKU with a GTIN');
      const cooled = await as.storeKeeper.patch(`/api/v1/products/${product.id}`, { skus: [{ id: sku.id, cold_chain: true }] });
      assert.equal(cooled.status, 200, cooled.text);
      gtin = sku.gtin.padStart(14, '0');
      const created = await as.storeKeeper.post('/api/v1/lots', { sku_id: sku.id, lot_number: 'T-1', harvest_date: harvest(),
        quantity: 80, certificate: 'HG-2026-1101', serials: 4 });
      assert.equal(created.status, 201, created.text);
      lot = created.json;
    });
    after(async () => { await server.stop(); });

    test('production records become events; spraying inside the safety interval warns; a warm leg raises an alert', async () => {
      const path = `/api/v1/lots/${lot.id}/records`;
      for (const [client, body, status] of [
        [as.buyer, { kind: 'packing', date: harvest(1) }, 403],
        [as.wenxianAdmin, { kind: 'packing', date: harvest(1) }, 403],
        [as.storeKeeper, { kind: 'painting', date: harvest(1) }, 422],
        [as.storeKeeper, { kind: 'packing', date: day(1) }, 422],
        [as.storeKeeper, { kind: 'spraying', date: harvest(-5), input_name: '吡虫啉', dose: '10 g' }, 422],
        [as.storeKeeper, { kind: 'inspection', date: harvest(1), lab: '县检测站', method: '快检' }, 422],
        [as.storeKeeper, { kind: 'shipping', date: harvest(2), min_temp_c: 2 }, 422],
        [as.storeKeeper, { kind: 'shipping', date: harvest(2), min_temp_c: 9, max_temp_c: 2 }, 422],
      ]) {
        const answer = await client.post(path, body);
        assert.equal(answer.status, status === 403 ? (client === as.buyer ? 403 : 404) : status, `${JSON.stringify(body)} → ${answer.text}`);
      }
      const sprayed = await as.storeKeeper.post(path, { kind: 'spraying', date: harvest(-5), input_name: '吡虫啉', dose: '10 g/亩',
        safety_interval_days: 14 });
      assert.equal(sprayed.status, 201, sprayed.text);
      assert.match(sprayed.json.warnings[0], /harvested 5 days after spraying, inside the safety interval of 14 days/);
      assert.equal(sprayed.json.event.bizStep, 'urn:longnan:bizstep:spraying');
      const tested = await as.storeKeeper.post(path, { kind: 'inspection', date: harvest(1), lab: '县检测站', method: '酶抑制法',
        result: '超标', conformant: false });
      assert.equal(tested.status, 201, tested.text);
      assert.equal(tested.json.event.disposition, 'non_conformant');
      const warm = await as.courier.post(path, { kind: 'shipping', date: harvest(2), place: '物流园', min_temp_c: 4, max_temp_c: 12 });
      assert.equal(warm.status, 201, warm.text);
      assert.match(warm.json.alert, /0–8/);
      assert.equal(warm.json.event.sensorElementList[0].sensorReport[0].maxValue, 12);
      const alerts = (await as.countyAdmin.get('/api/v1/trace/alerts?open=1')).json.items;
      const coldAlert = alerts.find((alert) => alert.lot.id === lot.id && alert.kind === 'cold_chain');
      assert.ok(coldAlert, JSON.stringify(alerts));
      assert.equal((await as.wenxianAdmin.get('/api/v1/trace/alerts')).json.items.some((a) => a.id === coldAlert.id), false);
      assert.equal((await as.countyAdmin.post(`/api/v1/trace/alerts/${coldAlert.id}/resolve`, {})).status, 200);
      assert.equal((await as.countyAdmin.post(`/api/v1/trace/alerts/${coldAlert.id}/resolve`, {})).status, 409);
      // The history the scan page shows, in time order.
      const page = (await as.buyer.get(`/01/${gtin}/10/T-1`, { headers: { accept: 'application/json' } })).json;
      assert.deepEqual(page.events.map((event) => event.biz_step), ['spraying', 'commissioning', 'inspecting', 'shipping']);
      assert.equal(page.lot.certificate, 'HG-2026-1101');
    });

    test('printed codes decode to the Digital Link URIs of the lot and its items', async () => {
      const dir = scratch();
      const png = await fetch(`${server.url}/api/v1/lots/${lot.id}/qr.png`, { headers: { cookie: as.storeKeeper.cookie } });
      assert.equal(png.status, 200);
      assert.equal(png.headers.get('content-type'), 'image/png');
      writeFileSync(join(dir, 'lot.png'), Buffer.from(await png.arrayBuffer()));
      assert.equal(execFileSync('zbarimg', ['--raw', '-q', join(dir, 'lot.png')], { encoding: 'utf8' }).trim(),
        `http://localhost:8080/01/${gtin}/10/T-1`);
      const svg = await as.storeKeeper.get(`/api/v1/lots/${lot.id}/qr.svg?serial=T-1.2`);
      assert.equal(svg.status, 200);
      assert.match(svg.headers.get('content-type'), /image\/svg\+xml/);
      assert.equal(svg.headers.get('x-digital-link'), `http://localhost:8080/01/${gtin}/10/T-1/21/T-1.2`);
      assert.equal((await as.storeKeeper.get(`/api/v1/lots/${lot.id}/qr.svg?serial=NOPE`)).status, 422);
      assert.equal((await as.wenxianAdmin.get(`/api/v1/lots/${lot.id}/qr.svg`)).status, 404);
      // One label per item, two columns: every code on the rendered pages is an item's URI, each once.
      const pdf = await fetch(`${server.url}/api/v1/lots/${lot.id}/labels.pdf?items=1&columns=2&rows=4`,
        { headers: { cookie: as.storeKeeper.cookie } });
      assert.equal(pdf.status, 200);
      assert.equal(pdf.headers.get('content-type'), 'application/pdf');
      writeFileSync(join(dir, 'labels.pdf'), Buffer.from(await pdf.arrayBuffer()));
      execFileSync('pdftoppm', ['-r', '150', '-png', join(dir, 'labels.pdf'), join(dir, 'page')]);
      const decoded = [];
      for (const name of readdirSync(dir).filter((file) => file.startsWith('page')))
        decoded.push(...execFileSync('zbarimg', ['--raw', '-q', join(dir, name)], { encoding: 'utf8' }).trim().split('\n'));
      assert.deepEqual(decoded.sort(), [1, 2, 3, 4].map((n) => `http://localhost:8080/01/${gtin}/10/T-1/21/T-1.${n}`).sort());
      const text = execFileSync('pdftotext', [join(dir, 'labels.pdf'), '-'], { encoding: 'utf8' });
      assert.match(text, /承诺达标合格证/);
      assert.match(text, /批次：T-1/);
      assert.equal((await as.storeKeeper.get(`/api/v1/lots/${lot.id}/labels.pdf?columns=99`)).status, 422);
    });

    test('staff looking at a lot from the console are not counted as scans of its code', async () => {
      const item = `/01/${gtin}/10/T-1/21/T-1.1`;
      const json = { headers: { accept: 'application/json' } };
      const count = async (who, path) => (await who.get(path, json)).json.scan.count_today;
      const first = await count(as.buyer, item);
      assert.equal(await count(as.storeKeeper, `${item}?preview=1`), first);
      assert.equal(await count(as.countyAdmin, `${item}?preview=1`), first);
      assert.equal(await count(as.storeKeeper, `${item}?preview=0`), first + 1);
      // A buyer, or someone not signed in, is counted whatever they ask.
      assert.equal(await count(as.buyer, `${item}?preview=1`), first + 2);
      const anonymous = await fetch(`${server.url}${item}?preview=1`, json);
      assert.equal((await anonymous.json()).scan.count_today, first + 3);
      assert.equal(await count(as.buyer, item), first + 4);
    });

    test('a code scanned too often, or after its item was consumed, warns and raises one alert', async () => {
      const item = `/01/${gtin}/10/T-1/21/T-1.3`;
      const scan = async () => (await as.buyer.get(item, { headers: { accept: 'application/json' } })).json.scan;
      const first = await scan();
      assert.equal(first.warning, null);
      let last;
      for (let i = 0; i < 20; i++) last = await scan();
      assert.equal(last.warning, 'scanned_often');
      assert.ok(last.count_today > 20);
      const often = await until(async () => {
        const found = (await as.countyAdmin.get('/api/v1/trace/alerts?open=1')).json.items
          .filter((alert) => alert.kind === 'scanned_often' && alert.serial === 'T-1.3');
        return found.length > 0 && found;
      }, 'the alert');
      assert.equal(often.length, 1, 'one alert, however many scans');
      // The lot's own code (no serial) is scanned by many and never looks copied.
      for (let i = 0; i < 25; i++) await as.buyer.get(`/01/${gtin}/10/T-1`, { headers: { accept: 'application/json' } });
      assert.equal((await as.buyer.get(`/01/${gtin}/10/T-1`, { headers: { accept: 'application/json' } })).json.scan.warning, null);
      // Item 4 is sold and eaten: a later scan of its code is suspect.
      assert.equal((await as.buyer.post(`/api/v1/lots/${lot.id}/items/consume`, { serials: ['T-1.4'] })).status, 403);
      assert.equal((await as.storeKeeper.post(`/api/v1/lots/${lot.id}/items/consume`, { serials: ['NOPE'] })).status, 422);
      assert.equal((await as.storeKeeper.post(`/api/v1/lots/${lot.id}/items/consume`, { serials: ['T-1.4'] })).status, 200);
      const eaten = (await as.buyer.get(`/01/${gtin}/10/T-1/21/T-1.4`, { headers: { accept: 'application/json' } })).json;
      assert.equal(eaten.scan.warning, 'scanned_after_consumed');
      assert.ok(eaten.item.consumed_at);
      await until(async () => (await as.countyAdmin.get('/api/v1/trace/alerts?open=1')).json.items
        .some((alert) => alert.kind === 'scanned_after_consumed' && alert.serial === 'T-1.4'), 'the alert');
    });

    test('recall: a packed order gets the lot; the lot finds its orders and buyers; the recall notifies them', async () => {
      const address = (await as.buyer.post('/api/v1/addresses', {
        recipient: '赵大妈', phone: '13912345678', division_code: '621221100201', detail: '四组',
      })).json;
      await as.buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 3 } });
      const placed = await as.buyer.request('POST', '/api/v1/orders', {
        body: { address_id: address.id, delivery_mode: 'express' }, headers: { 'idempotency-key': 'recall-1' } });
      assert.equal(placed.status, 201, placed.text);
      const order = placed.json.orders[0];
      await as.storeKeeper.post(`/api/v1/orders/${order.id}/advance`, { action: 'pay_cash' });
      assert.equal((await as.storeKeeper.post(`/api/v1/orders/${order.id}/advance`, { action: 'pack' })).status, 200);
      const lots = await until(async () => {
        const answer = (await as.buyer.get(`/api/v1/orders/${order.id}/lots`)).json.items;
        return answer.length > 0 && answer;
      }, 'the order\'s lot');
      assert.deepEqual(lots.map((item) => [item.lot_id, item.quantity]), [[lot.id, 3]]);
      assert.equal(lots[0].digital_link, `http://localhost:8080/01/${gtin}/10/T-1`);
      assert.equal((await as.wenxianAdmin.get(`/api/v1/orders/${order.id}/lots`)).status, 404);
      // The lot's shipping event names the order.
      const shipped = (await as.buyer.get(`/api/v1/epcis/events?EQ_bizTransaction_po=${encodeURIComponent(`urn:longnan:order:${order.id}`)}`)).json;
      assert.equal(shipped.epcisBody.queryResults.resultsBody.eventList.length, 1);
      // From the lot: the order and its buyer, in full for the county office, masked for the store.
      const full = (await as.countyAdmin.get(`/api/v1/lots/${lot.id}/recall`)).json.items;
      const row = full.find((item) => item.order_id === order.id);
      assert.equal(row.recipient, '赵大妈');
      assert.equal(row.phone, '13912345678');
      assert.equal(row.quantity, 3);
      const masked = (await as.storeKeeper.get(`/api/v1/lots/${lot.id}/recall`)).json.items.find((item) => item.order_id === order.id);
      assert.equal(masked.recipient, '赵**');
      assert.equal(masked.phone, '139****5678');
      assert.equal((await as.buyer.get(`/api/v1/lots/${lot.id}/recall`)).status, 404);
      const sheet = await fetch(`${server.url}/api/v1/lots/${lot.id}/recall?format=xlsx`, { headers: { cookie: as.countyAdmin.cookie } });
      assert.equal(sheet.status, 200);
      assert.match(sheet.headers.get('content-type'), /spreadsheetml/);
      assert.equal(Buffer.from(await sheet.arrayBuffer()).subarray(0, 2).toString(), 'PK');
      // The recall: the lot is recalled, its history says so, the buyer is told.
      assert.equal((await as.storeKeeper.post(`/api/v1/lots/${lot.id}/recall`, { reason: 'x' })).status, 403);
      assert.equal((await as.countyAdmin.post(`/api/v1/lots/${lot.id}/recall`, { reason: '' })).status, 422);
      const recalled = await as.countyAdmin.post(`/api/v1/lots/${lot.id}/recall`, { reason: '农药残留检测不合格' });
      assert.equal(recalled.status, 201, recalled.text);
      assert.ok(recalled.json.recipients >= 1);
      assert.equal((await as.countyAdmin.post(`/api/v1/lots/${lot.id}/recall`, { reason: 'again' })).status, 409);
      const notices = (await as.buyer.get('/api/v1/recall-notices')).json.items;
      assert.ok(notices.some((notice) => notice.order_id === order.id && notice.reason === '农药残留检测不合格'));
      const page = (await as.buyer.get(`/01/${gtin}/10/T-1`, { headers: { accept: 'application/json' } })).json;
      assert.equal(page.lot.status, 'recalled');
      assert.equal(page.events.at(-1).disposition, 'recalled');
      await as.buyer.request('DELETE', `/api/v1/addresses/${address.id}`);
    });

    test('the demo lots carry their whole history; the county boundary is there to draw', async () => {
      const { items } = (await as.countyAdmin.get('/api/v1/lots?page_size=100')).json;
      const demo = items.find((item) => item.lot_number.endsWith('A') && item.events >= 8);
      assert.ok(demo, JSON.stringify(items.map((item) => [item.lot_number, item.events])));
      const page = (await as.buyer.get(new URL(demo.digital_link).pathname, { headers: { accept: 'application/json' } })).json;
      const steps = page.events.map((event) => event.biz_step);
      for (const step of ['fertilising', 'spraying', 'commissioning', 'inspecting', 'packing', 'shipping', 'receiving'])
        assert.ok(steps.includes(step), `${step} in ${steps}`);
      assert.ok(page.plot.area_mu > 0);
      const boundary = await as.buyer.get(`/api/v1/counties/${page.village.county_code}/boundary`);
      assert.equal(boundary.status, 200);
      assert.equal(boundary.json.geometry.type, 'MultiPolygon');
      assert.equal((await as.buyer.get('/api/v1/counties/999999/boundary')).status, 404);
    });

    test('signed checkpoints: every event proves its place in the log; the auditor co-signs; verify finds tampering', async () => {
      const checkpoint = await until(async () => {
        const answer = await as.buyer.get('/api/v1/trace/checkpoints/latest');
        const events = Number(sql(server.db, 'SELECT COUNT(*) FROM trace_events').trim());
        return answer.status === 200 && answer.json.tree_size === events && answer.json;
      }, 'a checkpoint of the whole log');
      assert.ok(checkpointVerifies(checkpoint), 'the server signed the body');
      assert.equal(checkpoint.body, `localhost:8080/trace\n${checkpoint.tree_size}\n${Buffer.from(checkpoint.root, 'hex').toString('base64')}\n${checkpoint.time}\n`);
      // The scan page's data carries a proof for each event; each one verifies against the root.
      // A proof lists places in proof_nodes, where each node the proofs share is once.
      const page = (await as.buyer.get(`/01/${gtin}/10/T-1`, { headers: { accept: 'application/json' } })).json;
      assert.equal(page.checkpoint.tree_size, checkpoint.tree_size);
      assert.equal(new Set(page.proof_nodes).size, page.proof_nodes.length);
      const places = page.events.flatMap((event) => event.proof);
      assert.ok(page.proof_nodes.length < places.length, 'the proofs share nodes');
      assert.deepEqual([...new Set(places)].sort((a, b) => a - b), page.proof_nodes.map((_, place) => place));
      for (const event of page.events) {
        const proof = event.proof.map((place) => Buffer.from(page.proof_nodes[place], 'hex'));
        assert.ok(verifyInclusion(leafHash(event.hash), event.leaf, checkpoint.tree_size, proof, Buffer.from(checkpoint.root, 'hex')),
          `event ${event.event_id} at leaf ${event.leaf}`);
        assert.ok(!verifyInclusion(leafHash(event.hash), event.leaf + 1, checkpoint.tree_size, proof, Buffer.from(checkpoint.root, 'hex')));
      }
      const one = (await as.buyer.get(`/api/v1/trace/proof?event_id=${encodeURIComponent(page.events[0].event_id)}`)).json;
      assert.ok(verifyInclusion(Buffer.from(one.leaf_hash, 'hex'), one.leaf_index, one.checkpoint.tree_size,
        one.proof.map((hex) => Buffer.from(hex, 'hex')), Buffer.from(one.checkpoint.root, 'hex')));
      assert.equal((await as.buyer.get('/api/v1/trace/proof?event_id=nothing')).status, 404);
      // The county auditor co-signs with their own key, made by the command.
      const keyFile = join(scratch(), 'auditor.key');
      const cosigned = spawnSync(BIN, ['trace', 'cosign', '--server', server.url, '--key-file', keyFile], { encoding: 'utf8' });
      assert.equal(cosigned.status, 0, cosigned.stderr);
      const signature = JSON.parse(cosigned.stdout);
      assert.equal((await as.countyAdmin.post(`/api/v1/trace/checkpoints/${signature.id}/cosign`, signature)).status, 403);
      assert.equal((await as.auditor.post(`/api/v1/trace/checkpoints/${signature.id}/cosign`,
        { ...signature, signature: signature.signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) })).status, 422);
      const added = await as.auditor.post(`/api/v1/trace/checkpoints/${signature.id}/cosign`, signature);
      assert.equal(added.status, 200, added.text);
      const latest = (await as.buyer.get('/api/v1/trace/checkpoints/latest')).json;
      if (latest.id === signature.id) assert.ok(checkpointVerifies(latest, latest.cosignature, latest.cosigner_public_key));
      // The whole log verifies; then a field altered, an event deleted and two swapped are each named.
      const whole = verifyLog(server.db);
      assert.equal(whole.status, 0, whole.stderr);
      assert.match(whole.stdout, /is whole and matches its checkpoint/);
      const target = sql(server.db, "SELECT leaf || '|' || event_id || '|' || json FROM trace_events ORDER BY leaf DESC LIMIT 1 OFFSET 3").trim();
      const [leaf, eventId, json] = [target.split('|')[0], target.split('|')[1], target.split('|').slice(2).join('|')];
      const altered = json.replace('"OBSERVE"', '"ADD"').replace('"ADD"', '"DELETE"');
      assert.notEqual(altered, json);
      sql(server.db, `UPDATE trace_events SET json = '${altered.replaceAll("'", "''")}' WHERE leaf = ${leaf}`);
      const caught = verifyLog(server.db);
      assert.equal(caught.status, 1);
      assert.match(caught.stderr, new RegExp(`event ${eventId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(leaf ${leaf}\\) was altered`));
      sql(server.db, `UPDATE trace_events SET json = '${json.replaceAll("'", "''")}' WHERE leaf = ${leaf}`);
      assert.equal(verifyLog(server.db).status, 0);
      // Two events swapped (their content moved between the rows).
      const swap = (a, b) => {
        const rows = [a, b].map((n) => sql(server.db, `SELECT event_id || '|' || hash || '|' || json FROM trace_events WHERE leaf = ${n}`).trim());
        const moves = [[a, rows[1]], [b, rows[0]]].map(([n, row]) => {
          const [id, hash, ...rest] = row.split('|');
          return { n, id, hash, json: rest.join('|').replaceAll("'", "''") };
        });
        for (const move of moves)
          sql(server.db, `UPDATE trace_events SET event_id = 'swap-${move.n}', hash = '${move.hash}', json = '${move.json}' WHERE leaf = ${move.n}`);
        for (const move of moves) sql(server.db, `UPDATE trace_events SET event_id = '${move.id}' WHERE leaf = ${move.n}`);
      };
      const first = Number(leaf) - 2, second = Number(leaf) - 1;
      swap(first, second);
      const swapped = verifyLog(server.db);
      assert.equal(swapped.status, 1);
      assert.match(swapped.stderr, new RegExp(`departs from its history at leaf ${first}`));
      swap(first, second);
      assert.equal(verifyLog(server.db).status, 0, 'swapped back, whole again');
      // One deleted: the gap is named.
      sql(server.db, `DELETE FROM trace_event_lots WHERE seq = (SELECT seq FROM trace_events WHERE leaf = ${second})`);
      sql(server.db, `DELETE FROM trace_event_epcs WHERE seq = (SELECT seq FROM trace_events WHERE leaf = ${second})`);
      sql(server.db, `DELETE FROM trace_event_transactions WHERE seq = (SELECT seq FROM trace_events WHERE leaf = ${second})`);
      sql(server.db, `DELETE FROM trace_event_sensors WHERE seq = (SELECT seq FROM trace_events WHERE leaf = ${second})`);
      sql(server.db, `DELETE FROM trace_events WHERE leaf = ${second}`);
      const missing = verifyLog(server.db);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, new RegExp(`leaf ${second} is missing`));
    });
  });
}
