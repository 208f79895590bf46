// Plots (地块): where a producer grows a lot, shown on the scan page.
#include <boost/json.hpp>
#include <cmath>

#include "core/validate.h"
#include "http/json.h"
#include "region/region.h"
#include "trace/trace.h"

namespace longnan::trace {
namespace {

constexpr std::string_view kPlotColumns =
    "SELECT p.id, p.platform_id, p.producer_id, r.name, p.name, p.village_code, p.lat, p.lng, p.area_mu, "
    "p.created_at FROM plots p JOIN producers r ON r.id = p.producer_id";

boost::json::object plot_json(const db::Row& row) {
  return {{"id", row.integer(0)},
          {"platform_id", row.integer(1)},
          {"producer", boost::json::object{{"id", row.integer(2)}, {"name", row.text(3)}}},
          {"name", row.text(4)},
          {"village_code", row.text(5)},
          {"lat", row.is_null(6) ? boost::json::value() : row.real(6)},
          {"lng", row.is_null(7) ? boost::json::value() : row.real(7)},
          {"area_mu", row.is_null(8) ? boost::json::value() : row.real(8)},
          {"created_at", row.integer(9)}};
}

std::optional<double> optional_number(const boost::json::object& body, std::string_view name, double min, double max,
                                      std::optional<core::Error>& error) {
  const auto* value = body.if_contains(name);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_number() || !std::isfinite(value->to_number<double>()) || value->to_number<double>() < min ||
      value->to_number<double>() > max) {
    if (!error)
      error = core::invalid(std::string(name), std::string(name) + " must be a number from " +
                                                   std::to_string(static_cast<int>(min)) + " to " +
                                                   std::to_string(static_cast<int>(max)));
    return std::nullopt;
  }
  return value->to_number<double>();
}

}  // namespace

// GET /api/v1/plots: a supplier's own plots; a store keeper's and county's those of the county.
http::Response Trace::list_plots(http::Request& request) {
  auto principal =
      http::require_role(request, {core::Role::kSupplier, core::Role::kStoreKeeper, core::Role::kCountyAdmin,
                                   core::Role::kCityAdmin, core::Role::kAuditor});
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  const core::Principal& caller = **principal;
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  if (caller.role == core::Role::kSupplier) {
    where += " AND p.producer_id = :r";
    params.emplace_back(caller.producer_id.value_or(0));
  } else if (!caller.is_city_wide()) {
    where += " AND p.platform_id = :p";
    params.emplace_back(caller.platform_id.value_or(0));
  }
  auto producer = http::query_integer(request, "producer_id", 1, INT64_MAX);
  if (!producer) return http::error_response(request, producer.error());
  if (*producer) {
    where += " AND p.producer_id = :pr";
    params.emplace_back(**producer);
  }
  boost::json::array items;
  int64_t total = 0;
  database_.with_session([&](db::Session& session) {
    const std::string columns(kPlotColumns);
    const auto from = columns.find(" FROM ");
    auto result = db::select_page(session, columns.substr(0, from), columns.substr(from + 1) + where,
                                  "ORDER BY p.id DESC", params, page->page_size, page->offset());
    total = result.total;
    for (const auto& row : result.rows) items.push_back(plot_json(row));
  });
  return http::json_response(http::page_body(std::move(items), total, *page));
}

// POST /api/v1/plots {name, village_code, lat?, lng?, area_mu?, producer_id?}: a supplier's
// plot (their own producer), or one the store keeper or county admin enters for a producer
// of the county.
http::Response Trace::create_plot(http::Request& request) {
  auto principal =
      http::require_role(request, {core::Role::kSupplier, core::Role::kStoreKeeper, core::Role::kCountyAdmin});
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto name = fields.text("name", true, 40);
  auto village = fields.text("village_code", true, 12);
  auto producer = fields.integer("producer_id", false, 1, INT64_MAX);
  if (fields.ok() && name->empty()) fields.fail(core::invalid("name", "name the plot"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  std::optional<core::Error> error;
  auto lat = optional_number(*body, "lat", 18, 54, error);
  auto lng = optional_number(*body, "lng", 73, 135, error);
  auto area = optional_number(*body, "area_mu", 0.01, 100000, error);
  if (error) return http::error_response(request, *error);
  if (lat.has_value() != lng.has_value())
    return http::error_response(request, core::invalid("lat", "give both lat and lng, or neither"));
  const core::Principal& caller = **principal;
  const int64_t producer_id =
      caller.role == core::Role::kSupplier ? caller.producer_id.value_or(0) : producer.value_or(0);
  const int64_t now = clock_.now_ms();
  boost::json::object created;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto owner = session.query_one("SELECT platform_id FROM producers WHERE id = :r", {producer_id});
    if (!owner || (caller.role != core::Role::kSupplier && caller.platform_id != owner->integer(0)))
      return core::invalid("producer_id", "no such producer of your county");
    if (!region::village_of_platform(session, *village, owner->integer(0)))
      return core::invalid("village_code", "village_code must be a village of the producer's county");
    const int64_t id = session.insert(
        "INSERT INTO plots (platform_id, producer_id, name, village_code, lat, lng, area_mu, created_at, updated_at) "
        "VALUES (:p, :r, :n, :v, :la, :lo, :a, :c, :u) RETURNING id",
        {owner->integer(0), producer_id, *name, *village, lat ? db::Value(*lat) : db::Value(),
         lng ? db::Value(*lng) : db::Value(), area ? db::Value(*area) : db::Value(), now, now});
    created = plot_json(*session.query_one(std::string(kPlotColumns) + " WHERE p.id = :i", {id}));
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(created, 201);
}

}  // namespace longnan::trace
