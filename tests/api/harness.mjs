// Starts the real `longnan` binary against SQLite or a fresh PostgreSQL database, with
// the demo data, on a free loopback port; and a small client that keeps the session
// cookie and CSRF token like a browser does.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import os from 'node:os';

export const BIN = process.env.LONGNAN_BIN;
const TMP = process.env.LONGNAN_TEST_TMP || os.tmpdir();
const PG_BASE = process.env.LONGNAN_TEST_PG_BASE;
export const PASSWORD = 'Longnan2026!';

// Both backends, always: a missing PostgreSQL fails the run instead of skipping it.
export const BACKENDS = ['sqlite', 'postgresql'];

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

let counter = 0;
export function freshDatabase(backend) {
  const name = `api_${process.pid}_${++counter}`;
  if (backend === 'sqlite') {
    const dir = mkdtempSync(path.join(TMP, 'api-'));
    return { url: `sqlite:${dir}/${name}.db`, key: `${dir}/secret.key` };
  }
  if (!PG_BASE) throw new Error('LONGNAN_TEST_PG_BASE is not set: run the tests with `make test`');
  execFileSync('psql', [`${PG_BASE}/postgres`, '-qc', `CREATE DATABASE ${name}`]);
  const dir = mkdtempSync(path.join(TMP, 'api-'));
  return { url: `${PG_BASE}/${name}`, key: `${dir}/secret.key` };
}

export function run(args, options = {}) {
  return execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

// Starts a server with demo data. Returns { url, stop(), db }.
export async function startServer(backend, { demo = true, extraArgs = [], db, staticDir = '' } = {}) {
  db = db || freshDatabase(backend);
  if (demo) run(['demo-data', '--db', db.url, '--key-file', db.key]);
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--db', db.url, '--key-file', db.key, '--port', String(port),
    '--address', '127.0.0.1', '--static-dir', staticDir, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk) => { log += chunk; });
  child.stderr.on('data', (chunk) => { log += chunk; });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${log}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url, db, child, port,
    log: () => log,
    // Stops the server; a sanitizer report in its output (ASan/UBSan builds) fails the test.
    async stop() {
      const code = child.exitCode !== null ? child.exitCode : await new Promise((resolve) => {
        child.on('exit', (exitCode) => resolve(exitCode));
        child.kill('SIGTERM');
      });
      const report = log.match(/(runtime error:|ERROR: AddressSanitizer|ERROR: LeakSanitizer)[^\n]*/);
      if (report) throw new Error(`sanitizer report from the server: ${report[0]}\n${log.slice(-4000)}`);
      return code;
    },
  };
}

// A client that behaves like the web app: cookie session plus X-CSRF-Token.
export class Client {
  constructor(base) { this.base = base; this.cookie = ''; this.csrf = ''; this.token = ''; }

  async request(method, path, { body, headers = {}, raw } = {}) {
    const init = { method, headers: { ...headers }, redirect: 'manual' };
    if (this.cookie) init.headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') init.headers['x-csrf-token'] = this.csrf;
    if (this.token) init.headers.authorization = `Bearer ${this.token}`;
    if (raw !== undefined) init.body = raw;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['content-type'] = init.headers['content-type'] || 'application/json';
    }
    const response = await fetch(this.base + path, init);
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: response.status, headers: response.headers, json, text };
  }

  get(path, options) { return this.request('GET', path, options); }
  post(path, body, options = {}) { return this.request('POST', path, { ...options, body }); }
  patch(path, body, options = {}) { return this.request('PATCH', path, { ...options, body }); }

  async login(phone, password = PASSWORD) {
    const response = await this.post('/api/v1/auth/login', { phone, password });
    if (response.status !== 200) throw new Error(`login ${phone} failed: ${response.status} ${response.text}`);
    this.csrf = response.json.csrf_token;
    this.user = response.json.user;
    return response.json.user;
  }
}

// Demo accounts (README lists them).
export const ACCOUNTS = {
  buyer: '13800000001',
  storeKeeper: '13800000002',      // a store in 成县
  supplier: '13800000003',         // a cooperative in 成县 supplying that store
  household: '13800000004',        // a household supplier in 成县
  courier: '13800000005',
  countyAdmin: '13800000006',      // 成县
  cityAdmin: '13800000007',
  auditor: '13800000008',          // city-wide
  wenxianAdmin: '13800000009',     // 文县
  stationManager: '13800000012',   // a 成县 courier who runs the 鸡峰镇 station
};

// The signing key tests give `serve --sandbox-secret`, and a notification signed with it
// (or another key) as the sandbox payment provider signs them: for fetch via Client.request.
export const SANDBOX_SECRET = 'sandbox-test-secret';
export function signedNotification(body, { secret = SANDBOX_SECRET, timestamp = Math.floor(Date.now() / 1000), nonce } = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  nonce = nonce || crypto.randomBytes(16).toString('hex');
  const signature = crypto.createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${text}`).digest('hex');
  return {
    raw: text,
    headers: {
      'content-type': 'application/json',
      'longnan-sandbox-timestamp': String(timestamp),
      'longnan-sandbox-nonce': nonce,
      'longnan-sandbox-signature': signature,
    },
  };
}
