// Traceability, the API end: EPCIS 2.0 capture of whole documents (all or nothing, 400
// naming the first bad event and field, 413 over the advertised limits), conformance with
// the EPCIS 2.0 example documents (captured and read back through the query interface with
// the same events) and the invalid ones (refused), the standard query parameters with
// paging, lots with their commissioning event, and the GS1 Digital Link resolver.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, Client, ACCOUNTS, BACKENDS } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The project's copies (OpenEPCIS, Apache-2.0) and, where the shared data is present, GS1's
// own examples, which carry no licence to copy them into the project.
const exampleDirs = [join(root, 'data', 'epcis', 'examples'), join(root, '..', 'shared', 'data', 'epcis', 'examples')];
const invalidDirs = [join(root, 'data', 'epcis', 'invalid'), join(root, '..', 'shared', 'data', 'epcis', 'invalid')];

function documents(dirs) {
  const seen = new Map();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!/\.json(ld)?$/.test(name) || seen.has(name)) continue;
      const text = readFileSync(join(dir, name), 'utf8');
      seen.set(name, { name, text, json: JSON.parse(text) });
    }
  }
  return [...seen.values()];
}

const kContext = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
const epcisDocument = (events, context = kContext) => ({
  '@context': [context],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-11-30T08:00:00.000+08:00',
  epcisBody: { eventList: events },
});
const objectEvent = (overrides = {}) => ({
  type: 'ObjectEvent',
  eventTime: '2026-11-20T09:30:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  epcList: ['https://id.gs1.org/01/06901234567892/21/A1'],
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  readPoint: { id: 'urn:longnan:village:621221100201' },
  ...overrides,
});

async function capture(client, body, headers = {}) {
  return client.request('POST', '/api/v1/epcis/capture', {
    raw: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/ld+json', ...headers },
  });
}

async function eventsOf(client, query) {
  const answer = await client.get(`/api/v1/epcis/events?${query}`);
  assert.equal(answer.status, 200, `${query}: ${answer.text}`);
  assert.equal(answer.json.type, 'EPCISQueryDocument');
  return answer.json.epcisBody.queryResults.resultsBody.eventList;
}

