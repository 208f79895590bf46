// Delivery tasks: what each paid same-city or village-point order needs moved, from the
// county's park to the point of the buyer's village or community — first on the line-haul
// to the township's station (the hub), then on the station's local run; or straight from
// the park where it serves the station's points itself (the county town). The feeder makes them from the orders table
// and follows the orders' outcome (cancelled, delivered), so the orders module needs to know nothing of delivery.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "delivery/delivery.h"
#include "delivery/internal.h"
#include "http/json.h"

namespace longnan::delivery {
namespace {

// Unless the buyer chose a window at checkout, a task may be delivered within two days.
constexpr int64_t kDefaultWindowMs = 2LL * 24 * 3600 * 1000;
// A SKU without its volume: packed farm goods take about 2 ml per gram.
constexpr int64_t kMillilitresPerGram = 2;
// A SKU without a weight counts as half a kilogram.
constexpr int64_t kDefaultWeightG = 500;

constexpr std::string_view kTaskSelect =
    "SELECT t.id, t.platform_id, t.order_id, t.store_id, s.name, t.kind, t.status, t.origin_node_id, o.name, "
    "t.destination_node_id, d.name, d.tier, d.lat, d.lng, t.division_code, t.weight_g, t.volume_ml, t.cold, "
    "t.window_start, t.window_end, t.fail_reason, t.created_at, t.updated_at, t.leg, h.id, h.name";
constexpr std::string_view kTaskFrom =
    "FROM delivery_tasks t JOIN stores s ON s.id = t.store_id JOIN logistics_nodes o ON o.id = t.origin_node_id "
    "JOIN logistics_nodes d ON d.id = t.destination_node_id LEFT JOIN logistics_nodes h ON h.id = t.hub_node_id";

boost::json::object task_json(const db::Row& row) {
  return {{"id", row.integer(0)},
          {"platform_id", row.integer(1)},
          {"order_id", row.integer(2)},
          {"store", boost::json::object{{"id", row.integer(3)}, {"name", row.text(4)}}},
          {"kind", row.text(5)},
          {"status", row.text(6)},
          {"origin", boost::json::object{{"id", row.integer(7)}, {"name", row.text(8)}}},
          {"destination", boost::json::object{{"id", row.integer(9)},
                                              {"name", row.text(10)},
                                              {"tier", row.text(11)},
                                              {"lat", row.real(12)},
                                              {"lng", row.real(13)}}},
          {"division_code", row.text(14)},
          {"weight_g", row.integer(15)},
          {"volume_ml", row.integer(16)},
          {"cold", row.integer(17) != 0},
          {"window_start", row.integer(18)},
          {"window_end", row.integer(19)},
          {"fail_reason", row.text(20)},
          {"created_at", row.integer(21)},
          {"updated_at", row.integer(22)},
          {"leg", row.text(23)},
          {"hub", row.is_null(24) ? boost::json::value()
                                  : boost::json::object{{"id", row.integer(24)}, {"name", row.text(25)}}}};
}

// Orders that should have a task and have none yet.
constexpr std::string_view kUnfedOrders =
    "SELECT o.id, o.platform_id, o.store_id, o.delivery_mode, o.division_code, o.delivery_window_start, "
    "o.delivery_window_end FROM orders o "
    "WHERE o.delivery_mode IN ('same_city', 'village_point') AND o.status IN ('paid', 'packed', 'shipped') "
    "AND NOT EXISTS (SELECT 1 FROM delivery_tasks t WHERE t.order_id = o.id) ORDER BY o.id LIMIT 200";
// Tasks still to do whose order has ended one way or the other.
constexpr std::string_view kSettledTasks =
    "FROM delivery_tasks t JOIN orders o ON o.id = t.order_id WHERE t.status IN ('open', 'planned', 'picked_up') "
    "AND o.status IN ('cancelled', 'delivered', 'completed')";

}  // namespace

int Delivery::feed_once() {
  bool work = false;
  database_.with_session([&](db::Session& session) {
    work = !session.query(kUnfedOrders).empty() || session.scalar("SELECT COUNT(*) " + std::string(kSettledTasks)) > 0;
  });
  if (!work) return 0;  // the common case: nothing for the writer to do
  const int64_t now = clock_.now_ms();
  int changed = 0;
  database_.write([&](db::Session& session) {
    for (const auto& order : session.query(kUnfedOrders)) {
      const int64_t platform = order.integer(1);
      const std::string code = order.text(4);
      auto park = session.query_one(
          "SELECT id FROM logistics_nodes WHERE platform_id = :p AND tier = 'park' AND active = 1 ORDER BY id",
          {platform});
      if (!park) continue;  // the county has no network yet: the order waits for one
      // The point of the village or community; else its township's station; else the park.
      auto destination = session.query_one(
          "SELECT id FROM logistics_nodes WHERE platform_id = :p AND division_code = :d AND active = 1 "
          "AND tier IN ('village_point', 'community_point') ORDER BY id",
          {platform, code});
      if (!destination && code.size() >= 9)
        destination = session.query_one(
            "SELECT id FROM logistics_nodes WHERE platform_id = :p AND division_code = :d AND tier = 'station' "
            "AND active = 1 ORDER BY id",
            {platform, code.substr(0, 9)});
      // A point's goods pass through its station, unless the park serves the station's points
      // itself (the county town's).
      std::optional<int64_t> hub;
      if (destination) {
        auto station = session.query_one(
            "SELECT s.id FROM logistics_nodes p JOIN logistics_nodes s ON s.id = p.parent_id WHERE p.id = :i AND "
            "p.tier <> 'station' AND s.tier = 'station' AND s.active = 1 AND s.direct = 0",
            {destination->integer(0)});
        if (station) hub = station->integer(0);
      }
      auto load = session.query_one(
          "SELECT COALESCE(SUM(i.quantity * COALESCE(k.weight_g, :w)), 0), "
          "COALESCE(SUM(i.quantity * COALESCE(k.volume_ml, COALESCE(k.weight_g, :w2) * :r)), 0), "
          "COALESCE(MAX(k.cold_chain), 0) FROM order_items i JOIN skus k ON k.id = i.sku_id WHERE i.order_id = :o",
          {kDefaultWeightG, kDefaultWeightG, kMillilitresPerGram, order.integer(0)});
      const int64_t window_start = order.is_null(5) ? now : order.integer(5);
      const int64_t window_end = order.is_null(6) ? now + kDefaultWindowMs : order.integer(6);
      changed += static_cast<int>(session.exec(
          "INSERT INTO delivery_tasks (platform_id, order_id, store_id, kind, status, origin_node_id, "
          "destination_node_id, division_code, weight_g, volume_ml, cold, window_start, window_end, created_at, "
          "updated_at, leg, hub_node_id) VALUES (:p, :o, :s, :k, 'open', :on, :dn, :d, :w, :v, :c, :ws, :we, :ca, :ua, "
          ":l, :h) ON CONFLICT (order_id) DO NOTHING",
          {platform, order.integer(0), order.integer(2), order.text(3), park->integer(0),
           destination ? destination->integer(0) : park->integer(0), code, load->integer(0), load->integer(1),
           load->integer(2) != 0 ? int64_t{1} : int64_t{0}, window_start, window_end, now, now,
           std::string(hub ? "line_haul" : "local"), hub ? db::Value(*hub) : db::Value()}));
    }
    changed += static_cast<int>(session.exec(
        "UPDATE delivery_tasks SET status = 'cancelled', updated_at = :t WHERE status IN ('open', 'planned') "
        "AND order_id IN (SELECT id FROM orders WHERE status = 'cancelled')",
        {now}));
    changed += static_cast<int>(
        session.exec("UPDATE delivery_tasks SET status = 'delivered', updated_at = :t WHERE status IN ('open', "
                     "'planned', 'picked_up') "
                     "AND order_id IN (SELECT id FROM orders WHERE status IN ('delivered', 'completed'))",
                     {now}));
  });
  return changed;
}

// GET /api/v1/delivery-tasks?status=&destination_node_id=&origin_node_id=&leg=: the tasks of
// the caller's county
// (county admin, couriers, the county's auditor), every county for the city.
http::Response Delivery::list_tasks(http::Request& request) {
  auto principal = http::require_role(
      request, {core::Role::kCountyAdmin, core::Role::kCityAdmin, core::Role::kCourier, core::Role::kAuditor});
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto status =
      http::query_enum(request, "status", {"open", "planned", "picked_up", "delivered", "failed", "cancelled"});
  if (!status) return http::error_response(request, status.error());
  auto destination = http::query_integer(request, "destination_node_id", 1, INT64_MAX);
  if (!destination) return http::error_response(request, destination.error());
  auto origin = http::query_integer(request, "origin_node_id", 1, INT64_MAX);
  if (!origin) return http::error_response(request, origin.error());
  auto leg = http::query_enum(request, "leg", {"line_haul", "local"});
  if (!leg) return http::error_response(request, leg.error());
  const core::Principal& caller = **principal;
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  auto platform = http::query_integer(request, "platform_id", 1, INT64_MAX);
  if (!platform) return http::error_response(request, platform.error());
  if (!caller.is_city_wide()) {
    where += " AND t.platform_id = :p";
    params.emplace_back(caller.platform_id.value_or(0));
  } else if (*platform) {
    where += " AND t.platform_id = :p";
    params.emplace_back(**platform);
  }
  if (*status) {
    where += " AND t.status = :s";
    params.emplace_back(**status);
  }
  if (*destination) {
    where += " AND t.destination_node_id = :d";
    params.emplace_back(**destination);
  }
  if (*origin) {
    where += " AND t.origin_node_id = :o";
    params.emplace_back(**origin);
  }
  if (*leg) {
    where += " AND t.leg = :l";
    params.emplace_back(**leg);
  }
  boost::json::array items;
  int64_t total = 0;
  database_.with_session([&](db::Session& session) {
    auto result = db::select_page(session, kTaskSelect, std::string(kTaskFrom) + where, "ORDER BY t.id DESC", params,
                                  page->page_size, page->offset());
    total = result.total;
    for (const auto& row : result.rows) items.push_back(task_json(row));
  });
  return http::json_response(http::page_body(std::move(items), total, *page));
}

}  // namespace longnan::delivery
