// After-sales (售后): the buyer asks for a refund only, or to return the goods
// for a refund, of all or part of a paid order, with a reason and photos; the
// store (or the county) accepts or rejects; money goes back through the
// provider the order was paid with; goods that come back (or never left) go
// back into stock, exactly once.
//
// The request's own state machine:
//   requested → accepted → returned → refunded   (return_refund: the buyer
//   sends goods back) requested → refunded (refund_only: accepting refunds at
//   once) requested → rejected;  requested | accepted → withdrawn (by the
//   buyer)
#include <boost/json.hpp>

#include "core/validate.h"
#include "http/export.h"
#include "http/json.h"
#include "orders/internal.h"
#include "orders/orders.h"

namespace longnan::orders {
namespace {

struct Step {
  std::string_view action;
  std::string_view from;
  std::string_view to;
};
// refund_only's accept goes straight to refunded; return_refund's to accepted.
const std::vector<Step> kSteps{
    {"accept", "requested", "accepted"}, {"reject", "requested", "rejected"},    {"return", "accepted", "returned"},
    {"receive", "returned", "refunded"}, {"withdraw", "requested", "withdrawn"}, {"withdraw", "accepted", "withdrawn"},
};

const std::vector<std::string_view> kReasons{"not_received",     "damaged",      "wrong_item", "quality",
                                             "not_as_described", "changed_mind", "other"};

constexpr std::string_view kColumns =
    "SELECT a.id, a.order_id, a.platform_id, a.store_id, a.buyer_user_id, "
    "a.kind, a.status, a.amount_fen, a.reason, "
    "a.description, a.photos_json, a.return_carrier, a.return_waybill, "
    "a.store_note, a.created_at, a.updated_at, s.name, "
    "o.status FROM after_sales a JOIN stores s ON s.id = a.store_id JOIN "
    "orders o ON o.id = a.order_id";

// Who may see a request: its buyer, its store, its county, the city's overseers (not
// couriers: they deliver orders, refunds are not theirs).
OrderAccess access_of(const core::Principal& caller, const db::Row& row) {
  OrderAccess access = access_to(caller, row.integer(4), row.integer(3), row.integer(2));
  access.courier = false;
  return access;
}

boost::json::object request_json(db::Session& session, const db::Row& row, bool with_events) {
  boost::json::array items;
  for (const auto& item : session.query("SELECT a.order_item_id, i.name, i.price_fen, a.quantity "
                                        "FROM after_sale_items a "
                                        "JOIN order_items i ON i.id = a.order_item_id WHERE "
                                        "a.after_sale_id = :a ORDER BY a.order_item_id",
                                        {row.integer(0)}))
    items.push_back(boost::json::object{{"order_item_id", item.integer(0)},
                                        {"name", item.text(1)},
                                        {"price_fen", item.integer(2)},
                                        {"quantity", item.integer(3)}});
  auto photos = http::parse_json(row.text(10));
  boost::json::object body{{"id", row.integer(0)},
                           {"order_id", row.integer(1)},
                           {"platform_id", row.integer(2)},
                           {"store", boost::json::object{{"id", row.integer(3)}, {"name", row.text(16)}}},
                           {"kind", row.text(5)},
                           {"status", row.text(6)},
                           {"amount_fen", row.integer(7)},
                           {"reason", row.text(8)},
                           {"description", row.text(9)},
                           {"photos", photos ? *photos : boost::json::array()},
                           {"return_carrier", row.text(11)},
                           {"return_waybill", row.text(12)},
                           {"store_note", row.text(13)},
                           {"created_at", row.integer(14)},
                           {"updated_at", row.integer(15)},
                           {"order_status", row.text(17)},
                           {"items", std::move(items)}};
  if (with_events) {
    boost::json::array events;
    for (const auto& event : session.query("SELECT from_status, to_status, actor_name, note, at FROM "
                                           "after_sale_events WHERE after_sale_id = :a ORDER BY id",
                                           {row.integer(0)}))
      events.push_back(boost::json::object{
          {"from_status", event.is_null(0) ? boost::json::value() : boost::json::value(event.text(0))},
          {"to_status", event.text(1)},
          {"actor_name", event.text(2)},
          {"note", event.text(3)},
          {"at", event.integer(4)}});
    body["events"] = std::move(events);
  }
  return body;
}

void record_event(db::Session& session, int64_t id, std::optional<std::string_view> from, std::string_view to,
                  const core::Principal& actor, const std::string& note, int64_t now) {
  session.exec(
      "INSERT INTO after_sale_events (after_sale_id, from_status, "
      "to_status, actor_user_id, actor_name, note, at) "
      "VALUES (:a, :f, :t, :u, :n, :x, :at)",
      {id, from ? db::Value(std::string(*from)) : db::Value(), std::string(to), actor.user_id, actor.name, note, now});
}

}  // namespace

// POST /api/v1/orders/{id}/after-sales: the buyer's request.
http::Response AfterSales::create(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto order_id = http::path_id(request);
  if (!order_id) return http::error_response(request, order_id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto kind = fields.text("kind", true, 20);
  auto reason = fields.text("reason", true, 30);
  auto description = fields.text("description", false, 500);
  auto amount = fields.integer("amount_fen", false, 1, INT64_C(1) << 40);
  const auto* item_array = fields.array("items", false, 100);
  const auto* photo_array = fields.array("photos", false, 9);
  if (fields.ok() && *kind != "refund_only" && *kind != "return_refund")
    fields.fail(core::invalid("kind", "kind must be refund_only or return_refund"));
  if (fields.ok() && std::find(kReasons.begin(), kReasons.end(), *reason) == kReasons.end())
    fields.fail(core::invalid("reason",
                              "reason must be one of not_received, damaged, wrong_item, quality, "
                              "not_as_described, changed_mind, other"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  // Items: [{order_item_id, quantity}].
  std::vector<std::pair<int64_t, int64_t>> wanted;
  if (item_array)
    for (const auto& value : *item_array) {
      if (!value.is_object()) return http::error_response(request, core::bad_request("items must be objects", "items"));
      http::Fields item(value.as_object());
      auto item_id = item.integer("order_item_id", true, 1, INT64_MAX);
      auto quantity = item.integer("quantity", true, 1, kMaxQuantity);
      if (!item.ok()) {
        core::Error error = item.error();
        error.field = "items." + error.field;
        return http::error_response(request, error);
      }
      for (const auto& [seen, unused] : wanted)
        if (seen == *item_id) return http::error_response(request, core::invalid("items", "an item is listed twice"));
      wanted.emplace_back(*item_id, *quantity);
    }
  if (*kind == "return_refund" && wanted.empty())
    return http::error_response(request, core::invalid("items", "say which goods come back"));
  boost::json::array photos;
  if (photo_array)
    for (const auto& value : *photo_array) {
      if (!value.is_string() || !std::string_view(value.as_string()).starts_with("/api/v1/files/") ||
          value.as_string().size() > 200)
        return http::error_response(request,
                                    core::invalid("photos", "photos must be URLs of uploaded files (/api/v1/files/…)"));
      photos.push_back(value);
    }

  const int64_t now = clock_.now_ms();
  std::optional<boost::json::object> created;
  core::Status status;
  try {
    status = database_.transaction([&](db::Session& session) -> core::Status {
      auto order = session.query_one(kOrderColumns + " WHERE o.id = :i", {*order_id});
      if (!order || order->integer(kOrderBuyer) != (*principal)->user_id) return core::not_found("no such order");
      const std::string order_status = order->text(kOrderStatus);
      if (order_status != "paid" && order_status != "packed" && order_status != "shipped" &&
          order_status != "delivered")
        return core::conflict("after-sales is for paid orders until they complete; this one is " + order_status,
                              "order");
      for (const auto& photo : photos) {
        const std::string sha256(std::string_view(photo.as_string()).substr(std::string_view("/api/v1/files/").size()));
        if (session.scalar("SELECT COUNT(*) FROM files WHERE sha256 = :s", {sha256}) == 0)
          return core::invalid("photos", "upload each photo first (POST /api/v1/files)");
      }
      // A cash-on-delivery order is unpaid until its goods are handed over.
      if (session.scalar("SELECT COUNT(*) FROM payments WHERE order_id = :o", {*order_id}) == 0)
        return core::conflict("nothing of this order was paid yet", "order");
      if (session.scalar("SELECT COUNT(*) FROM after_sales WHERE order_id = :o "
                         "AND status IN ('requested', 'accepted', 'returned')",
                         {*order_id}) > 0)
        return core::conflict("this order has an open after-sales request already", "order");
      if (*kind == "return_refund" && (order_status == "paid" || order_status == "packed"))
        return core::conflict("the goods have not been sent yet: ask for a refund only", "kind");
      const int64_t left = order->integer(kOrderTotal) - order->integer(kOrderRefunded);
      int64_t items_value = 0;
      for (const auto& [item_id, quantity] : wanted) {
        auto item = session.query_one(
            "SELECT price_fen, quantity FROM order_items "
            "WHERE id = :i AND order_id = :o",
            {item_id, *order_id});
        if (!item) return core::invalid("items", "item " + std::to_string(item_id) + " is not in this order");
        if (quantity > item->integer(1))
          return core::invalid("items",
                               "more than the " + item->text(1) + " bought of item " + std::to_string(item_id));
        items_value += item->integer(0) * quantity;
      }
      const int64_t requested = amount ? *amount : wanted.empty() ? left : std::min(items_value, left);
      if (!amount && wanted.empty() && left == 0)
        return core::conflict("everything of this order was refunded", "order");
      if (requested > left)
        return core::invalid("amount_fen", "at most " + std::to_string(left) + " fen of this order is left to refund");
      if (!wanted.empty() && requested > items_value + order->integer(14))
        return core::invalid("amount_fen", "more than the goods asked about are worth");
      const int64_t id = session.insert(
          "INSERT INTO after_sales (order_id, platform_id, store_id, "
          "buyer_user_id, kind, status, amount_fen, reason, "
          "description, photos_json, created_at, updated_at) VALUES (:o, :p, "
          ":s, :u, :k, 'requested', :a, :r, :d, :ph, :c, :up) "
          "RETURNING id",
          {*order_id, order->integer(kOrderPlatform), order->integer(kOrderStore), (*principal)->user_id, *kind,
           requested, *reason, description.value_or(""), boost::json::serialize(photos), now, now});
      for (const auto& [item_id, quantity] : wanted)
        session.exec(
            "INSERT INTO after_sale_items (after_sale_id, "
            "order_item_id, quantity) VALUES (:a, :i, :q)",
            {id, item_id, quantity});
      record_event(session, id, std::nullopt, "requested", **principal, description.value_or(""), now);
      created = request_json(session, *session.query_one(std::string(kColumns) + " WHERE a.id = :i", {id}), true);
      return core::Status();
    });
  } catch (const db::UniqueViolation&) {
    status = core::conflict("this order has an open after-sales request already", "order");
  }
  if (!status) return http::error_response(request, status.error());
  return http::json_response(*created, 201);
}

// GET /api/v1/after-sales: requests in the caller's scope (the store's refund
// queue).
http::Response AfterSales::list(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  const core::Principal& caller = **principal;
  std::vector<db::Value> params;
  std::string where = " WHERE 1=1" + list_scope(caller, request.query_param("mine").has_value(), false, "a", params);
  auto status = http::query_enum(request, "status", {"requested", "accepted", "returned", "refunded", "rejected", "withdrawn"});
  if (!status) return http::error_response(request, status.error());
  if (*status) {
    where += " AND a.status = :st";
    params.emplace_back(**status);
  }
  boost::json::array items;
  int64_t total = 0;
  database_.with_session([&](db::Session& session) {
    const std::string columns(kColumns);
    const size_t from = columns.find(" FROM ");
    auto result = db::select_page(session, columns.substr(0, from), columns.substr(from + 1) + where,
                                  "ORDER BY a.id DESC", params, page->page_size, page->offset());
    total = result.total;
    for (const auto& row : result.rows) items.push_back(request_json(session, row, false));
  });
  return http::json_response(http::page_body(std::move(items), total, *page));
}

// GET /api/v1/after-sales/{id}
http::Response AfterSales::get(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<boost::json::object> body;
  database_.with_session([&](db::Session& session) {
    auto row = session.query_one(std::string(kColumns) + " WHERE a.id = :i", {*id});
    if (row && access_of(**principal, *row).any()) body = request_json(session, *row, true);
  });
  if (!body) return http::error_response(request, core::not_found("no such after-sales request"));
  return http::json_response(*body);
}

// POST /api/v1/after-sales/{id}/advance {action, note, carrier, waybill}:
// accept or reject (the store or the county), return (the buyer, with the
// return waybill), receive (the store got the goods back: refund and restock),
// withdraw (the buyer).
http::Response AfterSales::advance(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto action = fields.text("action", true, 20);
  auto note = fields.text("note", false, 200);
  auto carrier = fields.text("carrier", false, 40);
  auto waybill = fields.text("waybill", false, 40);
  if (fields.ok() && std::none_of(kSteps.begin(), kSteps.end(), [&](const Step& s) { return s.action == *action; }))
    fields.fail(core::invalid("action", "action must be accept, reject, return, receive or withdraw"));
  if (fields.ok() && *action == "reject" && note.value_or("").empty())
    fields.fail(core::invalid("note", "say why the request is rejected"));
  if (fields.ok() && *action == "return" && (carrier.value_or("").empty() || waybill.value_or("").empty()))
    fields.fail(core::invalid(carrier.value_or("").empty() ? "carrier" : "waybill",
                              "the return needs a carrier and a waybill"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  const int64_t now = clock_.now_ms();
  std::optional<boost::json::object> updated;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one(std::string(kColumns) + " WHERE a.id = :i", {*id});
    if (!row) return core::not_found("no such after-sales request");
    auto access = access_of(**principal, *row);
    if (!access.any()) return core::not_found("no such after-sales request");
    const bool staff_step = *action == "accept" || *action == "reject" || *action == "receive";
    if (staff_step ? !(access.store || access.county) : !access.buyer)
      return core::forbidden("your role may not " + *action + " this request");
    const std::string kind = row->text(5), current = row->text(6);
    const Step* step = nullptr;
    for (const auto& candidate : kSteps)
      if (candidate.action == *action && candidate.from == current) step = &candidate;
    if (!step) return core::conflict("cannot " + *action + " a request that is " + current, "action");
    if (*action == "return" && kind != "return_refund")
      return core::conflict("a refund-only request has nothing to send back", "action");
    const bool refund_now = (*action == "accept" && kind == "refund_only") || *action == "receive";
    const std::string to = refund_now ? "refunded" : std::string(step->to);
    // DO NOT drop the status guard: it is what makes a step applied twice
    // refund once.
    if (session.exec("UPDATE after_sales SET status = :to, updated_at = :t "
                     "WHERE id = :i AND status = :from",
                     {to, now, *id, current}) != 1)
      return core::conflict("the request changed meanwhile; reload it", "action");
    if (*action == "return")
      session.exec(
          "UPDATE after_sales SET return_carrier = :c, return_waybill "
          "= :w WHERE id = :i",
          {carrier.value_or(""), waybill.value_or(""), *id});
    if (staff_step && note) session.exec("UPDATE after_sales SET store_note = :n WHERE id = :i", {*note, *id});
    if (refund_now) {
      const int64_t order_id = row->integer(1), amount = row->integer(7);
      auto items = session.query(
          "SELECT order_item_id, quantity FROM "
          "after_sale_items WHERE after_sale_id = :a",
          {*id});
      std::vector<int64_t> item_ids;
      for (const auto& item : items) item_ids.push_back(item.integer(0));
      auto refunded = payments_.refund(session, order_id, amount, *id, item_ids, (*principal)->user_id, now);
      if (!refunded) return refunded.error();
      auto order = session.query_one(kOrderColumns + " WHERE o.id = :i", {order_id});
      const std::string order_status = order->text(kOrderStatus);
      const bool unsent = order_status == "paid" || order_status == "packed";
      if (unsent && order->integer(kOrderRefunded) == order->integer(kOrderTotal)) {
        // Refunded in full before the goods left: the order is cancelled and
        // all its stock goes back (through the same guarded restock as any
        // cancellation).
        apply(session, order_id, order->integer(kOrderPlatform), *find_transition("refund_cancel", order_status),
              (*principal)->user_id, (*principal)->name, "refunded in full", now);
      } else if (unsent || *action == "receive") {
        // Goods that never left, or came back, go back into stock.
        for (const auto& item : items) restock(session, item.integer(0), item.integer(1));
      }
    }
    record_event(session, *id, current, to, **principal, note.value_or(""), now);
    updated = request_json(session, *session.query_one(std::string(kColumns) + " WHERE a.id = :i", {*id}), true);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(*updated);
}

void AfterSales::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kPost, "/api/v1/orders/{id}/after-sales", [this](http::Request& r) { return create(r); });
  router.add(Method::kGet, "/api/v1/after-sales", [this](http::Request& r) { return list(r); });
  router.add(Method::kGet, "/api/v1/after-sales/{id}", [this](http::Request& r) { return get(r); });
  router.add(Method::kPost, "/api/v1/after-sales/{id}/advance", [this](http::Request& r) { return advance(r); });
}

}  // namespace longnan::orders