for (const backend of BACKENDS) {
  describe(`traceability: EPCIS capture, query and the Digital Link resolver (${backend})`, () => {
    let server;
    const as = {};
    before(async () => {
      server = await startServer(backend);
      for (const role of ['buyer', 'supplier', 'storeKeeper', 'countyAdmin', 'courier']) {
        as[role] = new Client(server.url);
        await as[role].login(ACCOUNTS[role]);
      }
    });
    after(async () => { await server.stop(); });

    test('the capture limits are advertised; only the people who record goods may capture', async () => {
      const limits = await as.countyAdmin.get('/api/v1/epcis/capture');
      assert.equal(limits.status, 200);
      const events = Number(limits.headers.get('gs1-epcis-capture-limit'));
      const bytes = Number(limits.headers.get('gs1-epcis-capture-file-size-limit'));
      assert.ok(events > 0 && bytes > 0);
      assert.equal((await capture(new Client(server.url), epcisDocument([objectEvent()]))).status, 401);
      assert.equal((await capture(as.buyer, epcisDocument([objectEvent()]))).status, 403);
      assert.equal((await capture(as.supplier, epcisDocument([objectEvent()]), { 'content-type': 'text/plain' })).status, 415);
      // Over the event limit: 413 with the limits, nothing stored.
      const many = epcisDocument(Array.from({ length: events + 1 }, (_, i) => objectEvent({ epcList: [`https://id.gs1.org/01/06901234567892/21/M${i}`] })));
      const tooMany = await capture(as.supplier, many);
      assert.equal(tooMany.status, 413, tooMany.text);
      assert.equal(tooMany.headers.get('gs1-epcis-capture-limit'), String(events));
      assert.equal((await eventsOf(as.buyer, 'MATCH_epc=https://id.gs1.org/01/06901234567892/21/M0')).length, 0);
    });

    test('every valid example document is captured and read back with the same events', async () => {
      const examples = documents(exampleDirs).filter((doc) => doc.json.type === 'EPCISDocument');
      assert.ok(examples.length >= 10, `example documents found: ${examples.length}`);
      // Some of GS1's examples reuse an eventID for another event: an eventID names one event,
      // so those go to a database of their own (a second, bare server).
      const buckets = [{ client: as.countyAdmin, ids: new Set(), events: new Map() }];
      const types = new Set();
      const spare = [];
      try {
        for (const doc of examples) {
          const events = doc.json.epcisBody.eventList;
          const named = events.map((event) => event.eventID).filter(Boolean);
          let bucket = buckets.find((candidate) => !named.some((id) => candidate.ids.has(id)));
          if (!bucket) {
            const extra = await startServer(backend);
            spare.push(extra);
            const client = new Client(extra.url);
            await client.login(ACCOUNTS.countyAdmin);
            bucket = { client, ids: new Set(), events: new Map(), reader: new Client(extra.url) };
            buckets.push(bucket);
          }
          const answer = await capture(bucket.client, doc.text);
          assert.equal(answer.status, 201, `${doc.name}: ${answer.text}`);
          assert.equal(answer.json.eventIDs.length, events.length, doc.name);
          for (const [index, event] of events.entries()) {
            types.add(event.type);
            const id = answer.json.eventIDs[index];
            if (event.eventID) assert.equal(id, event.eventID);
            else assert.match(id, /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
            bucket.ids.add(id);
            const kept = { ...event, eventID: id };
            const key = `${id} ${event.errorDeclaration ? 'error' : ''}`;
            if (!bucket.events.has(key)) bucket.events.set(key, kept);
          }
        }
        assert.deepEqual([...types].sort(), ['AggregationEvent', 'AssociationEvent', 'ObjectEvent', 'TransactionEvent',
          'TransformationEvent']);
        for (const bucket of buckets) {
          const reader = bucket.reader ?? as.buyer;
          for (const [key, event] of bucket.events) {
            const found = await eventsOf(reader, `EQ_eventID=${encodeURIComponent(event.eventID)}`);
            const same = found.filter((candidate) => Boolean(candidate.errorDeclaration) === Boolean(event.errorDeclaration));
            assert.equal(same.length, 1, key);
            assert.deepEqual(same[0], event, key);
          }
        }
      } finally {
        for (const extra of spare) await extra.stop();
      }
    });

    test('every invalid document is refused with 400 naming the event and field, and nothing is stored', async () => {
      const before = (await eventsOf(as.buyer, 'perPage=1000')).length;
      const invalid = documents(invalidDirs);
      assert.ok(invalid.length >= 8);
      for (const doc of invalid) {
        const answer = await capture(as.countyAdmin, doc.text);
        assert.equal(answer.status, 400, `${doc.name}: ${answer.text}`);
        assert.ok(answer.json.error.field, `${doc.name} names the field: ${answer.text}`);
        assert.ok(answer.json.error.message);
      }
      // A document whose third event is bad: the first two are not stored either.
      const bad = await capture(as.supplier, epcisDocument([
        objectEvent({ epcList: ['https://id.gs1.org/01/06901234567892/21/R1'] }),
        objectEvent({ epcList: ['https://id.gs1.org/01/06901234567892/21/R2'] }),
        objectEvent({ eventTime: '2026-11-20 09:30' }),
      ]));
      assert.equal(bad.status, 400, bad.text);
      assert.equal(bad.json.error.event_index, 2);
      assert.equal(bad.json.error.field, 'eventTime');
      assert.equal((await eventsOf(as.buyer, 'MATCH_epc=https://id.gs1.org/01/06901234567892/21/R1')).length, 0);
      assert.equal((await eventsOf(as.buyer, 'perPage=1000')).length, before);
      for (const text of ['', '{', '[]', 'null', '{"type":"EPCISDocument"}', JSON.stringify(epcisDocument([], 'https://example.com/ctx'))]) {
        const answer = await capture(as.supplier, text);
        assert.equal(answer.status, 400, `${text}: ${answer.text}`);
      }
      // Both context URLs are accepted.
      const latest = await capture(as.supplier, epcisDocument([objectEvent({ epcList: ['https://id.gs1.org/01/06901234567892/21/C1'] })],
        'https://ref.gs1.org/standards/epcis/epcis-context.jsonld'));
      assert.equal(latest.status, 201, latest.text);
    });

    test('the query parameters select the right events, a page at a time', async () => {
      const gtin = '06901234567892';
      const mine = (serial, overrides) => objectEvent({ epcList: [`https://id.gs1.org/01/${gtin}/21/Q${serial}`], ...overrides });
      const document = epcisDocument([
        mine(1, { eventTime: '2026-10-01T08:00:00.000+08:00', bizStep: 'commissioning', disposition: 'active', action: 'ADD' }),
        mine(2, { eventTime: '2026-10-02T08:00:00.000+08:00', bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping',
          bizTransactionList: [{ type: 'po', bizTransaction: 'urn:longnan:order:77' }] }),
        mine(3, { eventTime: '2026-10-03T08:00:00.000Z', bizStep: 'receiving', disposition: 'in_progress',
          bizLocation: { id: 'urn:longnan:village:621221112201' } }),
        {
          type: 'AggregationEvent', eventTime: '2026-10-04T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00',
          parentID: 'https://id.gs1.org/00/069012345000000017', childEPCs: [`https://id.gs1.org/01/${gtin}/21/Q1`],
          action: 'ADD', bizStep: 'packing',
        },
        {
          type: 'TransformationEvent', eventTime: '2026-10-05T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00',
          inputEPCList: [`https://id.gs1.org/01/${gtin}/21/Q2`],
          outputQuantityList: [{ epcClass: `https://id.gs1.org/01/${gtin}/10/JAM-1`, quantity: 20, uom: 'KGM' }],
          bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning',
        },
        mine(4, {
          eventTime: '2026-10-06T08:00:00.000+08:00', bizStep: 'storing',
          sensorElementList: [{ sensorMetadata: { time: '2026-10-06T08:00:00.000+08:00' },
            sensorReport: [{ type: 'gs1:Temperature', value: 3.5, uom: 'CEL' }, { type: 'gs1:Temperature', value: 9.5, uom: 'CEL' }] }],
        }),
        mine(5, { eventTime: '2026-10-07T08:00:00.000+08:00', action: 'DELETE', bizStep: 'destroying', disposition: 'destroyed',
          errorDeclaration: { declarationTime: '2026-10-08T08:00:00.000+08:00', reason: 'incorrect_data' } }),
      ]);
      const captured = await capture(as.courier, document);
      assert.equal(captured.status, 201, captured.text);
      const ids = captured.json.eventIDs;
      const scope = `&GE_eventTime=${encodeURIComponent('2026-10-01T00:00:00+08:00')}&LT_eventTime=${encodeURIComponent('2026-10-08T00:00:00+08:00')}`;
      const picks = async (query) => (await eventsOf(as.buyer, query + scope)).map((event) => ids.indexOf(event.eventID));
      assert.deepEqual(await picks('MATCH_anyEPC=' + encodeURIComponent(`https://id.gs1.org/01/${gtin}/21/Q1`)), [0, 3]);
      assert.deepEqual(await picks('MATCH_epc=' + encodeURIComponent(`https://id.gs1.org/01/${gtin}/21/Q1`)), [0, 3]);
      assert.deepEqual(await picks('MATCH_parentID=' + encodeURIComponent('https://id.gs1.org/00/069012345000000017')), [3]);
      assert.deepEqual(await picks('MATCH_inputEPC=' + encodeURIComponent(`https://id.gs1.org/01/${gtin}/21/Q2`)), [4]);
      assert.deepEqual(await picks('MATCH_outputEPCClass=' + encodeURIComponent(`https://id.gs1.org/01/${gtin}/10/JAM-1`)), [4]);
      assert.deepEqual(await picks('MATCH_epc=' + encodeURIComponent(`https://id.gs1.org/01/${gtin}/21/Q*`)), [0, 1, 2, 3, 5, 6]);
      assert.deepEqual(await picks('eventType=AggregationEvent%7CTransformationEvent'), [3, 4]);
      assert.deepEqual(await picks('EQ_action=ADD'), [0, 3]);
      assert.deepEqual(await picks('EQ_bizStep=shipping'), [1]);
      assert.deepEqual(await picks('EQ_bizStep=' + encodeURIComponent('https://ref.gs1.org/cbv/BizStep-commissioning')), [0, 4]);
      assert.deepEqual(await picks('EQ_disposition=in_progress&EQ_disposition=destroyed'), [2, 6]);
      assert.deepEqual(await picks('EQ_bizLocation=urn:longnan:village:621221112201'), [2]);
      assert.deepEqual(await picks('EQ_readPoint=urn:longnan:village:621221100201&EQ_action=DELETE'), [6]);
      assert.deepEqual(await picks('EQ_bizTransaction_po=urn:longnan:order:77'), [1]);
      assert.deepEqual(await picks('EXISTS_errorDeclaration'), [6]);
      assert.deepEqual(await picks(`EQ_eventID=${encodeURIComponent(ids[2])}`), [2]);
      assert.deepEqual(await picks('EQ_type=gs1:Temperature&GE_value_CEL=9'), [5]);
      assert.deepEqual(await picks('LT_value_CEL=3'), []);
      // Event time: 2026-10-03T08:00Z is 16:00 in Shanghai.
      // LT_ is exclusive: the aggregation at 2026-10-04T08:00+08:00 is 00:00Z.
      const between = async (until) => (await eventsOf(as.buyer, `GE_eventTime=${encodeURIComponent('2026-10-03T15:59:00+08:00')}` +
        `&LT_eventTime=${encodeURIComponent(until)}&MATCH_anyEPC=${encodeURIComponent(`https://id.gs1.org/01/${gtin}/*`)}`))
        .map((event) => ids.indexOf(event.eventID));
      assert.deepEqual(await between('2026-10-04T00:00:00Z'), [2]);
      assert.deepEqual(await between('2026-10-04T00:00:00.001Z'), [2, 3]);
      assert.deepEqual(await picks('orderBy=eventTime'), [6, 5, 4, 3, 2, 1, 0]);
      assert.deepEqual(await picks('orderBy=eventTime&orderDirection=ASC&eventCountLimit=2'), [0, 1]);
      // Paging: two at a time, following the Link header, every event once.
      let url = `/api/v1/epcis/events?perPage=2&orderBy=eventTime&orderDirection=ASC${scope}`;
      const paged = [];
      for (let pages = 0; url; pages++) {
        assert.ok(pages < 10);
        const answer = await as.buyer.get(url);
        assert.equal(answer.status, 200, answer.text);
        paged.push(...answer.json.epcisBody.queryResults.resultsBody.eventList.map((event) => ids.indexOf(event.eventID)));
        const link = answer.headers.get('link');
        url = link ? link.match(/<([^>]+)>/)[1] : null;
      }
      assert.deepEqual(paged, [0, 1, 2, 3, 4, 5, 6]);
      for (const query of ['eventType=Thing', 'GE_eventTime=yesterday', 'EQ_action=CREATE', 'orderBy=price', 'perPage=0',
        'nextPageToken=nonsense', 'EQ_bizStep=transforming', 'GE_value_CEL=warm', 'colour=red'])
        assert.equal((await as.buyer.get(`/api/v1/epcis/events?${query}`)).status, 400, query);
      assert.equal((await as.buyer.get('/api/v1/epcis/events?maxEventCount=1')).status, 413);
      const one = await as.buyer.get(`/api/v1/epcis/events/${encodeURIComponent(ids[0])}`);
      assert.equal(one.status, 200);
      assert.equal(one.json.eventID, ids[0]);
      assert.equal((await as.buyer.get('/api/v1/epcis/events/nothing')).status, 404);
      // The same document again changes nothing; an eventID with other content is a conflict.
      assert.equal((await capture(as.courier, document)).status, 201);
      assert.equal((await eventsOf(as.buyer, 'MATCH_epc=' + encodeURIComponent(`https://id.gs1.org/01/${gtin}/21/Q*`) + scope)).length, 6);
      const changed = await capture(as.courier, epcisDocument([{ ...document.epcisBody.eventList[0], eventID: ids[0], bizStep: 'receiving' }]));
      assert.equal(changed.status, 409, changed.text);
    });

    test('a lot: created with its harvest event, listed with its Digital Link, resolved for apps and browsers', async () => {
      const supplier = as.supplier.user;
      const { items: products } = (await as.supplier.get('/api/v1/admin/products?page_size=50')).json;
      let sku;
      for (const product of products) {
        sku = (await as.supplier.get(`/api/v1/products/${product.id}`)).json.skus.find((candidate) => candidate.gtin);
        if (sku) break;
      }
      assert.ok(sku, 'the supplier has a SKU with a GTIN');
      const good = { sku_id: sku.id, harvest_date: '2026-09-15', quantity: 120, unit: 'KGM', certificate: 'CX-2026-0915', serials: 3 };
      for (const [client, body, status] of [
        [as.buyer, good, 403],
        [as.supplier, { ...good, sku_id: 999999 }, 422],
        [as.supplier, { ...good, harvest_date: '2026-02-30' }, 422],
        [as.supplier, { ...good, harvest_date: '2099-01-01' }, 422],
        [as.supplier, { ...good, quantity: 0 }, 422],
        [as.supplier, { ...good, quantity: 'lots' }, 422],
        [as.supplier, { ...good, lot_number: 'has space' }, 422],
        [as.supplier, { ...good, serials: 5000 }, 422],
      ]) {
        const answer = await client.post('/api/v1/lots', body);
        assert.equal(answer.status, status, `${JSON.stringify(body)} → ${answer.text}`);
      }
      const created = await as.supplier.post('/api/v1/lots', { ...good, lot_number: 'CX-0915' });
      assert.equal(created.status, 201, created.text);
      const lot = created.json;
      const gtin = sku.gtin.padStart(14, '0');
      assert.equal(lot.digital_link, `http://localhost:8080/01/${gtin}/10/CX-0915`);
      assert.equal(lot.items, 3);
      assert.equal(lot.events, 1);
      assert.equal((await as.supplier.post('/api/v1/lots', { ...good, lot_number: 'CX-0915' })).status, 409);
      assert.ok((await as.supplier.get('/api/v1/lots')).json.items.some((item) => item.id === lot.id));
      assert.equal((await as.supplier.get(`/api/v1/lots/${lot.id}`)).json.lot_number, 'CX-0915');
      assert.equal((await as.buyer.get('/api/v1/lots')).status, 403);
      // The harvest is the lot's commissioning event, found by its class and items.
      const [harvest] = await eventsOf(as.buyer, 'MATCH_epcClass=' + encodeURIComponent(`https://id.gs1.org/01/${gtin}/10/CX-0915`));
      assert.equal(harvest.bizStep, 'commissioning');
      assert.equal(harvest.quantityList[0].quantity, 120);
      assert.equal(harvest.epcList.length, 3);
      // A later event about one item belongs to the lot's history too.
      const shipped = await capture(as.courier, epcisDocument([objectEvent({ epcList: [`https://id.gs1.org/01/${gtin}/21/CX-0915.2`],
        eventTime: '2026-09-20T10:00:00.000+08:00' })]));
      assert.equal(shipped.status, 201, shipped.text);
      // The resolver: data for apps, links for linkset clients, the scan page for browsers.
      const path = `/01/${gtin}/10/CX-0915`;
      const data = await as.buyer.get(path, { headers: { accept: 'application/json' } });
      assert.equal(data.status, 200, data.text);
      assert.equal(data.json.lot_number, 'CX-0915');
      assert.equal(data.json.lot.certificate, 'CX-2026-0915');
      assert.equal(data.json.events.length, 2);
      assert.deepEqual(data.json.events.map((event) => event.biz_step), ['commissioning', 'shipping']);
      assert.ok(data.json.village.county);
      assert.ok(data.json.producer.name);
      const item = await as.buyer.get(`${path}/21/CX-0915.2`, { headers: { accept: 'application/json' } });
      assert.equal(item.status, 200);
      assert.equal(item.json.item.serial, 'CX-0915.2');
      assert.equal((await as.buyer.get(`${path}/21/NOPE`, { headers: { accept: 'application/json' } })).status, 404);
      assert.equal((await as.buyer.get(`/01/${gtin}/10/NOPE`, { headers: { accept: 'application/json' } })).status, 404);
      assert.equal((await as.buyer.get('/01/06901234567890/10/CX-0915', { headers: { accept: 'application/json' } })).status, 404);
      const links = await as.buyer.get(path, { headers: { accept: 'application/linkset+json' } });
      assert.equal(links.status, 200);
      assert.equal(links.json.linkset[0].anchor, `http://localhost:8080${path}`);
      assert.ok(links.json.linkset[0]['https://gs1.org/voc/traceability'][0].href.includes('/api/v1/epcis/events?'));
    });
  });
}
