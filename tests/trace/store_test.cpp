// The trace store on both databases (PostgreSQL from LONGNAN_TEST_PG_URL, as for the
// storage tests): events found by their eventID's key, identifiers an event names twice,
// and migration 16 applied under events recorded before it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "db/db.h"
#include "trace/epcis.h"
#include "trace/trace.h"

namespace longnan::trace {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

std::vector<Event> events_of(const std::string& event_list) {
  auto result = parse_document(
      R"({"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument",)"
      R"("schemaVersion":"2.0","creationDate":"2026-11-30T00:00:00Z","epcisBody":{"eventList":[)" +
      event_list + "]}}");
  EXPECT_FALSE(result.error) << result.error->message;
  return result.events;
}

// One event naming the same class twice, with the eventID `id`; and one identified by its hash.
std::string two_events(const std::string& id, const std::string& place) {
  return R"({"type":"ObjectEvent","eventID":")" + id +
         R"(",)"
         R"("eventTime":"2026-09-01T08:00:00+08:00","eventTimeZoneOffset":"+08:00","action":"OBSERVE",)"
         R"("quantityList":[{"epcClass":"https://id.gs1.org/01/06901234567892/10/L1","quantity":2},)"
         R"({"epcClass":"https://id.gs1.org/01/06901234567892/10/L1","quantity":3}],)"
         R"("bizTransactionList":[{"type":"po","bizTransaction":"urn:longnan:order:7"},)"
         R"({"type":"po","bizTransaction":"urn:longnan:order:7"}],"readPoint":{"id":")" +
         place +
         R"("}},)"
         R"({"type":"ObjectEvent","eventTime":"2026-09-01T09:00:00+08:00","eventTimeZoneOffset":"+08:00",)"
         R"("action":"OBSERVE","epcList":["https://id.gs1.org/01/06901234567892/21/A2"]})";
}

core::Result<std::vector<std::string>> store(db::Database& database, std::vector<Event> events) {
  core::Result<std::vector<std::string>> ids = std::vector<std::string>{};
  auto status = database.transaction([&](db::Session& session) -> core::Status {
    ids = store_events(session, events, std::nullopt, kNow);
    if (!ids) return ids.error();
    return {};
  });
  return ids;
}

class TraceStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "sqlite") {
      path_ = std::filesystem::temp_directory_path() / ("longnan-trace-store-" + std::to_string(::getpid()) + ".db");
      std::filesystem::remove(path_);
      url = "sqlite:" + path_.string();
    } else {
      const char* pg = std::getenv("LONGNAN_TEST_PG_URL");
      ASSERT_TRUE(pg) << "LONGNAN_TEST_PG_URL is not set: run the tests with `make test`";
      url = pg;
    }
    database_ = db::Database::open(url, 2);
    database_->migrate({{16, fill_event_keys}});
    // Other processes may share the PostgreSQL database: this test's events are its own
    // by their read point.
    place_ = "urn:longnan:test:" + GetParam() + ":" + std::to_string(::getpid()) + ":" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  void TearDown() override {
    database_.reset();
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  int64_t count(const std::string& sql, const std::vector<db::Value>& params) {
    int64_t value = 0;
    database_->with_session([&](db::Session& session) { value = session.scalar(sql, params); });
    return value;
  }
  std::unique_ptr<db::Database> database_;
  std::filesystem::path path_;
  std::string place_;
};

TEST_P(TraceStoreTest, AClassNamedTwiceIsIndexedOnceAndACaptureSentAgainChangesNothing) {
  const std::string id = place_ + ":event";
  auto first = store(*database_, events_of(two_events(id, place_)));
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 2u);
  const std::string seq_of_first = "(SELECT seq FROM trace_events WHERE id_key = :k AND event_id = :e)";
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_event_epcs WHERE seq = " + seq_of_first, {event_key(id), id}), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_event_transactions WHERE seq = " + seq_of_first, {event_key(id), id}), 1);

  const int64_t events = count("SELECT COUNT(*) FROM trace_events", {});
  auto again = store(*database_, events_of(two_events(id, place_)));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *first);
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_events", {}), events);

  // The same eventID with other content is a conflict, and nothing of the capture stays.
  auto other = store(*database_, events_of(two_events(id, place_ + ":elsewhere")));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_events", {}), events);
}

INSTANTIATE_TEST_SUITE_P(Backends, TraceStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// Migration 16 rebuilds SQLite's event tables and keys the events by eventID: applied to a
// database holding events (here: one migrated again, its keys cleared), it keeps every row
// and its seq, and the events are found by their eventID afterwards.
TEST(TraceStoreMigration, EventsRecordedBeforeAreFoundByTheirEventIdAfterIt) {
  auto path = std::filesystem::temp_directory_path() / ("longnan-trace-16-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  auto database = db::Database::open("sqlite:" + path.string(), 1);
  database->migrate({{16, fill_event_keys}});
  auto stored = store(*database, events_of(two_events("urn:longnan:test:16:event", "urn:longnan:test:16")));
  ASSERT_TRUE(stored) << stored.error().message;
  std::vector<db::Row> before;
  database->with_session([&](db::Session& session) {
    before = session.query("SELECT seq, leaf, event_id, hash FROM trace_events ORDER BY seq");
    // As the database stood before 16 (as far as this test looks).
    session.exec("UPDATE trace_events SET id_key = NULL");
    session.exec("DROP TABLE trace_scan_days");
    session.exec("DELETE FROM schema_migrations WHERE version = 16");
  });
  int steps = 0;
  EXPECT_EQ(database->migrate({{16,
                                [&](db::Session& session) {
                                  ++steps;
                                  fill_event_keys(session);
                                }}}),
            1);
  EXPECT_EQ(steps, 1);
  database->with_session([&](db::Session& session) {
    auto after = session.query("SELECT seq, leaf, event_id, hash FROM trace_events ORDER BY seq");
    ASSERT_EQ(after.size(), before.size());
    for (size_t i = 0; i < after.size(); ++i)
      for (size_t column = 0; column < 4; ++column) EXPECT_EQ(after[i].text(column), before[i].text(column));
    EXPECT_EQ(session.scalar("SELECT COUNT(*) FROM trace_events WHERE id_key IS NULL"), 0);
    EXPECT_EQ(session.scalar("SELECT COUNT(*) FROM trace_event_epcs"), 2);
    EXPECT_TRUE(session.query("PRAGMA foreign_key_check").empty());
  });
  auto again = store(*database, events_of(two_events("urn:longnan:test:16:event", "urn:longnan:test:16")));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *stored);
  // An applied version's step does not run again.
  EXPECT_EQ(database->migrate({{16, [&](db::Session&) { ++steps; }}}), 0);
  EXPECT_EQ(steps, 1);
  database.reset();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace longnan::trace
