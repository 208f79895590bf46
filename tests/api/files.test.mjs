// Uploaded files: product pictures and certification evidence, stored in the database,
// content-addressed, type-checked by their bytes, public once uploaded.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, ACCOUNTS, BACKENDS } from './harness.mjs';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

for (const backend of BACKENDS) {
  describe(`files (${backend})`, () => {
    let server;
    let admin;
    before(async () => {
      server = await startServer(backend);
      admin = new Client(server.url);
      await admin.login(ACCOUNTS.countyAdmin);
    });
    after(async () => { await server.stop(); });

    const upload = (client, bytes, type) => client.request('POST', '/api/v1/files', { raw: bytes, headers: { 'content-type': type } });

    test('a picture uploads once and is served for ever under its hash', async () => {
      const first = await upload(admin, PNG, 'image/png');
      assert.equal(first.status, 201, first.text);
      assert.match(first.json.sha256, /^[0-9a-f]{64}$/);
      assert.equal(first.json.size_bytes, PNG.length);
      const again = await upload(admin, PNG, 'image/png');
      assert.equal(again.status, 200);
      assert.equal(again.json.url, first.json.url);
      const served = await fetch(server.url + first.json.url, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), 'image/png');
      assert.match(served.headers.get('cache-control'), /immutable/);
      assert.equal(served.headers.get('content-encoding'), null);
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), PNG);
      assert.equal((await fetch(`${server.url}/api/v1/files/${'0'.repeat(64)}`)).status, 404);
      assert.equal((await fetch(`${server.url}/api/v1/files/..%2f..%2fetc`)).status, 404);
    });

    test('the bytes must be what the type says, within 5 MiB; buyers upload pictures only', async () => {
      assert.equal((await upload(admin, PNG, 'image/jpeg')).status, 422);
      assert.equal((await upload(admin, Buffer.from('<svg onload="alert(1)"/>'), 'image/svg+xml')).status, 415);
      assert.equal((await upload(admin, Buffer.from('MZ\x90\x00'), 'application/pdf')).status, 422);
      assert.equal((await upload(admin, Buffer.alloc(0), 'image/png')).status, 422);
      const large = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
      assert.equal((await upload(admin, large, 'image/png')).status, 413);
      assert.equal((await upload(new Client(server.url), PNG, 'image/png')).status, 401);
      const buyer = new Client(server.url);
      await buyer.login(ACCOUNTS.buyer);
      // A buyer's photos of damaged goods for an after-sales request; documents are for staff.
      assert.ok([200, 201].includes((await upload(buyer, PNG, 'image/png')).status));
      assert.equal((await upload(buyer, PDF, 'application/pdf')).status, 403);
    });

    test('a certificate with its evidence file and a product picture', async () => {
      const evidence = await upload(admin, PDF, 'application/pdf');
      assert.equal(evidence.status, 201, evidence.text);
      const product = (await admin.get('/api/v1/admin/products?status=listed&page_size=1')).json.items[0];
      const certificate = await admin.post('/api/v1/certifications', {
        product_id: product.id, kind: 'compliance', number: 'CN-TEST-1', issuer: '生产主体自我承诺',
        valid_from: '2026-01-01', valid_until: '2099-12-31', evidence_url: evidence.json.url,
      });
      assert.equal(certificate.status, 201, certificate.text);
      const picture = await upload(admin, PNG, 'image/png');
      const patched = await admin.patch(`/api/v1/products/${product.id}`, { images: [picture.json.url] });
      assert.equal(patched.status, 200, patched.text);
      const detail = (await new Client(server.url).get(`/api/v1/products/${product.id}`)).json;
      assert.deepEqual(detail.images, [picture.json.url]);
      assert.ok(detail.badges.includes('compliance'));
      assert.equal(detail.certifications.find((c) => c.number === 'CN-TEST-1').evidence_url, evidence.json.url);
      const pdf = await fetch(server.url + evidence.json.url);
      assert.equal(pdf.headers.get('content-type'), 'application/pdf');
      assert.match(pdf.headers.get('content-disposition'), /inline/);
    });
  });
}
