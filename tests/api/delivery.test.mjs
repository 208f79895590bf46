// The delivery end's first part: each county's logistics network (the demo one placed
// inside the real county boundaries), its fleet, and the delivery tasks that paid
// same-city and village-point orders become.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, Client, ACCOUNTS, BACKENDS, BIN } from './harness.mjs';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const counties = JSON.parse(readFileSync(join(root, 'data', 'longnan', 'longnan_counties.geojson'), 'utf8')).features;

// Even-odd rule over a GeoJSON (Multi)Polygon: inside an outer ring and in none of its holes.
function inside(geometry, lng, lat) {
  const inRing = (ring) => {
    let result = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > lat) !== (yj > lat) && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) result = !result;
    }
    return result;
  };
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.some(([outer, ...holes]) => inRing(outer) && !holes.some(inRing));
}

async function allPages(client, path) {
  const items = [];
  for (let page = 1; ; page++) {
    const answer = await client.get(`${path}${path.includes('?') ? '&' : '?'}page=${page}&page_size=100`);
    assert.equal(answer.status, 200, answer.text);
    items.push(...answer.json.items);
    if (items.length >= answer.json.total) return items;
  }
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

for (const backend of BACKENDS) {
  describe(`delivery network, fleet and tasks (${backend})`, () => {
    let server;
    const as = {};
    let plannedWave;  // the wave the dispatch test plans, edited by the tests after it
    let waveDay;

    before(async () => {
      server = await startServer(backend);
      for (const [role, phone] of Object.entries(ACCOUNTS)) {
        as[role] = new Client(server.url);
        await as[role].login(phone);
      }
    });
    after(async () => { await server.stop(); });

    test('the demo network: a park per county, a station per township, a point per village, all inside the county', async () => {
      const anyone = new Client(server.url);
      const parks = (await anyone.get('/api/v1/logistics-nodes?tier=park')).json;
      assert.equal(parks.total, 9);
      assert.equal((await anyone.get('/api/v1/logistics-nodes?tier=station')).json.total, 199);
      const points = (await anyone.get('/api/v1/logistics-nodes?tier=village_point')).json.total +
        (await anyone.get('/api/v1/logistics-nodes?tier=community_point')).json.total;
      assert.equal(points, 3290);
      const chengxian = counties.find((feature) => feature.properties.adcode === 621221);
      const nodes = await allPages(anyone, '/api/v1/logistics-nodes?division=621221');
      assert.ok(nodes.length > 250);
      for (const node of nodes) {
        assert.ok(inside(chengxian.geometry, node.lng, node.lat), `${node.name} (${node.lat}, ${node.lng}) lies outside 成县`);
        assert.match(node.opens, /^\d\d:\d\d$/);
        if (node.tier !== 'park') assert.ok(node.parent_id, `${node.name} hangs under a node`);
      }
      const park = nodes.find((node) => node.tier === 'park');
      assert.equal(park.cold_storage, true);
      // The same placement every time: a second demo database would put the nodes in the same spots.
      const point = nodes.find((node) => node.division_code === '621221100201');
      assert.ok(point, 'the village 621221100201 has its point');
      assert.equal((await anyone.get('/api/v1/logistics-nodes?tier=depot')).status, 422);
      assert.equal((await anyone.get('/api/v1/logistics-nodes?division=62a')).status, 422);
    });

    test('a county admin adds and changes nodes of the county only; bad input changes nothing', async () => {
      const park = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=park&division=621221')).json.items[0];
      const station = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=station&division=621221100')).json.items[0];
      const good = { tier: 'station', name: '抛沙镇第二快递站', division_code: '621221100', parent_id: park.id,
        lat: station.lat + 0.01, lng: station.lng, opens: '07:30', closes: '20:00', cold_storage: true };
      const created = await as.countyAdmin.post('/api/v1/logistics-nodes', good);
      assert.equal(created.status, 201, created.text);
      assert.equal(created.json.opens, '07:30');
      assert.equal(created.json.cold_storage, true);
      const before = (await new Client(server.url).get('/api/v1/logistics-nodes?tier=station')).json.total;
      const refusals = [
        [as.buyer, good, 403],
        [as.courier, good, 403],
        [as.wenxianAdmin, good, 422],  // not their county
        [as.countyAdmin, { ...good, tier: 'warehouse' }, 422],
        [as.countyAdmin, { ...good, division_code: '621221100201' }, 422],  // a village is not a station's place
        [as.countyAdmin, { ...good, parent_id: station.id }, 422],  // a station hangs under a park
        [as.countyAdmin, { ...good, parent_id: undefined }, 422],
        [as.countyAdmin, { ...good, lat: 91 }, 422],
        [as.countyAdmin, { ...good, lng: 'east' }, 400],
        [as.countyAdmin, { ...good, opens: '25:00' }, 422],
        [as.countyAdmin, { ...good, opens: '20:00', closes: '08:00' }, 422],
        [as.countyAdmin, { ...good, name: '' }, 422],
        [as.countyAdmin, { ...good, tier: 'village_point', division_code: '621221100201', parent_id: station.id }, 409],
      ];
      for (const [client, body, status] of refusals) {
        const answer = await client.post('/api/v1/logistics-nodes', body);
        assert.equal(answer.status, status, `${JSON.stringify(body)} → ${answer.status} ${answer.text}`);
      }
      assert.equal((await new Client(server.url).get('/api/v1/logistics-nodes?tier=station')).json.total, before);
      const changed = await as.countyAdmin.patch(`/api/v1/logistics-nodes/${created.json.id}`, { closes: '21:00', active: false });
      assert.equal(changed.status, 200, changed.text);
      assert.equal(changed.json.closes, '21:00');
      assert.equal(changed.json.active, false);
      assert.equal((await as.wenxianAdmin.patch(`/api/v1/logistics-nodes/${created.json.id}`, { name: 'x' })).status, 404);
      assert.equal((await as.countyAdmin.patch(`/api/v1/logistics-nodes/${created.json.id}`, { closes: '06:00' })).status, 422);
    });

    test('the fleet: the county sees its vehicles; plates are unique; a driver must be a courier of the county', async () => {
      const fleet = (await as.countyAdmin.get('/api/v1/vehicles?page_size=100')).json;
      // Three at the park (one cooled) and a light van at each station beyond the county town.
      const park = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=park&division=621221')).json.items[0];
      const stations = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=station&division=621221&page_size=100')).json.items;
      const parkFleet = fleet.items.filter((vehicle) => vehicle.home_node_id === park.id);
      assert.equal(parkFleet.length, 3);
      assert.ok(parkFleet.some((vehicle) => vehicle.cold));
      for (const station of stations)
        assert.equal(fleet.items.filter((vehicle) => vehicle.home_node_id === station.id).length, station.direct ? 0 : 1, station.name);
      assert.equal(fleet.total, 3 + stations.filter((station) => !station.direct).length);
      assert.ok(parkFleet.some((vehicle) => vehicle.driver?.name === '成县快递员'));
      assert.ok(fleet.items.some((vehicle) => vehicle.driver?.name === '鸡峰镇站长'));
      assert.equal((await as.courier.get('/api/v1/vehicles')).json.total, fleet.total);
      assert.ok((await as.cityAdmin.get('/api/v1/vehicles')).json.total > 27);
      assert.equal((await as.buyer.get('/api/v1/vehicles')).status, 403);
      const courierId = (await as.courier.get('/api/v1/auth/me')).json.user.id;
      const home = fleet.items[0].home_node_id;
      const good = { plate: '甘K·21X9', home_node_id: home, driver_user_id: courierId, capacity_kg: 600, capacity_l: 3000,
        cold: false, shift_start: '07:00', shift_end: '19:00', cost_per_km_fen: 110, cost_per_hour_fen: 3000 };
      const created = await as.countyAdmin.post('/api/v1/vehicles', good);
      assert.equal(created.status, 201, created.text);
      assert.equal(created.json.shift_start, '07:00');
      for (const [client, body, status] of [
        [as.countyAdmin, good, 409],
        [as.countyAdmin, { ...good, plate: 'B', capacity_kg: 0 }, 422],
        [as.countyAdmin, { ...good, plate: 'C', capacity_l: -1 }, 422],
        [as.countyAdmin, { ...good, plate: 'D', shift_end: '06:00' }, 422],
        [as.countyAdmin, { ...good, plate: 'E', driver_user_id: (await as.buyer.get('/api/v1/auth/me')).json.user.id }, 422],
        [as.countyAdmin, { ...good, plate: 'F', home_node_id: 999999999 }, 422],
        [as.wenxianAdmin, { ...good, plate: 'G' }, 422],
        [as.courier, { ...good, plate: 'H' }, 403],
      ]) {
        const answer = await client.post('/api/v1/vehicles', body);
        assert.equal(answer.status, status, `${JSON.stringify(body)} → ${answer.status} ${answer.text}`);
      }
      assert.equal((await as.countyAdmin.get('/api/v1/vehicles')).json.total, fleet.total + 1);
      const changed = await as.countyAdmin.patch(`/api/v1/vehicles/${created.json.id}`, { cold: true, driver_user_id: null });
      assert.equal(changed.status, 200, changed.text);
      assert.equal(changed.json.cold, true);
      assert.equal(changed.json.driver, null);
      assert.equal((await as.wenxianAdmin.patch(`/api/v1/vehicles/${created.json.id}`, { cold: false })).status, 404);
    });

    test('a paid same-city order becomes one task from the park to the village point; delivery settles it', async () => {
      const address = (await as.buyer.post('/api/v1/addresses', {
        recipient: '王小明', phone: '13912345678', division_code: '621221100201', detail: '二组 12 号',
      })).json;
      const keeperUser = (await as.storeKeeper.get('/api/v1/auth/me')).json.user;
      const products = (await as.buyer.get(`/api/v1/products?platform_id=${keeperUser.platform_id}&page_size=100`)).json.items;
      const product = products.find((p) => p.store.id === keeperUser.store_id);
      const sku = (await as.buyer.get(`/api/v1/products/${product.id}`)).json.skus[0];
      const order = async (key, mode) => {
        await as.buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 2 } });
        const placed = await as.buyer.request('POST', '/api/v1/orders', {
          body: { address_id: address.id, delivery_mode: mode }, headers: { 'idempotency-key': key } });
        assert.equal(placed.status, 201, placed.text);
        return placed.json.orders[0];
      };
      const local = await order('task-1', 'same_city');
      const express = await order('task-2', 'express');
      const unpaid = await order('task-3', 'same_city');
      for (const o of [local, express])
        assert.equal((await as.storeKeeper.post(`/api/v1/orders/${o.id}/advance`, { action: 'pay_cash' })).status, 200);
      const task = await until(async () => (await as.countyAdmin.get('/api/v1/delivery-tasks')).json.items
        .find((t) => t.order_id === local.id), 'the task of the paid order');
      assert.equal(task.status, 'open');
      assert.equal(task.kind, 'same_city');
      assert.equal(task.store.id, keeperUser.store_id);
      assert.match(task.origin.name, /成县电商物流园/);
      assert.equal(task.division_code, '621221100201');
      const point = (await as.countyAdmin.get('/api/v1/logistics-nodes?division=621221100201')).json.items[0];
      assert.equal(task.destination.id, point.id);
      assert.equal(task.weight_g, 2 * (sku.weight_g ?? 500));
      assert.ok(task.window_end > task.window_start);
      const all = (await as.countyAdmin.get('/api/v1/delivery-tasks?page_size=100')).json.items;
      assert.ok(!all.some((t) => t.order_id === express.id), 'express goes by the carrier, not the county fleet');
      assert.ok(!all.some((t) => t.order_id === unpaid.id), 'an unpaid online order waits');
      // Who sees the tasks: the county's staff, not buyers nor another county.
      assert.ok((await as.courier.get('/api/v1/delivery-tasks')).json.items.some((t) => t.id === task.id));
      assert.ok(!(await as.wenxianAdmin.get('/api/v1/delivery-tasks')).json.items.some((t) => t.id === task.id));
      assert.equal((await as.buyer.get('/api/v1/delivery-tasks')).status, 403);
      assert.equal((await as.countyAdmin.get('/api/v1/delivery-tasks?status=lost')).status, 422);
      // The order is packed, shipped and delivered: the task follows.
      await as.storeKeeper.post(`/api/v1/orders/${local.id}/advance`, { action: 'pack' });
      await as.storeKeeper.post(`/api/v1/orders/${local.id}/advance`, { action: 'ship', carrier: '县乡村物流' });
      assert.equal((await as.courier.post(`/api/v1/orders/${local.id}/advance`, { action: 'deliver' })).status, 200);
      await until(async () => (await as.countyAdmin.get(`/api/v1/delivery-tasks?status=delivered`)).json.items
        .some((t) => t.id === task.id), 'the task settled as delivered');
      // Exactly one task per order, however many feeds ran.
      const again = (await as.countyAdmin.get('/api/v1/delivery-tasks?page_size=100')).json.items;
      assert.equal(again.filter((t) => t.order_id === local.id).length, 1);
    });

    test('a dispatch wave plans the open tasks of the park into runs: every task once, within hours and capacities', async () => {
      const keeperUser = (await as.storeKeeper.get('/api/v1/auth/me')).json.user;
      const products = (await as.buyer.get(`/api/v1/products?platform_id=${keeperUser.platform_id}&page_size=100`)).json.items;
      const product = products.find((p) => p.store.id === keeperUser.store_id);
      const sku = (await as.buyer.get(`/api/v1/products/${product.id}`)).json.skus[0];
      // Villages of 城关镇, the county town: the park serves them itself, in one leg.
      const points = (await as.buyer.get('/api/v1/logistics-nodes?division=621221100&tier=village_point&page_size=100')).json.items;
      const orders = [];
      for (const [index, point] of points.filter((_, i) => i % 4 === 0).slice(0, 6).entries()) {
        const address = (await as.buyer.post('/api/v1/addresses', {
          recipient: `收货人${index}`, phone: '13912345678', division_code: point.division_code, detail: '一组',
        })).json;
        await as.buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
        const placed = await as.buyer.request('POST', '/api/v1/orders', {
          body: { address_id: address.id, delivery_mode: 'village_point' }, headers: { 'idempotency-key': `wave-${index}` } });
        assert.equal(placed.status, 201, placed.text);
        const order = placed.json.orders[0];
        assert.equal((await as.storeKeeper.post(`/api/v1/orders/${order.id}/advance`, { action: 'pay_cash' })).status, 200);
        orders.push(order);
        await as.buyer.request('DELETE', `/api/v1/addresses/${address.id}`);
      }
      const open = await until(async () => {
        const items = (await as.countyAdmin.get('/api/v1/delivery-tasks?status=open&page_size=100')).json.items;
        return orders.every((o) => items.some((t) => t.order_id === o.id)) && items;
      }, 'the tasks of the paid orders');
      const park = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=park&division=621221')).json.items[0];
      // Tomorrow in Shanghai: the vehicles' whole shift is ahead.
      const day = new Date(Date.now() + 8 * 3600e3 + 24 * 3600e3).toISOString().slice(0, 10);
      const dayStart = Date.parse(`${day}T00:00:00+08:00`);
      for (const [client, body, status] of [
        [as.buyer, { node_id: park.id, day }, 403],
        [as.courier, { node_id: park.id, day }, 403],
        [as.wenxianAdmin, { node_id: park.id, day }, 422],
        [as.countyAdmin, { node_id: open[0].destination.id, day }, 422],  // a village point sends no vehicles
        [as.countyAdmin, { node_id: park.id, day: '2026-02-30' }, 422],
        [as.countyAdmin, { node_id: park.id, day: '2020-01-01' }, 422],
        [as.countyAdmin, { node_id: park.id, day, time_limit_s: 0 }, 422],
        [as.countyAdmin, { node_id: park.id, day, time_limit_s: 'soon' }, 400],
        [as.countyAdmin, { node_id: park.id }, 422],
      ]) {
        const answer = await client.post('/api/v1/dispatch/waves', body);
        assert.equal(answer.status, status, `${JSON.stringify(body)} → ${answer.status} ${answer.text}`);
      }
      assert.equal((await as.countyAdmin.get('/api/v1/dispatch/waves')).json.total, 0);
      const started = await as.countyAdmin.post('/api/v1/dispatch/waves', { node_id: park.id, day, time_limit_s: 1, service_s: 240 });
      assert.equal(started.status, 202, started.text);
      assert.equal(started.json.status, 'queued');
      const wave = await until(async () => {
        const answer = (await as.countyAdmin.get(`/api/v1/dispatch/waves/${started.json.id}`)).json;
        assert.notEqual(answer.status, 'failed', answer.error);
        return answer.status === 'planned' && answer;
      }, 'the wave to be planned', 20000);
      const fleet = (await as.countyAdmin.get('/api/v1/vehicles?page_size=100')).json.items;
      for (const task of open.filter((t) => orders.some((o) => o.id === t.order_id))) {
        assert.equal(task.leg, 'local');
        assert.equal(task.hub, null);
      }
      const planned = wave.runs.flatMap((run) => run.stops.map((stop) => stop.task_id));
      const left = wave.unassigned.map((u) => u.task_id);
      assert.equal(new Set(planned).size, planned.length, 'no task twice');
      for (const task of open) assert.ok(planned.includes(task.id) !== left.includes(task.id), `task ${task.id} once`);
      assert.equal(wave.task_count, planned.length + left.length);
      assert.ok(planned.length >= orders.length, JSON.stringify(wave.unassigned));
      let distance = 0;
      for (const run of wave.runs) {
        const vehicle = fleet.find((v) => v.id === run.vehicle.id);
        assert.equal(vehicle.home_node_id, park.id);
        const clock = (hhmm) => dayStart + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60e3;
        assert.ok(run.departs_at >= clock(vehicle.shift_start) && run.returns_at <= clock(vehicle.shift_end), 'within the shift');
        assert.ok(run.distance_m > 0 && run.duration_s > 0);
        let previous = run.departs_at;
        for (const [index, stop] of run.stops.entries()) {
          assert.equal(stop.seq, index + 1);
          assert.ok(stop.eta >= previous, 'arrivals in order');
          assert.ok(stop.eta >= dayStart + 8 * 3600e3 && stop.eta <= dayStart + 20 * 3600e3, 'within the point\'s hours');
          assert.equal(stop.task_status, 'planned');
          previous = stop.eta;
        }
        const first = run.stops[0];
        const load = open.filter((t) => run.stops.some((s) => s.task_id === t.id)).reduce((sum, t) => sum + t.weight_g, 0);
        assert.ok(load <= vehicle.capacity_kg * 1000, 'within capacity');
        assert.equal(run.stops.at(-1).load_after_g, 0);
        assert.ok(first.load_after_g <= load);
        distance += run.distance_m;
      }
      assert.equal(wave.distance_m, distance);
      // The planned tasks left the open list; the other county sees nothing of the wave.
      const stillOpen = (await as.countyAdmin.get('/api/v1/delivery-tasks?status=open&page_size=100')).json.items;
      assert.ok(!stillOpen.some((t) => planned.includes(t.id)));
      assert.equal((await as.wenxianAdmin.get(`/api/v1/dispatch/waves/${wave.id}`)).status, 404);
      assert.equal((await as.wenxianAdmin.get('/api/v1/dispatch/waves')).json.total, 0);
      assert.equal((await as.courier.get(`/api/v1/dispatch/waves/${wave.id}`)).status, 200);
      assert.equal((await as.countyAdmin.get('/api/v1/dispatch/waves?status=planned')).json.total, 1);
      plannedWave = wave;
      waveDay = day;
    });

    test('the dispatcher edits a plan: the validator refuses what breaks a rule; locked runs survive re-optimising', async () => {
      assert.ok(plannedWave, 'the wave of the test before');
      const path = `/api/v1/dispatch/waves/${plannedWave.id}`;
      const fleet = (await as.countyAdmin.get('/api/v1/vehicles?page_size=100')).json.items;
      const runs = plannedWave.runs.map((run) => ({ vehicle_id: run.vehicle.id, task_ids: run.stops.map((s) => s.task_id) }));
      const tasks = runs.flatMap((run) => run.task_ids);
      const park = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=park&division=621221')).json.items[0];
      const spare = fleet.find((v) => v.active && v.home_node_id === park.id && !runs.some((run) => run.vehicle_id === v.id) && !v.cold);
      const refused = async (body, kind) => {
        const answer = await as.countyAdmin.request('PUT', `${path}/plan`, { body });
        assert.equal(answer.status, 422, answer.text);
        if (kind) {
          assert.equal(answer.json.error.code, 'plan_violations');
          assert.ok(answer.json.error.violations.some((v) => v.kind === kind), answer.text);
        }
        return answer;
      };
      // The same task twice; a task left out; a vehicle or task the wave does not have; malformed bodies.
      const twice = await refused({ runs: [...runs, { vehicle_id: spare.id, task_ids: [tasks[0]] }] }, 'task_twice');
      assert.ok(twice.json.error.violations.some((v) => v.task_id === tasks[0]));
      await refused({ runs: runs.map((run, i) => (i === 0 ? { ...run, task_ids: run.task_ids.slice(1) } : run)) }, 'task_missing');
      await refused({ runs: [{ vehicle_id: 999999, task_ids: tasks }] });
      await refused({ runs: [{ vehicle_id: spare.id, task_ids: [...tasks, 999999] }] });
      assert.equal((await as.countyAdmin.request('PUT', `${path}/plan`, { body: { runs: 'all' } })).status, 400);
      assert.equal((await as.countyAdmin.request('PUT', `${path}/plan`, { body: { runs: [{ vehicle_id: spare.id, task_ids: ['x'] }] } })).status, 400);
      assert.equal((await as.courier.request('PUT', `${path}/plan`, { body: { runs } })).status, 403);
      assert.equal((await as.wenxianAdmin.request('PUT', `${path}/plan`, { body: { runs } })).status, 404);
      const unchanged = (await as.countyAdmin.get(path)).json;
      assert.deepEqual(unchanged.runs.map((run) => run.id), plannedWave.runs.map((run) => run.id), 'nothing saved');
      // A valid edit: the last stop of the first run moves to the spare vehicle.
      const moved = runs[0].task_ids.at(-1);
      const edited = [{ ...runs[0], task_ids: runs[0].task_ids.slice(0, -1) }, ...runs.slice(1), { vehicle_id: spare.id, task_ids: [moved] }]
        .filter((run) => run.task_ids.length);
      const saved = await as.countyAdmin.request('PUT', `${path}/plan`, { body: { runs: edited } });
      assert.equal(saved.status, 200, saved.text);
      const spareRun = saved.json.runs.find((run) => run.vehicle.id === spare.id);
      assert.deepEqual(spareRun.stops.map((s) => s.task_id), [moved]);
      assert.deepEqual(saved.json.runs.flatMap((run) => run.stops.map((s) => s.task_id)).sort(), [...tasks].sort());
      assert.equal(saved.json.distance_m, saved.json.runs.reduce((sum, run) => sum + run.distance_m, 0));
      // Lock the spare's run and re-optimise: it stays as it is; every task is still planned once.
      const locked = await as.countyAdmin.post(`/api/v1/dispatch/runs/${spareRun.id}/lock`, { locked: true });
      assert.equal(locked.status, 200, locked.text);
      assert.equal(locked.json.locked, true);
      assert.equal((await as.buyer.post(`/api/v1/dispatch/runs/${spareRun.id}/lock`, { locked: true })).status, 403);
      assert.equal((await as.wenxianAdmin.post(`/api/v1/dispatch/runs/${spareRun.id}/lock`, { locked: false })).status, 404);
      assert.equal((await as.countyAdmin.post(`/api/v1/dispatch/runs/${spareRun.id}/lock`, { locked: 'yes' })).status, 400);
      const again = await as.countyAdmin.post(`${path}/reoptimise`, {});
      assert.equal(again.status, 202, again.text);
      assert.equal((await as.countyAdmin.post(`${path}/reoptimise`, {})).status, 409);  // queued already
      assert.equal((await as.wenxianAdmin.post(`${path}/reoptimise`, {})).status, 404);
      const replanned = await until(async () => {
        const answer = (await as.countyAdmin.get(path)).json;
        assert.notEqual(answer.status, 'failed', answer.error);
        return answer.status === 'planned' && answer;
      }, 'the wave re-optimised', 20000);
      const kept = replanned.runs.find((run) => run.id === spareRun.id);
      assert.ok(kept && kept.locked, 'the locked run is still there');
      assert.deepEqual(kept.stops.map((s) => s.task_id), [moved]);
      const all = replanned.runs.flatMap((run) => run.stops.map((s) => s.task_id));
      assert.equal(new Set(all).size, all.length);
      for (const task of tasks) assert.ok(all.includes(task) || replanned.unassigned.some((u) => u.task_id === task));
      plannedWave = replanned;
    });

    test('the driver sees the run, picks up, fails a stop with a reason and hands over with the buyer\'s code', async () => {
      const path = `/api/v1/dispatch/waves/${plannedWave.id}`;
      const fleet = (await as.countyAdmin.get('/api/v1/vehicles?page_size=100')).json.items;
      const van = fleet.find((v) => v.driver?.name === '成县快递员');
      // Everything on the courier's van, in the planned order.
      const tasks = plannedWave.runs.flatMap((run) => run.stops.map((s) => s.task_id));
      await as.countyAdmin.post(`/api/v1/dispatch/runs/${plannedWave.runs.find((r) => r.locked)?.id ?? 0}/lock`, { locked: false });
      const saved = await as.countyAdmin.request('PUT', `${path}/plan`, { body: { runs: [{ vehicle_id: van.id, task_ids: tasks }] } });
      assert.equal(saved.status, 200, saved.text);
      const runs = (await as.courier.get(`/api/v1/driver/runs?day=${waveDay}`)).json.items;
      assert.equal(runs.length, 1);
      const [run] = runs;
      assert.equal(run.vehicle.id, van.id);
      assert.deepEqual(run.stops.map((s) => s.task_id), tasks);
      const [first, second] = run.stops;
      assert.equal(first.phone, '13912345678');
      assert.match(first.recipient, /收货人/);
      assert.equal((await as.courier.get('/api/v1/driver/runs?day=tomorrow')).status, 422);
      assert.equal((await as.buyer.get('/api/v1/driver/runs')).status, 403);
      assert.equal((await as.countyAdmin.get('/api/v1/driver/runs')).status, 403);
      // Picking up, once; a stop on nobody's run of this courier is 404.
      const picked = await as.courier.post(`/api/v1/driver/tasks/${first.task_id}/pickup`, {});
      assert.equal(picked.status, 200, picked.text);
      assert.equal(picked.json.status, 'picked_up');
      assert.equal((await as.courier.post(`/api/v1/driver/tasks/${first.task_id}/pickup`, {})).status, 409);
      assert.equal((await as.courier.post('/api/v1/driver/tasks/999999/pickup', {})).status, 404);
      // The run has started: the wave can no longer be edited.
      assert.equal((await as.countyAdmin.request('PUT', `${path}/plan`, { body: { runs: [{ vehicle_id: van.id, task_ids: tasks }] } })).status, 409);
      // Nobody home at the second stop: the task is open again, with the reason.
      assert.equal((await as.courier.post(`/api/v1/driver/tasks/${second.task_id}/fail`, { reason: 'lost' })).status, 422);
      const failed = await as.courier.post(`/api/v1/driver/tasks/${second.task_id}/fail`, { reason: 'nobody_home', note: '电话未接' });
      assert.equal(failed.status, 200, failed.text);
      assert.equal(failed.json.status, 'open');
      assert.equal(failed.json.fail_reason, 'nobody_home: 电话未接');
      assert.ok((await as.countyAdmin.get('/api/v1/delivery-tasks?status=open&page_size=100')).json.items.some((t) => t.id === second.task_id));
      // Handing over the first stop's goods: the store ships, the driver checks the buyer's code.
      const order = first.order_id;
      await as.storeKeeper.post(`/api/v1/orders/${order}/advance`, { action: 'pack' });
      assert.equal((await as.storeKeeper.post(`/api/v1/orders/${order}/advance`, { action: 'ship', carrier: '县乡村物流' })).status, 200);
      const code = (await as.buyer.get(`/api/v1/orders/${order}`)).json.pickup_code;
      assert.match(code, /^\d{6}$/);
      const wrong = code === '000000' ? '111111' : '000000';
      assert.equal((await as.courier.post(`/api/v1/orders/${order}/advance`, { action: 'redeem', code: wrong })).status, 422);
      const handed = await as.courier.post(`/api/v1/orders/${order}/advance`, { action: 'redeem', code });
      assert.equal(handed.status, 200, handed.text);
      assert.equal(handed.json.status, 'delivered');
      await until(async () => (await as.countyAdmin.get('/api/v1/delivery-tasks?status=delivered&page_size=100')).json.items
        .some((t) => t.id === first.task_id), 'the task settled as delivered');
      // What the buyer polls: delivered; the failed stop with its reason; a stop still to come with its ETA and van.
      const status = async (orderId) => (await as.buyer.get(`/api/v1/orders/${orderId}/delivery`)).json;
      assert.equal((await status(order)).task.status, 'delivered');
      const again = await status(second.order_id);
      assert.equal(again.task.status, 'open');
      assert.match(again.task.fail_reason, /nobody_home/);
      const third = run.stops[2];
      const coming = await status(third.order_id);
      assert.equal(coming.task.status, 'planned');
      assert.equal(coming.task.eta, third.eta);
      assert.equal(coming.task.vehicle.plate, van.plate);
      assert.equal((await as.wenxianAdmin.get(`/api/v1/orders/${order}/delivery`)).status, 404);
      assert.equal((await new Client(server.url).get(`/api/v1/orders/${order}/delivery`)).status, 401);
      // The point's arrivals that day, for the county; the figures the county reports.
      const arrivals = (await as.countyAdmin.get(`/api/v1/delivery/arrivals?day=${waveDay}&node_id=${third.node.id}`)).json.items;
      assert.ok(arrivals.some((a) => a.task_id === third.task_id && a.vehicle === van.plate));
      assert.equal((await as.countyAdmin.get('/api/v1/delivery/arrivals')).status, 422);
      assert.equal((await as.buyer.get('/api/v1/delivery/arrivals')).status, 403);
      const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
      const figures = (await as.countyAdmin.get(`/api/v1/delivery/figures?by=day&from=${today}&to=${waveDay}`)).json;
      assert.ok(figures.total.orders >= 2, JSON.stringify(figures));
      assert.ok(figures.total.vehicle_trips >= 1 && figures.total.km > 0);
      assert.ok(figures.total.villages_covered >= 1);
      assert.equal(figures.total.on_time_rate, 1);
      assert.equal(figures.items.reduce((sum, item) => sum + item.orders, 0), figures.total.orders);
      const month = (await as.cityAdmin.get(`/api/v1/delivery/figures?by=month&from=${today}&to=${waveDay}`)).json;
      assert.equal(month.total.orders, figures.total.orders);
      assert.equal((await as.wenxianAdmin.get(`/api/v1/delivery/figures?from=${today}&to=${waveDay}`)).json.total.orders, 0);
      for (const query of ['by=week', `from=${waveDay}&to=${today}`, 'from=yesterday', 'platform_id=x'])
        assert.equal((await as.countyAdmin.get(`/api/v1/delivery/figures?${query}`)).status, query === 'platform_id=x' ? 400 : 422, query);
      assert.equal((await as.buyer.get('/api/v1/delivery/figures')).status, 403);
    });

    test('a second wave that day sends a van out again only once it is back from its first run', async () => {
      const first = (await as.countyAdmin.get(`/api/v1/dispatch/waves/${plannedWave.id}`)).json;
      const park = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=park&division=621221')).json.items[0];
      const started = await as.countyAdmin.post('/api/v1/dispatch/waves', { node_id: park.id, day: waveDay, time_limit_s: 1 });
      assert.equal(started.status, 202, started.text);
      const wave = await until(async () => {
        const answer = (await as.countyAdmin.get(`/api/v1/dispatch/waves/${started.json.id}`)).json;
        assert.notEqual(answer.status, 'failed', answer.error);
        return answer.status === 'planned' && answer;
      }, 'the second wave', 20000);
      // The stop that failed in the first wave is open again, so this wave has it.
      const planned = wave.runs.flatMap((run) => run.stops.map((stop) => stop.task_id));
      assert.equal(wave.task_count, planned.length + wave.unassigned.length);
      assert.ok(wave.task_count >= 1);
      for (const left of wave.unassigned) assert.match(left.code, /^(window_closed|later|cold_chain|too_big|unreachable|no_room)$/);
      for (const run of wave.runs) {
        const earlier = first.runs.find((r) => r.vehicle.id === run.vehicle.id);
        if (earlier) assert.ok(run.departs_at >= earlier.returns_at, `${run.vehicle.plate} leaves again after it is back`);
      }
      // The city narrows the tasks to one county.
      const city = (await as.cityAdmin.get(`/api/v1/delivery-tasks?platform_id=${park.platform_id}&page_size=100`)).json.items;
      assert.ok(city.length > 0 && city.every((t) => t.platform_id === park.platform_id));
    });

    test('a station has a manager: a courier of the county, seen by the county\'s staff only', async () => {
      const station = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=station&division=621221103')).json.items[0];
      const path = `/api/v1/logistics-nodes/${station.id}`;
      const courier = as.courier.user;
      for (const [body, status] of [
        [{ manager_user_id: as.buyer.user.id }, 422],
        [{ manager_user_id: as.wenxianAdmin.user.id }, 422],
        [{ manager_user_id: 'him' }, 400],
        [{ direct: 'yes' }, 400],
      ]) assert.equal((await as.countyAdmin.patch(path, body)).status, status, JSON.stringify(body));
      const point = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=village_point&division=621221103')).json.items[0];
      assert.equal((await as.countyAdmin.patch(`/api/v1/logistics-nodes/${point.id}`, { manager_user_id: courier.id })).status, 422);
      assert.equal((await as.countyAdmin.patch(`/api/v1/logistics-nodes/${point.id}`, { direct: true })).status, 422);
      const managed = await as.countyAdmin.patch(path, { manager_user_id: courier.id });
      assert.equal(managed.status, 200, managed.text);
      assert.deepEqual(managed.json.manager, { id: courier.id, name: courier.name });
      const mine = (await as.courier.get(`/api/v1/logistics-nodes?manager_user_id=${courier.id}`)).json.items;
      assert.deepEqual(mine.map((node) => node.id), [station.id]);
      assert.equal(mine[0].manager.id, courier.id);
      // The public list does not say who runs a station.
      const seen = (await new Client(server.url).get(`/api/v1/logistics-nodes?manager_user_id=${courier.id}`)).json.items[0];
      assert.equal(seen.manager, null);
      const cleared = await as.countyAdmin.patch(path, { manager_user_id: null });
      assert.equal(cleared.json.manager, null);
      // The demo's 鸡峰镇 station is run by its manager; the county town's stations are served from the park.
      const jifeng = (await as.stationManager.get(`/api/v1/logistics-nodes?manager_user_id=${as.stationManager.user.id}`)).json.items;
      assert.deepEqual(jifeng.map((node) => node.division_code), ['621221112']);
      const town = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=station&division=621221100')).json.items;
      assert.ok(town.length >= 1 && town.every((node) => node.direct));
      assert.equal(jifeng[0].direct, false);
    });

    test('two tiers: the park\'s line-haul takes a station\'s parcels as one stop; the station\'s manager plans the last leg', async () => {
      const keeperUser = as.storeKeeper.user;
      const products = (await as.buyer.get(`/api/v1/products?platform_id=${keeperUser.platform_id}&page_size=100`)).json.items;
      const product = products.find((p) => p.store.id === keeperUser.store_id);
      const sku = (await as.buyer.get(`/api/v1/products/${product.id}`)).json.skus[0];
      // The SKU's packed volume, when known, is what the tasks carry.
      const measured = await as.storeKeeper.patch(`/api/v1/products/${product.id}`, { skus: [{ id: sku.id, volume_ml: 1234 }] });
      assert.equal(measured.status, 200, measured.text);
      assert.equal((await as.buyer.get(`/api/v1/products/${product.id}`)).json.skus.find((k) => k.id === sku.id).volume_ml, 1234);
      assert.equal((await as.storeKeeper.patch(`/api/v1/products/${product.id}`, { skus: [{ id: sku.id, volume_ml: -1 }] })).status, 422);

      const day = new Date(Date.now() + 8 * 3600e3 + 24 * 3600e3).toISOString().slice(0, 10);
      const dayStart = Date.parse(`${day}T00:00:00+08:00`);
      const jifengPoints = (await as.buyer.get('/api/v1/logistics-nodes?division=621221112&tier=village_point&page_size=100')).json.items;
      const [jifengStation] = (await as.buyer.get('/api/v1/logistics-nodes?division=621221112&tier=station')).json.items;
      const placeOrder = async (point, key, extra = {}) => {
        const address = (await as.buyer.post('/api/v1/addresses', {
          recipient: '李大姐', phone: '13912345678', division_code: point.division_code, detail: '三组',
        })).json;
        await as.buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 2 } });
        const placed = await as.buyer.request('POST', '/api/v1/orders', {
          body: { address_id: address.id, delivery_mode: 'village_point', ...extra }, headers: { 'idempotency-key': key } });
        await as.buyer.request('DELETE', `/api/v1/addresses/${address.id}`);
        return placed;
      };
      // The buyer's window: a slot of a day within the week, same-city and village-point only.
      for (const [index, [window, field]] of [
        [{ day, slot: 'night' }, 'delivery_window.slot'],
        [{ day: '2020-01-01', slot: 'morning' }, 'delivery_window.day'],
        [{ day: new Date(Date.now() + 8 * 3600e3 + 9 * 24 * 3600e3).toISOString().slice(0, 10), slot: 'morning' }, 'delivery_window.day'],
        [{ slot: 'morning' }, 'delivery_window.day'],
      ].entries()) {
        const refused = await placeOrder(jifengPoints[0], `window-bad-${index}`, { delivery_window: window });
        assert.equal(refused.status, 422, refused.text);
        assert.equal(refused.json.error.field, field);
      }
      const express = await placeOrder(jifengPoints[0], 'window-express', { delivery_mode: 'express', delivery_window: { day, slot: 'morning' } });
      assert.equal(express.status, 422);
      assert.equal(express.json.error.field, 'delivery_window');

      const orders = [];
      for (const [index, point] of [jifengPoints[0], jifengPoints[3], jifengPoints[5]].entries()) {
        const placed = await placeOrder(point, `two-tier-${index}`, index === 0 ? { delivery_window: { day, slot: 'afternoon' } } : {});
        assert.equal(placed.status, 201, placed.text);
        const order = placed.json.orders[0];
        assert.equal((await as.storeKeeper.post(`/api/v1/orders/${order.id}/advance`, { action: 'pay_cash' })).status, 200);
        orders.push(order);
      }
      assert.deepEqual(orders[0].delivery_window, { start: dayStart + 14 * 3600e3, end: dayStart + 18 * 3600e3 });
      assert.equal(orders[1].delivery_window, null);
      const tasks = await until(async () => {
        const items = (await as.countyAdmin.get(`/api/v1/delivery-tasks?status=open&leg=line_haul&page_size=100`)).json.items;
        const found = orders.map((o) => items.find((t) => t.order_id === o.id));
        return found.every(Boolean) && found;
      }, 'the line-haul tasks');
      const park = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=park&division=621221')).json.items[0];
      for (const task of tasks) {
        assert.equal(task.leg, 'line_haul');
        assert.equal(task.hub.id, jifengStation.id);
        assert.equal(task.origin.id, park.id);
        assert.equal(task.volume_ml, 2 * 1234);
      }
      assert.equal(tasks[0].window_start, dayStart + 14 * 3600e3);
      assert.equal(tasks[0].window_end, dayStart + 18 * 3600e3);
      assert.equal((await as.countyAdmin.get('/api/v1/delivery-tasks?leg=air')).status, 422);

      // The park's wave: the three parcels for 鸡峰镇 are one stop at the station.
      assert.equal((await as.stationManager.post('/api/v1/dispatch/waves', { node_id: park.id, day })).status, 403);
      const started = await as.countyAdmin.post('/api/v1/dispatch/waves', { node_id: park.id, day, time_limit_s: 1 });
      assert.equal(started.status, 202, started.text);
      const wave = await until(async () => {
        const answer = (await as.countyAdmin.get(`/api/v1/dispatch/waves/${started.json.id}`)).json;
        assert.notEqual(answer.status, 'failed', answer.error);
        return answer.status === 'planned' && answer;
      }, 'the line-haul wave', 20000);
      const ours = tasks.map((t) => t.id);
      const run = wave.runs.find((r) => r.stops.some((stop) => ours.includes(stop.task_id)));
      assert.ok(run, JSON.stringify(wave.unassigned));
      const stops = run.stops.filter((stop) => ours.includes(stop.task_id));
      assert.equal(stops.length, 3);
      assert.equal(new Set(stops.map((stop) => stop.group)).size, 1, 'one stop');
      assert.equal(new Set(stops.map((stop) => stop.eta)).size, 1);
      const at = run.stops.findIndex((stop) => ours.includes(stop.task_id));
      assert.deepEqual(run.stops.slice(at, at + 3).map((stop) => stop.task_id).sort(), [...ours].sort(), 'one after the other');
      for (const stop of stops) {
        assert.equal(stop.leg, 'line_haul');
        assert.equal(stop.node.id, jifengStation.id);
      }
      // The station's parcels go together: a plan that splits them is refused and changes nothing.
      const fleet = (await as.countyAdmin.get('/api/v1/vehicles?page_size=100')).json.items;
      const van = fleet.find((v) => v.driver?.name === '成县快递员');
      const others = wave.runs.flatMap((r) => r.stops.map((stop) => stop.task_id)).filter((id) => !ours.includes(id));
      const spare = fleet.find((v) => v.home_node_id === park.id && v.id !== van.id && !v.cold);
      const split = await as.countyAdmin.request('PUT', `/api/v1/dispatch/waves/${wave.id}/plan`, {
        body: { runs: [{ vehicle_id: van.id, task_ids: [ours[0], ...others] }, { vehicle_id: spare.id, task_ids: [ours[1], ours[2]] }] } });
      assert.equal(split.status, 422, split.text);
      const twice = split.json.error.violations.find((v) => v.kind === 'task_twice');
      assert.deepEqual([...twice.task_ids].sort(), [...ours].sort(), split.text);
      const partly = await as.countyAdmin.request('PUT', `/api/v1/dispatch/waves/${wave.id}/plan`, {
        body: { runs: [{ vehicle_id: van.id, task_ids: [...others, ours[0], ours[1]] }] } });
      assert.equal(partly.status, 422, partly.text);
      assert.equal(partly.json.error.field, 'runs');
      // Everything on the courier's van, the station's parcels together.
      const saved = await as.countyAdmin.request('PUT', `/api/v1/dispatch/waves/${wave.id}/plan`, {
        body: { runs: [{ vehicle_id: van.id, task_ids: [...ours, ...others] }] } });
      assert.equal(saved.status, 200, saved.text);

      // The courier's line-haul stop: no buyer, no code; the parcels are handed over at the station.
      const driven = (await as.courier.get(`/api/v1/driver/runs?day=${day}`)).json.items.find((r) => r.wave_id === wave.id);
      const haul = driven.stops.filter((stop) => ours.includes(stop.task_id));
      for (const stop of haul) {
        assert.equal(stop.leg, 'line_haul');
        assert.equal(stop.pickup_code_required, false);
        assert.equal(stop.recipient, '');
        assert.equal(stop.phone, '');
        assert.equal(stop.node.id, jifengStation.id);
      }
      for (const id of ours) assert.equal((await as.courier.post(`/api/v1/driver/tasks/${id}/pickup`, {})).status, 200);
      assert.equal((await as.courier.post(`/api/v1/driver/tasks/${ours[0]}/fail`, { reason: 'refused' })).status, 409);
      for (const [body, status] of [[{}, 422], [{ task_ids: [] }, 422], [{ task_ids: ['x'] }, 400], [{ task_ids: [999999] }, 404]])
        assert.equal((await as.courier.post('/api/v1/driver/handover', body)).status, status, JSON.stringify(body));
      assert.equal((await as.stationManager.post('/api/v1/driver/handover', { task_ids: ours })).status, 404);
      const handed = await as.courier.post('/api/v1/driver/handover', { task_ids: ours });
      assert.equal(handed.status, 200, handed.text);
      for (const item of handed.json.items) {
        assert.equal(item.status, 'open');
        assert.equal(item.leg, 'local');
      }
      assert.equal((await as.courier.post('/api/v1/driver/handover', { task_ids: ours })).status, 404, 'once');
      const atStation = (await as.buyer.get(`/api/v1/orders/${orders[1].id}/delivery`)).json.task;
      assert.equal(atStation.status, 'open');
      assert.equal(atStation.leg, 'local');
      assert.equal(atStation.hub.name, jifengStation.name);
      const haulWave = (await as.countyAdmin.get(`/api/v1/dispatch/waves/${wave.id}`)).json;
      for (const stop of haulWave.runs.flatMap((r) => r.stops).filter((stop) => ours.includes(stop.task_id)))
        assert.equal(stop.task_status, 'handed_over');
      assert.equal((await as.countyAdmin.request('PUT', `/api/v1/dispatch/waves/${wave.id}/plan`, {
        body: { runs: [{ vehicle_id: van.id, task_ids: [...ours, ...others] }] } })).status, 409);
      const received = (await as.countyAdmin.get(`/api/v1/delivery/arrivals?day=${day}&node_id=${jifengStation.id}`)).json.items;
      assert.deepEqual(received.map((a) => a.task_id).sort(), [...ours].sort());
      assert.ok(received.every((a) => a.status === 'handed_over'));
      const waiting = (await as.stationManager.get(`/api/v1/delivery-tasks?origin_node_id=${jifengStation.id}&status=open`)).json.items;
      assert.deepEqual(waiting.map((t) => t.id).sort(), [...ours].sort());

      // The station's manager plans the last leg with the station's van, which they drive.
      assert.equal((await as.courier.post('/api/v1/dispatch/waves', { node_id: jifengStation.id, day })).status, 403);
      const local = await as.stationManager.post('/api/v1/dispatch/waves', { node_id: jifengStation.id, day, time_limit_s: 1 });
      assert.equal(local.status, 202, local.text);
      const lastLeg = await until(async () => {
        const answer = (await as.stationManager.get(`/api/v1/dispatch/waves/${local.json.id}`)).json;
        assert.notEqual(answer.status, 'failed', answer.error);
        return answer.status === 'planned' && answer;
      }, 'the station\'s wave', 20000);
      assert.equal(lastLeg.runs.length, 1, JSON.stringify(lastLeg));
      const stationRun = lastLeg.runs[0];
      assert.deepEqual(stationRun.stops.map((stop) => stop.task_id).sort(), [...ours].sort());
      assert.equal(new Set(stationRun.stops.map((stop) => stop.group)).size, 3, 'three villages, three stops');
      const windowed = stationRun.stops.find((stop) => stop.task_id === ours[0]);
      assert.ok(windowed.eta >= dayStart + 14 * 3600e3 && windowed.eta <= dayStart + 18 * 3600e3, 'in the buyer\'s window');
      for (const stop of stationRun.stops) {
        assert.equal(stop.leg, 'local');
        assert.notEqual(stop.node.id, jifengStation.id);
      }
      assert.equal((await as.stationManager.post(`/api/v1/dispatch/runs/${stationRun.id}/lock`, { locked: true })).status, 200);
      // A station manager's list of waves is their station's.
      const listed = (await as.stationManager.get('/api/v1/dispatch/waves')).json.items;
      assert.deepEqual(listed.map((w) => w.id), [local.json.id]);
      assert.equal((await as.courier.get('/api/v1/dispatch/waves')).json.total, 0);
      assert.equal((await as.courier.post(`/api/v1/dispatch/runs/${stationRun.id}/lock`, { locked: false })).status, 403);
      // The manager drives it and hands each parcel to its buyer with their code.
      const [myRun] = (await as.stationManager.get(`/api/v1/driver/runs?day=${day}`)).json.items;
      assert.equal(myRun.id, stationRun.id);
      const first = myRun.stops[0];
      assert.equal(first.pickup_code_required, true);
      assert.equal(first.phone, '13912345678');
      assert.equal((await as.stationManager.post(`/api/v1/driver/tasks/${first.task_id}/pickup`, {})).status, 200);
      await as.storeKeeper.post(`/api/v1/orders/${first.order_id}/advance`, { action: 'pack' });
      await as.storeKeeper.post(`/api/v1/orders/${first.order_id}/advance`, { action: 'ship', carrier: '县乡村物流' });
      const code = (await as.buyer.get(`/api/v1/orders/${first.order_id}`)).json.pickup_code;
      const delivered = await as.stationManager.post(`/api/v1/orders/${first.order_id}/advance`, { action: 'redeem', code });
      assert.equal(delivered.status, 200, delivered.text);
      await until(async () => (await as.buyer.get(`/api/v1/orders/${first.order_id}/delivery`)).json.task.status === 'delivered',
        'the task delivered');
      // The line-haul stop stays handed over; the courier's run still shows it so.
      const after = (await as.courier.get(`/api/v1/driver/runs?day=${day}`)).json.items.find((r) => r.wave_id === wave.id);
      assert.equal(after.stops.find((stop) => stop.task_id === first.task_id).task_status, 'handed_over');
    });
  });
}

