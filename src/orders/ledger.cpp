// The payout ledger: append-only entries that credit producers, the platform's commission
// and stores' freight for every paid order, and reverse them for refunds; statements,
// turnover summaries, commission rates and the reconciliation check.
#include <boost/json.hpp>

#include <map>

#include "audit/audit.h"
#include "core/clock.h"
#include "http/export.h"
#include "http/json.h"
#include "orders/internal.h"
#include "orders/orders.h"

namespace longnan::orders {
namespace {

// The commission in basis points for `category_id` in county `platform_id`: the rate of
// the category, else of its parent, else of the top category, else the county default.
int64_t commission_bp(db::Session& session, int64_t platform_id, int64_t category_id) {
  auto chain = session.query_one(
      "SELECT c1.id, c2.id, c3.id FROM categories c1 LEFT JOIN categories c2 ON c2.id = c1.parent_id "
      "LEFT JOIN categories c3 ON c3.id = c2.parent_id WHERE c1.id = :c",
      {category_id});
  std::map<int64_t, int64_t> rates;
  for (const auto& row : session.query("SELECT category_id, rate_bp FROM commission_rates WHERE platform_id = :p", {platform_id}))
    rates[row.integer(0)] = row.integer(1);
  std::vector<int64_t> candidates;
  if (chain)
    for (size_t column = 0; column < 3; ++column)
      if (!chain->is_null(column)) candidates.push_back(chain->integer(column));
  candidates.push_back(0);
  for (int64_t candidate : candidates)
    if (auto found = rates.find(candidate); found != rates.end()) return found->second;
  return 0;
}

void insert_entry(db::Session& session, int64_t platform_id, int64_t store_id, int64_t order_id,
                  std::optional<int64_t> item_id, std::string_view account, std::optional<int64_t> producer_id,
                  std::string_view kind, int64_t amount, std::optional<int64_t> refund_id, int64_t now) {
  session.exec(
      "INSERT INTO ledger_entries (platform_id, store_id, order_id, order_item_id, account, producer_id, kind, amount_fen, "
      "refund_id, at) VALUES (:p, :s, :o, :i, :a, :pr, :k, :m, :r, :t)",
      {platform_id, store_id, order_id, item_id ? db::Value(*item_id) : db::Value(), std::string(account),
       producer_id ? db::Value(*producer_id) : db::Value(), std::string(kind), amount,
       refund_id ? db::Value(*refund_id) : db::Value(), now});
}

// The ledger rows a caller may read, as a WHERE clause on ledger_entries e.
core::Result<std::string> ledger_scope(const core::Principal& caller, std::vector<db::Value>& params) {
  switch (caller.role) {
    case core::Role::kSupplier:
      params.emplace_back(caller.producer_id.value_or(0));
      return std::string(" AND e.account = 'producer' AND e.producer_id = :scope");
    case core::Role::kStoreKeeper:
      params.emplace_back(caller.store_id.value_or(0));
      return std::string(" AND e.store_id = :scope");
    case core::Role::kCountyAdmin:
      params.emplace_back(caller.platform_id.value_or(0));
      return std::string(" AND e.platform_id = :scope");
    case core::Role::kAuditor:
      if (caller.is_city_wide()) return std::string();
      params.emplace_back(caller.platform_id.value_or(0));
      return std::string(" AND e.platform_id = :scope");
    case core::Role::kCityAdmin:
      return std::string();
    default:
      return core::forbidden("your role has no ledger");
  }
}

// Filters shared by the statement and the summary: producer_id, store_id, account and the
// period from/to (dates, both inclusive, Asia/Shanghai).
core::Result<std::string> ledger_filters(const http::Request& request, std::vector<db::Value>& params) {
  std::string where;
  for (const char* name : {"producer_id", "store_id"}) {
    auto value = http::query_integer(request, name, 1, INT64_MAX);
    if (!value) return value.error();
    if (*value) {
      where += std::string(" AND e.") + name + " = :" + name;
      params.emplace_back(**value);
    }
  }
  if (auto account = request.query_param("account"); account && !account->empty()) {
    if (*account != "producer" && *account != "platform" && *account != "store")
      return core::invalid("account", "account must be producer, platform or store");
    where += " AND e.account = :account";
    params.emplace_back(std::string(*account));
  }
  for (const char* name : {"from", "to"}) {
    auto text = request.query_param(name);
    if (!text || text->empty()) continue;
    int64_t day = 0;
    if (!core::parse_date(*text, day)) return core::invalid(name, std::string(name) + " must be a date YYYY-MM-DD");
    if (std::string_view(name) == "from") {
      where += " AND e.at >= :from";
      params.emplace_back(day);
    } else {
      where += " AND e.at < :to";
      params.emplace_back(day + 24LL * 3600 * 1000);
    }
  }
  return where;
}

// GET /api/v1/ledger/entries: a statement: the entries in the caller's scope and period,
// with their totals; ?format=xlsx|csv for the file.
http::Response ledger_entries(http::Request& request, db::Database& database) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto format = http::export_format(request);
  if (!format) return http::error_response(request, format.error());
  std::vector<db::Value> params;
  auto scope = ledger_scope(**principal, params);
  if (!scope) return http::error_response(request, scope.error());
  auto filters = ledger_filters(request, params);
  if (!filters) return http::error_response(request, filters.error());
  const std::string from_where =
      "FROM ledger_entries e JOIN stores s ON s.id = e.store_id LEFT JOIN producers p ON p.id = e.producer_id "
      "LEFT JOIN order_items i ON i.id = e.order_item_id WHERE 1=1" + *scope + *filters;
  boost::json::array items;
  core::Table table;
  if (*format) table.push_back({"id", "date", "order_id", "item", "account", "producer", "store", "kind", "amount_fen"});
  boost::json::object totals;
  int64_t total = 0;
  database.with_session([&](db::Session& session) {
    auto result = db::select_page(session,
                                  "SELECT e.id, e.at, e.order_id, e.order_item_id, i.name, e.account, e.producer_id, p.name, "
                                  "e.store_id, s.name, e.kind, e.amount_fen",
                                  from_where, "ORDER BY e.id DESC", params, http::list_limit(*format, *page),
                                  http::list_offset(*format, *page));
    total = result.total;
    for (const auto& row : result.rows) {
      if (*format) {
        table.push_back({row.text(0), core::shanghai_date(row.integer(1)), row.text(2), row.text(4), row.text(5), row.text(7),
                         row.text(9), row.text(10), row.text(11)});
        continue;
      }
      items.push_back(boost::json::object{
          {"id", row.integer(0)},
          {"at", row.integer(1)},
          {"order_id", row.integer(2)},
          {"order_item_id", row.is_null(3) ? boost::json::value() : boost::json::value(row.integer(3))},
          {"item_name", row.text(4)},
          {"account", row.text(5)},
          {"producer", row.is_null(6) ? boost::json::value()
                                      : boost::json::value(boost::json::object{{"id", row.integer(6)}, {"name", row.text(7)}})},
          {"store", boost::json::object{{"id", row.integer(8)}, {"name", row.text(9)}}},
          {"kind", row.text(10)},
          {"amount_fen", row.integer(11)}});
    }
    auto sums = session.query_one(
        "SELECT COALESCE(SUM(CASE WHEN e.kind = 'sale' THEN e.amount_fen ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN e.kind = 'refund' THEN e.amount_fen ELSE 0 END), 0), COALESCE(SUM(e.amount_fen), 0) " +
            from_where,
        params);
    totals = {{"sales_fen", sums->integer(0)}, {"refunds_fen", sums->integer(1)}, {"net_fen", sums->integer(2)}};
  });
  if (*format) return http::list_response(*format, *page, total, {}, table, "statement");
  auto body = http::page_body(std::move(items), total, *page);
  body["totals"] = std::move(totals);
  return http::json_response(body);
}

// GET /api/v1/ledger/summary?by=producer|store|day: turnover in the caller's scope and
// period, one row per producer, store or day.
http::Response ledger_summary(http::Request& request, db::Database& database) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  std::vector<db::Value> params;
  auto scope = ledger_scope(**principal, params);
  if (!scope) return http::error_response(request, scope.error());
  auto filters = ledger_filters(request, params);
  if (!filters) return http::error_response(request, filters.error());
  const std::string by(request.query_param("by").value_or("store"));
  std::string key, name, join;
  if (by == "store") {
    key = "e.store_id";
    name = "s.name";
    join = "JOIN stores s ON s.id = e.store_id";
  } else if (by == "producer") {
    key = "e.producer_id";
    name = "p.name";
    join = "JOIN producers p ON p.id = e.producer_id";
  } else if (by == "day") {
    // Days in Asia/Shanghai: the integer day number of (at + 8 h).
    key = "(e.at + 28800000) / 86400000";
    name = "''";
  } else {
    return http::error_response(request, core::invalid("by", "by must be store, producer or day"));
  }
  boost::json::array rows;
  database.with_session([&](db::Session& session) {
    for (const auto& row : session.query(
             "SELECT " + key + ", MIN(" + name + "), COALESCE(SUM(CASE WHEN e.kind = 'sale' THEN e.amount_fen ELSE 0 END), 0), "
             "COALESCE(SUM(CASE WHEN e.kind = 'refund' THEN e.amount_fen ELSE 0 END), 0), COALESCE(SUM(e.amount_fen), 0), "
             "COUNT(DISTINCT e.order_id) FROM ledger_entries e " + join + " WHERE 1=1" + *scope + *filters +
                 " GROUP BY " + key + " ORDER BY 5 DESC LIMIT 1000",
             params)) {
      boost::json::object out{{"sales_fen", row.integer(2)}, {"refunds_fen", row.integer(3)}, {"net_fen", row.integer(4)},
                              {"orders", row.integer(5)}};
      if (by == "day") {
        out["date"] = core::shanghai_date(row.integer(0) * 86400000 - 28800000);
      } else {
        out["id"] = row.integer(0);
        out["name"] = row.text(1);
      }
      rows.push_back(std::move(out));
    }
  });
  if (by == "day")
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.as_object().at("date").as_string() < b.as_object().at("date").as_string(); });
  return http::json_response(boost::json::object{{"by", by}, {"items", std::move(rows)}});
}

