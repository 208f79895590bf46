// longnan: one binary for the platform. Subcommands: serve, migrate, demo-data, import,
// add-user, routes, version. Every failure the user can cause ends in one line on stderr and exit code 1.
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "app.h"
#include "core/crypto.h"
#include "db/db.h"
#include "demo_data.h"
#include "orders/orders.h"
#include "routing/routing.h"
#include "server/http_client.h"
#include "server/server.h"
#include "trace/trace.h"

namespace {

using longnan::app::Config;

void add_storage_options(CLI::App* command, Config& config) {
  command->add_option("--db", config.db_url, "database: sqlite:PATH or postgresql://…")
      ->envname("LONGNAN_DB")
      ->capture_default_str();
  command
      ->add_option("--key-file", config.key_file,
                   "key that encrypts personal data (created when absent, only for a database without encrypted data)")
      ->envname("LONGNAN_KEY_FILE")
      ->capture_default_str();
}

int fail(const std::string& message) {
  std::cerr << "longnan: " << message << "\n";
  return 1;
}

// `longnan trace cosign`: an auditor signs a server's latest checkpoint with their own key,
// kept in a file of their own (a 32-byte Ed25519 seed in hex, made on first use).
int cosign_checkpoint(const std::string& server, const std::string& seed_file) {
  using namespace longnan::trace;
  std::optional<SigningKey> key;
  if (std::ifstream in(seed_file); in) {
    std::string seed;
    std::getline(in, seed);
    key = SigningKey::from_seed_hex(seed);
    if (!key) return fail(seed_file + ": not an auditor's key (64 hex digits)");
  } else {
    key = SigningKey::generate();
    std::ofstream out(seed_file);
    if (!out) return fail(seed_file + ": cannot write the new key");
    std::string seed;
    static constexpr char kHex[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; ++i) seed += {kHex[key->secret[i] >> 4], kHex[key->secret[i] & 15]};
    out << seed << "\n";
    std::cerr << "made a new auditor's key in " << seed_file << ": keep it private\n";
  }
  auto body = longnan::server::http_get(server + "/api/v1/trace/checkpoints/latest", std::chrono::seconds(10));
  if (!body) return fail(body.error().message);
  boost::system::error_code error;
  auto json = boost::json::parse(*body, error);
  if (error || !json.is_object()) return fail("the server's checkpoint is not JSON");
  try {
    const auto& object = json.as_object();
    Checkpoint checkpoint{std::string(object.at("origin").as_string()),
                          static_cast<uint64_t>(object.at("tree_size").as_int64()),
                          from_hex(object.at("root").as_string()).value_or(Hash{}), object.at("time").as_int64()};
    if (!verify_checkpoint(checkpoint, object.at("signature").as_string(), object.at("public_key").as_string()))
      return fail("the server's own signature of the checkpoint does not verify: not co-signing it");
    std::cout << boost::json::serialize(boost::json::object{{"id", object.at("id")},
                                                            {"public_key", key->public_hex()},
                                                            {"signature", sign_checkpoint(checkpoint, *key)}})
              << "\n";
    return 0;
  } catch (const std::exception&) {
    return fail("the server's checkpoint lacks a field");
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Freed memory is kept for the next allocation instead of given back to the system and
  // faulted in again, zeroed, moments later: a scan page's answer and `trace verify`'s
  // chunks of 20,000 events are allocated and freed over and over (page faults were 5–8 %
  // of their time). Blocks up to 32 MB come from the heap, which keeps up to 512 MB free.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
  CLI::App cli{"Longnan: e-commerce for mountain villages, from field to doorstep"};
  cli.require_subcommand(1);
  cli.fallthrough();  // --log-level may follow the subcommand too
  cli.failure_message(
      [](const CLI::App*, const CLI::Error& error) { return std::string(error.what()) + " (run longnan --help)\n"; });

  Config config;
  longnan::server::Options server_options;
  std::string log_level = "info";
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error")->envname("LONGNAN_LOG_LEVEL");

  auto* serve = cli.add_subcommand("serve", "serve the web app and the API");
  add_storage_options(serve, config);
  serve->add_option("--port", server_options.port, "TCP port")->envname("LONGNAN_PORT")->capture_default_str();
  serve->add_option("--address", server_options.address, "listen address")
      ->envname("LONGNAN_ADDRESS")
      ->capture_default_str();
  serve->add_option("--threads", server_options.threads, "I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve
      ->add_option("--compute-threads", server_options.compute_threads,
                   "threads for password hashing, imports and exports")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve
      ->add_option("--write-threads", server_options.write_threads,
                   "threads for requests that change data (they wait for the database's group commit)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  serve->add_option("--pool", config.pool_size, "database connections")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  server_options.static_dir = "web/dist";
  serve->add_option("--static-dir", server_options.static_dir, "built web app")
      ->envname("LONGNAN_STATIC_DIR")
      ->capture_default_str();
  serve->add_flag("--secure-cookies", config.secure_cookies, "mark cookies Secure (behind HTTPS)");
  serve
      ->add_option("--trusted-proxy", server_options.trusted_proxy,
                   "address of a reverse proxy whose X-Forwarded-For names the client (e.g. 127.0.0.1 behind nginx)")
      ->envname("LONGNAN_TRUSTED_PROXY");
  int pay_timeout_s = 1800;
  serve
      ->add_option("--pay-timeout-seconds", pay_timeout_s,
                   "unpaid orders are cancelled after this and their stock released")
      ->check(CLI::Range(1, 7 * 24 * 3600))
      ->capture_default_str();
  double auto_complete_days = 7;
  serve
      ->add_option("--auto-complete-days", auto_complete_days,
                   "delivered orders complete after this many days, closing the after-sales window (fractions allowed)")
      ->check(CLI::Range(0.00001, 365.0))
      ->capture_default_str();
  serve
      ->add_option("--circuity", config.circuity,
                   "road km per great-circle km when planning routes (mountain roads: about 1.4)")
      ->check(CLI::Range(1.0, 5.0))
      ->capture_default_str();
  serve
      ->add_option("--road-speed-kmh", config.road_speed_kmh, "average speed of delivery vehicles when planning routes")
      ->check(CLI::Range(5.0, 120.0))
      ->capture_default_str();
  serve
      ->add_option("--distance-matrix", config.distance_matrix,
                   "CSV of road distances and times between logistics nodes (from_node_id,to_node_id,distance_m,"
                   "duration_s) that replace the estimates when planning routes")
      ->check(CLI::ExistingFile);
  serve
      ->add_option("--public-url", config.public_url,
                   "scheme and host the platform is reached at from outside (https://trace.example.cn): the GS1 "
                   "Digital Link URIs on printed codes start with it")
      ->envname("LONGNAN_PUBLIC_URL")
      ->capture_default_str();
  double checkpoint_s = 60;
  serve
      ->add_option("--checkpoint-seconds", checkpoint_s,
                   "how often the traceability log's checkpoint is signed when the log has grown")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  serve
      ->add_option("--osrm-url", config.osrm_url,
                   "an OSRM server (http://host:port) whose table service gives road distances and times for the "
                   "pairs the distance matrix lacks")
      ->envname("LONGNAN_OSRM_URL");
  serve
      ->add_option("--sandbox-secret", config.sandbox_secret,
                   "key the sandbox payment provider signs its notifications with (default: derived from the key file)")
      ->envname("LONGNAN_SANDBOX_SECRET");
  int list_cache_s = 60;
  serve
      ->add_option("--list-cache-seconds", list_cache_s,
                   "how long a public product listing page is served from memory (0: off)")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  int header_timeout_s = 10, body_timeout_s = 30;
  serve->add_option("--header-timeout", header_timeout_s, "seconds a client has to send a request's headers")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  serve->add_option("--body-timeout", body_timeout_s, "seconds a client has to send a request's body")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();

  auto* migrate = cli.add_subcommand("migrate", "apply database migrations and load reference data");
  add_storage_options(migrate, config);

  auto* demo = cli.add_subcommand("demo-data",
                                  "load Longnan's divisions, products and generated demo data into an empty database");
  add_storage_options(demo, config);

  auto* import = cli.add_subcommand(
      "import", "import households, producers or products of one county from CSV or XLSX (all rows or none)");
  add_storage_options(import, config);
  std::string import_kind, import_file, import_county;
  import->add_option("kind", import_kind, "households, producers or products")
      ->required()
      ->check(CLI::IsMember({"households", "producers", "products"}));
  import->add_option("file", import_file, "a .csv or .xlsx file, header row first")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("--county", import_county, "county code, e.g. 621221 for 成县")->required();

  auto* add_user = cli.add_subcommand(
      "add-user",
      "create an account, e.g. the first county admin; the password comes from LONGNAN_PASSWORD or standard input");
  add_storage_options(add_user, config);
  std::string user_phone, user_name, user_role, user_county;
  add_user->add_option("--phone", user_phone, "mobile number the user logs in with")->required();
  add_user->add_option("--name", user_name, "display name")->required();
  add_user->add_option("--role", user_role, "county_admin, city_admin, auditor, courier or buyer")->required();
  add_user->add_option("--county", user_county, "county code for county roles, e.g. 621221");

  auto* ledger = cli.add_subcommand("ledger", "the payout ledger");
  auto* ledger_check = ledger->add_subcommand(
      "check", "reconcile the ledger with payments and refunds to the fen (exit 1 when it does not)");
  add_storage_options(ledger_check, config);
  ledger->require_subcommand(1);

  // trace verify / cosign: the tamper-evident log of traceability events.
  auto* trace = cli.add_subcommand("trace", "the traceability log");
  auto* trace_verify = trace->add_subcommand(
      "verify",
      "recompute the log from the stored events and check it against its latest signed checkpoint; names "
      "the first altered, missing or reordered event (exit 1)");
  add_storage_options(trace_verify, config);
  trace_verify->add_option("--public-url", config.public_url, "the URL the server was given (names the log)")
      ->envname("LONGNAN_PUBLIC_URL")
      ->capture_default_str();
  auto* trace_cosign =
      trace->add_subcommand("cosign",
                            "sign a server's latest checkpoint with an auditor's own key; prints what to POST to "
                            "/api/v1/trace/checkpoints/{id}/cosign");
  std::string cosign_url, cosign_seed_file;
  trace_cosign->add_option("--server", cosign_url, "the server, e.g. http://127.0.0.1:8080")->required();
  trace_cosign->add_option("--key-file", cosign_seed_file, "the auditor's key (made on first use, kept private)")
      ->required();
  trace->require_subcommand(1);

  // route solve: plans vehicle routes for a Solomon/Gehring–Homberger (.txt) or JSON (.json) problem file.
  auto* route = cli.add_subcommand("route", "vehicle route planning");
  route->require_subcommand(1);
  auto* route_solve =
      route->add_subcommand("solve", "plan routes for a Solomon/Gehring-Homberger .txt or a JSON problem file");
  std::string route_file, route_out;
  longnan::routing::SolveOptions route_options;
  route_solve->add_option("file", route_file, "problem file")->required()->check(CLI::ExistingFile);
  route_solve->add_option("--time-limit", route_options.time_limit_s, "seconds to search")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  route_solve->add_option("--seed", route_options.seed, "random seed (same seed, same plan)")->capture_default_str();
  route_solve->add_option("--threads", route_options.threads, "independent searches; the best plan wins")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  route_solve->add_option("--out", route_out, "write the plan as JSON: routes of customer ids, distance, vehicles");
  auto solve_route = [&]() -> int {
    auto problem = longnan::routing::read_problem(route_file);
    if (!problem) return fail(problem.error().message);
    auto result = longnan::routing::solve(*problem, route_options);
    if (!result.unassigned.empty())
      return fail(route_file + ": " + std::to_string(result.unassigned.size()) + " job(s) fit in no route, e.g. job " +
                  problem->jobs[result.unassigned[0]].id + " (too few vehicles for the windows and capacities)");
    auto violations = longnan::routing::check(*problem, result.plan);
    if (!violations.empty())
      return fail(route_file + ": internal error, the plan breaks a rule: " + violations[0].message);
    std::printf("%s: %d vehicles, distance %.2f, %.2f s\n", route_file.c_str(),
                longnan::routing::used_vehicles(result.plan),
                longnan::routing::reported_distance(*problem, result.plan), result.seconds);
    if (!route_out.empty()) {
      std::ofstream out(route_out, std::ios::binary | std::ios::trunc);
      out << longnan::routing::plan_to_json(*problem, result.plan) << "\n";
      if (!out.flush()) return fail(route_out + ": cannot write the plan");
    }
    return 0;
  };

  auto* routes =
      cli.add_subcommand("routes", "print every HTTP route (METHOD PATTERN), e.g. to check the API description");

  auto* version = cli.add_subcommand("version", "print the version");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return cli.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return cli.exit(help);
  } catch (const CLI::ParseError& error) {
    return fail(std::string(error.what()) + " (run longnan --help)");
  }

  auto level = spdlog::level::from_str(log_level);
  if (level == spdlog::level::off && log_level != "off") return fail("unknown log level " + log_level);
  spdlog::set_level(level);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");

  if (version->parsed()) {
    std::cout << "longnan " << LONGNAN_VERSION << "\n";
    return 0;
  }
  if (route_solve->parsed()) return solve_route();
  try {
    longnan::core::init_crypto();
    if (routes->parsed()) {
      for (const auto& route : longnan::app::route_table()) std::cout << route << "\n";
      return 0;
    }
    if (migrate->parsed()) {
      longnan::app::App app(config);
      std::cout << "schema version " << app.database().schema_version() << "\n";
      return 0;
    }
    if (demo->parsed()) {
      longnan::app::App app(config);
      auto summary = longnan::app::load_demo_data(app.database(), app.cipher(), app.clock().now_ms());
      if (summary.already_present)
        std::cout << "demo data present already; nothing changed\n";
      else
        std::cout << "loaded " << summary.households << " households, " << summary.stores << " stores, "
                  << summary.producers << " producers, " << summary.products << " products, " << summary.users
                  << " demo accounts, " << summary.logistics_nodes << " logistics nodes, " << summary.lots
                  << " lots with their histories\n";
      return 0;
    }
    if (import->parsed()) {
      longnan::app::App app(config);
      auto result = longnan::app::import_file(app, import_kind, import_file, import_county);
      for (const auto& error : result.errors)
        std::cerr << import_file << ": row " << error.row << ": " << error.field << ": " << error.message << "\n";
      if (!result.errors.empty())
        return fail(std::to_string(result.errors.size()) + " row(s) have errors; nothing was imported");
      std::cout << "imported " << result.imported << " " << import_kind << "\n";
      return 0;
    }
    if (ledger_check->parsed()) {
      longnan::app::App app(config);
      auto check = longnan::orders::check_ledger(app.database());
      std::cout << "payments " << check.payments_fen << " fen, refunds " << check.refunds_fen << " fen, ledger "
                << check.ledger_fen << " fen in " << check.entries << " entries\n";
      for (const auto& problem : check.problems) std::cerr << problem << "\n";
      if (!check.problems.empty())
        return fail(std::to_string(check.problems.size()) + " problem(s): the ledger does not reconcile");
      std::cout << "the ledger reconciles\n";
      return 0;
    }
    if (trace_verify->parsed()) {
      longnan::app::App app(config);
      auto report = longnan::trace::verify_log(app.database(), longnan::trace::log_origin(config.public_url),
                                               [](uint64_t events) { spdlog::debug("verified {} events", events); });
      if (!report.problem.empty()) return fail(report.problem);
      std::cout << "the log of " << report.events << " events is whole"
                << (report.checkpoint.empty() ? " (no checkpoint signed yet)" : " and matches its " + report.checkpoint)
                << "\n";
      return 0;
    }
    if (trace_cosign->parsed()) return cosign_checkpoint(cosign_url, cosign_seed_file);
    if (add_user->parsed()) {
      std::string password;
      if (const char* from_env = std::getenv("LONGNAN_PASSWORD"))
        password = from_env;
      else
        std::getline(std::cin, password);
      longnan::app::App app(config);
      auto id = longnan::app::add_user(app, user_phone, user_name, user_role, user_county, password);
      if (!id) return fail(id.error().message);
      std::cout << "created user " << *id << " (" << user_role << ")\n";
      return 0;
    }
    if (serve->parsed()) {
      config.list_cache_ms = int64_t{list_cache_s} * 1000;
      config.checkpoint_interval_ms = static_cast<int64_t>(checkpoint_s * 1000);
      config.pay_timeout_ms = int64_t{pay_timeout_s} * 1000;
      config.complete_after_ms = static_cast<int64_t>(auto_complete_days * 24 * 3600 * 1000);
      longnan::app::App app(config);
      app.start_background();
      server_options.header_timeout = std::chrono::seconds(header_timeout_s);
      server_options.body_timeout = std::chrono::seconds(body_timeout_s);
      longnan::server::Server server(server_options, app.router(), app.metrics());
      server.run();
      return 0;
    }
  } catch (const longnan::db::DbError& error) {
    return fail(error.what());
  } catch (const std::exception& error) {
    return fail(error.what());
  }
  return 0;
}
