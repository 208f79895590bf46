// Sale events: flash sales (秒杀) and live-stream sessions (直播带货). An event has a time
// window, its own stock of chosen SKUs at a sale price (carved out of the SKUs' stock when
// the event is made and given back when it closes) and a per-buyer limit. Buying goes
// through POST /api/v1/orders with "sale" (see sale_line and reserve_stock).
#include <boost/json.hpp>

#include "audit/audit.h"
#include "http/json.h"
#include "orders/internal.h"
#include "orders/orders.h"

namespace longnan::orders {
namespace {

constexpr int64_t kMaxWindowMs = 31LL * 24 * 3600 * 1000;
constexpr size_t kMaxEventSkus = 20;

constexpr std::string_view kEventColumns =
    "SELECT e.id, e.platform_id, e.store_id, s.name, e.kind, e.title, e.host, e.starts_at, e.ends_at, e.per_buyer_limit, "
    "e.status, e.created_at FROM sale_events e JOIN stores s ON s.id = e.store_id";

std::string state_of(const db::Row& event, int64_t now) {
  if (event.text(10) == "closed" || now >= event.integer(8)) return "ended";
  return now < event.integer(7) ? "upcoming" : "live";
}

boost::json::object event_json(db::Session& session, const db::Row& event, int64_t now) {
  boost::json::array skus;
  for (const auto& row : session.query(
           "SELECT x.sku_id, p.id, p.name, k.code, k.price_fen, x.sale_price_fen, x.initial_stock, x.stock, x.released, "
           "p.images_json FROM sale_event_skus x JOIN skus k ON k.id = x.sku_id JOIN products p ON p.id = k.product_id "
           "WHERE x.event_id = :e ORDER BY x.sku_id",
           {event.integer(0)})) {
    auto images = http::parse_json(row.text(9));
    boost::json::value image;
    if (images && images->is_array() && !images->as_array().empty()) image = images->as_array().front();
    skus.push_back(boost::json::object{{"sku_id", row.integer(0)},
                                       {"product_id", row.integer(1)},
                                       {"name", row.text(2)},
                                       {"sku_code", row.text(3)},
                                       {"price_fen", row.integer(4)},
                                       {"sale_price_fen", row.integer(5)},
                                       {"initial_stock", row.integer(6)},
                                       {"stock", row.integer(8) ? 0 : row.integer(7)},
                                       {"image", image}});
  }
  return {{"id", event.integer(0)},
          {"platform_id", event.integer(1)},
          {"store", boost::json::object{{"id", event.integer(2)}, {"name", event.text(3)}}},
          {"kind", event.text(4)},
          {"title", event.text(5)},
          {"host", event.text(6)},
          {"starts_at", event.integer(7)},
          {"ends_at", event.integer(8)},
          {"per_buyer_limit", event.integer(9)},
          {"status", event.text(10)},
          {"state", state_of(event, now)},
          {"created_at", event.integer(11)},
          {"skus", std::move(skus)}};
}

// Closes event `id` and gives its remaining stock back to the SKUs. False when it was
// closed already.
bool close_event(db::Session& session, int64_t id) {
  if (session.exec("UPDATE sale_events SET status = 'closed' WHERE id = :e AND status = 'scheduled'", {id}) != 1) return false;
  // Marking the rows released first locks them (on PostgreSQL): a concurrent restock of a
  // cancelled sale order waits, then finds them released and restocks the SKU instead.
  session.exec("UPDATE sale_event_skus SET released = 1 WHERE event_id = :e AND released = 0", {id});
  for (const auto& row : session.query("SELECT sku_id, stock FROM sale_event_skus WHERE event_id = :e", {id}))
    if (row.integer(1) > 0) session.exec("UPDATE skus SET stock = stock + :n WHERE id = :s", {row.integer(1), row.integer(0)});
  return true;
}

}  // namespace

int close_due_events(db::Database& database, int64_t now) {
  std::vector<int64_t> due;
  database.with_session([&](db::Session& session) {
    for (const auto& row :
         session.query("SELECT id FROM sale_events WHERE status = 'scheduled' AND ends_at <= :t ORDER BY id LIMIT 100", {now}))
      due.push_back(row.integer(0));
  });
  int closed = 0;
  for (int64_t id : due)
    database.write([&](db::Session& session) {
      if (close_event(session, id)) ++closed;
    });
  return closed;
}

// POST /api/v1/sale-events: a store keeper (for their store) or the county makes an event.
http::Response Orders::create_sale_event(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kStoreKeeper, core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  const core::Principal& caller = **principal;
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto kind = fields.text("kind", true, 10);
  auto title = fields.text("title", true, 60);
  auto host = fields.text("host", false, 40);
  auto store_id = fields.integer("store_id", caller.role == core::Role::kCountyAdmin, 1, INT32_MAX);
  auto starts_at = fields.integer("starts_at", true, 0, INT64_C(1) << 50);
  auto ends_at = fields.integer("ends_at", true, 0, INT64_C(1) << 50);
  auto limit = fields.integer("per_buyer_limit", true, 1, kMaxQuantity);
  const auto* sku_array = fields.array("skus", true, kMaxEventSkus);
  const int64_t now = clock_.now_ms();
  if (fields.ok() && *kind != "flash" && *kind != "live") fields.fail(core::invalid("kind", "kind must be flash or live"));
  if (fields.ok() && title->empty()) fields.fail(core::invalid("title", "give the sale a title"));
  if (fields.ok() && *ends_at <= *starts_at) fields.fail(core::invalid("ends_at", "the sale must end after it starts"));
  if (fields.ok() && *ends_at <= now) fields.fail(core::invalid("ends_at", "the sale would be over already"));
  if (fields.ok() && *ends_at - *starts_at > kMaxWindowMs) fields.fail(core::invalid("ends_at", "a sale lasts at most 31 days"));
  if (fields.ok() && sku_array->empty()) fields.fail(core::invalid("skus", "choose at least one SKU"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  struct Item {
    int64_t sku_id, price, stock;
  };
  std::vector<Item> items;
  for (size_t index = 0; index < sku_array->size(); ++index) {
    const std::string where = "skus[" + std::to_string(index) + "]";
    if (!(*sku_array)[index].is_object())
      return http::error_response(request, core::bad_request(where + " must be an object", "skus"));
    http::Fields item((*sku_array)[index].as_object());
    auto sku_id = item.integer("sku_id", true, 1, INT64_MAX);
    auto price = item.integer("sale_price_fen", true, 1, INT64_C(1) << 40);
    auto stock = item.integer("stock", true, 1, 1'000'000);
    if (!item.ok()) {
      core::Error error = item.error();
      error.field = where + "." + error.field;
      return http::error_response(request, error);
    }
    for (const auto& seen : items)
      if (seen.sku_id == *sku_id) return http::error_response(request, core::invalid(where + ".sku_id", "a SKU is listed twice"));
    items.push_back({*sku_id, *price, *stock});
  }
  const int64_t store = caller.role == core::Role::kStoreKeeper ? caller.store_id.value_or(0) : *store_id;
  boost::json::object created;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto store_row = session.query_one("SELECT platform_id FROM stores WHERE id = :s", {store});
    if (!store_row || !caller.sees_platform(store_row->integer(0))) return core::invalid("store_id", "no such store in your county");
    const int64_t id = session.insert(
        "INSERT INTO sale_events (platform_id, store_id, kind, title, host, starts_at, ends_at, per_buyer_limit, status, "
        "created_by, created_at) VALUES (:p, :s, :k, :t, :h, :sa, :ea, :l, 'scheduled', :u, :c) RETURNING id",
        {store_row->integer(0), store, *kind, *title, host.value_or(""), *starts_at, *ends_at, *limit, caller.user_id, now});
    for (size_t index = 0; index < items.size(); ++index) {
      const Item& item = items[index];
      const std::string where = "skus[" + std::to_string(index) + "]";
      auto sku = session.query_one(
          "SELECT k.price_fen, p.store_id, p.status FROM skus k JOIN products p ON p.id = k.product_id WHERE k.id = :k",
          {item.sku_id});
      if (!sku || sku->integer(1) != store) return core::invalid(where + ".sku_id", "no such SKU in this store");
      if (sku->text(2) != "listed") return core::invalid(where + ".sku_id", "only listed products go on sale");
      if (item.price > sku->integer(0))
        return core::invalid(where + ".sale_price_fen", "the sale price is above the regular price");
      // The event's stock is carved out of the SKU's, under the same guard as any sale.
      if (session.exec("UPDATE skus SET stock = stock - :n WHERE id = :k AND stock >= :n2", {item.stock, item.sku_id, item.stock}) != 1)
        return core::conflict("the SKU has less than " + std::to_string(item.stock) + " in stock", where + ".stock");
      session.exec(
          "INSERT INTO sale_event_skus (event_id, sku_id, sale_price_fen, initial_stock, stock) VALUES (:e, :k, :p, :n, :n2)",
          {id, item.sku_id, item.price, item.stock, item.stock});
    }
    auto row = session.query_one(std::string(kEventColumns) + " WHERE e.id = :i", {id});
    created = event_json(session, *row, now);
    audit::record(session, request,
                  {.platform_id = store_row->integer(0), .entity = "sale_event", .entity_id = id, .action = "create",
                   .before = nullptr, .after = created},
                  now);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(created, 201);
}

// GET /api/v1/sale-events?platform_id=&store_id=&state=upcoming|live|ended: public.
http::Response Orders::list_sale_events(http::Request& request) {
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  for (const char* name : {"platform_id", "store_id"}) {
    auto value = http::query_integer(request, name, 1, INT64_MAX);
    if (!value) return http::error_response(request, value.error());
    if (*value) {
      where += std::string(" AND e.") + name + " = :" + name;
      params.emplace_back(**value);
    }
  }
  const int64_t now = clock_.now_ms();
  std::string order_by = "ORDER BY e.starts_at, e.id";
  if (auto state = request.query_param("state"); state && !state->empty()) {
    if (*state == "live") {
      where += " AND e.status = 'scheduled' AND e.starts_at <= :n1 AND e.ends_at > :n2";
      params.insert(params.end(), {now, now});
    } else if (*state == "upcoming") {
      where += " AND e.status = 'scheduled' AND e.starts_at > :n1";
      params.emplace_back(now);
    } else if (*state == "ended") {
      where += " AND (e.status = 'closed' OR e.ends_at <= :n1)";
      params.emplace_back(now);
      order_by = "ORDER BY e.ends_at DESC, e.id DESC";
    } else {
      return http::error_response(request, core::invalid("state", "state must be upcoming, live or ended"));
    }
  }
  boost::json::array items;
  int64_t total = 0;
  database_.with_session([&](db::Session& session) {
    const std::string columns(kEventColumns);
    const size_t from = columns.find(" FROM ");
    auto result = db::select_page(session, columns.substr(0, from), columns.substr(from + 1) + where, order_by, params,
                                  page->page_size, page->offset());
    total = result.total;
    for (const auto& row : result.rows) items.push_back(event_json(session, row, now));
  });
  return http::json_response(http::page_body(std::move(items), total, *page));
}

// GET /api/v1/sale-events/{id}: public.
http::Response Orders::get_sale_event(http::Request& request) {
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<boost::json::object> body;
  database_.with_session([&](db::Session& session) {
    if (auto row = session.query_one(std::string(kEventColumns) + " WHERE e.id = :i", {*id}))
      body = event_json(session, *row, clock_.now_ms());
  });
  if (!body) return http::error_response(request, core::not_found("no such sale event"));
  return http::json_response(*body);
}

// POST /api/v1/sale-events/{id}/close: the store or the county ends the event now; its
// remaining stock goes back to the SKUs.
http::Response Orders::close_sale_event(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kStoreKeeper, core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  const core::Principal& caller = **principal;
  const int64_t now = clock_.now_ms();
  boost::json::object closed;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one(std::string(kEventColumns) + " WHERE e.id = :i", {*id});
    const bool mine = row && (caller.role == core::Role::kStoreKeeper ? caller.store_id == row->integer(2)
                                                                      : caller.sees_platform(row->integer(1)));
    if (!mine) return core::not_found("no such sale event");
    if (!close_event(session, *id)) return core::conflict("the sale is closed already", "status");
    closed = event_json(session, *session.query_one(std::string(kEventColumns) + " WHERE e.id = :i", {*id}), now);
    audit::record(session, request,
                  {.platform_id = row->integer(1), .entity = "sale_event", .entity_id = *id, .action = "close",
                   .before = nullptr, .after = closed},
                  now);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(closed);
}

}  // namespace longnan::orders
