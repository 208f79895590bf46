// Wires the modules into one server: opens the database, runs migrations, builds the
// router with every module's routes and the operational endpoints.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/crypto.h"
#include "db/db.h"
#include "http/http.h"
#include "http/metrics.h"

namespace longnan::app {

struct Config {
  std::string db_url = "sqlite:var/longnan.db";
  std::string key_file = "var/secret.key";
  size_t pool_size = 8;
  bool secure_cookies = false;
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

// Prepares the storage for `config`: makes the directory of a SQLite file.
void prepare_storage(const Config& config);

}  // namespace longnan::app
