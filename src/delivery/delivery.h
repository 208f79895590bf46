// The delivery end (配送端): each county's logistics network — its park (物流园), the
// township express stations (快递服务站), the village agent points (代办点) and town
// community points, with coordinates, opening hours and cold storage — the vehicles of its
// fleet, and the delivery tasks that paid same-city and village-point orders become (from
// the county's park to the point of the buyer's village or community).
//
// Dispatch waves plan a node's open tasks of a day into vehicle runs with the route planner
// (src/routing) on a planner thread, never on the threads that answer requests.
//
// Thread-safety: Delivery may be used from any thread; the task feeder and the planner run
// on their own threads and stop with the object. Each caller sees only their county's
// fleet, tasks and waves.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "core/clock.h"
#include "core/crypto.h"
#include "db/db.h"
#include "delivery/geo.h"
#include "http/http.h"

namespace longnan::delivery {

// Demo network for every county of the database: a park at the county seat, a station per
// township, a point per village or community, placed deterministically inside the county's
// boundary; three vehicles at each park (one with cooling) and a light van at each station
// beyond the county town. Returns the nodes made.
int create_demo_network(db::Session& session, int64_t now_ms);

// Road distances (metres) and times (seconds) between nodes, by (from, to) node id.
using DistanceMatrix = std::map<std::pair<int64_t, int64_t>, std::pair<int64_t, int64_t>>;
// Reads a matrix file: CSV with the header from_node_id,to_node_id,distance_m,duration_s and
// one row per ordered pair (a pair missing from it is estimated from the coordinates).
// Errors name the file, the line and what is wrong.
core::Result<DistanceMatrix> read_distance_matrix(const std::string& path);

// Road distances and times between n places from a road router, row-major n×n (from, to);
// -1 where it knows no road.
struct RoadTable {
  std::vector<int64_t> distance_m, duration_s;
};
// Fetches a URL and returns the body of its 200 answer (the server's HTTP client).
using HttpGet = std::function<core::Result<std::string>(const std::string& url)>;
// The table of an OSRM server (`base_url` like http://127.0.0.1:5000, its /table/v1/driving
// service), asked in blocks of at most `block` × `block` places (OSRM's --max-table-size;
// its default is 100). Errors name what the router answered.
core::Result<RoadTable> osrm_table(const std::string& base_url, const std::vector<LatLng>& places, const HttpGet& get,
                                   size_t block = 100);

struct Options {
  int64_t feed_interval_ms = 2000;               // how often paid orders are turned into tasks
  double circuity = 1.4;                         // road km per great-circle km (mountain roads: about 1.4)
  double road_speed_kmh = 30;                    // average speed on those roads
  std::shared_ptr<const DistanceMatrix> matrix;  // road figures that replace everything else, where given
  // A road router (OSRM) for the pairs the matrix lacks; when it fails, the estimate is used.
  std::function<core::Result<RoadTable>(const std::vector<LatLng>&)> road_table;
};

class Delivery {
 public:
  Delivery(db::Database& database, const core::Clock& clock, const core::FieldCipher& cipher, Options options = {});
  ~Delivery();
  void register_routes(http::Router& router);
  // Starts the feeder that turns paid same-city and village-point orders into delivery
  // tasks (once per order, whichever server gets there first) and cancels the open tasks of
  // cancelled orders.
  void start_feeder();
  // One feed (for tests and the feeder): returns how many tasks it made or cancelled.
  int feed_once();
  // Starts the planner thread (the compute thread for route solving): it claims queued
  // dispatch waves — of any server, a guarded UPDATE decides — and plans them.
  void start_planner();
  // Claims and plans one wave; false when none was waiting.
  bool plan_next_wave();

 private:
  http::Response list_nodes(http::Request& request);
  http::Response create_node(http::Request& request);
  http::Response update_node(http::Request& request);
  http::Response list_vehicles(http::Request& request);
  http::Response create_vehicle(http::Request& request);
  http::Response update_vehicle(http::Request& request);
  http::Response list_tasks(http::Request& request);
  http::Response create_wave(http::Request& request);
  http::Response list_waves(http::Request& request);
  http::Response get_wave(http::Request& request);
  http::Response put_plan(http::Request& request);
  http::Response lock_run(http::Request& request);
  http::Response reoptimise_wave(http::Request& request);
  http::Response driver_runs(http::Request& request);
  http::Response driver_pickup(http::Request& request);
  http::Response driver_fail(http::Request& request);
  http::Response driver_handover(http::Request& request);
  http::Response order_delivery(http::Request& request);
  http::Response arrivals(http::Request& request);
  http::Response figures(http::Request& request);
  http::Response county_boundary_geojson(http::Request& request);

  db::Database& database_;
  const core::Clock& clock_;
  const core::FieldCipher& cipher_;  // recipients' phones, for the driver
  Options options_;
  std::thread feeder_;
  std::thread planner_;
  std::mutex background_mutex_;
  std::condition_variable feeder_wake_;
  std::condition_variable planner_wake_;
  bool stopping_ = false;
};

}  // namespace longnan::delivery
