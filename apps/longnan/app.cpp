#include "app.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/audit.h"
#include "auth/auth.h"
#include "catalog/catalog.h"
#include "core/validate.h"
#include "delivery/delivery.h"
#include "files/files.h"
#include "http/json.h"
#include "orders/orders.h"
#include "region/region.h"
#include "server/http_client.h"
#include "sheet/sheet.h"
#include "trace/trace.h"

namespace longnan::app {

struct App::Modules {
  std::unique_ptr<auth::Auth> auth;
  std::unique_ptr<region::Region> region;
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<files::Files> files;
  std::unique_ptr<orders::Orders> orders;
  std::unique_ptr<delivery::Delivery> delivery;
  std::unique_ptr<trace::Trace> trace;
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

namespace {
// The key that encrypts household personal data. A missing key file is created only for a
// database without encrypted data: otherwise a new key would make every row unreadable.
core::FieldCipher open_cipher(const Config& config, db::Database& database) {
  if (config.key_file.empty()) return core::FieldCipher(core::random_hex(16));
  if (!std::filesystem::exists(config.key_file)) {
    // Every table with encrypted columns; one that does not exist yet holds nothing.
    int64_t encrypted = 0;
    database.with_session([&](db::Session& session) {
      for (const char* table : {"households", "addresses", "orders"}) {
        try {
          encrypted += session.scalar(std::string("SELECT COUNT(*) FROM ") + table);
        } catch (const db::DbError&) {
        }
      }
    });
    if (encrypted > 0)
      throw std::runtime_error("key file " + config.key_file +
                               " is missing but the database holds encrypted personal data: restore the key file");
  }
  return core::FieldCipher::from_key_file(config.key_file);
}
}  // namespace

namespace {
// The road distance matrix of the configuration, read once at start; a bad file stops the
// server with one line naming the file and the line.
std::shared_ptr<const delivery::DistanceMatrix> distance_matrix(const Config& config) {
  if (config.distance_matrix.empty()) return nullptr;
  auto matrix = delivery::read_distance_matrix(config.distance_matrix);
  if (!matrix) throw std::runtime_error(matrix.error().message);
  return std::make_shared<const delivery::DistanceMatrix>(std::move(*matrix));
}

// The road router of the configuration: OSRM's table service, ten seconds per request.
std::function<core::Result<delivery::RoadTable>(const std::vector<delivery::LatLng>&)> road_table(
    const Config& config) {
  if (config.osrm_url.empty()) return nullptr;
  if (!config.osrm_url.starts_with("http://"))
    throw std::runtime_error("--osrm-url must be an http:// URL such as http://127.0.0.1:5000");
  return [url = config.osrm_url](const std::vector<delivery::LatLng>& places) {
    return delivery::osrm_table(
        url, places, [](const std::string& target) { return server::http_get(target, std::chrono::seconds(10)); });
  };
}
}  // namespace

App::App(const Config& config)
    : database_((prepare_storage(config), db::Database::open(config.db_url, config.pool_size))),
      cipher_(open_cipher(config, *database_)),
      modules_(std::make_unique<Modules>()) {
  database_->migrate({{16, trace::fill_event_keys}});
  database_->write_exclusive([&](db::Session& session) {
    region::load_reference_data(session, clock_.now_ms());
    catalog::load_reference_data(session);
  });

  modules_->auth =
      std::make_unique<auth::Auth>(*database_, clock_, auth::Options{.secure_cookies = config.secure_cookies});
  modules_->auth->register_routes(router_);
  modules_->region = std::make_unique<region::Region>(*database_, clock_, cipher_);
  modules_->region->register_routes(router_);
  modules_->catalog = std::make_unique<catalog::Catalog>(*database_, clock_);
  modules_->catalog->register_routes(router_);
  modules_->catalog->set_cache_ttl_ms(config.list_cache_ms);
  modules_->files = std::make_unique<files::Files>(*database_, clock_);
  modules_->files->register_routes(router_);
  modules_->orders = std::make_unique<orders::Orders>(
      *database_, clock_, cipher_,
      orders::Options{.pay_timeout_ms = config.pay_timeout_ms,
                      .complete_after_ms = config.complete_after_ms,
                      .sandbox_secret = config.sandbox_secret.empty()
                                            ? cipher_.lookup_hash("sandbox payment notifications")
                                            : config.sandbox_secret});
  modules_->orders->register_routes(router_);
  modules_->delivery = std::make_unique<delivery::Delivery>(*database_, clock_, cipher_,
                                                            delivery::Options{.circuity = config.circuity,
                                                                              .road_speed_kmh = config.road_speed_kmh,
                                                                              .matrix = distance_matrix(config),
                                                                              .road_table = road_table(config)});
  modules_->delivery->register_routes(router_);
  // Checkpoints of the traceability log are signed with a key derived from the key file, so
  // every server of a deployment signs with the same key.
  modules_->trace = std::make_unique<trace::Trace>(
      *database_, clock_, cipher_,
      trace::Options{.public_base = config.public_url,
                     .signing_key = trace::SigningKey::from_seed_hex(cipher_.lookup_hash("trace checkpoint key")),
                     .checkpoint_interval_ms = config.checkpoint_interval_ms});
  modules_->trace->register_routes(router_);
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
      return http::error_response(request, 503, "unavailable", "the database does not answer");
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

ImportResult import_file(App& app, const std::string& kind, const std::string& path, const std::string& county_code) {
  ImportResult result;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  core::Table table;
  std::string error;
  bool read = path.ends_with(".xlsx") ? sheet::read_xlsx(bytes.str(), table, error)
                                      : core::parse_csv(bytes.str(), table, error);
  if (!read || table.size() < 2) {
    result.errors.push_back({0, "file", read ? "the file needs a header row and at least one data row" : error});
    return result;
  }
  const int64_t now = app.clock().now_ms();
  auto status = app.database().transaction([&](db::Session& session) -> core::Status {
    auto platform = session.query_one("SELECT id FROM platforms WHERE county_code = :c", {county_code});
    if (!platform) {
      result.errors.push_back({0, "county", "no platform for county code " + county_code});
      return core::invalid("county", "unknown county");
    }
    int64_t platform_id = platform->integer(0);
    std::vector<int64_t> ids;
    if (kind == "households")
      ids = region::import_households(session, app.cipher(), table, platform_id, now, result.errors);
    else if (kind == "producers")
      ids = catalog::import_producers(session, table, platform_id, now, result.errors);
    else
      ids = catalog::import_products(session, table, platform_id, std::nullopt, "import", now, result.errors);
    if (!result.errors.empty()) return core::invalid("file", "rows have errors");
    result.imported = ids.size();
    audit::record_system(
        session, {platform_id, kind.substr(0, kind.size() - 1), 0, "import", nullptr, audit::import_summary(ids)},
        "longnan import " + path, now);
    return core::Status();
  });
  if (!status) result.imported = 0;
  return result;
}

core::Result<int64_t> add_user(App& app, const std::string& phone, const std::string& name, const std::string& role,
                               const std::string& county_code, const std::string& password) {
  auto parsed_role = core::parse_role(role);
  if (!parsed_role) return core::invalid("role", "unknown role " + role);
  if (!core::valid_mobile(phone)) return core::invalid("phone", "phone must be an 11-digit mobile number");
  if (name.empty() || core::utf8_length(name) > 50 || !core::valid_text(name))
    return core::invalid("name", "name must be 1 to 50 characters");
  if (core::utf8_length(password) < 8) return core::invalid("password", "the password needs at least 8 characters");
  const bool county_role = *parsed_role == core::Role::kCountyAdmin || *parsed_role == core::Role::kCourier;
  if (*parsed_role == core::Role::kStoreKeeper || *parsed_role == core::Role::kSupplier)
    return core::invalid("role",
                         "store keepers and suppliers belong to a store or producer: a county admin creates them with "
                         "POST /api/v1/users");
  if (county_role && county_code.empty()) return core::invalid("county", "this role needs --county");
  int64_t id = 0;
  const int64_t now = app.clock().now_ms();
  try {
    auto status = app.database().transaction([&](db::Session& session) -> core::Status {
      std::optional<int64_t> platform_id;
      if (!county_code.empty()) {
        auto platform = session.query_one("SELECT id FROM platforms WHERE county_code = :c", {county_code});
        if (!platform) return core::invalid("county", "no platform for county code " + county_code);
        platform_id = platform->integer(0);
      }
      id = auth::create_user(session, {phone, name, password, *parsed_role, platform_id}, now);
      audit::record_system(session,
                           {platform_id, "user", id, "create", nullptr,
                            boost::json::object{{"phone", phone}, {"name", name}, {"role", role}}},
                           "longnan add-user", now);
      return core::Status();
    });
    if (!status) return status.error();
  } catch (const db::UniqueViolation&) {
    return core::conflict("an account with this phone number exists", "phone");
  }
  return id;
}

std::vector<std::string> route_table() {
  // The routes are registered by the modules when an App is built: build one on a
  // throwaway in-memory database with a throwaway key.
  App app(Config{.db_url = "sqlite::memory:", .key_file = "", .pool_size = 1});
  std::vector<std::string> lines;
  for (const auto& route : app.router().routes())
    lines.push_back(std::string(http::method_name(route.method)) + " " + route.pattern);
  return lines;
}

void App::start_background() {
  modules_->catalog->start_index();
  modules_->orders->start_sweeper();
  modules_->delivery->start_feeder();
  modules_->delivery->start_planner();
  modules_->trace->start_background();
}

}  // namespace longnan::app
