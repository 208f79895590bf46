// The JSON problem format, and plans written as JSON.
//
// A problem is one object. Times are seconds, distances metres, money in any one unit
// (fen); every field but "jobs" and "vehicles" and the travel data is optional:
//
// {
//   "name": "Chengxian, Tuesday",
//   // Travel data, either a matrix ...
//   "matrix": {"distance": [[0, 1200], [1250, 0]],     // metres, from row to column
//              "duration": [[0, 180], [190, 0]]},      // seconds
//   // ... or coordinates: great-circle distance × circuity, at speed_kmh.
//   "locations": [{"lat": 33.74, "lng": 105.72}, ...],
//   "circuity": 1.4, "speed_kmh": 30,
//   "jobs": [{"id": "order-17",
//             "location": 1,                   // index, or "lat"/"lng" (coordinates only)
//             "demand": [12, 30],              // [kg, litres], or one number: kg
//             "window": [28800, 43200],        // service may start within [ready, due]
//             "service": 300,
//             "cold": true}],                  // needs a cold vehicle
//   "vehicles": [{"id": "gan-A1234",
//                 "start": 0, "end": 0,        // location indices (or {"lat","lng"} objects)
//                 "capacity": [800, 2000],     // [kg, litres], or one number: kg
//                 "shift": [25200, 64800],     // leave start no earlier, reach end no later
//                 "max_duration": 28800,
//                 "cold": false,
//                 "cost_per_km": 150, "cost_per_hour": 3000, "fixed_cost": 20000}]
// }
//
// Defaults: window [0, unlimited], service 0, demand 0, cold false, end = start, capacity
// and shift unlimited, cost_per_km 1, cost_per_hour 0, fixed_cost 0, circuity 1.4,
// speed_kmh 30. A missing litre dimension means unlimited litre capacity, 0 litres demand.
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>

#include "routing/internal.h"
#include "routing/routing.h"