for (const backend of BACKENDS) {
  describe(`road distances from a matrix file (${backend})`, () => {
    test('a wave plans with the file\'s distances and times; a malformed file stops the server with one line', async () => {
      const dir = mkdtempSync(join(process.env.LONGNAN_TEST_TMP || tmpdir(), 'matrix-'));
      const first = await startServer(backend);
      const anyone = new Client(first.url);
      const park = (await anyone.get('/api/v1/logistics-nodes?tier=park&division=621221')).json.items[0];
      const point = (await anyone.get('/api/v1/logistics-nodes?division=621221100201')).json.items[0];
      await first.stop();
      const file = join(dir, 'roads.csv');
      writeFileSync(file, `from_node_id,to_node_id,distance_m,duration_s\n${park.id},${point.id},12345,1000\n${point.id},${park.id},23456,1100\n`);
      for (const [name, text, line] of [
        ['header.csv', 'from,to,m,s\n1,2,3,4\n', ':1:'],
        ['letters.csv', `from_node_id,to_node_id,distance_m,duration_s\n${park.id},${point.id},far,10\n`, ':2:'],
        ['twice.csv', `from_node_id,to_node_id,distance_m,duration_s\n1,2,3,4\n1,2,5,6\n`, ':3:'],
      ]) {
        writeFileSync(join(dir, name), text);
        const answer = spawnSync(BIN, ['serve', '--db', first.db.url, '--key-file', first.db.key, '--port', '0',
          '--distance-matrix', join(dir, name)], { encoding: 'utf8', timeout: 20000 });
        assert.notEqual(answer.status, 0, `${name} should stop the server`);
        assert.equal(answer.stderr.trim().split('\n').length, 1, answer.stderr);
        assert.ok(answer.stderr.includes(name + line), answer.stderr);
      }
      const server = await startServer(backend, { demo: false, db: first.db, extraArgs: ['--distance-matrix', file] });
      try {
        const as = {};
        for (const role of ['buyer', 'storeKeeper', 'countyAdmin']) {
          as[role] = new Client(server.url);
          await as[role].login(ACCOUNTS[role]);
        }
        const keeperUser = (await as.storeKeeper.get('/api/v1/auth/me')).json.user;
        const products = (await as.buyer.get(`/api/v1/products?platform_id=${keeperUser.platform_id}&page_size=100`)).json.items;
        const sku = (await as.buyer.get(`/api/v1/products/${products.find((p) => p.store.id === keeperUser.store_id).id}`)).json.skus[0];
        const address = (await as.buyer.post('/api/v1/addresses', {
          recipient: '王小明', phone: '13912345678', division_code: '621221100201', detail: '二组',
        })).json;
        await as.buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
        const placed = await as.buyer.request('POST', '/api/v1/orders', {
          body: { address_id: address.id, delivery_mode: 'village_point' }, headers: { 'idempotency-key': 'matrix-1' } });
        assert.equal(placed.status, 201, placed.text);
        await as.storeKeeper.post(`/api/v1/orders/${placed.json.orders[0].id}/advance`, { action: 'pay_cash' });
        await until(async () => (await as.countyAdmin.get('/api/v1/delivery-tasks?status=open')).json.total === 1, 'the task');
        const day = new Date(Date.now() + 8 * 3600e3 + 24 * 3600e3).toISOString().slice(0, 10);
        const started = await as.countyAdmin.post('/api/v1/dispatch/waves', { node_id: park.id, day, time_limit_s: 1, service_s: 180 });
        const wave = await until(async () => {
          const answer = (await as.countyAdmin.get(`/api/v1/dispatch/waves/${started.json.id}`)).json;
          return answer.status === 'planned' && answer;
        }, 'the wave', 20000);
        assert.equal(wave.runs.length, 1, JSON.stringify(wave));
        const [run] = wave.runs;
        assert.equal(run.distance_m, 12345 + 23456);
        assert.equal(run.duration_s, 1000 + 180 + 1100);
        assert.equal(run.stops[0].eta, run.departs_at + 1000 * 1000);
      } finally {
        await server.stop();
      }
    });

    test('with --osrm-url the planner asks the road router\'s table service, and estimates when it is down', async () => {
      // A road router on loopback: every road is 4321 m and takes 321 s.
      const asked = [];
      const router = createServer((request, response) => {
        asked.push(request.url);
        const url = new URL(request.url, 'http://router');
        const rows = url.searchParams.get('sources').split(';').length;
        const columns = url.searchParams.get('destinations').split(';').length;
        const grid = (value) => Array.from({ length: rows }, () => Array.from({ length: columns }, () => value));
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify({ code: 'Ok', distances: grid(4321), durations: grid(321) }));
      });
      await new Promise((resolve) => router.listen(0, '127.0.0.1', resolve));
      const server = await startServer(backend, { extraArgs: ['--osrm-url', `http://127.0.0.1:${router.address().port}`] });
      try {
        const as = {};
        for (const role of ['buyer', 'storeKeeper', 'countyAdmin']) {
          as[role] = new Client(server.url);
          await as[role].login(ACCOUNTS[role]);
        }
        const keeperUser = as.storeKeeper.user;
        const products = (await as.buyer.get(`/api/v1/products?platform_id=${keeperUser.platform_id}&page_size=100`)).json.items;
        const sku = (await as.buyer.get(`/api/v1/products/${products.find((p) => p.store.id === keeperUser.store_id).id}`)).json.skus[0];
        const address = (await as.buyer.post('/api/v1/addresses', {
          recipient: '王小明', phone: '13912345678', division_code: '621221100201', detail: '二组',
        })).json;
        await as.buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
        const placed = await as.buyer.request('POST', '/api/v1/orders', {
          body: { address_id: address.id, delivery_mode: 'village_point' }, headers: { 'idempotency-key': 'osrm-1' } });
        assert.equal(placed.status, 201, placed.text);
        await as.storeKeeper.post(`/api/v1/orders/${placed.json.orders[0].id}/advance`, { action: 'pay_cash' });
        await until(async () => (await as.countyAdmin.get('/api/v1/delivery-tasks?status=open')).json.total === 1, 'the task');
        const park = (await as.countyAdmin.get('/api/v1/logistics-nodes?tier=park&division=621221')).json.items[0];
        const day = new Date(Date.now() + 8 * 3600e3 + 24 * 3600e3).toISOString().slice(0, 10);
        const plan = async (path, body) => {
          const started = await as.countyAdmin.post(path, body);
          assert.equal(started.status, 202, started.text);
          return until(async () => {
            const answer = (await as.countyAdmin.get(`/api/v1/dispatch/waves/${started.json.id}`)).json;
            assert.notEqual(answer.status, 'failed', answer.error);
            return answer.status === 'planned' && answer;
          }, 'the wave', 20000);
        };
        const wave = await plan('/api/v1/dispatch/waves', { node_id: park.id, day, time_limit_s: 1, service_s: 180 });
        assert.equal(asked.length, 1);
        assert.match(asked[0], /^\/table\/v1\/driving\/[\d.]+,[\d.]+;[\d.]+,[\d.]+\?sources=0;1&destinations=0;1&annotations=duration,distance$/);
        const [run] = wave.runs;
        assert.equal(run.distance_m, 2 * 4321);
        assert.equal(run.duration_s, 321 + 180 + 321);
        // The router goes away: re-optimising still plans, on the estimate.
        await new Promise((resolve) => router.close(resolve));
        const again = await plan(`/api/v1/dispatch/waves/${wave.id}/reoptimise`, {});
        assert.equal(again.runs.length, 1);
        assert.notEqual(again.runs[0].distance_m, 2 * 4321);
        assert.match(server.log(), /road router failed/);
      } finally {
        router.close();
        await server.stop();
      }
    });
  });
}
