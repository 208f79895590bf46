// Sale events (flash and live-stream), freight templates, village agents ordering for
// villagers, and pickup codes.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, ACCOUNTS, BACKENDS, freshDatabase } from './harness.mjs';

let phoneCounter = 0;
// A new buyer account with an address, logged in on `url`.
async function newBuyer(admin, url) {
  const phone = `1360000${String(++phoneCounter).padStart(4, '0')}`;
  const created = await admin.post('/api/v1/users', { phone, name: `买家${phoneCounter}`, password: 'Buyer2026!', role: 'buyer' });
  assert.equal(created.status, 201, created.text);
  const buyer = new Client(url);
  await buyer.login(phone, 'Buyer2026!');
  buyer.address = (await buyer.post('/api/v1/addresses', {
    recipient: `买家${phoneCounter}`, phone: '13912345678', division_code: '621221100201', detail: '一组',
  })).json;
  return buyer;
}

let keyCounter = 0;
const buySale = (buyer, event, sku, quantity) => buyer.request('POST', '/api/v1/orders', {
  body: { address_id: buyer.address.id, delivery_mode: 'same_city', sale: { event_id: event.id, sku_id: sku.id, quantity } },
  headers: { 'idempotency-key': `sale-${++keyCounter}` },
});

// The store keeper's first listed product, fresh.
async function keeperProduct(keeper) {
  const client = new Client(keeper.base);
  const list = (await client.get(`/api/v1/products?platform_id=${keeper.user.platform_id}&page_size=100`)).json.items;
  return (await client.get(`/api/v1/products/${list.find((p) => p.store.id === keeper.user.store_id).id}`)).json;
}

