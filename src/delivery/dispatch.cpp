// Dispatch waves: a county admin asks for the open tasks leaving a node on a day to be
// planned; whichever server's planner thread claims the wave (a guarded UPDATE, so a
// wave is planned once even with several servers) turns them into a routing problem —
// great-circle × circuity distances between the nodes, the tasks' windows cut to the
// destination's opening hours, the vehicles' capacities, cooling, shifts and costs — solves
// it within the wave's time limit without holding a database connection, and stores the
// runs: stops in order with their ETA and the load on board.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "delivery/delivery.h"
#include "delivery/geo.h"
#include "delivery/internal.h"
#include "http/json.h"
#include "routing/routing.h"

namespace longnan::delivery {

std::optional<int64_t> local_midnight(std::string_view day) {
  int64_t midnight = 0;
  if (!core::parse_date(day, midnight)) return std::nullopt;
  return midnight;
}

core::Result<int64_t> requested_day(const http::Request& request, int64_t now_ms) {
  auto day = request.query_param("day");
  if (!day || day->empty()) return local_day_start(now_ms);
  auto parsed = local_midnight(*day);
  if (!parsed) return core::invalid("day", "day must be a date YYYY-MM-DD");
  return *parsed;
}

namespace {

constexpr int64_t kMaxTasksPerWave = 2000;

// One stop of the problem: the tasks that travel together to one node (the same leg, node,
// window and cooling), e.g. a station's parcels on the line-haul.
struct Stop {
  std::vector<int64_t> task_ids;
  routing::Load load{};  // grams and millilitres, as stored
  int64_t node_id = 0;
  std::string leg;
};

// A wave's problem, with what maps its indices back to rows.
struct WaveProblem {
  routing::Problem problem;
  std::vector<Stop> stops;           // per job
  std::vector<int64_t> vehicle_ids;  // per vehicle
  boost::json::array unassigned;     // [{task_id, code, reason}]
  int64_t day_start = 0;
  std::vector<LatLng> places;    // per location: the wave's node first
  std::vector<int64_t> node_of;  // per location
  // The job of each task, for dispatchers' plans given by task.
  std::map<int64_t, int> job_of_task() const {
    std::map<int64_t, int> jobs;
    for (size_t job = 0; job < stops.size(); ++job)
      for (int64_t task : stops[job].task_ids) jobs[task] = static_cast<int>(job);
    return jobs;
  }
};

void leave_open(boost::json::array& unassigned, const Stop& stop, std::string_view code, std::string_view reason) {
  for (int64_t task : stop.task_ids) unassigned.push_back({{"task_id", task}, {"code", code}, {"reason", reason}});
}

// Why no vehicle can serve `job` alone, or nullopt when one can: a code (for pages to
// translate) and a sentence.
struct Reason {
  const char* code;
  const char* text;
};
std::optional<Reason> unservable(const routing::Problem& problem, const routing::Job& job) {
  bool carried = false, cooled = false;
  for (const auto& vehicle : problem.vehicles) {
    if (job.needs_cold && !vehicle.cold) continue;
    cooled = true;
    if (job.demand[0] > vehicle.capacity[0] || job.demand[1] > vehicle.capacity[1]) continue;
    carried = true;
    const int64_t arrival = vehicle.shift_start + problem.time(vehicle.start, job.location);
    const int64_t begin = std::max(arrival, job.ready);
    const int64_t back = begin + job.service + problem.time(job.location, vehicle.end);
    const int64_t left = std::max(vehicle.shift_start, job.ready - problem.time(vehicle.start, job.location));
    if (begin <= job.due && back <= vehicle.shift_end && back - left <= vehicle.max_duration) return std::nullopt;
  }
  if (!cooled) return Reason{"cold_chain", "needs cold chain and the node has no vehicle with cooling"};
  if (!carried) return Reason{"too_big", "heavier or bulkier than any vehicle of the node carries"};
  return Reason{"unreachable", "no vehicle reaches it within its window, the point's hours and the shifts"};
}

// Which tasks a wave's problem holds: the node's open tasks (planning; the vehicles of the
// wave's locked runs stay out), or the tasks in the wave's runs (checking an edited plan:
// every vehicle of the node, no task left out).
enum class Source { kOpenTasks, kWaveTasks };

// Reads the wave's problem from the database (a read session), all but the distances (see
// finish_problem). `wave` holds id, platform_id, node_id, day_start, service_s, max_route_s.
WaveProblem read_problem(db::Session& session, const db::Row& wave, int64_t now, Source source) {
  WaveProblem out;
  const int64_t wave_id = wave.integer(0), platform = wave.integer(1), node = wave.integer(2);
  const int64_t day_start = wave.integer(3), service_s = wave.integer(4);
  out.day_start = day_start;
  const int64_t max_route_s = wave.is_null(5) ? routing::kUnlimited : wave.integer(5);
  // Locations: the node first, then each destination once.
  auto& places = out.places;
  std::map<int64_t, int> location_of;  // node id → index
  auto origin = session.query_one("SELECT lat, lng FROM logistics_nodes WHERE id = :n", {node});
  places.push_back({origin->real(0), origin->real(1)});
  location_of[node] = 0;
  // The vehicles of the node, leaving no earlier than now on the day itself.
  const int64_t earliest = std::max<int64_t>(0, (now - day_start) / 1000);
  for (const auto& row : session.query(
           "SELECT id, plate, capacity_kg, capacity_l, cold, shift_start_min, shift_end_min, cost_per_km_fen, "
           "cost_per_hour_fen FROM vehicles v WHERE home_node_id = :n AND platform_id = :p AND active = 1 " +
               std::string(source == Source::kOpenTasks
                               ? "AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.vehicle_id = v.id AND r.wave_id = :w "
                                 "AND r.locked = 1) "
                               : "AND :w > 0 ") +
               "ORDER BY id",
           {node, platform, wave_id})) {
    routing::Vehicle vehicle{.id = row.text(1),
                             .start = 0,
                             .end = 0,
                             .capacity = {row.integer(2) * 1000, row.integer(3) * 1000},
                             .shift_start = std::max(row.integer(5) * 60, earliest),
                             .shift_end = row.integer(6) * 60,
                             .max_duration = max_route_s,
                             .cold = row.integer(4) != 0,
                             .cost_per_km = row.integer(7),
                             .cost_per_hour = row.integer(8)};
    // A van that drives a run of another wave that day leaves again once it is back.
    auto back = session.query_one(
        "SELECT MAX(r.returns_at) FROM runs r JOIN dispatch_waves w ON w.id = r.wave_id WHERE r.vehicle_id = :v "
        "AND w.day_start = :d AND w.status = 'planned' AND w.id <> :w",
        {row.integer(0), day_start, wave_id});
    if (back && !back->is_null(0))
      vehicle.shift_start = std::max(vehicle.shift_start, (back->integer(0) - day_start + 999) / 1000);
    if (vehicle.shift_end <= vehicle.shift_start) continue;  // its shift is over
    out.problem.vehicles.push_back(vehicle);
    out.vehicle_ids.push_back(row.integer(0));
  }
  // Each task goes to the end of its current leg: the hub station on the line-haul, else its
  // destination.
  const std::string task_columns =
      "SELECT t.id, n.id, n.lat, n.lng, n.opens_min, n.closes_min, t.weight_g, t.volume_ml, t.cold, t.window_start, "
      "t.window_end, t.leg FROM delivery_tasks t JOIN logistics_nodes n ON n.id = " +
      std::string(kLegEnd) + " ";
  auto tasks =
      source == Source::kOpenTasks
          ? session.query(task_columns +
                              "WHERE t.origin_node_id = :n AND t.status = 'open' AND t.platform_id = :p "
                              "ORDER BY t.id LIMIT " +
                              std::to_string(kMaxTasksPerWave),
                          {node, platform})
          : session.query(task_columns +
                              "WHERE t.id IN (SELECT s.task_id FROM run_stops s JOIN runs r ON r.id = s.run_id "
                              "WHERE r.wave_id = :w) ORDER BY t.id",
                          {wave_id});
  // Tasks with the same leg, node, window and cooling make one stop (one job).
  std::map<std::tuple<std::string, int64_t, int64_t, int64_t, bool>, int> job_of;
  for (const auto& task : tasks) {
    const int64_t target = task.integer(1);
    const std::string leg = task.text(11);
    if (!location_of.count(target)) {
      location_of[target] = static_cast<int>(places.size());
      places.push_back({task.real(2), task.real(3)});
    }
    // The window on this day within the node's opening hours: the buyer's window for the
    // last leg; the station's hours alone for the line-haul.
    int64_t ready = task.integer(4) * 60, due = task.integer(5) * 60;
    if (leg == "local") {
      ready = std::max({int64_t{0}, (task.integer(9) - day_start) / 1000, ready});
      due = std::min({int64_t{86400}, (task.integer(10) - day_start) / 1000, due});
    }
    const bool cold = task.integer(8) != 0;
    auto [entry, fresh] = job_of.try_emplace({leg, target, ready, due, cold}, static_cast<int>(out.stops.size()));
    if (fresh) {
      out.problem.jobs.push_back(routing::Job{.id = std::to_string(task.integer(0)),
                                              .location = location_of[target],
                                              .demand = {0, 0},
                                              .ready = ready,
                                              .due = due,
                                              .service = service_s,
                                              .needs_cold = cold});
      out.stops.push_back(Stop{.task_ids = {}, .load = {0, 0}, .node_id = target, .leg = leg});
    }
    auto& job = out.problem.jobs[entry->second];
    auto& stop = out.stops[entry->second];
    stop.task_ids.push_back(task.integer(0));
    for (int dim = 0; dim < 2; ++dim) {
      const int64_t amount = task.integer(6 + dim);
      job.demand[dim] += amount;
      stop.load[dim] += amount;
    }
  }
  out.problem.name = "wave " + std::to_string(wave_id);
  out.node_of.resize(places.size());
  for (const auto& [node_id, index] : location_of) out.node_of[index] = node_id;
  return out;
}

// Completes a problem read by read_problem, without a database connection (a road router
// may take its time): the distances and times between its locations — the matrix file's
// road figures where it has the pair, else the road router's, else great circle × circuity
// at the road speed — and, when planning, the tasks that cannot be served that day set
// apart with their reasons.
void finish_problem(WaveProblem& out, const Options& options, Source source) {
  const auto& places = out.places;
  const int n = static_cast<int>(places.size());
  out.problem.num_locations = n;
  out.problem.distance.assign(static_cast<size_t>(n) * n, 0);
  out.problem.duration.assign(static_cast<size_t>(n) * n, 0);
  std::optional<RoadTable> roads;
  if (options.road_table && n > 1) {
    auto table = options.road_table(places);
    if (table)
      roads = std::move(*table);
    else
      spdlog::warn("{}: the road router failed ({}); estimating distances", out.problem.name, table.error().message);
  }
  const double metres_per_second = options.road_speed_kmh / 3.6;
  for (int from = 0; from < n; ++from)
    for (int to = 0; to < n; ++to) {
      if (from == to) continue;
      const size_t cell = static_cast<size_t>(from) * n + to;
      if (options.matrix) {
        if (auto known = options.matrix->find({out.node_of[from], out.node_of[to]}); known != options.matrix->end()) {
          out.problem.distance[cell] = known->second.first;
          out.problem.duration[cell] = known->second.second;
          continue;
        }
      }
      if (roads && roads->distance_m[cell] >= 0 && roads->duration_s[cell] >= 0) {
        out.problem.distance[cell] = roads->distance_m[cell];
        out.problem.duration[cell] = roads->duration_s[cell];
        continue;
      }
      const double metres = great_circle_m(places[from], places[to]) * options.circuity;
      out.problem.distance[cell] = std::llround(metres);
      out.problem.duration[cell] = static_cast<int64_t>(std::ceil(metres / metres_per_second));
    }
  out.problem.distance_units_per_km = 1000;
  out.problem.time_units_per_hour = 3600;
  if (source == Source::kWaveTasks) return;  // an edited plan is checked with every task
  // Tasks that cannot be served today stay open, each with its reason; the rest is planned.
  routing::Problem servable = out.problem;
  servable.jobs.clear();
  std::vector<Stop> stops;
  for (size_t index = 0; index < out.problem.jobs.size(); ++index) {
    auto& job = out.problem.jobs[index];
    if (job.ready >= 86400) {
      leave_open(out.unassigned, out.stops[index], "later", "its window is on a later day");
      continue;
    }
    if (job.due < job.ready) {
      leave_open(out.unassigned, out.stops[index], "window_closed", "its window is closed on this day");
      continue;
    }
    if (auto reason = unservable(out.problem, job)) {
      leave_open(out.unassigned, out.stops[index], reason->code, reason->text);
      continue;
    }
    servable.jobs.push_back(job);
    stops.push_back(std::move(out.stops[index]));
  }
  out.problem = std::move(servable);
  out.stops = std::move(stops);
}

boost::json::object wave_json(const db::Row& row) {
  return {{"id", row.integer(0)},
          {"platform_id", row.integer(1)},
          {"node_id", row.integer(2)},
          {"day", row.text(3)},
          {"status", row.text(4)},
          {"time_limit_s", static_cast<double>(row.integer(5)) / 1000},
          {"service_s", row.integer(6)},
          {"max_route_s", row.is_null(7) ? boost::json::value() : row.integer(7)},
          {"created_at", row.integer(8)},
          {"started_at", row.is_null(9) ? boost::json::value() : row.integer(9)},
          {"finished_at", row.is_null(10) ? boost::json::value() : row.integer(10)},
          {"task_count", row.integer(11)},
          {"unassigned", boost::json::parse(row.text(12))},
          {"cost_fen", row.integer(13)},
          {"distance_m", row.integer(14)},
          {"duration_s", row.integer(15)},
          {"error", row.text(16)}};
}

constexpr std::string_view kWaveColumns =
    "SELECT id, platform_id, node_id, day, status, time_limit_ms, service_s, max_route_s, created_at, started_at, "
    "finished_at, task_count, unassigned_json, cost_fen, distance_m, duration_s, error";
const std::string kWaveSelect = std::string(kWaveColumns) + " FROM dispatch_waves";

// The wave with its runs and their stops.
boost::json::object wave_with_runs(db::Session& session, int64_t wave_id) {
  auto wave = wave_json(*session.query_one(kWaveSelect + " WHERE id = :w", {wave_id}));
  std::map<int64_t, boost::json::array> stops;
  StopGroups groups;
  for (const auto& row : session.query(
           "SELECT s.run_id, s.seq, s.task_id, t.order_id, " + std::string(kStopStatus) +
               ", n.id, n.name, n.tier, n.lat, n.lng, s.eta, s.load_g, s.load_ml, s.leg FROM run_stops s JOIN runs r "
               "ON r.id = s.run_id JOIN delivery_tasks t ON t.id = s.task_id JOIN logistics_nodes n ON n.id = "
               "s.node_id WHERE r.wave_id = :w ORDER BY s.run_id, s.seq",
           {wave_id}))
    stops[row.integer(0)].push_back(
        boost::json::object{{"seq", row.integer(1)},
                            {"task_id", row.integer(2)},
                            {"order_id", row.integer(3)},
                            {"task_status", row.text(4)},
                            {"leg", row.text(13)},
                            {"group", groups.of(row.integer(0), row.integer(5), row.integer(10), row.text(13))},
                            {"node", boost::json::object{{"id", row.integer(5)},
                                                         {"name", row.text(6)},
                                                         {"tier", row.text(7)},
                                                         {"lat", row.real(8)},
                                                         {"lng", row.real(9)}}},
                            {"eta", row.integer(10)},
                            {"load_after_g", row.integer(11)},
                            {"load_after_ml", row.integer(12)}});
  boost::json::array runs;
  for (const auto& row : session.query(
           "SELECT r.id, r.vehicle_id, v.plate, v.driver_user_id, r.locked, r.departs_at, r.returns_at, r.distance_m, "
           "r.duration_s, r.cost_fen FROM runs r JOIN vehicles v ON v.id = r.vehicle_id WHERE r.wave_id = :w ORDER BY "
           "r.id",
           {wave_id}))
    runs.push_back(boost::json::object{
        {"id", row.integer(0)},
        {"vehicle", boost::json::object{{"id", row.integer(1)},
                                        {"plate", row.text(2)},
                                        {"driver_user_id", row.is_null(3) ? boost::json::value() : row.integer(3)}}},
        {"locked", row.integer(4) != 0},
        {"departs_at", row.integer(5)},
        {"returns_at", row.integer(6)},
        {"distance_m", row.integer(7)},
        {"duration_s", row.integer(8)},
        {"cost_fen", row.integer(9)},
        {"stops", std::move(stops[row.integer(0)])}});
  wave["runs"] = std::move(runs);
  return wave;
}

// Stores `plan` as the wave's runs: stops in order with the ETA (the vehicle leaves at the
// start of its shift and waits where it is early) and the load on board after each stop.
// Each task becomes planned unless it has left 'open'/'planned' meanwhile (a cancelled
// order): then it is left out of its run.
void store_runs(db::Session& session, int64_t wave_id, int64_t platform, const WaveProblem& built,
                const routing::Plan& plan, int64_t now) {
  const auto& problem = built.problem;
  const int64_t money_units = problem.distance_units_per_km * problem.time_units_per_hour;
  for (const auto& route : plan.routes) {
    if (route.jobs.empty()) continue;
    const auto& vehicle = problem.vehicles[route.vehicle];
    int64_t time = vehicle.shift_start, distance = 0;
    int location = vehicle.start;
    routing::Load on_board{};
    for (int job : route.jobs)
      for (int dim = 0; dim < 2; ++dim) on_board[dim] += built.stops[job].load[dim];
    struct Row {
      int64_t task_id, node_id;
      std::string leg;
      int64_t eta, load_g, load_ml;
    };
    std::vector<Row> rows;  // each task of each stop, in order
    for (int job_index : route.jobs) {
      const auto& job = problem.jobs[job_index];
      const Stop& stop = built.stops[job_index];
      distance += problem.dist(location, job.location);
      time = std::max(time + problem.time(location, job.location), job.ready);
      for (int dim = 0; dim < 2; ++dim) on_board[dim] -= stop.load[dim];
      for (int64_t task : stop.task_ids)
        rows.push_back({task, stop.node_id, stop.leg, built.day_start + time * 1000, on_board[0], on_board[1]});
      time += job.service;
      location = job.location;
    }
    distance += problem.dist(location, vehicle.end);
    time += problem.time(location, vehicle.end);
    const int64_t duration = time - vehicle.shift_start;
    const int64_t cost = (distance * vehicle.cost_per_km * problem.time_units_per_hour +
                          duration * vehicle.cost_per_hour * problem.distance_units_per_km + money_units / 2) /
                         money_units;
    const int64_t run_id = session.insert(
        "INSERT INTO runs (wave_id, platform_id, vehicle_id, locked, departs_at, returns_at, distance_m, duration_s, "
        "cost_fen) VALUES (:w, :p, :v, 0, :d, :r, :dm, :ds, :c) RETURNING id",
        {wave_id, platform, built.vehicle_ids[route.vehicle], built.day_start + vehicle.shift_start * 1000,
         built.day_start + time * 1000, distance, duration, cost});
    int seq = 0;
    for (const auto& row : rows) {
      if (session.exec("UPDATE delivery_tasks SET status = 'planned', updated_at = :t WHERE id = :i "
                       "AND status IN ('open', 'planned') AND leg = :l",
                       {now, row.task_id, row.leg}) != 1)
        continue;
      session.exec(
          "INSERT INTO run_stops (run_id, seq, task_id, eta, load_g, load_ml, node_id, leg) VALUES (:r, :s, :t, :e, "
          ":g, :m, :n, :l)",
          {run_id, ++seq, row.task_id, row.eta, row.load_g, row.load_ml, row.node_id, row.leg});
    }
  }
}

// The wave's totals are its runs' (locked ones included).
void update_totals(db::Session& session, int64_t wave_id) {
  session.exec(
      "UPDATE dispatch_waves SET distance_m = (SELECT COALESCE(SUM(distance_m), 0) FROM runs WHERE wave_id = :w), "
      "duration_s = (SELECT COALESCE(SUM(duration_s), 0) FROM runs WHERE wave_id = :w2), "
      "cost_fen = (SELECT COALESCE(SUM(cost_fen), 0) FROM runs WHERE wave_id = :w3) WHERE id = :w4",
      {wave_id, wave_id, wave_id, wave_id});
}

// Takes the wave's runs apart (only the unlocked ones, or all): their tasks are open again.
void drop_runs(db::Session& session, int64_t wave_id, int64_t now, bool locked_too) {
  const std::string which = locked_too ? "" : " AND locked = 0";
  // Only the tasks still planned on this wave's leg (not those planned since on the next).
  session.exec(
      "UPDATE delivery_tasks SET status = 'open', updated_at = :t WHERE status = 'planned' AND id IN (SELECT s.task_id "
      "FROM run_stops s JOIN runs r ON r.id = s.run_id WHERE r.wave_id = :w AND s.leg = delivery_tasks.leg" +
          which + ")",
      {now, wave_id});
  session.exec("DELETE FROM run_stops WHERE run_id IN (SELECT id FROM runs WHERE wave_id = :w" + which + ")",
               {wave_id});
  session.exec("DELETE FROM runs WHERE wave_id = :w" + which, {wave_id});
}

constexpr std::string_view kWaveProblemSelect =
    "SELECT id, platform_id, node_id, day_start, service_s, max_route_s, time_limit_ms FROM dispatch_waves";

// Who plans a node's waves: the admins of its county and the node's manager (a courier).
bool dispatches(db::Session& session, const core::Principal& caller, int64_t node_id) {
  auto node = session.query_one("SELECT platform_id, manager_user_id FROM logistics_nodes WHERE id = :n", {node_id});
  if (!node || !caller.sees_platform(node->integer(0))) return false;
  if (caller.role == core::Role::kCountyAdmin || caller.role == core::Role::kCityAdmin) return true;
  return caller.role == core::Role::kCourier && !node->is_null(1) && node->integer(1) == caller.user_id;
}

// The roles that may dispatch at all (a courier only for the nodes they manage).
const std::initializer_list<core::Role> kDispatchers = {core::Role::kCountyAdmin, core::Role::kCityAdmin,
                                                        core::Role::kCourier};
}  // namespace

bool Delivery::plan_next_wave() {
  const int64_t now = clock_.now_ms();
  // Most of the time nothing waits: look on a read connection, leaving the writer alone.
  bool waiting = false;
  database_.with_session([&](db::Session& session) {
    waiting = session.scalar("SELECT COUNT(*) FROM dispatch_waves WHERE status IN ('queued', 'solving')") > 0;
  });
  if (!waiting) return false;
  std::optional<db::Row> wave;
  database_.write([&](db::Session& session) {
    // A wave left 'solving' by a server that stopped is taken over after its limit and a minute.
    auto next = session.query_one(
        "SELECT id FROM dispatch_waves WHERE status = 'queued' OR (status = 'solving' AND started_at < :t - "
        "time_limit_ms "
        "- 60000) ORDER BY id",
        {now});
    if (!next) return;
    if (session.exec(
            "UPDATE dispatch_waves SET status = 'solving', started_at = :t WHERE id = :w AND (status = 'queued' "
            "OR (status = 'solving' AND started_at < :t2 - time_limit_ms - 60000))",
            {now, next->integer(0), now}) != 1)
      return;
    // Re-optimising: the unlocked runs are planned again, with whatever else is open.
    drop_runs(session, next->integer(0), now, false);
    wave = session.query_one(std::string(kWaveProblemSelect) + " WHERE id = :w", {next->integer(0)});
  });
  if (!wave) return false;
  const int64_t wave_id = wave->integer(0);
  try {
    WaveProblem built;
    database_.with_session(
        [&](db::Session& session) { built = read_problem(session, *wave, now, Source::kOpenTasks); });
    finish_problem(built, options_, Source::kOpenTasks);
    routing::SolveResult result;
    if (!built.problem.jobs.empty()) {
      if (auto valid = routing::validate(built.problem); !valid) throw std::runtime_error(valid.error().message);
      result = routing::solve(built.problem, {.time_limit_s = static_cast<double>(wave->integer(6)) / 1000, .seed = 1});
    }
    for (int job : result.unassigned)
      leave_open(built.unassigned, built.stops[job], "no_room", "no room left in the node's vehicles");
    // Every plan goes through the validator; only the jobs it could not place may be missing.
    for (const auto& violation : routing::check(built.problem, result.plan)) {
      const bool left_out =
          violation.kind == routing::ViolationKind::kMissingJob &&
          std::find(result.unassigned.begin(), result.unassigned.end(), violation.job) != result.unassigned.end();
      if (!left_out) throw std::runtime_error("the planner's plan breaks a rule: " + violation.message);
    }
    const int64_t finished = clock_.now_ms();
    database_.write([&](db::Session& session) {
      store_runs(session, wave_id, wave->integer(1), built, result.plan, finished);
      session.exec(
          "UPDATE dispatch_waves SET status = 'planned', finished_at = :f, task_count = :n + (SELECT COUNT(*) FROM "
          "run_stops s JOIN runs r ON r.id = s.run_id WHERE r.wave_id = :w), unassigned_json = :u WHERE id = :w2",
          {finished, static_cast<int64_t>(built.unassigned.size()), wave_id, boost::json::serialize(built.unassigned),
           wave_id});
      update_totals(session, wave_id);
    });
    spdlog::info("dispatch wave {}: {} stop(s) in {} run(s), {} task(s) left open", wave_id, built.stops.size(),
                 result.plan.routes.size(), built.unassigned.size());
  } catch (const std::exception& error) {
    spdlog::warn("dispatch wave {} failed: {}", wave_id, error.what());
    database_.write([&](db::Session& session) {
      session.exec("UPDATE dispatch_waves SET status = 'failed', finished_at = :f, error = :e WHERE id = :w",
                   {clock_.now_ms(), std::string(error.what()).substr(0, 500), wave_id});
    });
  }
  return true;
}

// POST /api/v1/dispatch/waves {node_id, day, time_limit_s, service_s, max_route_hours}:
// 202 with the queued wave; GET it until its status is planned or failed.
http::Response Delivery::create_wave(http::Request& request) {
  auto principal = http::require_role(request, kDispatchers);
  if (!principal) return http::error_response(request, principal.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto node = fields.integer("node_id", true, 1, INT64_MAX);
  auto day = fields.text("day", true, 10);
  auto limit = fields.integer("time_limit_s", false, 1, 60);
  auto service = fields.integer("service_s", false, 0, 3600);
  auto max_hours = fields.integer("max_route_hours", false, 1, 24);
  if (!fields.ok()) return http::error_response(request, fields.error());
  auto day_start = local_midnight(*day);
  if (!day_start) return http::error_response(request, core::invalid("day", "day must be a date YYYY-MM-DD"));
  const int64_t now = clock_.now_ms();
  if (*day_start + kDayMs <= now || *day_start > now + 31 * kDayMs)
    return http::error_response(request, core::invalid("day", "day must be today or within the next 31 days"));
  const core::Principal& caller = **principal;
  boost::json::object created;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto row = session.query_one("SELECT platform_id, tier FROM logistics_nodes WHERE id = :n AND active = 1", {*node});
    if (!row || !caller.sees_platform(row->integer(0))) return core::invalid("node_id", "no such node in your county");
    if (!dispatches(session, caller, *node)) return core::forbidden("only the node's manager dispatches it");
    if (row->text(1) != "park" && row->text(1) != "station")
      return core::invalid("node_id", "waves leave from a park or a station");
    const int64_t id = session.insert(
        "INSERT INTO dispatch_waves (platform_id, node_id, day, day_start, status, time_limit_ms, service_s, "
        "max_route_s, "
        "created_by, created_at) VALUES (:p, :n, :d, :ds, 'queued', :l, :s, :m, :u, :t) RETURNING id",
        {row->integer(0), *node, *day, *day_start, limit.value_or(5) * 1000, service.value_or(180),
         max_hours ? db::Value(*max_hours * 3600) : db::Value(), caller.user_id, now});
    created = wave_json(*session.query_one(kWaveSelect + " WHERE id = :w", {id}));
    created["runs"] = boost::json::array();
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  planner_wake_.notify_one();
  return http::json_response(created, 202);
}

// GET /api/v1/dispatch/waves/{id}: the wave, and its runs once planned.
http::Response Delivery::get_wave(http::Request& request) {
  auto principal = http::require_role(
      request, {core::Role::kCountyAdmin, core::Role::kCityAdmin, core::Role::kCourier, core::Role::kAuditor});
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  std::optional<boost::json::object> body;
  database_.with_session([&](db::Session& session) {
    auto row = session.query_one("SELECT platform_id FROM dispatch_waves WHERE id = :w", {*id});
    if (row && (*principal)->sees_platform(row->integer(0))) body = wave_with_runs(session, *id);
  });
  if (!body) return http::error_response(request, core::not_found("no such wave"));
  auto response = http::json_response(*body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// GET /api/v1/dispatch/waves?status=: the waves of the caller's county, newest first (a
// courier: those of the nodes they manage).
http::Response Delivery::list_waves(http::Request& request) {
  auto principal = http::require_role(
      request, {core::Role::kCountyAdmin, core::Role::kCityAdmin, core::Role::kCourier, core::Role::kAuditor});
  if (!principal) return http::error_response(request, principal.error());
  auto page = http::parse_page(request);
  if (!page) return http::error_response(request, page.error());
  auto status = http::query_enum(request, "status", {"queued", "solving", "planned", "failed"});
  if (!status) return http::error_response(request, status.error());
  std::string where = " WHERE 1=1";
  std::vector<db::Value> params;
  if (!(*principal)->is_city_wide()) {
    where += " AND platform_id = :p";
    params.emplace_back((*principal)->platform_id.value_or(0));
  }
  if ((*principal)->role == core::Role::kCourier) {  // a station manager: their nodes' waves
    where += " AND node_id IN (SELECT id FROM logistics_nodes WHERE manager_user_id = :u)";
    params.emplace_back((*principal)->user_id);
  }
  if (*status) {
    where += " AND status = :s";
    params.emplace_back(**status);
  }
  boost::json::array items;
  int64_t total = 0;
  database_.with_session([&](db::Session& session) {
    auto result = db::select_page(session, kWaveColumns, "FROM dispatch_waves" + where, "ORDER BY id DESC", params,
                                  page->page_size, page->offset());
    total = result.total;
    for (const auto& row : result.rows) items.push_back(wave_json(row));
  });
  return http::json_response(http::page_body(std::move(items), total, *page));
}

namespace {

// The wave (kWaveProblemSelect) when the caller dispatches for its node: 404 when it is not
// of the caller's county, 403 for the county's other couriers.
core::Result<db::Row> managed_wave(db::Session& session, const core::Principal& caller, int64_t wave_id) {
  auto row = session.query_one(std::string(kWaveProblemSelect) + " WHERE id = :w", {wave_id});
  if (!row || !caller.sees_platform(row->integer(1))) return core::not_found("no such wave");
  if (!dispatches(session, caller, row->integer(2))) return core::forbidden("only the node's manager dispatches it");
  return std::move(*row);
}

std::string_view violation_name(routing::ViolationKind kind) {
  switch (kind) {
    case routing::ViolationKind::kBadProblem:
      return "bad_problem";
    case routing::ViolationKind::kUnknownVehicle:
      return "unknown_vehicle";
    case routing::ViolationKind::kVehicleUsedTwice:
      return "vehicle_used_twice";
    case routing::ViolationKind::kUnknownJob:
      return "unknown_task";
    case routing::ViolationKind::kDuplicateJob:
      return "task_twice";
    case routing::ViolationKind::kMissingJob:
      return "task_missing";
    case routing::ViolationKind::kCapacityExceeded:
      return "capacity";
    case routing::ViolationKind::kTimeWindowMissed:
      return "time_window";
    case routing::ViolationKind::kShiftEndExceeded:
      return "shift_end";
    case routing::ViolationKind::kMaxDurationExceeded:
      return "max_duration";
    case routing::ViolationKind::kColdChain:
      return "cold_chain";
  }
  return "other";
}

// Whether some stop of the wave is no longer just planned (picked up, delivered, failed or
// cancelled): then its runs are the driver's, not the dispatcher's, to change.
bool stops_under_way(db::Session& session, int64_t wave_id) {
  return session.scalar(
             "SELECT COUNT(*) FROM run_stops s JOIN runs r ON r.id = s.run_id JOIN delivery_tasks t "
             "ON t.id = s.task_id WHERE r.wave_id = :w AND " +
                 std::string(kStopStatus) + " <> 'planned'",
             {wave_id}) > 0;
}

// A 422 listing every way an edited plan breaks the rules, by vehicle and task ids.
http::Response violations_response(const http::Request& request, const std::vector<routing::Violation>& violations,
                                   const routing::Plan& plan, const WaveProblem& built) {
  const auto& vehicle_ids = built.vehicle_ids;
  boost::json::array list;
  for (const auto& violation : violations) {
    boost::json::object item{{"kind", std::string(violation_name(violation.kind))}, {"message", violation.message}};
    if (violation.route >= 0 && violation.route < static_cast<int>(plan.routes.size())) {
      const int vehicle = plan.routes[violation.route].vehicle;
      if (vehicle >= 0 && vehicle < static_cast<int>(vehicle_ids.size())) item["vehicle_id"] = vehicle_ids[vehicle];
    }
    if (violation.job >= 0 && violation.job < static_cast<int>(built.stops.size())) {
      const auto& tasks = built.stops[violation.job].task_ids;
      item["task_id"] = tasks.front();
      item["task_ids"] = boost::json::array(tasks.begin(), tasks.end());
    }
    list.push_back(std::move(item));
  }
  boost::json::object error{{"code", "plan_violations"},
                            {"message", violations.front().message},
                            {"field", "runs"},
                            {"request_id", request.request_id},
                            {"violations", std::move(list)}};
  return http::json_response(boost::json::object{{"error", std::move(error)}}, 422);
}

}  // namespace

// PUT /api/v1/dispatch/waves/{id}/plan {runs: [{vehicle_id, task_ids}]}: the dispatcher's
// edited plan (stops moved between runs or reordered). The route planner's check() decides:
// every violation is answered (422) and nothing is saved; a valid plan replaces the runs,
// with ETAs worked out again and the locks kept.
http::Response Delivery::put_plan(http::Request& request) {
  auto principal = http::require_role(request, kDispatchers);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  const auto* runs = fields.array("runs", true, 200);
  if (!fields.ok()) return http::error_response(request, fields.error());
  struct Proposed {
    int64_t vehicle_id;
    std::vector<int64_t> task_ids;
  };
  std::vector<Proposed> proposed;
  for (size_t index = 0; index < runs->size(); ++index) {
    const std::string where = "runs[" + std::to_string(index) + "]";
    if (!(*runs)[index].is_object())
      return http::error_response(request, core::bad_request(where + " must be an object", "runs"));
    http::Fields run((*runs)[index].as_object());
    auto vehicle = run.integer("vehicle_id", true, 1, INT64_MAX);
    const auto* tasks = run.array("task_ids", true, kMaxTasksPerWave);
    if (!run.ok()) {
      core::Error error = run.error();
      error.field = where + "." + error.field;
      return http::error_response(request, error);
    }
    Proposed entry{*vehicle, {}};
    for (const auto& task : *tasks) {
      if (!task.is_int64() || task.as_int64() < 1)
        return http::error_response(request,
                                    core::bad_request(where + ".task_ids must hold task ids", where + ".task_ids"));
      entry.task_ids.push_back(task.as_int64());
    }
    proposed.push_back(std::move(entry));
  }
  const core::Principal& caller = **principal;
  const int64_t now = clock_.now_ms();
  // Check on a read connection first: the plan against the wave's problem.
  std::optional<db::Row> wave;
  WaveProblem built;
  core::Status found;
  database_.with_session([&](db::Session& session) {
    auto managed = managed_wave(session, caller, *id);
    if (!managed) {
      found = managed.error();
      return;
    }
    wave = std::move(*managed);
    auto status = session.query_one("SELECT status FROM dispatch_waves WHERE id = :w", {*id});
    if (status->text(0) != "planned") {
      found = core::conflict("only a planned wave can be edited (this one is " + status->text(0) + ")");
      return;
    }
    if (stops_under_way(session, *id)) {
      found = core::conflict("some of the wave's goods are on their way or settled: plan the rest in a new wave");
      return;
    }
    built = read_problem(session, *wave, now, Source::kWaveTasks);
  });
  if (!found) return http::error_response(request, found.error());
  finish_problem(built, options_, Source::kWaveTasks);
  // Tasks become stops: the tasks of one stop (a station's parcels, say) go together, one
  // after the other in one run; a stop's tasks split up are a stop visited twice.
  routing::Plan plan;
  std::map<int64_t, int> vehicle_index;
  for (size_t index = 0; index < built.vehicle_ids.size(); ++index) vehicle_index[built.vehicle_ids[index]] = index;
  const auto job_index = built.job_of_task();
  std::vector<size_t> listed(built.stops.size(), 0);  // tasks of each stop in the plan
  std::set<int64_t> seen;
  for (size_t index = 0; index < proposed.size(); ++index) {
    const auto& entry = proposed[index];
    const std::string where = "runs[" + std::to_string(index) + "]";
    auto vehicle = vehicle_index.find(entry.vehicle_id);
    if (vehicle == vehicle_index.end())
      return http::error_response(
          request, core::invalid(where + ".vehicle_id", "not a vehicle of the wave's node on shift that day"));
    routing::Route route{vehicle->second, {}};
    for (int64_t task : entry.task_ids) {
      auto job = job_index.find(task);
      if (job == job_index.end())
        return http::error_response(
            request, core::invalid(where + ".task_ids", "task " + std::to_string(task) + " is not in this wave"));
      // A stop visited again (a task twice, or a stop's tasks split up) is the validator's
      // duplicate; a stop's tasks one after the other are one visit.
      const bool repeated = !seen.insert(task).second;
      if (repeated || route.jobs.empty() || route.jobs.back() != job->second) route.jobs.push_back(job->second);
      if (!repeated) ++listed[job->second];
    }
    plan.routes.push_back(std::move(route));
  }
  for (size_t job = 0; job < built.stops.size(); ++job)
    if (listed[job] > 0 && listed[job] < built.stops[job].task_ids.size())
      return http::error_response(request,
                                  core::invalid("runs", "task " + std::to_string(built.stops[job].task_ids.front()) +
                                                            " is moved without the other tasks of its stop"));
  if (auto violations = routing::check(built.problem, plan); !violations.empty())
    return violations_response(request, violations, plan, built);
  boost::json::object answer;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    // Nothing moved meanwhile: still planned, and no stop has started.
    if (session.scalar("SELECT COUNT(*) FROM dispatch_waves WHERE id = :w AND status = 'planned'", {*id}) != 1 ||
        stops_under_way(session, *id))
      return core::conflict("the wave changed meanwhile: load it again");
    std::vector<int64_t> locked;
    for (const auto& row : session.query("SELECT vehicle_id FROM runs WHERE wave_id = :w AND locked = 1", {*id}))
      locked.push_back(row.integer(0));
    drop_runs(session, *id, now, true);
    store_runs(session, *id, wave->integer(1), built, plan, now);
    for (int64_t vehicle : locked)
      session.exec("UPDATE runs SET locked = 1 WHERE wave_id = :w AND vehicle_id = :v", {*id, vehicle});
    update_totals(session, *id);
    answer = wave_with_runs(session, *id);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(answer);
}

// POST /api/v1/dispatch/runs/{id}/lock {locked}: a locked run stays as it is when the wave
// is re-optimised.
http::Response Delivery::lock_run(http::Request& request) {
  auto principal = http::require_role(request, kDispatchers);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  auto body = http::parse_object(request);
  if (!body) return http::error_response(request, body.error());
  http::Fields fields(*body);
  auto locked = fields.boolean("locked", true);
  if (!fields.ok()) return http::error_response(request, fields.error());
  boost::json::object answer;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    auto run = session.query_one("SELECT wave_id FROM runs WHERE id = :r", {*id});
    if (!run) return core::not_found("no such run");
    if (auto wave = managed_wave(session, **principal, run->integer(0)); !wave) return wave.error();
    session.exec("UPDATE runs SET locked = :l WHERE id = :r", {int64_t{*locked}, *id});
    const auto wave = wave_with_runs(session, run->integer(0));
    for (const auto& value : wave.at("runs").as_array())
      if (value.at("id").as_int64() == *id) answer = value.as_object();
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  return http::json_response(answer);
}

// POST /api/v1/dispatch/waves/{id}/reoptimise: plans the wave again — its unlocked runs and
// whatever else is open at the node — keeping the locked runs; 202, as when it was made.
http::Response Delivery::reoptimise_wave(http::Request& request) {
  auto principal = http::require_role(request, kDispatchers);
  if (!principal) return http::error_response(request, principal.error());
  auto id = http::path_id(request);
  if (!id) return http::error_response(request, id.error());
  boost::json::object answer;
  auto status = database_.transaction([&](db::Session& session) -> core::Status {
    if (auto wave = managed_wave(session, **principal, *id); !wave) return wave.error();
    if (session.scalar(
            "SELECT COUNT(*) FROM run_stops s JOIN runs r ON r.id = s.run_id JOIN delivery_tasks t "
            "ON t.id = s.task_id WHERE r.wave_id = :w AND r.locked = 0 AND t.status NOT IN ('planned', 'open')",
            {*id}) > 0)
      return core::conflict("goods of an unlocked run are on their way: lock it first");
    if (session.exec("UPDATE dispatch_waves SET status = 'queued', error = '' WHERE id = :w AND status IN ('planned', "
                     "'failed')",
                     {*id}) != 1)
      return core::conflict("the wave is being planned already");
    answer = wave_with_runs(session, *id);
    return core::Status();
  });
  if (!status) return http::error_response(request, status.error());
  planner_wake_.notify_one();
  return http::json_response(answer, 202);
}

void Delivery::start_planner() {
  planner_ = std::thread([this] {
    std::unique_lock lock(background_mutex_);
    while (!stopping_) {
      lock.unlock();
      bool planned = false;
      try {
        planned = plan_next_wave();
      } catch (const std::exception& error) {
        spdlog::warn("dispatch planner: {}", error.what());
      }
      lock.lock();
      if (!planned) planner_wake_.wait_for(lock, std::chrono::milliseconds(1000), [&] { return stopping_; });
    }
  });
}

}  // namespace longnan::delivery
