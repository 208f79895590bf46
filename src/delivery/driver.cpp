// The driver's side: the runs of the vehicles a courier drives on a day, with what each stop
// needs (recipient, phone, address), picking the goods up, and a failed delivery with its
// reason, which puts the task back for the next wave. Handing over to the buyer goes through
// the order (POST /api/v1/orders/{id}/advance with action redeem and the buyer's code), and
// the task follows the order; a line-haul stop's parcels are handed over to the station,
// where they wait for its local run.
#include <boost/json.hpp>
#include <map>

#include "delivery/delivery.h"
#include "delivery/internal.h"
#include "http/json.h"

namespace longnan::delivery {
namespace {

// The task's current leg when the caller drives the vehicle of the run it is planned on for
// that leg; nullopt otherwise.
std::optional<std::string> driven_task_leg(db::Session& session, int64_t task_id, int64_t user_id) {
  auto row = session.query_one(
      "SELECT t.leg FROM delivery_tasks t JOIN run_stops s ON s.task_id = t.id AND s.leg = t.leg JOIN runs r ON "
      "r.id = s.run_id JOIN vehicles v ON v.id = r.vehicle_id WHERE t.id = :t AND v.driver_user_id = :u ORDER BY "
      "s.run_id DESC",
      {task_id, user_id});
  if (!row) return std::nullopt;
  return row->text(0);
}

boost::json::object task_state(db::Session& session, int64_t task_id) {
  auto row = session.query_one(
      "SELECT id, order_id, status, fail_reason, updated_at, leg FROM delivery_tasks WHERE id = :t", {task_id});
  return {{"id", row->integer(0)}, {"order_id", row->integer(1)}, {"status", row->text(2)},
          {"leg", row->text(5)},   {"fail_reason", row->text(3)}, {"updated_at", row->integer(4)}};
}

}  // namespace

// GET /api/v1/driver/runs?day=YYYY-MM-DD (today by default): the caller's runs.
http::Response Delivery::driver_runs(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCourier});
  if (!principal) return http::error_response(request, principal.error());
  auto day = requested_day(request, clock_.now_ms());
  if (!day) return http::error_response(request, day.error());
  const int64_t day_start = *day;
  const int64_t user_id = (*principal)->user_id;
  boost::json::array items;
  database_.with_session([&](db::Session& session) {
    std::map<int64_t, boost::json::array> stops;
    StopGroups groups;
    for (const auto& row : session.query(
             "SELECT s.run_id, s.seq, s.task_id, " + std::string(kStopStatus) +
                 ", t.fail_reason, t.order_id, o.recipient, o.phone_enc, o.address_detail, o.delivery_mode, "
                 "o.payment_method, o.total_fen, o.status, n.id, n.name, n.tier, n.lat, n.lng, s.eta, s.load_g, s.leg "
                 "FROM run_stops s JOIN runs r ON r.id = s.run_id JOIN vehicles v ON v.id = r.vehicle_id JOIN "
                 "dispatch_waves w ON w.id = r.wave_id JOIN delivery_tasks t ON t.id = s.task_id JOIN orders o ON o.id "
                 "= t.order_id JOIN logistics_nodes n ON n.id = s.node_id WHERE v.driver_user_id = :u AND "
                 "w.day_start = :d AND w.status = 'planned' ORDER BY s.run_id, s.seq",
             {user_id, day_start})) {
      // A line-haul stop is a station's: the driver hands parcels over, no buyer in sight.
      const bool line_haul = row.text(20) == "line_haul";
      stops[row.integer(0)].push_back(
          boost::json::object{{"seq", row.integer(1)},
                              {"task_id", row.integer(2)},
                              {"task_status", row.text(3)},
                              {"leg", row.text(20)},
                              {"group", groups.of(row.integer(0), row.integer(13), row.integer(18), row.text(20))},
                              {"fail_reason", row.text(4)},
                              {"order_id", row.integer(5)},
                              {"recipient", line_haul ? "" : row.text(6)},
                              {"phone", line_haul ? std::string() : cipher_.decrypt(row.text(7)).value_or("")},
                              {"address_detail", line_haul ? "" : row.text(8)},
                              {"delivery_mode", row.text(9)},
                              {"payment_method", row.text(10)},
                              {"total_fen", row.integer(11)},
                              {"order_status", row.text(12)},
                              {"pickup_code_required", !line_haul},
                              {"node", boost::json::object{{"id", row.integer(13)},
                                                           {"name", row.text(14)},
                                                           {"tier", row.text(15)},
                                                           {"lat", row.real(16)},
                                                           {"lng", row.real(17)}}},
                              {"eta", row.integer(18)},
                              {"load_after_g", row.integer(19)}});
    }
    for (const auto& row : session.query(
             "SELECT r.id, r.wave_id, v.id, v.plate, r.departs_at, r.returns_at, r.distance_m, r.duration_s, n.id, "
             "n.name, n.lat, n.lng FROM runs r JOIN vehicles v ON v.id = r.vehicle_id JOIN dispatch_waves w ON "
             "w.id = r.wave_id JOIN logistics_nodes n ON n.id = w.node_id WHERE v.driver_user_id = :u AND "
             "w.day_start = :d AND w.status = 'planned' ORDER BY r.departs_at, r.id",
             {user_id, day_start}))
      items.push_back(boost::json::object{
          {"id", row.integer(0)},
          {"wave_id", row.integer(1)},
          {"vehicle", boost::json::object{{"id", row.integer(2)}, {"plate", row.text(3)}}},
          {"departs_at", row.integer(4)},
          {"returns_at", row.integer(5)},
          {"distance_m", row.integer(6)},
          {"duration_s", row.integer(7)},
          {"depot",
           boost::json::object{
               {"id", row.integer(8)}, {"name", row.text(9)}, {"lat", row.real(10)}, {"lng", row.real(11)}}},
          {"stops", std::move(stops[row.integer(0)])}});
  });
  auto response = http::json_response(boost::json::object{{"items", std::move(items)}});
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// POST /api/v1/driver/tasks/{id}/pickup: the driver has the goods of a planned stop on board.
http::Response Delivery::driver_pickup(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCourier});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  const int64_t now = clock_.now_ms();
  boost::json::object answer;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    if (!driven_task_leg(session, *id, (*principal)->user_id)) return core::not_found("no such stop on your runs");
    if (session.exec(
            "UPDATE delivery_tasks SET status = 'picked_up', updated_at = :t WHERE id = :i AND status = 'planned'",
            {now, *id}) != 1)
      return core::conflict("only a planned stop is picked up");
    answer = task_state(session, *id);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(answer);
}