for (const backend of BACKENDS) {
  describe(`sale events, freight, agents and pickup (${backend})`, () => {
    let server, keeper, county;
    const skuStock = async (product) => (await new Client(server.url).get(`/api/v1/products/${product.id}`)).json.skus[0].stock;

    before(async () => {
      server = await startServer(backend);
      keeper = new Client(server.url);
      await keeper.login(ACCOUNTS.storeKeeper);
      county = new Client(server.url);
      await county.login(ACCOUNTS.countyAdmin);
    });
    after(async () => { await server.stop(); });

    test('a flash sale sells its own stock at its price, within its window and limit, and gives back the rest', async () => {
      const product = await keeperProduct(keeper);
      const sku = product.skus[0];
      const before = await skuStock(product);
      const now = Date.now();
      const made = await keeper.post('/api/v1/sale-events', {
        kind: 'flash', title: '成县核桃秒杀', starts_at: now - 1000, ends_at: now + 120000, per_buyer_limit: 2,
        skus: [{ sku_id: sku.id, sale_price_fen: sku.price_fen - 1, stock: 5 }],
      });
      assert.equal(made.status, 201, made.text);
      const event = made.json;
      assert.equal(event.state, 'live');
      assert.equal(await skuStock(product), before - 5);
      assert.ok((await new Client(server.url).get('/api/v1/sale-events?state=live')).json.items.some((e) => e.id === event.id));

      const [a, b, c] = [await newBuyer(county, server.url), await newBuyer(county, server.url), await newBuyer(county, server.url)];
      const first = await buySale(a, event, sku, 2);
      assert.equal(first.status, 201, first.text);
      assert.equal(first.json.orders[0].items[0].price_fen, sku.price_fen - 1);
      const over = await buySale(a, event, sku, 1);
      assert.equal(over.status, 409);
      assert.equal(over.json.error.field, 'sale.quantity');
      assert.match(over.json.error.message, /at most 2/);
      assert.equal((await buySale(b, event, sku, 2)).status, 201);
      const soldOut = await buySale(c, event, sku, 2);
      assert.equal(soldOut.status, 409);
      assert.match(soldOut.json.error.message, /sold out/);
      assert.equal((await buySale(c, event, sku, 1)).status, 201);
      assert.equal((await new Client(server.url).get(`/api/v1/sale-events/${event.id}`)).json.skus[0].stock, 0);
      // A cancelled sale order gives its units back to the sale and to the buyer's allowance.
      assert.equal((await a.post(`/api/v1/orders/${first.json.orders[0].id}/cancel`, {})).status, 200);
      assert.equal((await new Client(server.url).get(`/api/v1/sale-events/${event.id}`)).json.skus[0].stock, 2);
      assert.equal((await buySale(a, event, sku, 1)).status, 201);
      // Closing gives the remaining unit back to the SKU; nobody buys after the close.
      const closed = await keeper.post(`/api/v1/sale-events/${event.id}/close`, {});
      assert.equal(closed.json.state, 'ended');
      assert.equal((await keeper.post(`/api/v1/sale-events/${event.id}/close`, {})).status, 409);
      assert.equal(await skuStock(product), before - 4);
      const late = await buySale(b, event, sku, 1);
      assert.equal(late.status, 409);
      assert.match(late.json.error.message, /ended/);
    });

    test('a live-stream session not yet started refuses orders; bad events are refused and take no stock', async () => {
      const product = await keeperProduct(keeper);
      const sku = product.skus[0];
      const now = Date.now();
      const live = (await keeper.post('/api/v1/sale-events', {
        kind: 'live', title: '直播带货：陇南好物', host: '县长', starts_at: now + 3600000, ends_at: now + 7200000, per_buyer_limit: 1,
        skus: [{ sku_id: sku.id, sale_price_fen: sku.price_fen, stock: 1 }],
      })).json;
      assert.equal(live.state, 'upcoming');
      const buyer = await newBuyer(county, server.url);
      const early = await buySale(buyer, live, sku, 1);
      assert.equal(early.status, 409);
      assert.match(early.json.error.message, /not started/);
      const stockBefore = await skuStock(product);
      const good = { kind: 'flash', title: 't', starts_at: now, ends_at: now + 60000, per_buyer_limit: 1,
        skus: [{ sku_id: sku.id, sale_price_fen: 100, stock: 1 }] };
      const other = await new Client(server.url).get(`/api/v1/products?platform_id=${keeper.user.platform_id}&page_size=100`);
      const foreign = other.json.items.find((p) => p.store.id !== keeper.user.store_id);
      const foreignSku = (await new Client(server.url).get(`/api/v1/products/${foreign.id}`)).json.skus[0];
      const bad = [
        [{ ...good, kind: 'auction' }, 422],
        [{ ...good, ends_at: now - 1 }, 422],
        [{ ...good, ends_at: good.starts_at }, 422],
        [{ ...good, per_buyer_limit: 0 }, 422],
        [{ ...good, skus: [] }, 422],
        [{ ...good, skus: [{ sku_id: sku.id, sale_price_fen: sku.price_fen + 1, stock: 1 }] }, 422],
        [{ ...good, skus: [{ sku_id: foreignSku.id, sale_price_fen: 1, stock: 1 }] }, 422],
        [{ ...good, skus: [{ sku_id: sku.id, sale_price_fen: 1, stock: 1000000 }] }, 409],
        [{ ...good, skus: [{ sku_id: sku.id, sale_price_fen: 1, stock: -1 }] }, 422],
        [{ ...good, skus: [{ sku_id: sku.id, sale_price_fen: 1, stock: 1 }, { sku_id: sku.id, sale_price_fen: 1, stock: 1 }] }, 422],
        [{ ...good, starts_at: 'now' }, 400],
      ];
      for (const [body, status] of bad) {
        const answer = await keeper.post('/api/v1/sale-events', body);
        assert.equal(answer.status, status, `${JSON.stringify(body)} → ${answer.status} ${answer.text}`);
      }
      assert.equal((await buyer.post('/api/v1/sale-events', good)).status, 403);
      assert.equal(await skuStock(product), stockBefore);
      const event = (await keeper.post('/api/v1/sale-events', good)).json;
      for (const sale of [{ event_id: 99999999, sku_id: sku.id, quantity: 1 }, { event_id: event.id, sku_id: foreignSku.id, quantity: 1 },
        { event_id: event.id, sku_id: sku.id, quantity: 0 }]) {
        const answer = await buyer.request('POST', '/api/v1/orders', {
          body: { address_id: buyer.address.id, delivery_mode: 'same_city', sale }, headers: { 'idempotency-key': `bad-${++keyCounter}` },
        });
        assert.equal(answer.status, 422, answer.text);
      }
      assert.equal((await county.post(`/api/v1/sale-events/${event.id}/close`, {})).status, 200);
      const wenxian = new Client(server.url);
      await wenxian.login(ACCOUNTS.wenxianAdmin);
      assert.equal((await wenxian.post(`/api/v1/sale-events/${live.id}/close`, {})).status, 404);
      assert.equal((await new Client(server.url).get('/api/v1/sale-events?state=soon')).status, 422);
    });

    test('freight follows the store\'s template by weight and region, free over the threshold and for pickup', async () => {
      const product = await keeperProduct(keeper);
      const sku = product.skus[0];
      const rules = [
        { region_prefix: '', first_weight_g: 1000, first_fen: 1200, extra_weight_g: 1000, extra_fen: 600 },
        { region_prefix: '621221', first_weight_g: 1000, first_fen: 300, extra_weight_g: 500, extra_fen: 100 },
      ];
      const threshold = sku.price_fen * 3;
      const put = await keeper.request('PUT', `/api/v1/stores/${keeper.user.store_id}/freight`, { body: { free_over_fen: threshold, rules } });
      assert.equal(put.status, 200, put.text);
      assert.equal((await new Client(server.url).get(`/api/v1/stores/${keeper.user.store_id}/freight`)).json.rules.length, 2);
      const buyer = await newBuyer(county, server.url);
      await buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 2 } });
      const weight = 2 * (sku.weight_g || 0);
      const expected = 300 + Math.ceil(Math.max(0, weight - 1000) / 500) * 100;
      const quote = await buyer.post('/api/v1/orders/quote', { address_id: buyer.address.id, delivery_mode: 'same_city' });
      assert.equal(quote.status, 200, quote.text);
      assert.equal(quote.json.orders[0].freight_fen, expected);
      assert.equal(quote.json.total_fen, 2 * sku.price_fen + expected);
      const pickup = await buyer.post('/api/v1/orders/quote', { address_id: buyer.address.id, delivery_mode: 'pickup' });
      assert.equal(pickup.json.orders[0].freight_fen, 0);
      await buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 3 } });
      const free = await buyer.post('/api/v1/orders/quote', { address_id: buyer.address.id, delivery_mode: 'express' });
      assert.equal(free.json.orders[0].freight_fen, 0);
      await buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 2 } });
      const placed = await buyer.request('POST', '/api/v1/orders', {
        body: { address_id: buyer.address.id, delivery_mode: 'same_city' }, headers: { 'idempotency-key': 'freight-1' },
      });
      assert.equal(placed.json.orders[0].freight_fen, expected);
      assert.equal(placed.json.orders[0].total_fen, 2 * sku.price_fen + expected);
      // Paid: the freight credits the store in the ledger.
      await keeper.post(`/api/v1/orders/${placed.json.orders[0].id}/advance`, { action: 'pay_cash' });
      const entries = (await county.get('/api/v1/ledger/entries?account=store&page_size=100')).json.items;
      assert.ok(expected > 0);
      assert.ok(entries.some((e) => e.order_id === placed.json.orders[0].id && e.amount_fen === expected));
      // Only the rules' regions are served.
      await keeper.request('PUT', `/api/v1/stores/${keeper.user.store_id}/freight`, { body: { rules: [rules[1]] } });
      // 文县's 东坝社区: outside the 成县 rule.
      const outside = await buyer.post('/api/v1/addresses', { recipient: '外县', phone: '13912345678', division_code: '621222100002', detail: 'x' });
      assert.equal(outside.status, 201, outside.text);
      await buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
      const refused = await buyer.post('/api/v1/orders/quote', { address_id: outside.json.id, delivery_mode: 'express' });
      assert.equal(refused.status, 422, refused.text);
      assert.match(refused.json.error.message, /does not deliver/);
      for (const body of [{ rules: [] }, { rules: [{ ...rules[0], region_prefix: '62a' }] }, { rules: [rules[0], rules[0]] },
        { rules: [{ ...rules[0], first_fen: -1 }] }, { rules: 'free' }, { free_over_fen: 0, rules }]) {
        const answer = await keeper.request('PUT', `/api/v1/stores/${keeper.user.store_id}/freight`, { body });
        assert.ok([400, 422].includes(answer.status), `${JSON.stringify(body)} → ${answer.status}`);
      }
      const wenxian = new Client(server.url);
      await wenxian.login(ACCOUNTS.wenxianAdmin);
      assert.equal((await wenxian.request('PUT', `/api/v1/stores/${keeper.user.store_id}/freight`, { body: { rules } })).status, 404);
      await keeper.request('PUT', `/api/v1/stores/${keeper.user.store_id}/freight`, { body: { rules: [{ ...rules[0], first_fen: 0, extra_fen: 0 }] } });
    });

    test('a buyer anywhere in China gets express by the province\'s rule; same-city and village points stay in the county', async () => {
      const product = await keeperProduct(keeper);
      const sku = product.skus[0];
      const provinces = (await new Client(server.url).get('/api/v1/divisions?level=province')).json.items;
      assert.equal(provinces.length, 31);
      assert.ok(provinces.some((p) => p.code === '310000' && p.name === '上海市' && p.level === 'province'));
      assert.equal((await new Client(server.url).get('/api/v1/divisions?level=nation')).status, 422);
      // Longnan's city sits under Gansu now; its divisions are still there.
      assert.deepEqual((await new Client(server.url).get('/api/v1/divisions/621221100201')).json.path.map((d) => d.level),
        ['province', 'city', 'county', 'township', 'village']);
      const buyer = await newBuyer(county, server.url);
      const shanghai = await buyer.post('/api/v1/addresses', {
        recipient: '沪上买家', phone: '13912345678', division_code: '310000', detail: '浦东新区 世纪大道 100 号',
      });
      assert.equal(shanghai.status, 201, shanghai.text);
      assert.equal(shanghai.json.province_name, '上海市');
      assert.equal(shanghai.json.county_name, '');
      // Only a province or a Longnan village: a county, a township's 9 digits, Hong Kong, nonsense.
      for (const code of ['621221', '621221100', '810000', '999999', '31000', 'shanghai']) {
        const bad = await buyer.post('/api/v1/addresses', { recipient: 'x', phone: '13912345678', division_code: code, detail: 'x' });
        assert.equal(bad.status, 422, `${code}: ${bad.text}`);
        assert.equal(bad.json.error.field, 'division_code');
      }
      await keeper.request('PUT', `/api/v1/stores/${keeper.user.store_id}/freight`, { body: { rules: [
        { region_prefix: '62', first_weight_g: 1000, first_fen: 500, extra_weight_g: 1000, extra_fen: 200 },
        { region_prefix: '31', first_weight_g: 1000, first_fen: 1500, extra_weight_g: 1000, extra_fen: 800 },
      ] } });
      await buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
      const quote = await buyer.post('/api/v1/orders/quote', { address_id: shanghai.json.id, delivery_mode: 'express' });
      assert.equal(quote.status, 200, quote.text);
      const weight = sku.weight_g || 0;
      assert.equal(quote.json.orders[0].freight_fen, 1500 + Math.ceil(Math.max(0, weight - 1000) / 1000) * 800);
      // A county courier does not drive to Shanghai, nor to another county of Longnan.
      const outside = await buyer.post('/api/v1/addresses', { recipient: '外县', phone: '13912345678', division_code: '621222100002', detail: 'x' });
      for (const [address, mode] of [[shanghai.json, 'same_city'], [shanghai.json, 'village_point'], [outside.json, 'same_city']]) {
        const refused = await buyer.request('POST', '/api/v1/orders', {
          body: { address_id: address.id, delivery_mode: mode }, headers: { 'idempotency-key': `far-${address.id}-${mode}` },
        });
        assert.equal(refused.status, 422, refused.text);
        assert.equal(refused.json.error.field, 'delivery_mode');
        assert.match(refused.json.error.message, new RegExp(product.store.name));
      }
      assert.equal((await buyer.get('/api/v1/orders')).json.total, 0);
      assert.equal((await buyer.get('/api/v1/cart')).json.count, 1);
      const placed = await buyer.request('POST', '/api/v1/orders', {
        body: { address_id: shanghai.json.id, delivery_mode: 'express' }, headers: { 'idempotency-key': 'shanghai-1' },
      });
      assert.equal(placed.status, 201, placed.text);
      const order = placed.json.orders[0];
      assert.equal(order.freight_fen, quote.json.orders[0].freight_fen);
      assert.equal(order.address.province_name, '上海市');
      assert.equal(order.address.detail, '浦东新区 世纪大道 100 号');
      const seen = (await keeper.get(`/api/v1/orders/${order.id}`)).json;
      assert.equal(seen.address.province_name, '上海市');
      await keeper.request('PUT', `/api/v1/stores/${keeper.user.store_id}/freight`, { body: { rules: [
        { region_prefix: '', first_weight_g: 1000, first_fen: 0, extra_weight_g: 1000, extra_fen: 0 }] } });
    });

    test('a village agent orders for a villager; the pickup code completes delivery at the point', async () => {
      const product = await keeperProduct(keeper);
      const sku = product.skus[0];
      const households = (await keeper.get('/api/v1/households?page_size=1')).json.items;
      const address = (await keeper.post('/api/v1/addresses', {
        recipient: '李奶奶', phone: '13912345678', division_code: '621221100201', detail: '村服务站代收',
      })).json;
      await keeper.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
      const placed = await keeper.request('POST', '/api/v1/orders', {
        body: { address_id: address.id, delivery_mode: 'pickup', on_behalf_of: { name: '李奶奶', household_id: households[0].id } },
        headers: { 'idempotency-key': 'agent-1' },
      });
      assert.equal(placed.status, 201, placed.text);
      const order = placed.json.orders[0];
      assert.equal(order.for_name, '李奶奶');
      assert.equal(order.for_household_id, households[0].id);
      assert.match(order.pickup_code, /^\d{6}$/);
      assert.equal((await county.get(`/api/v1/orders/${order.id}`)).json.pickup_code, '******');
      const advance = (body) => county.post(`/api/v1/orders/${order.id}/advance`, body);
      for (const action of ['pay_cash', 'pack', 'ship']) assert.equal((await advance({ action })).status, 200);
      assert.equal((await advance({ action: 'redeem', code: '000000' === order.pickup_code ? '111111' : '000000' })).status, 422);
      assert.equal((await advance({ action: 'redeem' })).status, 422);
      const redeemed = await advance({ action: 'redeem', code: order.pickup_code });
      assert.equal(redeemed.json.status, 'delivered');
      assert.equal((await advance({ action: 'redeem', code: order.pickup_code })).status, 409);

      // Only agents order for others, and only for households of their county.
      const buyer = await newBuyer(county, server.url);
      await buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
      const notAgent = await buyer.request('POST', '/api/v1/orders', {
        body: { address_id: buyer.address.id, delivery_mode: 'pickup', on_behalf_of: { name: '张三' } },
        headers: { 'idempotency-key': 'agent-2' },
      });
      assert.equal(notAgent.status, 403);
      const city = new Client(server.url);
      await city.login(ACCOUNTS.cityAdmin);
      const platforms = (await city.get('/api/v1/platforms')).json.items ?? (await city.get('/api/v1/platforms')).json;
      const wenxian = platforms.find((p) => p.name.includes('文县'));
      const foreign = (await city.get(`/api/v1/households?platform_id=${wenxian.id}&page_size=1`)).json.items[0];
      await keeper.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 1 } });
      const foreignHousehold = await keeper.request('POST', '/api/v1/orders', {
        body: { address_id: address.id, delivery_mode: 'pickup', on_behalf_of: { name: '某人', household_id: foreign.id } },
        headers: { 'idempotency-key': 'agent-3' },
      });
      assert.equal(foreignHousehold.status, 422);
      const noName = await keeper.request('POST', '/api/v1/orders', {
        body: { address_id: address.id, delivery_mode: 'pickup', on_behalf_of: { name: '' } }, headers: { 'idempotency-key': 'agent-4' },
      });
      assert.equal(noName.status, 422);
    });
  });
}

