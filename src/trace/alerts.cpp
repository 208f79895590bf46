// What the county should look at: codes scanned implausibly often or after the item was
// consumed (possible copies), and cold-chain legs outside the product's range; and the
// items marked consumed, whose later scans are suspect.
#include <boost/json.hpp>

#include "http/json.h"
#include "trace/trace.h"

namespace longnan::trace {

// GET /api/v1/trace/alerts?open=1: the county's alerts, newest first (the city: all).
http::Response Trace::list_alerts(http::Request& request) {
  auto principal =
      http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin, core::Role::kAuditor});
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto open = http::query_enum(request, "open", {"0", "1"});
  if (!open) return http::error_response(request, open.error());
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  if (!(*principal)->is_city_wide()) {
    where += " AND a.platform_id = :p";
    params.emplace_back((*principal)->platform_id.value_or(0));
  }
  if (*open == "1") where += " AND a.resolved_at IS NULL";
  boost::json::array items;
  int64_t total = 0;
  database_.with_session([&](db::Session& session) {
    auto result = db::select_page(
        session,
        "SELECT a.id, a.platform_id, a.lot_id, l.lot_number, l.gtin, p.name, a.serial, a.kind, a.detail, a.created_at, "
        "a.resolved_at",
        "FROM trace_alerts a JOIN lots l ON l.id = a.lot_id JOIN skus k ON k.id = l.sku_id JOIN products p ON p.id = "
        "k.product_id" +
            where,
        "ORDER BY a.id DESC", params, page->page_size, page->offset());
    total = result.total;
    for (const auto& row : result.rows)
      items.push_back(boost::json::object{
          {"id", row.integer(0)},
          {"platform_id", row.integer(1)},
          {"lot",
           boost::json::object{
               {"id", row.integer(2)}, {"lot_number", row.text(3)}, {"gtin", row.text(4)}, {"product", row.text(5)}}},
          {"serial", row.text(6)},
          {"kind", row.text(7)},
          {"detail", row.text(8)},
          {"created_at", row.integer(9)},
          {"resolved_at", row.is_null(10) ? boost::json::value() : row.integer(10)}});
  });
  return http::json_response(http::page_body(std::move(items), total, *page));
}

// POST /api/v1/trace/alerts/{id}/resolve: the county has looked into it.
http::Response Trace::resolve_alert(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  const int64_t now = clock_.now_ms();
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one("SELECT platform_id, resolved_at FROM trace_alerts WHERE id = :i", {*id});
    if (!row || !(*principal)->sees_platform(row->integer(0))) return core::not_found("no such alert");
    if (!row->is_null(1)) return core::conflict("the alert is resolved already");
    session.exec("UPDATE trace_alerts SET resolved_at = :t WHERE id = :i", {now, *id});
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(boost::json::object{{"id", *id}, {"resolved_at", now}});
}

// POST /api/v1/lots/{id}/items/consume {serials}: items sold to the end customer, eaten or
// destroyed (the store keeper, the supplier or the county): later scans of them are suspect.
http::Response Trace::consume_items(http::Request& request) {
  auto principal =
      http::require_role(request, {core::Role::kSupplier, core::Role::kStoreKeeper, core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  const auto* serials = fields.array("serials", true, 1000);
  if (!fields.ok()) return http::error_response(request, fields.error());
  std::vector<std::string> wanted;
  for (const auto& value : *serials) {
    if (!value.is_string() || value.as_string().empty() || value.as_string().size() > 40)
      return http::error_response(request, core::bad_request("serials must hold the items' serials", "serials"));
    wanted.emplace_back(value.as_string());
  }
  const core::Principal& caller = **principal;
  const int64_t now = clock_.now_ms();
  int64_t marked = 0;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto lot = session.query_one(
        "SELECT l.platform_id, l.producer_id, p.store_id FROM lots l JOIN skus k ON k.id = l.sku_id JOIN products p ON "
        "p.id = k.product_id WHERE l.id = :i",
        {*id});
    const bool allowed = lot && ((caller.role == core::Role::kSupplier && caller.producer_id == lot->integer(1)) ||
                                 (caller.role == core::Role::kStoreKeeper && caller.store_id == lot->integer(2)) ||
                                 (caller.role == core::Role::kCountyAdmin && caller.platform_id == lot->integer(0)));
    if (!allowed) return core::not_found("no such lot");
    for (const auto& serial : wanted) {
      if (session.exec("UPDATE lot_items SET consumed_at = COALESCE(consumed_at, :t) WHERE lot_id = :l AND serial = :s",
                       {now, *id, serial}) != 1)
        return core::invalid("serials", "no item " + serial + " in the lot");
      ++marked;
    }
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(boost::json::object{{"lot_id", *id}, {"consumed", marked}});
}

}  // namespace longnan::trace
