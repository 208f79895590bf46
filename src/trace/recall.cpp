// Recall: which lot each order's goods came from (assigned when the order is packed, and
// recorded as the lot's shipping event with the order as its business transaction), and
// from a lot every order, buyer and delivery that carried it — for the county office as a
// list or an XLSX file, and as a recall notice to the buyers.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/crypto.h"
#include "http/export.h"
#include "http/json.h"
#include "trace/internal.h"
#include "trace/trace.h"

namespace longnan::trace {

int assign_lots(db::Database& database, int64_t now_ms) {
  constexpr std::string_view kUnassigned =
      "SELECT i.id, i.order_id, i.sku_id, i.quantity, o.platform_id, o.updated_at FROM order_items i JOIN orders o ON "
      "o.id = i.order_id WHERE o.status IN ('packed', 'shipped', 'delivered', 'completed') AND NOT EXISTS (SELECT 1 "
      "FROM order_item_lots a WHERE a.order_item_id = i.id) AND EXISTS (SELECT 1 FROM lots l WHERE l.sku_id = "
      "i.sku_id AND l.status = 'active') ORDER BY i.id LIMIT 200";
  bool work = false;
  database.with_session([&](db::Session& session) { work = !session.query(kUnassigned).empty(); });
  if (!work) return 0;  // the common case: the writer is left alone
  int assigned = 0;
  database.write([&](db::Session& session) {
    for (const auto& item : session.query(kUnassigned)) {
      auto lot = session.query_one(
          "SELECT id, gtin, lot_number FROM lots WHERE sku_id = :k AND status = 'active' ORDER BY harvest_date DESC, "
          "id DESC LIMIT 1",
          {item.integer(2)});
      if (!lot) continue;
      session.exec("INSERT INTO order_item_lots (order_item_id, lot_id, order_id, quantity) VALUES (:i, :l, :o, :q)",
                   {item.integer(0), lot->integer(0), item.integer(1), item.integer(3)});
      boost::json::object event{
          {"type", "ObjectEvent"},
          {"eventTime", local_time_text(now_ms)},
          {"eventTimeZoneOffset", "+08:00"},
          {"action", "OBSERVE"},
          {"bizStep", "shipping"},
          {"disposition", "in_transit"},
          {"quantityList",
           boost::json::array{boost::json::object{{"epcClass", lot_class_uri(lot->text(1), lot->text(2))},
                                                  {"quantity", item.integer(3)}}}},
          {"bizTransactionList",
           boost::json::array{boost::json::object{
               {"type", "po"}, {"bizTransaction", "urn:longnan:order:" + std::to_string(item.integer(1))}}}}};
      if (auto recorded = record_event(session, std::move(event), item.integer(4), now_ms); !recorded)
        spdlog::warn("order {}: its lot's shipping event: {}", item.integer(1), recorded.error().message);
      ++assigned;
    }
  });
  return assigned;
}

namespace {

// The lot when the caller may recall it: the county admin of its county (the city too), or
// its supplier or store keeper (who see buyers masked).
struct RecallAccess {
  int64_t platform_id = 0;
  bool full = false;  // sees recipients and phones in full
};
std::optional<RecallAccess> recall_access(db::Session& session, const core::Principal& caller, int64_t lot_id) {
  auto lot = session.query_one(
      "SELECT l.platform_id, l.producer_id, p.store_id FROM lots l JOIN skus k ON k.id = l.sku_id JOIN products p ON "
      "p.id = k.product_id WHERE l.id = :i",
      {lot_id});
  if (!lot) return std::nullopt;
  const int64_t platform = lot->integer(0);
  if ((caller.role == core::Role::kCountyAdmin || caller.role == core::Role::kCityAdmin) &&
      caller.sees_platform(platform))
    return RecallAccess{platform, true};
  if ((caller.role == core::Role::kSupplier && caller.producer_id == lot->integer(1)) ||
      (caller.role == core::Role::kStoreKeeper && caller.store_id == lot->integer(2)) ||
      (caller.role == core::Role::kAuditor && caller.sees_platform(platform)))
    return RecallAccess{platform, false};
  return std::nullopt;
}

std::string masked_recipient(const std::string& name) {
  const auto lead = name.empty() ? 0 : static_cast<unsigned char>(name[0]);
  const size_t first = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return name.substr(0, std::min(first, name.size())) + "**";
}

}  // namespace

// GET /api/v1/lots/{id}/recall[?format=xlsx|csv]: every order that carried the lot, with its
// buyer (recipient and phone in full for the county office, masked for others) and its
// delivery.
http::Response Trace::recall_list(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto format = http::export_format(request);
  if (!format) return http::error_response(request, format.error());
  const core::Principal& caller = **principal;
  boost::json::array items;
  core::Table table{{"order_id", "status", "store", "recipient", "phone", "village", "quantity", "delivery",
                     "delivery_status", "paid_fen"}};
  std::optional<RecallAccess> access;
  database_.with_session([&](db::Session& session) {
    access = recall_access(session, caller, *id);
    if (!access) return;
    for (const auto& row : session.query(
             "SELECT o.id, o.status, s.name, o.recipient, o.phone_enc, o.division_code, a.quantity, o.delivery_mode, "
             "t.status, o.total_fen, o.buyer_user_id FROM order_item_lots a JOIN orders o ON o.id = a.order_id JOIN "
             "stores s ON s.id = o.store_id LEFT JOIN delivery_tasks t ON t.order_id = o.id WHERE a.lot_id = :l "
             "ORDER BY o.id",
             {*id})) {
      const std::string phone = cipher_.decrypt(row.text(4)).value_or("");
      const std::string recipient = access->full ? row.text(3) : masked_recipient(row.text(3));
      const std::string shown_phone = access->full ? phone : core::mask_phone(phone);
      items.push_back(boost::json::object{
          {"order_id", row.integer(0)},
          {"status", row.text(1)},
          {"store", row.text(2)},
          {"recipient", recipient},
          {"phone", shown_phone},
          {"division_code", row.text(5)},
          {"quantity", row.integer(6)},
          {"delivery_mode", row.text(7)},
          {"delivery_status", row.is_null(8) ? boost::json::value() : boost::json::value(row.text(8))},
          {"total_fen", row.integer(9)}});
      table.push_back({std::to_string(row.integer(0)), row.text(1), row.text(2), recipient, shown_phone, row.text(5),
                       std::to_string(row.integer(6)), row.text(7), row.text(8), std::to_string(row.integer(9))});
    }
  });
  if (!access) return http::error_response(request, core::not_found("no such lot"));
  if (*format) return http::export_response(**format, table, "recall-lot-" + std::to_string(*id));
  return http::json_response(boost::json::object{{"lot_id", *id}, {"items", std::move(items)}});
}

// POST /api/v1/lots/{id}/recall {reason}: the county office recalls the lot: it is marked
// recalled (a recall event in its history) and every buyer of its orders gets a notice.
http::Response Trace::recall(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto reason = fields.text("reason", true, 200);
  if (fields.ok() && reason->empty()) fields.fail(core::invalid("reason", "say why the lot is recalled"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  const core::Principal& caller = **principal;
  const int64_t now = clock_.now_ms();
  boost::json::object answer;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto access = recall_access(session, caller, *id);
    if (!access || !access->full) return core::not_found("no such lot");
    auto lot = session.query_one("SELECT gtin, lot_number, status FROM lots WHERE id = :i", {*id});
    if (lot->text(2) == "recalled") return core::conflict("the lot is recalled already");
    session.exec("UPDATE lots SET status = 'recalled', updated_at = :t WHERE id = :i", {now, *id});
    const int64_t notice = session.insert(
        "INSERT INTO recall_notices (lot_id, platform_id, reason, created_by, created_at) VALUES (:l, :p, :r, :u, :t) "
        "RETURNING id",
        {*id, access->platform_id, *reason, caller.user_id, now});
    const int64_t recipients = session.exec(
        "INSERT INTO recall_recipients (notice_id, order_id, buyer_user_id) SELECT DISTINCT CAST(:n AS BIGINT), o.id, "
        "o.buyer_user_id "
        "FROM order_item_lots a JOIN orders o ON o.id = a.order_id WHERE a.lot_id = :l",
        {notice, *id});
    auto recorded = record_event(
        session,
        boost::json::object{{"type", "ObjectEvent"},
                            {"eventTime", local_time_text(now)},
                            {"eventTimeZoneOffset", "+08:00"},
                            {"action", "OBSERVE"},
                            {"bizStep", "urn:longnan:bizstep:recalling"},
                            {"disposition", "recalled"},
                            {"quantityList", boost::json::array{boost::json::object{
                                                 {"epcClass", lot_class_uri(lot->text(0), lot->text(1))}}}},
                            {"ln:reason", *reason}},
        access->platform_id, now);
    if (!recorded) return recorded.error();
    answer = {{"notice_id", notice}, {"lot_id", *id}, {"recipients", recipients}, {"event_id", *recorded}};
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(answer, 201);
}

// GET /api/v1/recall-notices: the caller's recall notices (a buyer's), newest first.
http::Response Trace::my_recall_notices(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  boost::json::array items;
  database_.with_session([&](db::Session& session) {
    for (const auto& row : session.query(
             "SELECT n.id, n.lot_id, n.reason, n.created_at, r.order_id, r.read_at, l.lot_number, p.name FROM "
             "recall_recipients r JOIN recall_notices n ON n.id = r.notice_id JOIN lots l ON l.id = n.lot_id JOIN skus "
             "k ON k.id = l.sku_id JOIN products p ON p.id = k.product_id WHERE r.buyer_user_id = :u ORDER BY n.id "
             "DESC, r.order_id",
             {(*principal)->user_id}))
      items.push_back(boost::json::object{{"notice_id", row.integer(0)},
                                          {"lot_id", row.integer(1)},
                                          {"reason", row.text(2)},
                                          {"created_at", row.integer(3)},
                                          {"order_id", row.integer(4)},
                                          {"read_at", row.is_null(5) ? boost::json::value() : row.integer(5)},
                                          {"lot_number", row.text(6)},
                                          {"product", row.text(7)}});
  });
  return http::json_response(boost::json::object{{"items", std::move(items)}});
}

// GET /api/v1/orders/{id}/lots: the lots an order's goods came from (its buyer, its store,
// the county).
http::Response Trace::order_lots(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  const core::Principal& caller = **principal;
  std::optional<boost::json::array> items;
  database_.with_session([&](db::Session& session) {
    auto order = session.query_one("SELECT buyer_user_id, store_id, platform_id FROM orders WHERE id = :o", {*id});
    if (!order) return;
    const bool sees = order->integer(0) == caller.user_id ||
                      (caller.role == core::Role::kStoreKeeper && caller.store_id == order->integer(1)) ||
                      ((caller.role == core::Role::kCountyAdmin || caller.role == core::Role::kCityAdmin ||
                        caller.role == core::Role::kAuditor) &&
                       caller.sees_platform(order->integer(2)));
    if (!sees) return;
    items.emplace();
    for (const auto& row : session.query(
             "SELECT a.order_item_id, a.quantity, l.id, l.gtin, l.lot_number, l.status, i.name FROM order_item_lots a "
             "JOIN lots l ON l.id = a.lot_id JOIN order_items i ON i.id = a.order_item_id WHERE a.order_id = :o ORDER "
             "BY a.order_item_id",
             {*id}))
      items->push_back(
          boost::json::object{{"order_item_id", row.integer(0)},
                              {"quantity", row.integer(1)},
                              {"lot_id", row.integer(2)},
                              {"lot_number", row.text(4)},
                              {"status", row.text(5)},
                              {"product", row.text(6)},
                              {"digital_link", digital_link(options_.public_base, row.text(3), row.text(4), "")}});
  });
  if (!items) return http::error_response(request, core::not_found("no such order"));
  return http::json_response(boost::json::object{{"order_id", *id}, {"items", std::move(*items)}});
}

}  // namespace longnan::trace
