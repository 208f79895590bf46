// docs/openapi.yaml must describe exactly the routes the server answers: every
// `METHOD /pattern` printed by `longnan routes` is an operation of the spec and every
// operation of the spec is a route. Each operation has an operationId (unique) and at
// least one response.
//
// Run: LONGNAN_BIN=build/dev/apps/longnan/longnan node --test tests/api/openapi.test.mjs
//
// No YAML library: the spec keeps a simple layout (two-space indentation, path keys at
// indent 2 directly under `paths:`, method keys at indent 4, `operationId` and
// `responses` at indent 6, status codes at indent 8), and the small reader below
// depends on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SPEC_URL = new URL('../../docs/openapi.yaml', import.meta.url);
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

// "  '/api/v1/x':" → "/api/v1/x"; strips matching quotes around a key or scalar.
function unquote(text) {
  const value = text.trim();
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) return value.slice(1, -1);
  return value;
}

// Splits "key: value" at the first ": " (or a trailing ":") outside quotes; null if the
// line is not a mapping entry.
function entry(content) {
  let quote = '';
  for (let at = 0; at < content.length; at++) {
    const c = content[at];
    if (quote) {
      if (c === quote) quote = '';
    } else if ((c === '"' || c === "'") && at === 0) {
      quote = c;
    } else if (c === ':' && (at === content.length - 1 || content[at + 1] === ' ')) {
      return { key: unquote(content.slice(0, at)), value: content.slice(at + 1).trim() };
    }
  }
  return null;
}

// Reads the operations of an OpenAPI document laid out as described above.
// Returns [{ method, path, line, operationId, responses: [status…] }].
export function readOperations(text) {
  const operations = [];
  let inPaths = false;
  let path = null;
  let operation = null;
  let inResponses = false;
  let blockIndent = -1;  // > -1 while skipping the lines of a block scalar (| or >)

  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index];
    if (raw.trim() === '' ) continue;
    const indent = raw.length - raw.trimStart().length;
    if (blockIndent >= 0) {
      if (indent > blockIndent) continue;
      blockIndent = -1;
    }
    const content = raw.trim();
    if (content.startsWith('#')) continue;
    const item = entry(content.startsWith('- ') ? content.slice(2) : content);
    if (item && /^[|>][+-]?\d*$/.test(item.value)) blockIndent = indent;

    if (indent === 0) {
      inPaths = item !== null && item.key === 'paths';
      path = operation = null;
      inResponses = false;
      continue;
    }
    if (!inPaths || !item) continue;
    if (indent === 2) {
      path = item.key.startsWith('/') ? item.key : null;
      operation = null;
      inResponses = false;
    } else if (indent === 4) {
      inResponses = false;
      operation = null;
      if (path && METHODS.has(item.key)) {
        operation = { method: item.key.toUpperCase(), path, line: index + 1, operationId: null, responses: [] };
        operations.push(operation);
      }
    } else if (indent === 6 && operation) {
      inResponses = item.key === 'responses';
      if (item.key === 'operationId') operation.operationId = unquote(item.value) || null;
    } else if (indent === 8 && operation && inResponses) {
      if (/^([1-5](\d\d|XX)|default)$/.test(item.key)) operation.responses.push(item.key);
    }
  }
  return operations;
}

function specOperations() {
  return readOperations(readFileSync(SPEC_URL, 'utf8'));
}

function serverRoutes() {
  const bin = process.env.LONGNAN_BIN;
  assert.ok(bin, 'LONGNAN_BIN is not set: point it at the built longnan binary, e.g. build/dev/apps/longnan/longnan');
  const output = execFileSync(bin, ['routes'], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const routes = output.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  for (const route of routes) assert.match(route, /^[A-Z]+ \/\S*$/, `unexpected line from \`longnan routes\`: ${route}`);
  return routes.map((route) => {
    const [method, pattern] = route.split(' ');
    return `${method.toUpperCase()} ${pattern}`;
  });
}

test('the reader understands the layout of the spec', () => {
  const operations = readOperations([
    'openapi: 3.0.3',
    'info:',
    '  description: |',
    '    paths:',
    '      /not/a/path:',
    'paths:',
    '  /a/{id}:',
    '    parameters:',
    '      - name: id',
    '    get:',
    '      operationId: getA',
    '      description: |',
    '        get:',
    '          responses:',
    '      responses:',
    "        '200':",
    '          description: ok',
    '        default:',
    '          description: error',
    "  '/b':",
    '    post:',
    '      operationId: "postB"',
    '      responses: {}',
    'components:',
    '  /c:',
    '    get:',
  ].join('\n'));
  assert.deepEqual(operations.map(({ method, path, operationId, responses }) => ({ method, path, operationId, responses })), [
    { method: 'GET', path: '/a/{id}', operationId: 'getA', responses: ['200', 'default'] },
    { method: 'POST', path: '/b', operationId: 'postB', responses: [] },
  ]);
});

test('the spec describes exactly the routes the server answers', () => {
  const routes = serverRoutes();
  assert.ok(routes.length > 0, '`longnan routes` printed no routes');
  const served = new Set(routes);
  const operations = specOperations();
  assert.ok(operations.length > 0, `no operations found under paths: in ${SPEC_URL.pathname}`);
  const described = new Set(operations.map((op) => `${op.method} ${op.path}`));

  const duplicates = routes.filter((route, index) => routes.indexOf(route) !== index);
  const undocumented = [...served].filter((route) => !described.has(route)).sort();
  const unserved = [...described].filter((route) => !served.has(route)).sort();
  const problems = [];
  if (undocumented.length)
    problems.push(`routes the server answers but docs/openapi.yaml lacks (${undocumented.length}):\n  ${undocumented.join('\n  ')}`);
  if (unserved.length)
    problems.push(`operations in docs/openapi.yaml the server does not answer (${unserved.length}):\n  ${unserved.join('\n  ')}`);
  if (duplicates.length) problems.push(`routes registered twice:\n  ${duplicates.join('\n  ')}`);
  assert.ok(problems.length === 0, problems.join('\n'));
});

test('every operation has an operationId and at least one response', () => {
  const problems = [];
  for (const op of specOperations()) {
    const where = `${op.method} ${op.path} (docs/openapi.yaml:${op.line})`;
    if (!op.operationId) problems.push(`${where}: no operationId`);
    if (op.responses.length === 0) problems.push(`${where}: no responses`);
  }
  assert.ok(problems.length === 0, problems.join('\n'));
});

test('operationIds are unique', () => {
  const seen = new Map();
  const problems = [];
  for (const op of specOperations()) {
    if (!op.operationId) continue;
    const where = `${op.method} ${op.path}`;
    if (seen.has(op.operationId)) problems.push(`operationId ${op.operationId}: ${seen.get(op.operationId)} and ${where}`);
    else seen.set(op.operationId, where);
  }
  assert.ok(problems.length === 0, problems.join('\n'));
});

test('no path or operation is written twice', () => {
  // A YAML mapping with a repeated key silently keeps the last one.
  const keys = specOperations().map((op) => `${op.method} ${op.path}`);
  const repeated = keys.filter((key, index) => keys.indexOf(key) !== index);
  assert.deepEqual(repeated, [], `written twice in docs/openapi.yaml: ${repeated.join(', ')}`);
});