// POST /api/v1/driver/tasks/{id}/fail {reason: nobody_home|refused|damaged, note}: the goods
// could not be handed over; the task is open again for the next wave, with the reason.
http::Response Delivery::driver_fail(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCourier});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto reason = fields.text("reason", true, 20);
  auto note = fields.text("note", false, 200);
  if (fields.ok() && *reason != "nobody_home" && *reason != "refused" && *reason != "damaged")
    fields.fail(core::invalid("reason", "reason must be nobody_home, refused or damaged"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  const int64_t now = clock_.now_ms();
  boost::json::object answer;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto leg = driven_task_leg(session, *id, (*principal)->user_id);
    if (!leg) return core::not_found("no such stop on your runs");
    if (*leg == "line_haul") return core::conflict("a line-haul stop's parcels are handed over to the station");
    if (session.exec("UPDATE delivery_tasks SET status = 'open', fail_reason = :r, updated_at = :t WHERE id = :i "
                     "AND status IN ('planned', 'picked_up')",
                     {*reason + (note && !note->empty() ? ": " + *note : std::string()), now, *id}) != 1)
      return core::conflict("only a planned or picked-up stop can fail");
    answer = task_state(session, *id);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(answer);
}

}  // namespace longnan::delivery

namespace longnan::delivery {

// POST /api/v1/driver/handover {task_ids}: the driver of a line-haul run has handed these
// parcels over at their station. Each task's next leg starts there: open, to be planned in
// the station's wave. All or nothing.
http::Response Delivery::driver_handover(http::Request& request) {
  auto principal = http::require_role(request, {core::Role::kCourier});
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  const auto* list = fields.array("task_ids", true, 500);
  if (fields.ok() && list->empty()) fields.fail(core::invalid("task_ids", "name the tasks handed over"));
  if (!fields.ok()) return http::error_response(request, fields.error());
  std::vector<int64_t> task_ids;
  for (const auto& value : *list) {
    if (!value.is_int64() || value.as_int64() < 1)
      return http::error_response(request, core::bad_request("task_ids must hold task ids", "task_ids"));
    task_ids.push_back(value.as_int64());
  }
  const int64_t now = clock_.now_ms();
  boost::json::array items;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    for (int64_t task : task_ids) {
      auto leg = driven_task_leg(session, task, (*principal)->user_id);
      if (!leg) return core::not_found("task " + std::to_string(task) + " is not on your runs");
      if (*leg != "line_haul")
        return core::conflict("task " + std::to_string(task) + " goes to the buyer: hand it over with their code",
                              "task_ids");
      if (session.exec("UPDATE delivery_tasks SET status = 'open', leg = 'local', origin_node_id = hub_node_id, "
                       "fail_reason = '', updated_at = :t WHERE id = :i AND status IN ('planned', 'picked_up')",
                       {now, task}) != 1)
        return core::conflict("task " + std::to_string(task) + " is not on its way to the station", "task_ids");
      items.push_back(task_state(session, task));
    }
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(boost::json::object{{"items", std::move(items)}});
}

}  // namespace longnan::delivery