namespace longnan::routing {
namespace {

namespace json = boost::json;

constexpr double kEarthRadiusM = 6371008.8;
constexpr double kDefaultCircuity = 1.4;
constexpr double kDefaultSpeedKmh = 30;

struct LatLng {
  double lat = 0;
  double lng = 0;
};

double great_circle_m(const LatLng& a, const LatLng& b) {
  constexpr double kRad = std::numbers::pi / 180;
  const double dlat = (b.lat - a.lat) * kRad, dlng = (b.lng - a.lng) * kRad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dlng / 2) * std::sin(dlng / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

// Thrown inside this file only, caught by parse_problem_json: the path of the element at
// fault and what is wrong with it.
struct FieldError {
  std::string path;
  std::string what;
};

const json::value* member(const json::object& object, std::string_view key) { return object.if_contains(key); }

double as_number(const json::value& value, const std::string& path) {
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  if (value.is_double() && std::isfinite(value.get_double())) return value.get_double();
  throw FieldError{path, "expected a number"};
}

int64_t as_int(const json::value& value, const std::string& path, int64_t min = 0, int64_t max = int64_t{1} << 50) {
  const double number = as_number(value, path);
  if (number != std::floor(number)) throw FieldError{path, "expected a whole number"};
  if (number < static_cast<double>(min) || number > static_cast<double>(max))
    throw FieldError{path, "must be from " + std::to_string(min) + " to " + std::to_string(max)};
  return static_cast<int64_t>(number);
}

const json::object& as_object(const json::value& value, const std::string& path) {
  if (!value.is_object()) throw FieldError{path, "expected an object"};
  return value.get_object();
}

const json::array& as_array(const json::value& value, const std::string& path) {
  if (!value.is_array()) throw FieldError{path, "expected an array"};
  return value.get_array();
}

bool as_bool(const json::value& value, const std::string& path) {
  if (!value.is_bool()) throw FieldError{path, "expected true or false"};
  return value.get_bool();
}

// A pair [a, b] of whole numbers.
std::pair<int64_t, int64_t> as_pair(const json::value& value, const std::string& path) {
  const json::array& pair = as_array(value, path);
  if (pair.size() != 2) throw FieldError{path, "expected two numbers"};
  return {as_int(pair[0], path + "[0]"), as_int(pair[1], path + "[1]")};
}

// One number (kg) or [kg, litres]; `missing_litres` fills the second dimension.
Load as_load(const json::value& value, const std::string& path, int64_t missing_litres) {
  if (!value.is_array()) return {as_int(value, path, -(int64_t{1} << 50)), missing_litres};
  const json::array& dims = value.get_array();
  if (dims.empty() || dims.size() > kLoadDimensions) throw FieldError{path, "expected [kg] or [kg, litres]"};
  Load load{as_int(dims[0], path + "[0]", -(int64_t{1} << 50)), missing_litres};
  if (dims.size() == 2) load[1] = as_int(dims[1], path + "[1]", -(int64_t{1} << 50));
  return load;
}

LatLng as_lat_lng(const json::object& object, const std::string& path) {
  const json::value* lat = member(object, "lat");
  const json::value* lng = member(object, "lng");
  if (!lat || !lng) throw FieldError{path, "expected \"lat\" and \"lng\""};
  LatLng point{as_number(*lat, path + ".lat"), as_number(*lng, path + ".lng")};
  if (std::fabs(point.lat) > 90 || std::fabs(point.lng) > 180)
    throw FieldError{path, "latitude or longitude out of range"};
  return point;
}

std::string as_id(const json::value* value, const std::string& path, size_t index) {
  if (!value) return std::to_string(index);
  if (value->is_string()) return std::string(value->get_string());
  if (value->is_int64() || value->is_uint64()) return json::serialize(*value);
  throw FieldError{path, "expected a string or a whole number"};
}

class JsonProblemBuilder {
 public:
  Problem build(const json::value& root);

 private:
  // A location reference: an index, or (coordinates only) an object with lat/lng.
  int location(const json::value& value, const std::string& path);
  void read_travel(const json::object& root);
  void read_jobs(const json::array& jobs);
  void read_vehicles(const json::array& vehicles);
  void fill_matrix_from_coordinates(const json::object& root);

  Problem problem_;
  bool coordinates_ = false;
  std::vector<LatLng> points_;
};

int JsonProblemBuilder::location(const json::value& value, const std::string& path) {
  if (value.is_object()) {
    if (!coordinates_) throw FieldError{path, "lat/lng needs \"locations\" instead of \"matrix\""};
    points_.push_back(as_lat_lng(value.get_object(), path));
    return static_cast<int>(points_.size()) - 1;
  }
  const int64_t count = coordinates_ ? static_cast<int64_t>(points_.size()) : problem_.num_locations;
  if (count == 0) throw FieldError{path, "no locations to index"};
  return static_cast<int>(as_int(value, path, 0, count - 1));
}

void JsonProblemBuilder::read_travel(const json::object& root) {
  const json::value* matrix = member(root, "matrix");
  const json::value* locations = member(root, "locations");
  if (matrix && locations) throw FieldError{"matrix", "give either \"matrix\" or \"locations\", not both"};
  if (!matrix && !locations) throw FieldError{"matrix", "missing: give \"matrix\" or \"locations\""};
  if (locations) {
    coordinates_ = true;
    const json::array& points = as_array(*locations, "locations");
    for (size_t index = 0; index < points.size(); ++index) {
      const std::string path = "locations[" + std::to_string(index) + "]";
      points_.push_back(as_lat_lng(as_object(points[index], path), path));
    }
    return;
  }
  const json::object& tables = as_object(*matrix, "matrix");
  for (const char* name : {"distance", "duration"}) {
    const json::value* table = member(tables, name);
    const std::string path = std::string("matrix.") + name;
    if (!table) throw FieldError{path, "missing"};
    const json::array& rows = as_array(*table, path);
    if (rows.empty() || rows.size() > 20000) throw FieldError{path, "expected 1 to 20000 rows"};
    if (problem_.num_locations == 0) problem_.num_locations = static_cast<int>(rows.size());
    if (rows.size() != static_cast<size_t>(problem_.num_locations))
      throw FieldError{path, "distance and duration must have the same size"};
    std::vector<int64_t>& cells = name[1] == 'i' ? problem_.distance : problem_.duration;
    for (size_t from = 0; from < rows.size(); ++from) {
      const std::string row_path = path + "[" + std::to_string(from) + "]";
      const json::array& row = as_array(rows[from], row_path);
      if (row.size() != rows.size()) throw FieldError{row_path, "expected " + std::to_string(rows.size()) + " numbers"};
      for (size_t to = 0; to < row.size(); ++to)
        cells.push_back(as_int(row[to], row_path + "[" + std::to_string(to) + "]", 0, 1'000'000'000));
    }
  }
}

void JsonProblemBuilder::read_jobs(const json::array& jobs) {
  for (size_t index = 0; index < jobs.size(); ++index) {
    const std::string path = "jobs[" + std::to_string(index) + "]";
    const json::object& object = as_object(jobs[index], path);
    Job job;
    job.id = as_id(member(object, "id"), path + ".id", index);
    if (const json::value* at = member(object, "location")) {
      job.location = location(*at, path + ".location");
    } else if (member(object, "lat")) {
      job.location = location(jobs[index], path);
    } else {
      throw FieldError{path, "missing \"location\" (or \"lat\"/\"lng\")"};
    }
    if (const json::value* demand = member(object, "demand")) job.demand = as_load(*demand, path + ".demand", 0);
    if (const json::value* window = member(object, "window")) {
      auto [ready, due] = as_pair(*window, path + ".window");
      job.ready = ready;
      job.due = due;
    }
    if (const json::value* service = member(object, "service")) job.service = as_int(*service, path + ".service");
    if (const json::value* cold = member(object, "cold")) job.needs_cold = as_bool(*cold, path + ".cold");
    problem_.jobs.push_back(std::move(job));
  }
}

void JsonProblemBuilder::read_vehicles(const json::array& vehicles) {
  for (size_t index = 0; index < vehicles.size(); ++index) {
    const std::string path = "vehicles[" + std::to_string(index) + "]";
    const json::object& object = as_object(vehicles[index], path);
    Vehicle vehicle;
    vehicle.id = as_id(member(object, "id"), path + ".id", index);
    const json::value* start = member(object, "start");
    if (!start) throw FieldError{path, "missing \"start\""};
    vehicle.start = location(*start, path + ".start");
    const json::value* end = member(object, "end");
    vehicle.end = end ? location(*end, path + ".end") : vehicle.start;
    if (const json::value* capacity = member(object, "capacity"))
      vehicle.capacity = as_load(*capacity, path + ".capacity", kUnlimited);
    if (const json::value* shift = member(object, "shift")) {
      auto [from, to] = as_pair(*shift, path + ".shift");
      vehicle.shift_start = from;
      vehicle.shift_end = to;
    }
    if (const json::value* limit = member(object, "max_duration"))
      vehicle.max_duration = as_int(*limit, path + ".max_duration");
    if (const json::value* cold = member(object, "cold")) vehicle.cold = as_bool(*cold, path + ".cold");
    if (const json::value* cost = member(object, "cost_per_km"))
      vehicle.cost_per_km = as_int(*cost, path + ".cost_per_km");
    if (const json::value* cost = member(object, "cost_per_hour"))
      vehicle.cost_per_hour = as_int(*cost, path + ".cost_per_hour");
    if (const json::value* cost = member(object, "fixed_cost"))
      vehicle.fixed_cost = as_int(*cost, path + ".fixed_cost");
    problem_.vehicles.push_back(std::move(vehicle));
  }
}

void JsonProblemBuilder::fill_matrix_from_coordinates(const json::object& root) {
  double circuity = kDefaultCircuity, speed_kmh = kDefaultSpeedKmh;
  if (const json::value* value = member(root, "circuity")) circuity = as_number(*value, "circuity");
  if (const json::value* value = member(root, "speed_kmh")) speed_kmh = as_number(*value, "speed_kmh");
  if (circuity < 1 || circuity > 10) throw FieldError{"circuity", "must be from 1 to 10"};
  if (speed_kmh <= 0 || speed_kmh > 1000) throw FieldError{"speed_kmh", "must be above 0 and at most 1000"};
  if (points_.empty()) throw FieldError{"locations", "no locations"};
  if (points_.size() > 20000) throw FieldError{"locations", "more than 20000 locations"};
  const int n = static_cast<int>(points_.size());
  problem_.num_locations = n;
  problem_.distance.resize(static_cast<size_t>(n) * n);
  problem_.duration.resize(static_cast<size_t>(n) * n);
  const double metres_per_second = speed_kmh / 3.6;
  for (int from = 0; from < n; ++from) {
    for (int to = 0; to < n; ++to) {
      const double metres = great_circle_m(points_[from], points_[to]) * circuity;
      problem_.distance[static_cast<size_t>(from) * n + to] = std::llround(metres);
      problem_.duration[static_cast<size_t>(from) * n + to] =
          static_cast<int64_t>(std::ceil(metres / metres_per_second));
    }
  }
}

Problem JsonProblemBuilder::build(const json::value& root_value) {
  const json::object& root = as_object(root_value, "(top level)");
  if (const json::value* name = member(root, "name")) {
    if (!name->is_string()) throw FieldError{"name", "expected a string"};
    problem_.name = std::string(name->get_string());
  }
  read_travel(root);
  const json::value* jobs = member(root, "jobs");
  if (!jobs) throw FieldError{"jobs", "missing"};
  const json::value* vehicles = member(root, "vehicles");
  if (!vehicles) throw FieldError{"vehicles", "missing"};
  read_jobs(as_array(*jobs, "jobs"));
  read_vehicles(as_array(*vehicles, "vehicles"));
  if (coordinates_) fill_matrix_from_coordinates(root);
  problem_.distance_units_per_km = 1000;
  problem_.time_units_per_hour = 3600;
  return std::move(problem_);
}

std::string json_id(const std::string& id) {
  const bool numeric = !id.empty() && id.size() < 16 && id.find_first_not_of("0123456789") == std::string::npos &&
                       (id == "0" || id[0] != '0');
  return numeric ? id : json::serialize(json::value(id));
}

}  // namespace

core::Result<Problem> parse_problem_json(std::string_view text, const std::string& name) {
  json::stream_parser parser;
  boost::system::error_code ec;
  size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    const int line =
        1 + static_cast<int>(std::count(text.begin(), text.begin() + std::min(consumed, text.size()), '\n'));
    return core::bad_request(name + ":" + std::to_string(line) + ": JSON syntax error: " + ec.message());
  }
  Problem problem;
  try {
    problem = JsonProblemBuilder().build(parser.release());
  } catch (const FieldError& error) {
    return core::bad_request(name + ": " + error.path + ": " + error.what);
  }
  if (auto issue = find_problem_issue(problem)) {
    std::string where;
    if (issue->job >= 0) where = "jobs[" + std::to_string(issue->job) + "]: ";
    if (issue->vehicle >= 0) where = "vehicles[" + std::to_string(issue->vehicle) + "]: ";
    return core::bad_request(name + ": " + where + issue->what);
  }
  return problem;
}

core::Result<Problem> read_problem_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::bad_request(path + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_problem_json(text.str(), path);
}

std::string plan_to_json(const Problem& problem, const Plan& plan) {
  std::string out = "{\"routes\":[";
  bool first_route = true;
  for (const Route& route : plan.routes) {
    if (route.jobs.empty()) continue;
    out += first_route ? "[" : ",[";
    first_route = false;
    for (size_t at = 0; at < route.jobs.size(); ++at) {
      const int job = route.jobs[at];
      if (at > 0) out += ",";
      out += job >= 0 && job < static_cast<int>(problem.jobs.size()) ? json_id(problem.jobs[job].id) : "null";
    }
    out += "]";
  }
  char tail[96];
  std::snprintf(tail, sizeof tail, "],\"distance\":%.2f,\"vehicles\":%d}", reported_distance(problem, plan),
                used_vehicles(plan));
  return out + tail;
}

}  // namespace longnan::routing