// GET /api/v1/commission-rates: the rates of the caller's county (all counties for the city).
http::Response list_rates(http::Request& request, db::Database& database) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin, core::Role::kAuditor,
                                                core::Role::kStoreKeeper});
  if (!principal) return http::error_response(request, principal.error());
  std::string where;
  std::vector<db::Value> params;
  if (!(*principal)->is_city_wide()) {
    where = " WHERE r.platform_id = :p";
    params.emplace_back((*principal)->platform_id.value_or(0));
  }
  boost::json::array items;
  database.with_session([&](db::Session& session) {
    for (const auto& row : session.query(
             "SELECT r.platform_id, r.category_id, c.name, r.rate_bp, r.updated_at FROM commission_rates r "
             "LEFT JOIN categories c ON c.id = r.category_id" + where + " ORDER BY r.platform_id, r.category_id",
             params))
      items.push_back(boost::json::object{{"platform_id", row.integer(0)},
                                          {"category_id", row.integer(1)},
                                          {"category_name", row.text(2)},
                                          {"rate_bp", row.integer(3)},
                                          {"updated_at", row.integer(4)}});
  });
  return http::json_response(boost::json::object{{"items", std::move(items)}});
}

// PUT /api/v1/commission-rates: {platform_id (the city only), category_id (0: the county's
// default), rate_bp}. Applies to orders paid from now on; paid orders keep their entries.
http::Response put_rate(http::Request& request, db::Database& database, const core::Clock& clock) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto platform = fields.integer("platform_id", (*principal)->role == core::Role::kCityAdmin, 1, INT32_MAX);
  auto category = fields.integer("category_id", true, 0, INT32_MAX);
  auto rate = fields.integer("rate_bp", true, 0, 5000);
  if (!fields.ok()) return http::error_response(request, fields.error());
  const int64_t platform_id = (*principal)->role == core::Role::kCityAdmin ? *platform : (*principal)->platform_id.value_or(0);
  if (platform && *platform != platform_id)
    return http::error_response(request, core::forbidden("a county admin sets the rates of their own county"));
  const int64_t now = clock.now_ms();
  auto status = database.transaction([&](db::Session& session) -> core::Status {
    if (session.scalar("SELECT COUNT(*) FROM platforms WHERE id = :p", {platform_id}) == 0)
      return core::invalid("platform_id", "no such county");
    if (*category != 0 && session.scalar("SELECT COUNT(*) FROM categories WHERE id = :c", {*category}) == 0)
      return core::invalid("category_id", "no such category");
    auto before = session.query_one("SELECT rate_bp FROM commission_rates WHERE platform_id = :p AND category_id = :c",
                                    {platform_id, *category});
    if (before)
      session.exec("UPDATE commission_rates SET rate_bp = :r, updated_at = :t WHERE platform_id = :p AND category_id = :c",
                   {*rate, now, platform_id, *category});
    else
      session.exec("INSERT INTO commission_rates (platform_id, category_id, rate_bp, updated_at) VALUES (:p, :c, :r, :t)",
                   {platform_id, *category, *rate, now});
    audit::record(session, request,
                  {.platform_id = platform_id,
                   .entity = "commission_rate",
                   .entity_id = *category,
                   .action = before ? "update" : "create",
                   .before = before ? boost::json::value(boost::json::object{{"rate_bp", before->integer(0)}}) : boost::json::value(),
                   .after = boost::json::object{{"rate_bp", *rate}}},
                  now);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(boost::json::object{{"platform_id", platform_id}, {"category_id", *category}, {"rate_bp", *rate}});
}

}  // namespace

