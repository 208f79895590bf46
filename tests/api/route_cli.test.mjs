// `longnan route solve`: plans a Solomon instance within its time limit and writes the plan
// as JSON (every customer once, routes within capacity); a malformed or infeasible file is
// one error line and a non-zero exit. The plans' quality is measured by bench/routing.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(process.env.LONGNAN_TEST_TMP || '/tmp', 'route-'));
const solve = (...args) => spawnSync(BIN, ['route', 'solve', ...args], { encoding: 'utf8' });

// Customers of a Solomon file: number → demand; and the vehicle capacity.
function readSolomon(path) {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).map((line) => line.trim());
  const capacity = Number(lines[lines.findIndex((line) => line.startsWith('NUMBER')) + 1].split(/\s+/)[1]);
  const demands = new Map();
  for (const line of lines.slice(lines.findIndex((line) => line.startsWith('CUST')) + 1)) {
    const fields = line.split(/\s+/).map(Number);
    if (fields.length === 7 && fields[0] > 0) demands.set(fields[0], fields[3]);
  }
  return { capacity, demands };
}

test('a Solomon instance is planned within the limit; the JSON plan visits every customer once', () => {
  const instance = join(root, 'data', 'solomon', 'RC101.txt');
  const out = join(work, 'plan.json');
  const started = Date.now();
  const answer = solve(instance, '--time-limit', '2', '--seed', '7', '--out', out);
  assert.equal(answer.status, 0, answer.stderr);
  assert.ok(Date.now() - started < 5000, 'the time limit holds');
  assert.match(answer.stdout, /RC101\.txt: \d+ vehicles, distance \d+\.\d\d/);
  const plan = JSON.parse(readFileSync(out, 'utf8'));
  const { capacity, demands } = readSolomon(instance);
  assert.equal(plan.vehicles, plan.routes.length);
  const visited = plan.routes.flat();
  assert.equal(visited.length, demands.size);
  assert.deepEqual([...new Set(visited)].sort((a, b) => a - b), [...demands.keys()].sort((a, b) => a - b));
  for (const route of plan.routes)
    assert.ok(route.reduce((sum, customer) => sum + demands.get(customer), 0) <= capacity);
  // Within 5% of the distance-only best known (1643.41) even in two seconds.
  assert.ok(plan.distance < 1643.41 * 1.05, `distance ${plan.distance}`);
});

test('malformed and infeasible files are one clear error line and a non-zero exit', () => {
  const good = readFileSync(join(root, 'data', 'solomon', 'C101.txt'), 'utf8');
  const cases = {
    'letters.txt': good.replace(/ 200\s*\r?\n/, ' abc\r\n'),
    'truncated.txt': good.slice(0, 200),
    // Customer 1 needs more than a vehicle carries.
    'too-heavy.txt': good.replace(/^(\s+1\s+45\s+68\s+)10/m, '$1500'),
    'empty.json': '{',
    'no-vehicles.json': JSON.stringify({ matrix: { distance: [[0, 1], [1, 0]], duration: [[0, 1], [1, 0]] },
      jobs: [{ id: 'a', location: 1 }], vehicles: [] }),
  };
  for (const [name, text] of Object.entries(cases)) {
    const path = join(work, name);
    writeFileSync(path, text);
    const answer = solve(path, '--time-limit', '1');
    assert.notEqual(answer.status, 0, `${name} should fail`);
    const lines = answer.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${name}: ${answer.stderr}`);
    assert.match(lines[0], new RegExp(name.replace('.', '\\.')), `${name}: ${answer.stderr}`);
  }
  assert.notEqual(solve(join(work, 'missing.txt')).status, 0);
});