for (const backend of BACKENDS) {
  describe(`a village agent sells a household's goods (${backend})`, () => {
    test('the store keeper lists them for the household, and the sale is credited to the household', async () => {
      const server = await startServer(backend);
      try {
        const as = {};
        for (const role of ['storeKeeper', 'countyAdmin', 'household', 'buyer']) {
          as[role] = new Client(server.url);
          await as[role].login(ACCOUNTS[role]);
        }
        const categories = (await as.buyer.get('/api/v1/categories')).json.items;
        // 代销: the agent enters the villager's goods; the villager (a household supplier)
        // is the producer.
        const created = await as.storeKeeper.post('/api/v1/products', {
          name: '李奶奶家土蜂蜜', category_id: categories.find((c) => c.code === 'tea.honey.honey').id,
          origin_village_code: '621221100201', producer_id: as.household.user.producer_id,
          skus: [{ code: 'AGENT-1', price_fen: 6800, stock: 10, weight_g: 500 }],
        });
        assert.equal(created.status, 201, created.text);
        assert.equal((await as.countyAdmin.post(`/api/v1/products/${created.json.id}/review`, { action: 'approve' })).status, 200);
        const sku = created.json.skus[0];
        const address = (await as.buyer.post('/api/v1/addresses', {
          recipient: '王小明', phone: '13912345678', division_code: '621221100201', detail: '二组',
        })).json;
        await as.buyer.request('PUT', `/api/v1/cart/items/${sku.id}`, { body: { quantity: 2 } });
        const order = (await as.buyer.request('POST', '/api/v1/orders', {
          body: { address_id: address.id, delivery_mode: 'village_point' }, headers: { 'idempotency-key': 'agent-sale' },
        })).json.orders[0];
        assert.equal((await as.storeKeeper.post(`/api/v1/orders/${order.id}/advance`, { action: 'pay_cash' })).status, 200);
        const statement = (await as.household.get('/api/v1/ledger/entries')).json;
        const credit = statement.items.find((e) => e.order_id === order.id);
        assert.ok(credit, JSON.stringify(statement));
        assert.equal(credit.producer.id, as.household.user.producer_id);
        assert.ok(credit.amount_fen > 0 && credit.amount_fen <= 2 * 6800);
        assert.equal(statement.totals.net_fen >= credit.amount_fen, true);
      } finally {
        await server.stop();
      }
    });
  });
}

