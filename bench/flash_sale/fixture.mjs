// Prepares a flash-sale benchmark against a running server with the demo data: a sale
// event of one SKU with UNITS units (per-buyer limit 1), and BUYERS buyer accounts, each
// with a bearer token and an address. Accounts, tokens and addresses are written straight
// into the database (hashing 20,000 passwords through the API would take minutes); the
// event goes through the API like a store keeper's.
//
// usage: node fixture.mjs URL DB_URL OUT_FILE BUYERS UNITS [sale|cart]
// In cart mode there is no event: the SKU gets UNITS more units of stock for ordinary
// checkouts. Writes OUT_FILE: "event_id sku_id" on the first line (event 0 in cart mode),
// then "token address_id" per buyer.
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const [url, dbUrl, outFile, buyersArg, unitsArg, mode = 'sale'] = process.argv.slice(2);
const buyers = Number(buyersArg), units = Number(unitsArg);
const kFirstId = 1_000_000;  // ids above the demo data's

async function call(method, path, { body, token, cookie, csrf } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

function sql(statements) {
  const text = statements.join('\n');
  if (dbUrl.startsWith('sqlite:')) execFileSync('sqlite3', [dbUrl.slice(7)], { input: text });
  else execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', dbUrl], { input: text });
}

const keeper = await call('POST', '/api/v1/auth/tokens', { body: { phone: '13800000002', password: 'Longnan2026!' } });
const token = keeper.token;
const mine = (await call('GET', `/api/v1/products?platform_id=${keeper.user.platform_id}&page_size=100`)).items
  .find((p) => p.store.id === keeper.user.store_id);
const product = await call('GET', `/api/v1/products/${mine.id}`);
const sku = product.skus[0];
await call('PATCH', `/api/v1/products/${product.id}`, { token, body: { skus: [{ id: sku.id, stock: sku.stock + units }] } });
const now = Date.now();
const event = mode === 'cart' ? { id: 0 } : await call('POST', '/api/v1/sale-events', {
  token,
  body: {
    kind: 'flash', title: '压测秒杀', starts_at: now - 1000, ends_at: now + 3_600_000, per_buyer_limit: 1,
    skus: [{ sku_id: sku.id, sale_price_fen: Math.max(1, sku.price_fen - 100), stock: units }],
  },
});
// One address made through the API gives the encrypted phone every buyer's address copies.
const address = await call('POST', '/api/v1/addresses', {
  token, body: { recipient: '压测买家', phone: '13912345678', division_code: '621221100201', detail: '一组' },
});
const phoneEnc = execFileSync(dbUrl.startsWith('sqlite:') ? 'sqlite3' : 'psql',
  dbUrl.startsWith('sqlite:') ? [dbUrl.slice(7), `SELECT phone_enc FROM addresses WHERE id = ${address.id}`]
    : ['-At', dbUrl, '-c', `SELECT phone_enc FROM addresses WHERE id = ${address.id}`], { encoding: 'utf8' }).trim();

const lines = [`${event.id} ${sku.id}`];
const statements = ['BEGIN;'];
for (let start = 0; start < buyers; start += 500) {
  const users = [], sessions = [], addresses = [];
  for (let index = start; index < Math.min(buyers, start + 500); index++) {
    const id = kFirstId + index;
    const buyerToken = crypto.randomBytes(32).toString('hex');
    const hash = crypto.createHash('sha256').update(buyerToken).digest('hex');
    users.push(`(${id}, '139${String(index).padStart(8, '0')}', '压测买家${index}', '!', 'buyer', ${now}, ${now})`);
    sessions.push(`('${hash}', ${id}, 'bearer', '', ${now}, ${now + 86_400_000})`);
    addresses.push(`(${id}, ${id}, '压测买家${index}', '${phoneEnc}', '621221100201', '一组', 1, ${now}, ${now})`);
    lines.push(`${buyerToken} ${id}`);
  }
  statements.push(`INSERT INTO users (id, phone, name, password_hash, role, created_at, updated_at) VALUES ${users.join(',')};`);
  statements.push(`INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at) VALUES ${sessions.join(',')};`);
  statements.push(`INSERT INTO addresses (id, user_id, recipient, phone_enc, division_code, detail, is_default, created_at, updated_at) VALUES ${addresses.join(',')};`);
}
statements.push('COMMIT;');
sql(statements);
writeFileSync(outFile, lines.join('\n') + '\n');
console.error(`event ${event.id}: ${units} units of SKU ${sku.id}; ${buyers} buyers`);
