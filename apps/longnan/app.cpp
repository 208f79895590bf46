#include "app.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <filesystem>

#include "audit/audit.h"
#include "auth/auth.h"
#include "catalog/catalog.h"
#include "http/json.h"
#include "region/region.h"

namespace longnan::app {

struct App::Modules {
  std::unique_ptr<auth::Auth> auth;
  std::unique_ptr<region::Region> region;
  std::unique_ptr<catalog::Catalog> catalog;
};

void prepare_storage(const Config& config) {
  std::error_code ignored;
  if (config.db_url.starts_with("sqlite:")) {
    auto parent = std::filesystem::path(config.db_url.substr(7)).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
  }
  auto key_parent = std::filesystem::path(config.key_file).parent_path();
  if (!key_parent.empty()) std::filesystem::create_directories(key_parent, ignored);
}

App::App(const Config& config)
    : database_((prepare_storage(config), db::Database::open(config.db_url, config.pool_size))),
      cipher_(core::FieldCipher::from_key_file(config.key_file)),
      modules_(std::make_unique<Modules>()) {
  database_->migrate();
  database_->write([&](db::Session& session) {
    region::load_reference_data(session, clock_.now_ms());
    catalog::load_reference_data(session);
  });

  modules_->auth = std::make_unique<auth::Auth>(*database_, clock_, auth::Options{.secure_cookies = config.secure_cookies});
  modules_->auth->register_routes(router_);
  modules_->region = std::make_unique<region::Region>(*database_, clock_, cipher_);
  modules_->region->register_routes(router_);
  modules_->catalog = std::make_unique<catalog::Catalog>(*database_, clock_);
  modules_->catalog->register_routes(router_);
  audit::register_routes(router_, *database_);

  // GET /healthz: the process is up.
  router_.add(http::Method::kGet, "/healthz", [](http::Request&) {
    return http::json_response(boost::json::object{{"status", "ok"}});
  });
  // GET /readyz: the database answers and its schema is current.
  router_.add(http::Method::kGet, "/readyz", [this](http::Request& request) {
    try {
      int version = database_->schema_version();
      return http::json_response(boost::json::object{{"status", "ready"}, {"schema_version", version}});
    } catch (const std::exception&) {
      return http::json_response(boost::json::object{{"status", "database unavailable"}}, 503);
    }
  });
  // GET /metrics: Prometheus text format.
  router_.add(http::Method::kGet, "/metrics", [this](http::Request&) {
    auto pool = database_->pool_stats();
    std::string extra = fmt::format(
        "# HELP longnan_db_pool_connections Database connections in the pool.\n"
        "# TYPE longnan_db_pool_connections gauge\nlongnan_db_pool_connections {}\n"
        "# HELP longnan_db_pool_in_use Database connections leased right now.\n"
        "# TYPE longnan_db_pool_in_use gauge\nlongnan_db_pool_in_use {}\n"
        "# HELP longnan_db_pool_waits_total Leases that waited for a free connection.\n"
        "# TYPE longnan_db_pool_waits_total counter\nlongnan_db_pool_waits_total {}\n",
        pool.size, pool.in_use, pool.waits);
    http::Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics_.render(extra);
    return response;
  });
}

App::~App() = default;

void App::start_background() { modules_->catalog->start_index(); }

}  // namespace longnan::app
