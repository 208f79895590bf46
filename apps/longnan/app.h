// Wires the modules into one server: opens the database, runs migrations, builds the
// router with every module's routes and the operational endpoints.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/crypto.h"
#include "db/db.h"
#include "http/export.h"
#include "http/http.h"
#include "http/metrics.h"

namespace longnan::app {

struct Config {
  std::string db_url = "sqlite:var/longnan.db";
  std::string key_file = "var/secret.key";  // empty: a throwaway key (route listing only)
  size_t pool_size = 8;
  bool secure_cookies = false;
  int64_t list_cache_ms = 60'000;                      // how long a public listing page may be served from memory
  int64_t pay_timeout_ms = 30LL * 60 * 1000;           // unpaid orders are cancelled after this
  int64_t complete_after_ms = 7LL * 24 * 3600 * 1000;  // delivered orders complete after this
  std::string sandbox_secret;   // the sandbox payment provider's signing key; empty: derived from the key
  double circuity = 1.4;        // road km per great-circle km, for route planning
  double road_speed_kmh = 30;   // average speed of delivery vehicles, for route planning
  std::string distance_matrix;  // CSV of road distances and times between nodes; empty: estimates only
  std::string osrm_url;         // an OSRM server (http://host:port) for road distances; empty: none
  std::string public_url = "http://localhost:8080";  // scheme and host of the printed codes' links
  int64_t checkpoint_interval_ms = 60'000;           // how often the traceability log's checkpoint is signed
};

// Everything the request handlers share. Built once at start-up.
class App {
 public:
  // Opens the database (throws db::DbError with one readable line), runs migrations and
  // loads the reference data (divisions, platforms, categories, brands) when missing.
  explicit App(const Config& config);
  ~App();

  db::Database& database() { return *database_; }
  const core::FieldCipher& cipher() const { return cipher_; }
  const core::Clock& clock() const { return clock_; }
  const http::Router& router() const { return router_; }
  http::Metrics& metrics() { return metrics_; }
  // Starts background work (search index refresh); call before serving.
  void start_background();

 private:
  struct Modules;
  core::SystemClock clock_;
  std::unique_ptr<db::Database> database_;
  core::FieldCipher cipher_;
  http::Router router_;
  http::Metrics metrics_;
  std::unique_ptr<Modules> modules_;
};

// "METHOD /pattern" of every route the server answers, without opening a database.
std::vector<std::string> route_table();

struct ImportResult {
  size_t imported = 0;
  std::vector<http::RowError> errors;  // row by row; nothing was imported when not empty
};
// `longnan import KIND FILE --county CODE`: households, producers or products.
ImportResult import_file(App& app, const std::string& kind, const std::string& path, const std::string& county_code);

// `longnan add-user`: creates the first accounts of a deployment (a county or city admin)
// without the API. county_code is required for county roles. Returns the new id.
core::Result<int64_t> add_user(App& app, const std::string& phone, const std::string& name, const std::string& role,
                               const std::string& county_code, const std::string& password);

// Prepares the storage for `config`: makes the directory of a SQLite file.
void prepare_storage(const Config& config);

}  // namespace longnan::app
