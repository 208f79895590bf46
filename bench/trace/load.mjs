// Load for bench/trace.sh, on loopback only: captures EVENTS events in EPCIS documents of
// 100 over CONNECTIONS connections, then makes a lot of 50 events and resolves its
// Digital Link (the lot's code) REQUESTS times over CONNECTIONS connections, then up to
// 1,000 times alone.
// FIRST_DOCUMENT (0) numbers the documents from there: a log made beforehand (by
// trace_store_bench, say) is added to instead of sent its own events again.
// Prints JSON figures.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';

const base = process.env.BASE;
const events = Number(process.env.EVENTS || 100000);
const connections = Number(process.env.CONNECTIONS || 4);
const requests = Number(process.env.REQUESTS || 2000);
const firstDocument = Number(process.env.FIRST_DOCUMENT || 0);
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) throw new Error('BASE must be a loopback URL');

// Requests over node:http with connections kept alive, CONNECTIONS at most. fetch() spent
// about 1.5 ms of the load generator's CPU on each capture, and it shares the two cores with
// the server. Answers gzip-compressed where the server compresses, as a phone asks for them
// (the body is left compressed unless asked for).
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
function send(method, path, headers = {}, body = undefined, { decode = false } = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(base + path, { method, agent, headers: { 'accept-encoding': 'gzip', ...headers } }, (answer) => {
      const chunks = [];
      answer.on('data', (chunk) => chunks.push(chunk));
      answer.on('end', () => {
        let data = Buffer.concat(chunks);
        if (decode && answer.headers['content-encoding'] === 'gzip') data = gunzipSync(data);
        resolve({ status: answer.statusCode, headers: answer.headers, data });
      });
      answer.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
const json = (answer) => JSON.parse(answer.data.toString());

async function login(phone) {
  const answer = await send('POST', '/api/v1/auth/login', { 'content-type': 'application/json' },
    JSON.stringify({ phone, password: 'Longnan2026!' }), { decode: true });
  if (answer.status !== 200) throw new Error(`login ${phone}: ${answer.status}`);
  const { csrf_token: csrf } = json(answer);
  return { cookie: answer.headers['set-cookie'][0].split(';')[0], csrf };
}

// A document of 100 events about 100 items of one GTIN: commissioning, shipping with a
// temperature reading, receiving — typical of what the county's forms send. Written as text
// straight away (the load generator shares the machine's two cores with the server).
const steps = ['commissioning', 'shipping', 'receiving'];
const dispositions = ['active', 'in_transit', 'in_progress'];
const start2026 = Date.UTC(2026, 0, 1);
function documentOf(batch) {
  // The 100 events' times are one second apart: the first is formatted, the rest count on.
  const first = new Date(start2026 + batch * 100 * 1000).toISOString().slice(0, 17);  // …T12:34:
  const firstSecond = (batch * 100) % 60;
  let prefix = first;
  let events = '';
  for (let i = 0; i < 100; i++) {
    const n = batch * 100 + i;
    const second = firstSecond + i;
    if (second % 60 === 0 && i > 0) prefix = new Date(start2026 + n * 1000).toISOString().slice(0, 17);
    const time = `${prefix}${String(second % 60).padStart(2, '0')}.000+00:00`;
    const k = n % 3;
    events += `${i ? ',' : ''}{"type":"ObjectEvent","eventTime":"${time}","eventTimeZoneOffset":"+08:00",` +
      `"epcList":["https://id.gs1.org/01/06901234567892/21/B${n}"],"action":"${k === 0 ? 'ADD' : 'OBSERVE'}",` +
      `"bizStep":"${steps[k]}","disposition":"${dispositions[k]}",` +
      `"readPoint":{"id":"urn:longnan:village:6212211002${n % 90 + 10}"},` +
      `"bizTransactionList":[{"type":"po","bizTransaction":"urn:longnan:order:${n}"}]` +
      (k === 1 ? `,"sensorElementList":[{"sensorMetadata":{"time":"${time}"},"sensorReport":[{"type":"gs1:Temperature","value":4.5,"uom":"CEL"}]}]` : '') +
      '}';
  }
  return '{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",' +
    `"schemaVersion":"2.0","creationDate":"2026-11-30T00:00:00Z","epcisBody":{"eventList":[${events}]}}`;
}

function percentile(sorted, p) { return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]; }

const admin = await login('13800000006');
const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/ld+json' };
const documents = firstDocument + Math.ceil(events / 100);
// The capture rate over the last million events (a tenth, for fewer) is also reported: the
// rate with the log at nearly its full size, merges of the eventIDs' keys included.
const lastDocuments = Math.min(10000, Math.ceil((documents - firstDocument) / 10));
let lastStarted;
let next = firstDocument;
const started = performance.now();
await Promise.all(Array.from({ length: connections }, async () => {
  for (let batch = next++; batch < documents; batch = next++) {
    if (batch === documents - lastDocuments) lastStarted = performance.now();
    const answer = await send('POST', '/api/v1/epcis/capture', headers, documentOf(batch));
    if (answer.status !== 201) throw new Error(`capture ${batch}: ${answer.status} ${gunzipSync(answer.data)}`);
  }
}));
const captureSeconds = (performance.now() - started) / 1000;
const lastSeconds = (performance.now() - (lastStarted ?? started)) / 1000;

// A lot with 50 events: its harvest, then 49 records through the API.
const keeper = await login('13800000002');
const keeperHeaders = { cookie: keeper.cookie, 'x-csrf-token': keeper.csrf, 'content-type': 'application/json' };
const get = async (path, headers) => json(await send('GET', path, headers, undefined, { decode: true }));
const products = await get('/api/v1/admin/products?page_size=100', keeperHeaders);
let sku;
for (const product of products.items) {
  sku = (await get(`/api/v1/products/${product.id}`)).skus?.find((k) => k.gtin);
  if (sku) break;
}
const lot = json(await send('POST', '/api/v1/lots', keeperHeaders,
  JSON.stringify({ sku_id: sku.id, lot_number: `BENCH-${Date.now() % 1e6}`, harvest_date: '2026-09-01', quantity: 100, serials: 10 }),
  { decode: true }));
for (let i = 0; i < 49; i++) {
  const answer = await send('POST', `/api/v1/lots/${lot.id}/records`, keeperHeaders,
    JSON.stringify({ kind: ['packing', 'storing', 'shipping', 'receiving'][i % 4], date: '2026-09-02', place: `第${i}站`,
      ...(i % 4 === 2 ? { min_temp_c: 2, max_temp_c: 6 } : {}) }), { decode: true });
  if (answer.status !== 201) throw new Error(`record ${i}: ${answer.status} ${answer.data}`);
}
const path = new URL(lot.digital_link).pathname;  // the lot's code, as its label carries it
const accept = { accept: 'application/json' };
const page = await get(path, accept);  // the first proof loads the log's tree
if (page.events.length !== 50) throw new Error(`the lot has ${page.events.length} events`);
const latencies = [];
let done = 0;
await Promise.all(Array.from({ length: connections }, async () => {
  while (done++ < requests) {
    const t0 = performance.now();
    const answer = await send('GET', path, accept);
    if (answer.status !== 200) throw new Error(`resolve: ${answer.status}`);
    latencies.push(performance.now() - t0);
  }
}));
latencies.sort((a, b) => a - b);
// And one client at a time: the latency of a scan without others queued beside it.
const alone = [];
for (let i = 0; i < Math.min(requests, 1000); i++) {
  const t0 = performance.now();
  await send('GET', path, accept);
  alone.push(performance.now() - t0);
}
alone.sort((a, b) => a - b);
console.log(JSON.stringify({
  events: (documents - firstDocument) * 100,
  capture_s: Number(captureSeconds.toFixed(1)),
  capture_events_per_s: Math.round(((documents - firstDocument) * 100) / captureSeconds),
  capture_last_events: lastDocuments * 100,
  capture_last_events_per_s: Math.round((lastDocuments * 100) / lastSeconds),
  resolve_requests: latencies.length,
  resolve_p50_ms: Number(percentile(latencies, 0.5).toFixed(2)),
  resolve_p99_ms: Number(percentile(latencies, 0.99).toFixed(2)),
  resolve_alone_p50_ms: Number(percentile(alone, 0.5).toFixed(2)),
  resolve_alone_p99_ms: Number(percentile(alone, 0.99).toFixed(2)),
  resolve_events: page.events.length,
}));
agent.destroy();
