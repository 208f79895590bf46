// Checkout and the order state machine.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <map>

#include "core/crypto.h"
#include "core/validate.h"
#include "http/export.h"
#include "http/json.h"
#include "orders/internal.h"
#include "orders/orders.h"
#include "region/region.h"

namespace longnan::orders {
namespace {

// The order state machine, as data.
const std::vector<Transition> kTransitions{
    {"cancel", "pending_payment", "cancelled"},
    {"pay_cash", "pending_payment", "paid"},    // cash collected by the store, a courier or a village agent
    {"pay_online", "pending_payment", "paid"},  // a verified provider notification
    {"refund_cancel", "paid", "cancelled"},     // refunded in full before it left the store
    {"refund_cancel", "packed", "cancelled"},
    {"pack", "paid", "packed"},
    {"pack", "pending_payment", "packed"},  // cash on delivery only (checked in advance_order)
    {"ship", "packed", "shipped"},
    {"deliver", "shipped", "delivered"},
    {"redeem", "shipped", "delivered"},      // the buyer shows the pickup code at the point
    {"complete", "delivered", "completed"},  // the buyer confirms receipt, or the deadline
    {"complete", "shipped", "completed"},    // the buyer confirms receipt before the courier reports delivery
};

constexpr std::string_view kOrderSelect =
    "SELECT o.id, o.platform_id, o.store_id, s.name, o.buyer_user_id, o.checkout_id, o.status, o.delivery_mode, "
    "o.recipient, o.phone_enc, o.division_code, o.address_detail, o.note, o.goods_fen, o.freight_fen, o.total_fen, "
    "o.pay_deadline, o.created_at, o.updated_at, o.carrier, o.waybill, o.refunded_fen, o.for_name, o.for_household_id, "
    "o.pickup_code, o.payment_method, o.delivery_window_start, o.delivery_window_end";
constexpr std::string_view kOrderFrom = "FROM orders o JOIN stores s ON s.id = o.store_id";

// The payment deadline of a cash-on-delivery order: none (the sweeper skips them too).
constexpr int64_t kNoDeadline = INT64_C(1) << 53;

bool valid_idempotency_key(std::string_view key) {
  return !key.empty() && key.size() <= 64 &&
         key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:") ==
             std::string_view::npos;
}

}  // namespace

const Transition* find_transition(std::string_view action, std::string_view from) {
  for (const auto& t : kTransitions)
    if (t.action == action && t.from == from) return &t;
  return nullptr;
}

const Transition& transition_named(std::string_view action) {
  return *std::find_if(kTransitions.begin(), kTransitions.end(), [&](const auto& t) { return t.action == action; });
}

const std::string kOrderColumns = std::string(kOrderSelect) + " " + std::string(kOrderFrom);

std::string list_scope(const core::Principal& caller, bool mine, bool couriers_see_county, std::string_view alias,
                       std::vector<db::Value>& params) {
  const std::string column = std::string(alias) + ".";
  core::Role role = mine ? core::Role::kBuyer : caller.role;
  if (role == core::Role::kCourier && !couriers_see_county) role = core::Role::kBuyer;
  switch (role) {
    case core::Role::kStoreKeeper:
      params.emplace_back(caller.store_id.value_or(0));
      return " AND " + column + "store_id = :scope";
    case core::Role::kCountyAdmin:
    case core::Role::kCourier:  // couriers deliver the county's orders
      params.emplace_back(caller.platform_id.value_or(0));
      return " AND " + column + "platform_id = :scope";
    case core::Role::kCityAdmin:
      return "";
    case core::Role::kAuditor:
      if (caller.is_city_wide()) return "";
      params.emplace_back(caller.platform_id.value_or(0));
      return " AND " + column + "platform_id = :scope";
    default:
      params.emplace_back(caller.user_id);
      return " AND " + column + "buyer_user_id = :scope";
  }
}

OrderAccess access_to(const core::Principal& caller, int64_t buyer_user_id, int64_t store_id, int64_t platform_id) {
  OrderAccess access;
  access.buyer = caller.user_id == buyer_user_id;
  access.courier = caller.role == core::Role::kCourier && caller.platform_id == platform_id;
  access.store = caller.role == core::Role::kStoreKeeper && caller.store_id == store_id;
  access.county = caller.role == core::Role::kCountyAdmin && caller.platform_id == platform_id;
  access.overseer = caller.role == core::Role::kCityAdmin ||
                    (caller.role == core::Role::kAuditor && caller.sees_platform(platform_id));
  return access;
}

OrderAccess access_to(const core::Principal& caller, const db::Row& order) {
  return access_to(caller, order.integer(kOrderBuyer), order.integer(kOrderStore), order.integer(kOrderPlatform));
}

const std::string kOrderItemSelect =
    "SELECT id, sku_id, product_id, producer_id, name, sku_code, price_fen, quantity, subtotal_fen, restocked "
    "FROM order_items WHERE order_id = :o ORDER BY id";

static OrderExtras order_extras(db::Session& session, const db::Row& order, bool with_events) {
  OrderExtras extras;
  extras.place = region::place_of(session, order.text(10));
  extras.items = session.query(kOrderItemSelect, {order.integer(0)});
  extras.payment =
      session.query_one("SELECT provider, amount_fen, paid_at FROM payments WHERE order_id = :o", {order.integer(0)});
  extras.after_sale = session.query_one(
      "SELECT id, kind, status, amount_fen FROM after_sales WHERE order_id = :o ORDER BY id DESC LIMIT 1",
      {order.integer(0)});
  if (with_events)
    extras.events = session.query(
        "SELECT from_status, to_status, actor_name, note, at FROM order_events WHERE order_id = :o ORDER BY id",
        {order.integer(0)});
  return extras;
}

boost::json::object order_json(db::Session& session, const db::Row& order, const core::FieldCipher& cipher,
                               const OrderView& view) {
  return order_json(order, order_extras(session, order, view.with_events), cipher, view);
}

boost::json::object order_json(const db::Row& order, const OrderExtras& extras, const core::FieldCipher& cipher,
                               const OrderView& view) {
  std::string phone = cipher.decrypt(order.text(9)).value_or("");
  const region::Place& place = extras.place;
  boost::json::array items;
  for (const auto& item : extras.items)
    items.push_back(boost::json::object{{"id", item.integer(0)},
                                        {"sku_id", item.integer(1)},
                                        {"product_id", item.integer(2)},
                                        {"producer_id", item.integer(3)},
                                        {"name", item.text(4)},
                                        {"sku_code", item.text(5)},
                                        {"price_fen", item.integer(6)},
                                        {"quantity", item.integer(7)},
                                        {"subtotal_fen", item.integer(8)},
                                        {"restocked", item.integer(9)}});
  boost::json::object body{
      {"id", order.integer(0)},
      {"platform_id", order.integer(1)},
      {"store", boost::json::object{{"id", order.integer(2)}, {"name", order.text(3)}}},
      {"checkout_id", order.integer(5)},
      {"status", order.text(6)},
      {"delivery_mode", order.text(7)},
      {"address", boost::json::object{{"recipient", order.text(8)},
                                      {"phone", view.full_phone ? phone : core::mask_phone(phone)},
                                      {"division_code", order.text(10)},
                                      {"province_name", place.province_name},
                                      {"village_name", place.village_name},
                                      {"township_name", place.township_name},
                                      {"county_name", place.county_name},
                                      {"detail", order.text(11)}}},
      {"note", order.text(12)},
      {"goods_fen", order.integer(13)},
      {"freight_fen", order.integer(14)},
      {"total_fen", order.integer(15)},
      {"pay_deadline", order.integer(16)},
      {"created_at", order.integer(17)},
      {"updated_at", order.integer(18)},
      {"carrier", order.text(19)},
      {"waybill", order.text(20)},
      {"refunded_fen", order.integer(21)},
      {"for_name", order.text(22)},
      {"for_household_id", order.is_null(23) ? boost::json::value() : boost::json::value(order.integer(23))},
      // The code is the buyer's to show at the point; the point checks it, never reads it.
      {"pickup_code", view.buyer ? order.text(24) : std::string(order.text(24).empty() ? "" : "******")},
      {"payment_method", order.text(25)},
      {"delivery_window", order.is_null(26)
                              ? boost::json::value()
                              : boost::json::object{{"start", order.integer(26)}, {"end", order.integer(27)}}},
      {"items", std::move(items)}};
  const auto& payment = extras.payment;
  body["payment"] =
      payment
          ? boost::json::value(boost::json::object{
                {"provider", payment->text(0)}, {"amount_fen", payment->integer(1)}, {"paid_at", payment->integer(2)}})
          : boost::json::value();
  const auto& after_sale = extras.after_sale;
  body["after_sale"] = after_sale ? boost::json::value(boost::json::object{{"id", after_sale->integer(0)},
                                                                           {"kind", after_sale->text(1)},
                                                                           {"status", after_sale->text(2)},
                                                                           {"amount_fen", after_sale->integer(3)}})
                                  : boost::json::value();
  if (view.with_events) {
    boost::json::array events;
    for (const auto& event : extras.events)
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

// Applies `transition` to order `id` if it is still in the transition's `from` state:
// moves the status, records the event and, for a cancellation, puts the stock back.
// Returns false (and changes nothing) when the order is not in that state any more.
// DO NOT weaken the guarded UPDATE: it is what makes a transition applied twice, or by two
// servers at once, release stock only once.
bool apply(db::Session& session, int64_t id, int64_t platform_id, const Transition& transition,
           std::optional<int64_t> actor_id, const std::string& actor_name, const std::string& note, int64_t now) {
  if (session.exec("UPDATE orders SET status = :to, updated_at = :t WHERE id = :i AND status = :from",
                   {std::string(transition.to), now, id, std::string(transition.from)}) != 1)
    return false;
  if (transition.to == "cancelled")
    for (const auto& item : session.query("SELECT id, quantity FROM order_items WHERE order_id = :o", {id}))
      restock(session, item.integer(0), item.integer(1));
  session.exec(
      "INSERT INTO order_events (order_id, platform_id, from_status, to_status, actor_user_id, actor_name, note, at) "
      "VALUES (:o, :p, :f, :t, :u, :a, :n, :at)",
      {id, platform_id, std::string(transition.from), std::string(transition.to),
       actor_id ? db::Value(*actor_id) : db::Value(), actor_name, note, now});
  return true;
}

int64_t restock(db::Session& session, int64_t item_id, int64_t quantity) {
  auto item = session.query_one(
      "SELECT i.sku_id, i.quantity - i.restocked, i.sale_event_id, o.buyer_user_id FROM order_items i "
      "JOIN orders o ON o.id = i.order_id WHERE i.id = :i",
      {item_id});
  if (!item) return 0;
  const int64_t units = std::min(quantity, item->integer(1));
  if (units <= 0) return 0;
  // DO NOT drop the guard: it is what stops two restore paths (a cancellation and a
  // refund, or two servers) from putting the same units back twice.
  if (session.exec("UPDATE order_items SET restocked = restocked + :q WHERE id = :i AND restocked + :q2 <= quantity",
                   {units, item_id, units}) != 1)
    return 0;
  if (!item->is_null(2)) {
    // A sale's units go back to the sale (and to the buyer's allowance) while it runs.
    session.exec(
        "UPDATE sale_event_buyers SET quantity = quantity - :q WHERE event_id = :e AND user_id = :u AND quantity >= "
        ":q2",
        {units, item->integer(2), item->integer(3), units});
    if (session.exec(
            "UPDATE sale_event_skus SET stock = stock + :q WHERE event_id = :e AND sku_id = :s AND released = 0",
            {units, item->integer(2), item->integer(0)}) == 1)
      return units;
  }
  session.exec("UPDATE skus SET stock = stock + :q WHERE id = :s", {units, item->integer(0)});
  return units;
}

void record_payment(db::Session& session, int64_t order_id, int64_t platform_id, std::string_view provider,
                    int64_t amount, const std::string& reference, std::optional<int64_t> confirmed_by, int64_t now) {
  session.exec(
      "INSERT INTO payments (order_id, platform_id, provider, amount_fen, reference, confirmed_by, paid_at) "
      "VALUES (:o, :p, :v, :a, :r, :u, :t)",
      {order_id, platform_id, std::string(provider), amount, reference,
       confirmed_by ? db::Value(*confirmed_by) : db::Value(), now});
  post_sale(session, order_id, now);
}

// POST /api/v1/orders: checks out the cart's available lines into one order per store, or
// buys one SKU of a sale event at its sale price ("sale": {event_id, sku_id, quantity}).
// A retry with the same Idempotency-Key answers the same orders and changes nothing.
http::Response Orders::checkout(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto key = request.header("idempotency-key");
  if (!key)
    return http::error_response(request,
                                core::bad_request("the Idempotency-Key header is required", "Idempotency-Key"));
  if (!valid_idempotency_key(*key))
    return http::error_response(
        request, core::bad_request("Idempotency-Key must be 1 to 64 letters, digits or -_.:", "Idempotency-Key"));
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  const int64_t user_id = (*principal)->user_id, now = clock_.now_ms();
  auto parsed = parse_checkout(**principal, *body, now);
  if (!parsed) return http::error_response(request, parsed.error());
  const CheckoutRequest& wanted = *parsed;
  const std::string request_hash = core::sha256_hex(boost::json::serialize(*body));
  const std::string idempotency_key(*key);

  // The answer for a checkout that exists: the same orders, or 409 for another request.
  auto replay = [&](db::Session& session) -> std::optional<http::Response> {
    auto existing = session.query_one(
        "SELECT id, request_hash, total_fen FROM checkouts WHERE user_id = :u AND "
        "idempotency_key = :k",
        {user_id, idempotency_key});
    if (!existing) return std::nullopt;
    if (existing->text(1) != request_hash)
      return http::error_response(
          request, core::conflict("this Idempotency-Key was used for a different checkout", "Idempotency-Key"));
    boost::json::array orders;
    for (const auto& row :
         session.query(std::string(kOrderColumns) + " WHERE o.checkout_id = :c ORDER BY o.id", {existing->integer(0)}))
      orders.push_back(order_json(session, row, cipher_, OrderView{.full_phone = true, .buyer = true}));
    return http::json_response(boost::json::object{
        {"checkout_id", existing->integer(0)}, {"total_fen", existing->integer(2)}, {"orders", std::move(orders)}});
  };

  std::optional<http::Response> answer;
  // Read-only checks first, outside the write transaction (which, on SQLite, runs on the one
  // writer thread): a retry of a checkout that exists, and a sale that is over, not started
  // or sold out, are answered without taking the writer's time. The guarded statements in
  // the transaction still decide who gets the stock.
  core::Status precheck;
  database_.with_session([&](db::Session& session) {
    if ((answer = replay(session)) || !wanted.sale) return;
    if (auto line = sale_line(session, *wanted.sale, user_id, now); !line) precheck = line.error();
  });
  if (answer) return *answer;
  if (!precheck) return http::error_response(request, precheck.error());
  int64_t checkout_id = 0, total = 0;
  // The new orders as stored, read inside the transaction (on the writer's warm cache) so
  // that the answer needs no reads after the commit.
  std::vector<std::pair<db::Row, OrderExtras>> created;
  try {
    auto status = database_.transaction([&](db::Session& session) -> core::Status {
      if ((answer = replay(session))) return core::Status();
      // Claim the key before reading the cart: a concurrent request with the same key now
      // waits on the unique index and then answers as a retry, instead of finding the
      // cart emptied by this one.
      checkout_id = session.insert(
          "INSERT INTO checkouts (user_id, idempotency_key, request_hash, total_fen, created_at) "
          "VALUES (:u, :k, :h, 0, :c) RETURNING id",
          {user_id, idempotency_key, request_hash, now});
      auto address = session.query_one(
          "SELECT recipient, phone_enc, division_code, detail FROM addresses WHERE id = :i AND user_id = :u",
          {wanted.address_id, user_id});
      if (!address) return core::invalid("address_id", "no such address of yours");
      if (wanted.for_household_id) {
        auto household =
            session.query_one("SELECT platform_id FROM households WHERE id = :h", {*wanted.for_household_id});
        if (!household || household->integer(0) != (*principal)->platform_id.value_or(0))
          return core::invalid("on_behalf_of.household_id", "no such household in your county");
      }
      auto lines = wanted.sale ? sale_line(session, *wanted.sale, user_id, now) : cart_lines(session, user_id);
      if (!lines) return lines.error();
      for (auto& draft : group_by_store(*lines)) {
        draft.checkout_id = checkout_id;
        draft.buyer_user_id = user_id;
        draft.mode = wanted.mode;
        draft.division_code = address->text(2);
        auto freight = freight_for(session, draft);
        if (!freight) return freight.error();
        draft.freight_fen = *freight;
        const int64_t order_id = session.insert(
            "INSERT INTO orders (platform_id, store_id, buyer_user_id, checkout_id, status, delivery_mode, recipient, "
            "phone_enc, division_code, address_detail, note, goods_fen, freight_fen, total_fen, pay_deadline, "
            "created_at, "
            "updated_at, for_name, for_household_id, pickup_code, payment_method, delivery_window_start, "
            "delivery_window_end) VALUES (:p, :s, :u, :c, 'pending_payment', :m, :r, :ph, :d, :x, :n, :g, :f, :t, :dl, "
            ":ca, :ua, :fn, :fh, :pc, :pm, :ws, :we) RETURNING id",
            {draft.platform_id,
             draft.store_id,
             user_id,
             checkout_id,
             wanted.mode,
             address->text(0),
             address->text(1),
             address->text(2),
             address->text(3),
             wanted.note,
             draft.goods_fen,
             draft.freight_fen,
             draft.goods_fen + draft.freight_fen,
             wanted.payment_method == "cash_on_delivery" ? kNoDeadline : now + options_.pay_timeout_ms,
             now,
             now,
             wanted.for_name,
             wanted.for_household_id ? db::Value(*wanted.for_household_id) : db::Value(),
             wanted.mode != "express" ? pickup_code() : std::string(),  // shown to whoever hands over
             wanted.payment_method,
             wanted.window ? db::Value(wanted.window->first) : db::Value(),
             wanted.window ? db::Value(wanted.window->second) : db::Value()});
        for (const auto& line : draft.lines)
          session.exec(
              "INSERT INTO order_items (order_id, platform_id, sku_id, product_id, producer_id, name, sku_code, "
              "price_fen, "
              "quantity, subtotal_fen, sale_event_id) VALUES (:o, :p, :s, :pr, :pd, :n, :c, :f, :q, :t, :e)",
              {order_id, draft.platform_id, line.sku_id, line.product_id, line.producer_id, line.name, line.sku_code,
               line.price_fen, line.quantity, line.price_fen * line.quantity,
               line.sale_event_id ? db::Value(*line.sale_event_id) : db::Value()});
        session.exec(
            "INSERT INTO order_events (order_id, platform_id, from_status, to_status, actor_user_id, actor_name, note, "
            "at) "
            "VALUES (:o, :p, NULL, 'pending_payment', :u, :a, :n, :t)",
            {order_id, draft.platform_id, user_id, (*principal)->name,
             wanted.for_name.empty() ? std::string() : "代购: " + wanted.for_name, now});
        total += draft.goods_fen + draft.freight_fen;
        OrderExtras extras;  // a new order has no payment, after-sales or events to show
        extras.items = session.query(kOrderItemSelect, {order_id});
        created.emplace_back(*session.query_one(kOrderColumns + " WHERE o.id = :i", {order_id}), std::move(extras));
      }
      if (!created.empty()) {
        const region::Place place = region::place_of(session, address->text(2));
        for (auto& [row, extras] : created) extras.place = place;
      }
      session.exec("UPDATE checkouts SET total_fen = :t WHERE id = :i", {total, checkout_id});
      return reserve_stock(session, *lines, user_id);
    });
    if (!status) return http::error_response(request, status.error());
    if (!answer) {
      boost::json::array orders;
      for (const auto& [row, extras] : created)
        orders.push_back(order_json(row, extras, cipher_, OrderView{.full_phone = true, .buyer = true}));
      answer = http::json_response(
          boost::json::object{{"checkout_id", checkout_id}, {"total_fen", total}, {"orders", std::move(orders)}}, 201);
    }
  } catch (const db::UniqueViolation&) {
    // The same key was checking out at the same moment on another connection: answer as a retry.
    database_.with_session([&](db::Session& session) { answer = replay(session); });
    if (!answer) throw;
  }
  return *answer;
}

// GET /api/v1/orders: orders in the caller's scope, newest first.
http::Response Orders::list_orders(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto format = http::export_format(request);
  if (!format) return http::error_response(request, format.error());
  const core::Principal& caller = **principal;
  std::vector<db::Value> params;
  // ?mine=1: the caller's own purchases, whatever their role (staff buy too).
  std::string where = " WHERE 1=1" + list_scope(caller, request.query_param("mine").has_value(), true, "o", params);
  auto status = http::query_enum(
      request, "status", {"pending_payment", "paid", "packed", "shipped", "delivered", "completed", "cancelled"});
  if (!status) return http::error_response(request, status.error());
  if (*status) {
    where += " AND o.status = :st";
    params.emplace_back(**status);
  }
  boost::json::array items;
  core::Table table;
  int64_t total = 0;
  if (*format)
    table.push_back({"id", "created_at", "store", "status", "delivery_mode", "recipient", "phone", "village", "detail",
                     "items", "goods_fen", "freight_fen", "total_fen", "carrier", "waybill"});
  database_.with_session([&](db::Session& session) {
    auto result = db::select_page(session, kOrderSelect, std::string(kOrderFrom) + where, "ORDER BY o.id DESC", params,
                                  http::list_limit(*format, *page), http::list_offset(*format, *page));
    total = result.total;
    for (const auto& row : result.rows) {
      auto access = access_to(caller, row);
      auto order = order_json(session, row, cipher_, access.view(false));
      if (!*format) {
        items.push_back(std::move(order));
        continue;
      }
      std::string lines;
      for (const auto& item : order["items"].as_array())
        lines += (lines.empty() ? "" : "; ") + std::string(item.at("name").as_string()) + " ×" +
                 std::to_string(item.at("quantity").as_int64());
      const auto& address = order["address"].as_object();
      auto text = [&](const boost::json::object& object, const char* key) {
        return std::string(object.at(key).as_string());
      };
      table.push_back({row.text(0), core::shanghai_date(row.integer(17)), row.text(3), row.text(6), row.text(7),
                       text(address, "recipient"), text(address, "phone"),
                       text(address, "province_name") + text(address, "township_name") + text(address, "village_name"),
                       text(address, "detail"), lines, row.text(13), row.text(14), row.text(15), row.text(19),
                       row.text(20)});
    }
  });
  return http::list_response(*format, *page, total, std::move(items), table, "orders");
}

// GET /api/v1/orders/{id}: one order with its items and the history of its status.
http::Response Orders::get_order(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<boost::json::object> body;
  database_.with_session([&](db::Session& session) {
    auto row = session.query_one(std::string(kOrderColumns) + " WHERE o.id = :i", {*id});
    if (!row) return;
    auto access = access_to(**principal, *row);
    if (!access.any()) return;
    body = order_json(session, *row, cipher_, access.view(true));
  });
  if (!body) return http::error_response(request, core::not_found("no such order"));
  return http::json_response(*body);
}

// POST /api/v1/orders/{id}/cancel: the buyer, the store or the county cancels an unpaid
// order; its stock goes back.
http::Response Orders::cancel_order(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<std::string> reason;
  if (!request.body.empty()) {
    auto body = http::parse_object(request);
    if (!body) return http::error_response(request, body.error());
    http::Fields fields(*body);
    reason = fields.text("reason", false, 200);
    if (!fields.ok()) return http::error_response(request, fields.error());
  }
  const Transition& cancel = transition_named("cancel");
  const int64_t now = clock_.now_ms();
  boost::json::object updated;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one(std::string(kOrderColumns) + " WHERE o.id = :i", {*id});
    if (!row) return core::not_found("no such order");
    auto access = access_to(**principal, *row);
    if (!access.any()) return core::not_found("no such order");
    if (!(access.buyer || access.store || access.county)) return core::forbidden("your role may not cancel orders");
    if (!apply(session, *id, row->integer(1), cancel, (*principal)->user_id, (*principal)->name, reason.value_or(""),
               now))
      return core::conflict("only an unpaid order can be cancelled; this one is " + row->text(6), "status");
    updated = order_json(session, *session.query_one(std::string(kOrderColumns) + " WHERE o.id = :i", {*id}), cipher_,
                         access.view(true));
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(updated);
}

// POST /api/v1/orders/{id}/advance: one step of fulfilment: pay_cash (the store, a
// courier or the county confirms cash collected), pack, ship (carrier and waybill for
// express), deliver, redeem (the pickup code at a point), complete (the buyer confirms
// receipt). Cash-on-delivery orders are packed before they are paid, and delivering or
// redeeming them records the cash collected.
http::Response Orders::advance_order(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto action = fields.text("action", true, 20);
  auto carrier = fields.text("carrier", false, 40);
  auto waybill = fields.text("waybill", false, 40);
  auto note = fields.text("note", false, 200);
  auto code = fields.text("code", false, 10);
  if (!fields.ok()) return http::error_response(request, fields.error());
  static const std::vector<std::string_view> kActions{"pay_cash", "pack", "ship", "deliver", "redeem", "complete"};
  if (std::find(kActions.begin(), kActions.end(), *action) == kActions.end())
    return http::error_response(
        request, core::invalid("action", "action must be pay_cash, pack, ship, deliver, redeem or complete"));
  const int64_t now = clock_.now_ms();
  boost::json::object updated;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one(std::string(kOrderColumns) + " WHERE o.id = :i", {*id});
    if (!row) return core::not_found("no such order");
    auto access = access_to(**principal, *row);
    if (!access.any()) return core::not_found("no such order");
    bool allowed = false;
    if (*action == "pay_cash" || *action == "deliver" || *action == "redeem")
      allowed = access.store || access.county || access.courier;
    else if (*action == "pack" || *action == "ship")
      allowed = access.store || access.county;
    else if (*action == "complete")
      allowed = access.buyer;
    if (!allowed) return core::forbidden("your role may not " + *action + " this order");
    if (*action == "ship" && row->text(7) == "express" &&
        (!carrier || carrier->empty() || !waybill || waybill->empty()))
      return core::invalid(carrier && !carrier->empty() ? "waybill" : "carrier",
                           "express orders ship with a carrier and a waybill number");
    if (*action == "redeem") {
      const std::string expected = row->text(kOrderPickupCode);
      if (expected.empty()) return core::conflict("this order is not collected at a point", "action");
      if (!code || !core::equal_constant_time(*code, expected))
        return core::invalid("code", "the pickup code does not match");
    }
    if ((*action == "pack" || *action == "ship") &&
        session.scalar(
            "SELECT COUNT(*) FROM after_sales WHERE order_id = :o AND status IN ('requested', 'accepted', 'returned')",
            {*id}) > 0)
      return core::conflict("the buyer has asked for a refund: answer the request before sending the goods",
                            "after_sale");
    const bool cash_on_delivery = row->text(kOrderPaymentMethod) == "cash_on_delivery";
    const bool unpaid = session.scalar("SELECT COUNT(*) FROM payments WHERE order_id = :o", {*id}) == 0;
    if (*action == "pack" && row->text(kOrderStatus) == "pending_payment" && !cash_on_delivery)
      return core::conflict("the order is not paid yet", "action");
    if (*action == "complete" && cash_on_delivery && unpaid)
      return core::conflict("cash on delivery: the person who hands over the goods records the cash first", "action");
    // The step out of the order's current status (an action may start from several).
    const Transition* transition = find_transition(*action, row->text(kOrderStatus));
    if (!transition || !apply(session, *id, row->integer(1), *transition, (*principal)->user_id, (*principal)->name,
                              note.value_or(""), now))
      return core::conflict("cannot " + *action + " an order that is " + row->text(6), "action");
    // Cash on delivery is paid when the goods are handed over.
    if (*action == "pay_cash" || ((*action == "deliver" || *action == "redeem") && cash_on_delivery && unpaid))
      record_payment(session, *id, row->integer(kOrderPlatform), "cash", row->integer(kOrderTotal), note.value_or(""),
                     (*principal)->user_id, now);
    if (*action == "ship")
      session.exec("UPDATE orders SET carrier = :c, waybill = :w WHERE id = :i",
                   {carrier.value_or(""), waybill.value_or(""), *id});
    updated = order_json(session, *session.query_one(std::string(kOrderColumns) + " WHERE o.id = :i", {*id}), cipher_,
                         access.view(true));
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(updated);
}

int Orders::sweep_once() {
  int cancelled = 0;
  const int64_t now = clock_.now_ms();
  std::vector<std::pair<int64_t, int64_t>> overdue;  // order id, platform id
  database_.with_session([&](db::Session& session) {
    for (const auto& row :
         session.query("SELECT id, platform_id FROM orders WHERE status = 'pending_payment' AND pay_deadline <= :t "
                       "AND payment_method = 'online' ORDER BY id LIMIT 500",
                       {now}))
      overdue.emplace_back(row.integer(0), row.integer(1));
  });
  for (const auto& [id, platform_id] : overdue)
    database_.write([&](db::Session& session) {
      if (apply(session, id, platform_id, transition_named("cancel"), std::nullopt, "system", "payment deadline passed",
                now))
        ++cancelled;
    });
  // Delivered orders complete by themselves once the after-sales window has passed.
  std::vector<std::pair<int64_t, int64_t>> settled;
  database_.with_session([&](db::Session& session) {
    for (const auto& row : session.query(
             "SELECT id, platform_id FROM orders o WHERE status = 'delivered' AND updated_at <= :t AND NOT EXISTS "
             "(SELECT 1 FROM after_sales a WHERE a.order_id = o.id AND a.status IN ('requested', 'accepted', "
             "'returned')) "
             "ORDER BY id LIMIT 500",
             {now - options_.complete_after_ms}))
      settled.emplace_back(row.integer(0), row.integer(1));
  });
  for (const auto& [id, platform_id] : settled)
    database_.write([&](db::Session& session) {
      if (apply(session, id, platform_id, transition_named("complete"), std::nullopt, "system",
                "after-sales window closed", now))
        ++cancelled;
    });
  return cancelled;
}

Orders::Orders(db::Database& database, const core::Clock& clock, const core::FieldCipher& cipher, Options options)
    : database_(database),
      clock_(clock),
      cipher_(cipher),
      options_(std::move(options)),
      payments_(std::make_unique<Payments>(database, clock, options_.sandbox_secret)),
      after_sales_(std::make_unique<AfterSales>(database, clock, *payments_)) {}

Orders::~Orders() {
  {
    std::lock_guard lock(sweeper_mutex_);
    stopping_ = true;
  }
  sweeper_wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

void Orders::start_sweeper() {
  sweeper_ = std::thread([this] {
    std::unique_lock lock(sweeper_mutex_);
    while (!stopping_) {
      sweeper_wake_.wait_for(lock, std::chrono::milliseconds(options_.sweep_interval_ms), [&] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      try {
        payments_->deliver_notifications();
        if (int closed = close_due_events(database_, clock_.now_ms())) spdlog::info("{} sale event(s) closed", closed);
        if (int changed = sweep_once()) spdlog::info("{} order(s) cancelled or completed at their deadline", changed);
      } catch (const std::exception& error) {
        spdlog::warn("order deadline sweep failed: {}", error.what());
      }
      lock.lock();
    }
  });
}

}  // namespace longnan::orders