describe('a flash sale through two app servers on one PostgreSQL', () => {
  test('never sells more than the event\'s stock nor more than the limit to anyone', async () => {
    const db = freshDatabase('postgresql');
    const first = await startServer('postgresql', { db });
    const second = await startServer('postgresql', { db, demo: false });
    try {
      const keeper = new Client(first.url);
      await keeper.login(ACCOUNTS.storeKeeper);
      const county = new Client(first.url);
      await county.login(ACCOUNTS.countyAdmin);
      const product = await keeperProduct(keeper);
      const sku = product.skus[0];
      const event = (await keeper.post('/api/v1/sale-events', {
        kind: 'flash', title: '两进程秒杀', starts_at: Date.now() - 1000, ends_at: Date.now() + 300000, per_buyer_limit: 1,
        skus: [{ sku_id: sku.id, sale_price_fen: 100, stock: 5 }],
      })).json;
      const buyers = [];
      for (let index = 0; index < 12; index++) buyers.push(await newBuyer(county, index % 2 ? second.url : first.url));
      // Every buyer tries twice at once (one is over the limit), half through each server.
      const answers = await Promise.all(buyers.flatMap((buyer) => [buySale(buyer, event, sku, 1), buySale(buyer, event, sku, 1)]));
      const sold = answers.filter((answer) => answer.status === 201);
      assert.equal(sold.length, 5, answers.map((answer) => `${answer.status} ${answer.json?.error?.message ?? ''}`).join('\n'));
      assert.ok(answers.every((answer) => [201, 409].includes(answer.status)));
      assert.equal(new Set(sold.map((answer) => answer.json.orders[0].id)).size, 5);
      const perBuyer = new Map();
      for (const [index, answer] of answers.entries())
        if (answer.status === 201) perBuyer.set(index >> 1, (perBuyer.get(index >> 1) || 0) + 1);
      assert.ok([...perBuyer.values()].every((count) => count === 1));
      assert.equal((await new Client(second.url).get(`/api/v1/sale-events/${event.id}`)).json.skus[0].stock, 0);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