void post_sale(db::Session& session, int64_t order_id, int64_t now) {
  auto order = session.query_one("SELECT platform_id, store_id, freight_fen FROM orders WHERE id = :o", {order_id});
  const int64_t platform_id = order->integer(0), store_id = order->integer(1);
  for (const auto& item : session.query(
           "SELECT i.id, i.producer_id, i.subtotal_fen, p.category_id FROM order_items i JOIN products p ON p.id = i.product_id "
           "WHERE i.order_id = :o ORDER BY i.id",
           {order_id})) {
    const int64_t subtotal = item.integer(2);
    const int64_t commission = subtotal * commission_bp(session, platform_id, item.integer(3)) / 10000;
    insert_entry(session, platform_id, store_id, order_id, item.integer(0), "producer", item.integer(1), "sale",
                 subtotal - commission, std::nullopt, now);
    if (commission > 0)
      insert_entry(session, platform_id, store_id, order_id, item.integer(0), "platform", std::nullopt, "sale", commission,
                   std::nullopt, now);
  }
  if (order->integer(2) > 0)
    insert_entry(session, platform_id, store_id, order_id, std::nullopt, "store", std::nullopt, "sale", order->integer(2),
                 std::nullopt, now);
}

core::Status post_refund(db::Session& session, int64_t order_id, int64_t refund_id, int64_t amount,
                         const std::vector<int64_t>& items, int64_t now) {
  auto order = session.query_one("SELECT platform_id, store_id FROM orders WHERE id = :o", {order_id});
  const int64_t platform_id = order->integer(0), store_id = order->integer(1);
  // What is left of each item (producer and platform shares) and of the freight.
  struct Left {
    int64_t producer = 0, platform = 0;
    std::optional<int64_t> producer_id;
  };
  std::map<int64_t, Left> left;
  int64_t freight_left = 0;
  for (const auto& row : session.query(
           "SELECT order_item_id, account, MAX(producer_id), SUM(amount_fen) FROM ledger_entries WHERE order_id = :o "
           "GROUP BY order_item_id, account",
           {order_id})) {
    if (row.is_null(0)) {
      freight_left += row.integer(3);
      continue;
    }
    Left& entry = left[row.integer(0)];
    if (row.text(1) == "producer") {
      entry.producer = row.integer(3);
      entry.producer_id = row.optional_integer(2);
    } else {
      entry.platform = row.integer(3);
    }
  }
  std::vector<int64_t> order_of_items = items;
  if (order_of_items.empty())
    for (const auto& [id, unused] : left) order_of_items.push_back(id);
  int64_t remaining = amount;
  for (int64_t item_id : order_of_items) {
    if (remaining == 0) break;
    auto found = left.find(item_id);
    if (found == left.end()) continue;
    const Left& share = found->second;
    const int64_t value = share.producer + share.platform;
    const int64_t take = std::min(remaining, value);
    if (take <= 0) continue;
    // The commission goes back in the proportion it was taken.
    const int64_t platform_part = share.platform * take / value;
    insert_entry(session, platform_id, store_id, order_id, item_id, "producer", share.producer_id, "refund",
                 -(take - platform_part), refund_id, now);
    if (platform_part > 0)
      insert_entry(session, platform_id, store_id, order_id, item_id, "platform", std::nullopt, "refund", -platform_part,
                   refund_id, now);
    remaining -= take;
  }
  if (remaining > 0 && freight_left > 0) {
    const int64_t take = std::min(remaining, freight_left);
    insert_entry(session, platform_id, store_id, order_id, std::nullopt, "store", std::nullopt, "refund", -take, refund_id, now);
    remaining -= take;
  }
  if (remaining > 0) return core::conflict("the refund is more than what is left to refund of these goods", "amount_fen");
  return core::Status();
}

