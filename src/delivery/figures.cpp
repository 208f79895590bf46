// What buyers, village agents and the county see of deliveries: an order's delivery status
// and ETA (polled by the buyer's page), what arrives at a village's point on a day, and the
// same-city figures a county reports (orders, amount, people served, communities and
// villages covered, vehicle trips, kilometres, on-time rate) by day or month.
#include <boost/json.hpp>
#include <map>
#include <set>

#include "delivery/delivery.h"
#include "delivery/internal.h"
#include "http/json.h"

namespace longnan::delivery {
namespace {

// "YYYY-MM-DD" (or "YYYY-MM" for months) of an instant, in Asia/Shanghai.
std::string local_period(int64_t at_ms, bool month) {
  std::string date = core::shanghai_date(at_ms);
  return month ? date.substr(0, 7) : date;
}

}  // namespace

// GET /api/v1/orders/{id}/delivery: where the order's goods are — the task's status, the
// point, the vehicle and ETA once planned, the reason of a failed attempt. The buyer (and
// the county's staff) poll it.
http::Response Delivery::order_delivery(http::Request& request) {
  auto principal = http::require_login(request);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  const core::Principal& caller = **principal;
  std::optional<boost::json::object> body;
  database_.with_session([&](db::Session& session) {
    auto order =
        session.query_one("SELECT buyer_user_id, platform_id, store_id, status FROM orders WHERE id = :o", {*id});
    if (!order) return;
    const bool staff = (caller.role == core::Role::kCountyAdmin || caller.role == core::Role::kCourier ||
                        caller.role == core::Role::kAuditor || caller.role == core::Role::kCityAdmin) &&
                       caller.sees_platform(order->integer(1));
    const bool keeper = caller.role == core::Role::kStoreKeeper && caller.store_id == order->integer(2);
    if (order->integer(0) != caller.user_id && !staff && !keeper) return;
    boost::json::value task;
    auto row = session.query_one(
        "SELECT t.id, t.status, t.fail_reason, t.updated_at, n.id, n.name, n.tier, n.lat, n.lng, t.leg, h.id, h.name, "
        "t.window_start, t.window_end FROM delivery_tasks t JOIN logistics_nodes n ON n.id = t.destination_node_id "
        "LEFT JOIN logistics_nodes h ON h.id = t.hub_node_id WHERE t.order_id = :o",
        {*id});
    if (row) {
      boost::json::object object{
          {"id", row->integer(0)},
          {"status", row->text(1)},
          {"fail_reason", row->text(2)},
          {"updated_at", row->integer(3)},
          {"point", boost::json::object{{"id", row->integer(4)},
                                        {"name", row->text(5)},
                                        {"tier", row->text(6)},
                                        {"lat", row->real(7)},
                                        {"lng", row->real(8)}}},
          {"leg", row->text(9)},
          {"hub", row->is_null(10) ? boost::json::value()
                                   : boost::json::object{{"id", row->integer(10)}, {"name", row->text(11)}}},
          {"window_start", row->integer(12)},
          {"window_end", row->integer(13)},
          {"eta", nullptr},
          {"vehicle", nullptr}};
      if (row->text(1) == "planned" || row->text(1) == "picked_up") {
        auto stop = session.query_one(
            "SELECT s.eta, v.plate FROM run_stops s JOIN runs r ON r.id = s.run_id JOIN vehicles v ON v.id = "
            "r.vehicle_id JOIN dispatch_waves w ON w.id = r.wave_id WHERE s.task_id = :t AND s.leg = :l AND "
            "w.status = 'planned' ORDER BY s.run_id DESC",
            {row->integer(0), row->text(9)});
        if (stop) {
          object["eta"] = stop->integer(0);
          object["vehicle"] = boost::json::object{{"plate", stop->text(1)}};
        }
      }
      task = std::move(object);
    }
    body = boost::json::object{{"order_id", *id}, {"order_status", order->text(3)}, {"task", std::move(task)}};
  });
  if (!body) return http::error_response(request, core::not_found("no such order"));
  auto response = http::json_response(*body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// GET /api/v1/delivery/arrivals?day=&node_id=: what arrives at a node on a day (planned, on
// its way, delivered or handed over there): a village's point, or a station receiving the
// line-haul. A store keeper (the village agent) sees the point of the store's village; the
// county's staff name any node of the county.
http::Response Delivery::arrivals(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kStoreKeeper, core::Role::kCountyAdmin,
                                                core::Role::kCityAdmin, core::Role::kCourier, core::Role::kAuditor});
  if (!principal) return http::error_response(request, principal.error());
  const core::Principal& caller = **principal;
  auto day = requested_day(request, clock_.now_ms());
  if (!day) return http::error_response(request, day.error());
  const int64_t day_start = *day;
  auto node = http::query_integer(request, "node_id", 1, INT64_MAX);
  if (!node) return http::error_response(request, node.error());
  boost::json::array items;
  core::Status status;
  database_.with_session([&](db::Session& session) {
    std::vector<int64_t> points;
    if (caller.role == core::Role::kStoreKeeper) {
      for (const auto& row : session.query("SELECT n.id FROM logistics_nodes n JOIN stores s ON s.village_code = "
                                           "n.division_code WHERE s.id = :s AND "
                                           "n.tier IN ('village_point', 'community_point') AND (:n = 0 OR n.id = :n2)",
                                           {caller.store_id.value_or(0), node->value_or(0), node->value_or(0)}))
        points.push_back(row.integer(0));
    } else {
      if (!*node) {
        status = core::invalid("node_id", "name the point (node_id)");
        return;
      }
      auto row = session.query_one("SELECT platform_id FROM logistics_nodes WHERE id = :n", {**node});
      if (row && caller.sees_platform(row->integer(0))) points.push_back(**node);
    }
    for (int64_t point : points)
      for (const auto& row : session.query(
               "SELECT t.id, t.order_id, " + std::string(kStopStatus) +
                   ", o.recipient, o.for_name, s.eta, v.plate FROM run_stops s JOIN runs r ON r.id = s.run_id JOIN "
                   "vehicles v ON v.id = r.vehicle_id JOIN dispatch_waves w ON w.id = r.wave_id JOIN delivery_tasks t "
                   "ON t.id = s.task_id JOIN orders o ON o.id = t.order_id WHERE s.node_id = :n AND s.eta >= :a AND "
                   "s.eta < :b AND w.status = 'planned' AND " +
                   std::string(kStopStatus) + " IN ('planned', 'picked_up', 'delivered', 'handed_over') ORDER BY s.eta",
               {point, day_start, day_start + kDayMs}))
        items.push_back(boost::json::object{{"task_id", row.integer(0)},
                                            {"order_id", row.integer(1)},
                                            {"status", row.text(2)},
                                            {"recipient", row.text(3)},
                                            {"for_name", row.text(4)},
                                            {"eta", row.integer(5)},
                                            {"vehicle", row.text(6)},
                                            {"node_id", point}});
  });
  if (!status) return http::error_response(request, status.error());
  auto response = http::json_response(boost::json::object{{"items", std::move(items)}});
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// GET /api/v1/delivery/figures?by=day|month&from=&to=&platform_id=: the same-city figures a
// county reports, per period (Asia/Shanghai dates, `to` included). Orders, amount and people
// served count same-city and village-point orders delivered in the period; communities and
// villages covered, the distinct points they were delivered to; vehicle trips and km, the
// runs that left in the period; on time, the delivered tasks handed over before their
// window closed. The county's staff see their county; the city all, or one county.
http::Response Delivery::figures(http::Request& request) {
  auto principal =
      http::require_role(request, {core::Role::kCountyAdmin, core::Role::kCityAdmin, core::Role::kAuditor});
  if (!principal) return http::error_response(request, principal.error());
  const core::Principal& caller = **principal;
  auto by = http::query_enum(request, "by", {"day", "month"});
  if (!by) return http::error_response(request, by.error());
  const bool month = by->value_or("day") == "month";
  auto platform = http::query_integer(request, "platform_id", 1, INT64_MAX);
  if (!platform) return http::error_response(request, platform.error());
  const int64_t now = clock_.now_ms();
  int64_t to = local_day_start(now);  // today
  int64_t from = to - 29 * kDayMs;
  for (auto [name, target] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    if (auto value = request.query_param(name); value && !value->empty()) {
      auto parsed = local_midnight(*value);
      if (!parsed)
        return http::error_response(request, core::invalid(name, std::string(name) + " must be a date YYYY-MM-DD"));
      *target = *parsed;
    }
  }
  if (to < from || to - from > 366 * kDayMs)
    return http::error_response(request, core::invalid("to", "to must follow from, at most a year later"));
  const int64_t end = to + kDayMs;
  std::string scope = " AND {}.platform_id = :p";
  int64_t platform_id = 0;
  if (!caller.is_city_wide()) {
    platform_id = caller.platform_id.value_or(-1);
  } else if (*platform) {
    platform_id = **platform;
  } else {
    scope = " AND :p = 0";
  }
  auto scoped = [&](const std::string& alias) {
    std::string text = scope;
    if (auto at = text.find("{}"); at != std::string::npos) text.replace(at, 2, alias);
    return text;
  };
  struct Period {
    int64_t orders = 0, amount_fen = 0, trips = 0, distance_m = 0, delivered_tasks = 0, on_time = 0;
    std::set<int64_t> people, communities, villages;
  };
  std::map<std::string, Period> periods;
  database_.with_session([&](db::Session& session) {
    for (const auto& row : session.query(
             "SELECT o.id, o.buyer_user_id, o.total_fen, e.at, n.id, n.tier, t.window_end FROM orders o JOIN "
             "order_events e "
             "ON e.order_id = o.id AND e.to_status = 'delivered' LEFT JOIN delivery_tasks t ON t.order_id = o.id LEFT "
             "JOIN logistics_nodes n ON n.id = t.destination_node_id WHERE o.delivery_mode IN ('same_city', "
             "'village_point') AND e.at >= :a AND e.at < :b" +
                 scoped("o"),
             {from, end, platform_id})) {
      Period& period = periods[local_period(row.integer(3), month)];
      ++period.orders;
      period.amount_fen += row.integer(2);
      period.people.insert(row.integer(1));
      if (!row.is_null(4)) {
        (row.text(5) == "community_point" ? period.communities : period.villages).insert(row.integer(4));
        ++period.delivered_tasks;
        if (row.integer(3) <= row.integer(6)) ++period.on_time;
      }
    }
    for (const auto& row : session.query(
             "SELECT r.departs_at, r.distance_m FROM runs r JOIN dispatch_waves w ON w.id = r.wave_id WHERE w.status = "
             "'planned' AND r.departs_at >= :a AND r.departs_at < :b" +
                 scoped("r"),
             {from, end, platform_id})) {
      Period& period = periods[local_period(row.integer(0), month)];
      ++period.trips;
      period.distance_m += row.integer(1);
    }
  });
  boost::json::array items;
  Period total;
  for (auto& [name, period] : periods) {
    items.push_back(boost::json::object{
        {"period", name},
        {"orders", period.orders},
        {"amount_fen", period.amount_fen},
        {"people_served", static_cast<int64_t>(period.people.size())},
        {"communities_covered", static_cast<int64_t>(period.communities.size())},
        {"villages_covered", static_cast<int64_t>(period.villages.size())},
        {"vehicle_trips", period.trips},
        {"km", static_cast<double>(period.distance_m) / 1000},
        {"on_time_rate", period.delivered_tasks ? boost::json::value(static_cast<double>(period.on_time) /
                                                                     static_cast<double>(period.delivered_tasks))
                                                : boost::json::value()}});
    total.orders += period.orders;
    total.amount_fen += period.amount_fen;
    total.trips += period.trips;
    total.distance_m += period.distance_m;
    total.delivered_tasks += period.delivered_tasks;
    total.on_time += period.on_time;
    total.people.insert(period.people.begin(), period.people.end());
    total.communities.insert(period.communities.begin(), period.communities.end());
    total.villages.insert(period.villages.begin(), period.villages.end());
  }
  boost::json::object totals{
      {"orders", total.orders},
      {"amount_fen", total.amount_fen},
      {"people_served", static_cast<int64_t>(total.people.size())},
      {"communities_covered", static_cast<int64_t>(total.communities.size())},
      {"villages_covered", static_cast<int64_t>(total.villages.size())},
      {"vehicle_trips", total.trips},
      {"km", static_cast<double>(total.distance_m) / 1000},
      {"on_time_rate", total.delivered_tasks ? boost::json::value(static_cast<double>(total.on_time) /
                                                                  static_cast<double>(total.delivered_tasks))
                                             : boost::json::value()}};
  return http::json_response(
      boost::json::object{{"by", month ? "month" : "day"},
                          {"from", local_period(from, false)},
                          {"to", local_period(to, false)},
                          {"platform_id", platform_id ? boost::json::value(platform_id) : nullptr},
                          {"items", std::move(items)},
                          {"total", std::move(totals)}});
}

}  // namespace longnan::delivery
