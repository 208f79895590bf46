// The delivery end (配送端): each county's logistics network — its park (物流园), the
// township express stations (快递服务站), the village agent points (代办点) and town
// community points, with coordinates, opening hours and cold storage — the vehicles of its
// fleet, and the delivery tasks that paid same-city and village-point orders become (from
// the county's park to the point of the buyer's village or community).
//
// Thread-safety: Delivery may be used from any thread; the task feeder runs on its own
// thread and stops with the object. Each caller sees only their county's fleet and tasks.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "db/db.h"
#include "http/http.h"

namespace longnan::delivery {

// Demo network for every county of the database: a park at the county seat, a station per
// township, a point per village or community, placed deterministically inside the county's
// boundary; and three vehicles per county (one with cooling). Returns the nodes made.
int create_demo_network(db::Session& session, int64_t now_ms);

struct Options {
  int64_t feed_interval_ms = 2000;  // how often paid orders are turned into tasks
};

class Delivery {
 public:
  Delivery(db::Database& database, const core::Clock& clock, Options options = {});
  ~Delivery();
  void register_routes(http::Router& router);
  // Starts the feeder that turns paid same-city and village-point orders into delivery
  // tasks (once per order, whichever server gets there first) and cancels the open tasks of
  // cancelled orders.
  void start_feeder();
  // One feed (for tests and the feeder): returns how many tasks it made or cancelled.
  int feed_once();

 private:
  http::Response list_nodes(http::Request& request);
  http::Response create_node(http::Request& request);
  http::Response update_node(http::Request& request);
  http::Response list_vehicles(http::Request& request);
  http::Response create_vehicle(http::Request& request);
  http::Response update_vehicle(http::Request& request);
  http::Response list_tasks(http::Request& request);

  db::Database& database_;
  const core::Clock& clock_;
  Options options_;
  std::thread feeder_;
  std::mutex feeder_mutex_;
  std::condition_variable feeder_wake_;
  bool stopping_ = false;
};

}  // namespace longnan::delivery
