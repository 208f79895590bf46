// The trace store alone, without HTTP: EPCIS documents of 100 events like bench/trace/load.mjs
// sends, validated and hashed, then stored DOCUMENTS_PER_COMMIT to a transaction (each in
// a savepoint, as the SQLite writer's group commit runs them) into a new SQLite database.
// Prints the time per event in validation and in the store. Deterministic enough to run
// under `valgrind --tool=callgrind` for instruction counts.
//
// usage: trace_store_bench [EVENTS=200000] [DOCUMENTS_PER_COMMIT=4] [DIRECTORY=/tmp]
//        trace_store_bench EVENTS DOCUMENTS_PER_COMMIT sqlite:FILE   (adds to that database and
//        keeps it: how a large log is made quickly for the server's benchmarks to start from)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "db/db.h"
#include "trace/epcis.h"
#include "trace/trace.h"

namespace {

// Document `batch`: 100 ObjectEvents about items of one GTIN (commissioning, shipping with a
// temperature reading, receiving), each with a purchase order.
std::string document_of(int64_t batch) {
  std::string events;
  for (int i = 0; i < 100; ++i) {
    const int64_t n = batch * 100 + i;
    const time_t seconds = 1767225600 + n;  // from 2026-01-01
    char time[32];
    std::strftime(time, sizeof time, "%Y-%m-%dT%H:%M:%S.000+00:00", std::gmtime(&seconds));
    const char* steps[] = {"commissioning", "shipping", "receiving"};
    const char* dispositions[] = {"active", "in_transit", "in_progress"};
    if (i) events += ',';
    events += std::string(R"({"type":"ObjectEvent","eventTime":")") + time +
              R"(","eventTimeZoneOffset":"+08:00","epcList":["https://id.gs1.org/01/06901234567892/21/B)" +
              std::to_string(n) + R"("],"action":")" + (n % 3 == 0 ? "ADD" : "OBSERVE") + R"(","bizStep":")" +
              steps[n % 3] + R"(","disposition":")" + dispositions[n % 3] +
              R"(","readPoint":{"id":"urn:longnan:village:6212211002)" + std::to_string(n % 90 + 10) +
              R"("},"bizTransactionList":[{"type":"po","bizTransaction":"urn:longnan:order:)" + std::to_string(n) +
              R"("}])";
    if (n % 3 == 1)
      events += std::string(R"(,"sensorElementList":[{"sensorMetadata":{"time":")") + time +
                R"("},"sensorReport":[{"type":"gs1:Temperature","value":4.5,"uom":"CEL"}]}])";
    events += '}';
  }
  return R"({"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",)"
         R"("schemaVersion":"2.0","creationDate":"2026-11-30T00:00:00Z","epcisBody":{"eventList":[)" +
         events + "]}}";
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace longnan;
  const int64_t events = argc > 1 ? std::stoll(argv[1]) : 200'000;
  const int64_t per_commit = argc > 2 ? std::stoll(argv[2]) : 4;
  const std::string target = argc > 3 ? argv[3] : "/tmp";
  const bool keep = target.starts_with("sqlite:");
  const std::filesystem::path directory =
      keep ? std::filesystem::path()
           : std::filesystem::path(target) / ("trace-store-bench-" + std::to_string(getpid()));
  if (!keep) std::filesystem::create_directories(directory);
  auto database = db::Database::open(keep ? target : "sqlite:" + (directory / "trace.db").string(), 2);
  database->migrate({{16, trace::fill_event_keys}});

  double validate_seconds = 0, store_seconds = 0, reported_seconds = 0;
  int64_t reported_events = 0;
  // A database kept from before gets documents it has not seen (an event sent again is
  // recorded once).
  int64_t skipped = 0;
  if (keep)
    database->with_session(
        [&](db::Session& session) { skipped = session.scalar("SELECT COUNT(*) FROM trace_events") / 100 + 1; });
  const int64_t documents = (events + 99) / 100;
  for (int64_t first = 0; first < documents; first += per_commit) {
    std::vector<std::vector<trace::Event>> parsed;
    auto start = std::chrono::steady_clock::now();
    for (int64_t batch = first; batch < std::min(documents, first + per_commit); ++batch) {
      auto result = trace::parse_document(document_of(skipped + batch));
      if (result.error) {
        std::fprintf(stderr, "document %lld: %s\n", static_cast<long long>(batch), result.error->message.c_str());
        return 1;
      }
      trace::prepare_events(result.events);
      parsed.push_back(std::move(result.events));
    }
    validate_seconds += seconds_since(start);
    start = std::chrono::steady_clock::now();
    auto status = database->transaction([&](db::Session&) -> core::Status {
      for (auto& document : parsed) {
        // Each document in a savepoint of its own, as the group commit runs captures.
        auto stored = database->transaction([&](db::Session& session) -> core::Status {
          auto ids = trace::store_events(session, document, std::nullopt, 1'800'000'000'000);
          if (!ids) return ids.error();
          return {};
        });
        if (!stored.ok()) return stored;
      }
      return {};
    });
    store_seconds += seconds_since(start);
    // How the store's time per event changes as the log grows: every tenth of the run.
    const int64_t done = std::min(documents, first + per_commit) * 100, tenth = std::max<int64_t>(events / 10, 1);
    if (done / tenth != (first * 100) / tenth) {
      std::printf("  %lld events: store %.1f µs/event over the last %lld\n", static_cast<long long>(done),
                  (store_seconds - reported_seconds) * 1e6 / (done - reported_events),
                  static_cast<long long>(done - reported_events));
      reported_seconds = store_seconds;
      reported_events = done;
    }
    if (!status.ok()) {
      std::fprintf(stderr, "store: %s\n", status.error().message.c_str());
      return 1;
    }
  }
  database.reset();
  if (!keep) std::filesystem::remove_all(directory);
  std::printf(
      "%lld events, %lld documents of 100 per commit: validation %.1f µs/event, store %.1f µs/event (%.0f events/s)\n",
      static_cast<long long>(events), static_cast<long long>(per_commit), validate_seconds * 1e6 / events,
      store_seconds * 1e6 / events, events / store_seconds);
}