LedgerCheck check_ledger(db::Database& database) {
  LedgerCheck check;
  database.with_session([&](db::Session& session) {
    check.payments_fen = session.scalar("SELECT COALESCE(SUM(amount_fen), 0) FROM payments");
    check.refunds_fen = session.scalar("SELECT COALESCE(SUM(amount_fen), 0) FROM refunds");
    check.ledger_fen = session.scalar("SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entries");
    check.entries = session.scalar("SELECT COUNT(*) FROM ledger_entries");
    if (check.payments_fen - check.refunds_fen != check.ledger_fen)
      check.problems.push_back("payments " + std::to_string(check.payments_fen) + " - refunds " +
                               std::to_string(check.refunds_fen) + " != ledger " + std::to_string(check.ledger_fen));
    for (const auto& row : session.query(
             "SELECT o.id, COALESCE((SELECT SUM(amount_fen) FROM payments WHERE order_id = o.id), 0), "
             "COALESCE((SELECT SUM(amount_fen) FROM refunds WHERE order_id = o.id), 0), "
             "COALESCE((SELECT SUM(amount_fen) FROM ledger_entries WHERE order_id = o.id), 0), o.refunded_fen, o.total_fen "
             "FROM orders o ORDER BY o.id")) {
      const int64_t paid = row.integer(1), refunded = row.integer(2), ledger = row.integer(3);
      const std::string order = "order " + row.text(0) + ": ";
      if (paid - refunded != ledger)
        check.problems.push_back(order + "paid " + std::to_string(paid) + " - refunded " + std::to_string(refunded) +
                                 " != ledger " + std::to_string(ledger));
      if (refunded != row.integer(4))
        check.problems.push_back(order + "refunds " + std::to_string(refunded) + " != orders.refunded_fen " + row.text(4));
      if (paid != 0 && paid != row.integer(5))
        check.problems.push_back(order + "payment " + std::to_string(paid) + " != total " + row.text(5));
      if (refunded > paid) check.problems.push_back(order + "refunded more than was paid");
    }
    for (const auto& row : session.query(
             "SELECT order_id, order_item_id, account, SUM(amount_fen) FROM ledger_entries GROUP BY order_id, order_item_id, "
             "account HAVING SUM(amount_fen) < 0"))
      check.problems.push_back("order " + row.text(0) + " item " + row.text(1) + ": the " + row.text(2) +
                               " balance is negative (" + row.text(3) + ")");
    for (const auto& row : session.query(
             "SELECT s.id, s.stock FROM skus s WHERE s.stock < 0"))
      check.problems.push_back("sku " + row.text(0) + " has negative stock " + row.text(1));
    for (const auto& row : session.query("SELECT id, restocked, quantity FROM order_items WHERE restocked > quantity"))
      check.problems.push_back("order item " + row.text(0) + " put back " + row.text(1) + " of " + row.text(2));
  });
  return check;
}

void register_ledger_routes(http::Router& router, db::Database& database, const core::Clock& clock) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/ledger/entries", [&database](http::Request& r) { return ledger_entries(r, database); },
             http::Work::kCompute);
  router.add(Method::kGet, "/api/v1/ledger/summary", [&database](http::Request& r) { return ledger_summary(r, database); });
  router.add(Method::kGet, "/api/v1/commission-rates", [&database](http::Request& r) { return list_rates(r, database); });
  router.add(Method::kPut, "/api/v1/commission-rates",
             [&database, &clock](http::Request& r) { return put_rate(r, database, clock); });
}

}  // namespace longnan::orders
