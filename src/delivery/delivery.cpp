#include "delivery/delivery.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace longnan::delivery {

Delivery::Delivery(db::Database& database, const core::Clock& clock, const core::FieldCipher& cipher, Options options)
    : database_(database), clock_(clock), cipher_(cipher), options_(options) {}

Delivery::~Delivery() {
  {
    std::lock_guard lock(background_mutex_);
    stopping_ = true;
  }
  feeder_wake_.notify_all();
  planner_wake_.notify_all();
  if (feeder_.joinable()) feeder_.join();
  if (planner_.joinable()) planner_.join();
}

void Delivery::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/logistics-nodes", [this](http::Request& r) { return list_nodes(r); });
  router.add(Method::kPost, "/api/v1/logistics-nodes", [this](http::Request& r) { return create_node(r); });
  router.add(Method::kPatch, "/api/v1/logistics-nodes/{id}", [this](http::Request& r) { return update_node(r); });
  router.add(Method::kGet, "/api/v1/vehicles", [this](http::Request& r) { return list_vehicles(r); });
  router.add(Method::kPost, "/api/v1/vehicles", [this](http::Request& r) { return create_vehicle(r); });
  router.add(Method::kPatch, "/api/v1/vehicles/{id}", [this](http::Request& r) { return update_vehicle(r); });
  router.add(Method::kGet, "/api/v1/delivery-tasks", [this](http::Request& r) { return list_tasks(r); });
  router.add(Method::kPost, "/api/v1/dispatch/waves", [this](http::Request& r) { return create_wave(r); });
  router.add(Method::kGet, "/api/v1/dispatch/waves", [this](http::Request& r) { return list_waves(r); });
  router.add(Method::kGet, "/api/v1/dispatch/waves/{id}", [this](http::Request& r) { return get_wave(r); });
  router.add(Method::kPut, "/api/v1/dispatch/waves/{id}/plan", [this](http::Request& r) { return put_plan(r); });
  router.add(Method::kPost, "/api/v1/dispatch/waves/{id}/reoptimise",
             [this](http::Request& r) { return reoptimise_wave(r); });
  router.add(Method::kPost, "/api/v1/dispatch/runs/{id}/lock", [this](http::Request& r) { return lock_run(r); });
  router.add(Method::kGet, "/api/v1/driver/runs", [this](http::Request& r) { return driver_runs(r); });
  router.add(Method::kPost, "/api/v1/driver/tasks/{id}/pickup", [this](http::Request& r) { return driver_pickup(r); });
  router.add(Method::kPost, "/api/v1/driver/tasks/{id}/fail", [this](http::Request& r) { return driver_fail(r); });
  router.add(Method::kPost, "/api/v1/driver/handover", [this](http::Request& r) { return driver_handover(r); });
  router.add(Method::kGet, "/api/v1/counties/{code}/boundary",
             [this](http::Request& r) { return county_boundary_geojson(r); });
  router.add(Method::kGet, "/api/v1/orders/{id}/delivery", [this](http::Request& r) { return order_delivery(r); });
  router.add(Method::kGet, "/api/v1/delivery/arrivals", [this](http::Request& r) { return arrivals(r); });
  router.add(Method::kGet, "/api/v1/delivery/figures", [this](http::Request& r) { return figures(r); });
}

void Delivery::start_feeder() {
  feeder_ = std::thread([this] {
    std::unique_lock lock(background_mutex_);
    while (!stopping_) {
      feeder_wake_.wait_for(lock, std::chrono::milliseconds(options_.feed_interval_ms), [&] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      try {
        if (int changed = feed_once()) spdlog::info("{} delivery task(s) made or settled", changed);
      } catch (const std::exception& error) {
        spdlog::warn("delivery task feed failed: {}", error.what());
      }
      lock.lock();
    }
  });
}

}  // namespace longnan::delivery
