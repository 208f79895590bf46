// The trace store on both databases (PostgreSQL from LONGNAN_TEST_PG_URL, as for the
// storage tests): events found by their eventID's key, before and after SQLite merges the
// keys, identifiers an event names twice, and migration 16 applied under events recorded
// before it.
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
  const std::string seq_of_first = "(SELECT seq FROM trace_events WHERE event_id = :e)";
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_event_epcs WHERE seq = " + seq_of_first, {id}), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_event_transactions WHERE seq = " + seq_of_first, {id}), 1);

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

// One event with the eventID `id`, at `place`.
std::string one_event(const std::string& id, const std::string& place) {
  return R"({"type":"ObjectEvent","eventID":")" + id +
         R"(","eventTime":"2026-09-01T08:00:00+08:00","eventTimeZoneOffset":"+08:00","action":"OBSERVE",)"
         R"("epcList":["https://id.gs1.org/01/06901234567892/21/K1"],"readPoint":{"id":")" +
         place + R"("}})";
}

// Events are found by eventID whether SQLite has merged their keys into its sorted keys or
// they are among those recorded since (mirrored by each connection that looks): by the
// writer, which skips what was captured already, by readers, and by a connection that
// starts afresh. A capture rolled back leaves nothing behind in the writer's mirror.
TEST_P(TraceStoreTest, EventsAreFoundByEventIdBeforeAndAfterTheirKeysAreMerged) {
  const std::string merged = place_ + ":merged", recent = place_ + ":recent";
  ASSERT_TRUE(store(*database_, events_of(one_event(merged, place_))));
  bool did_merge = false;
  database_->write([&](db::Session& session) { did_merge = merge_event_keys(session, 1); });
  EXPECT_EQ(did_merge, GetParam() == "sqlite");
  database_->write([&](db::Session& session) { EXPECT_FALSE(merge_event_keys(session, 1)); });  // none since
  ASSERT_TRUE(store(*database_, events_of(one_event(recent, place_))));

  auto seq_of = [](db::Database& database, const std::string& id) {
    std::optional<int64_t> seq;
    database.with_session([&](db::Session& session) { seq = find_event(session, id); });
    return seq;
  };
  const auto merged_seq = seq_of(*database_, merged), recent_seq = seq_of(*database_, recent);
  ASSERT_TRUE(merged_seq && recent_seq);
  EXPECT_LT(*merged_seq, *recent_seq);
  EXPECT_FALSE(seq_of(*database_, place_ + ":never"));
  {
    auto fresh = db::Database::open(path_.empty() ? std::getenv("LONGNAN_TEST_PG_URL") : "sqlite:" + path_.string(), 1);
    EXPECT_EQ(seq_of(*fresh, merged), merged_seq);
    EXPECT_EQ(seq_of(*fresh, recent), recent_seq);
  }

  const int64_t events = count("SELECT COUNT(*) FROM trace_events", {});
  for (const auto& id : {merged, recent}) {
    auto again = store(*database_, events_of(one_event(id, place_)));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(count("SELECT COUNT(*) FROM trace_events", {}), events) << id;
    auto other = store(*database_, events_of(one_event(id, place_ + ":elsewhere")));
    ASSERT_FALSE(other) << id;
    EXPECT_EQ(other.error().code, core::ErrorCode::kConflict);
  }

  // Two captures in one transaction, the second mirroring the first's keys, then rolled back.
  const std::string undone = place_ + ":undone";
  auto status = database_->transaction([&](db::Session& session) -> core::Status {
    auto first = events_of(one_event(undone, place_));
    EXPECT_TRUE(store_events(session, first, std::nullopt, kNow));
    auto second = events_of(one_event(place_ + ":undone-too", place_));
    EXPECT_TRUE(store_events(session, second, std::nullopt, kNow));
    return core::conflict("changed my mind");
  });
  EXPECT_FALSE(status);
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_events", {}), events);
  ASSERT_TRUE(store(*database_, events_of(one_event(undone, place_))));
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_events", {}), events + 1);
  EXPECT_TRUE(seq_of(*database_, undone));
  // Recorded where the undone one was (SQLite gives it the same seq): and found there.
  ASSERT_TRUE(store(*database_, events_of(one_event(undone, place_))));
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_events", {}), events + 1);

  if (GetParam() == "sqlite") {
    database_->write([&](db::Session& session) { EXPECT_TRUE(merge_event_keys(session, 1)); });
    EXPECT_EQ(count("SELECT COUNT(*) FROM trace_event_keys", {}), events + 1);
    EXPECT_EQ(seq_of(*database_, recent), recent_seq);
    auto again = store(*database_, events_of(one_event(undone, place_)));
    ASSERT_TRUE(again);
    EXPECT_EQ(count("SELECT COUNT(*) FROM trace_events", {}), events + 1);
  }
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

// `longnan trace verify` over a log longer than the stretch of leaves (1,024) whose last
// recorded root it compares: it names the first event out of place inside a stretch, an
// event missing, and an event altered.
TEST(VerifyLogTest, NamesTheFirstReorderedMissingOrAlteredEventInALongLog) {
  const auto path =
      std::filesystem::temp_directory_path() / ("longnan-trace-verify-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  auto database = db::Database::open("sqlite:" + path.string(), 2);
  database->migrate({{16, fill_event_keys}});
  constexpr int kEvents = 2'100;
  for (int first = 0; first < kEvents; first += 100) {
    std::string list;
    for (int n = first; n < first + 100; ++n)
      list += std::string(list.empty() ? "" : ",") +
              R"({"type":"ObjectEvent","eventTime":"2026-09-01T08:00:00+08:00","eventTimeZoneOffset":"+08:00",)"
              R"("action":"OBSERVE","epcList":["https://id.gs1.org/01/06901234567892/21/V)" +
              std::to_string(n) + R"("]})";
    auto stored = store(*database, events_of(list));
    ASSERT_TRUE(stored) << stored.error().message;
  }
  const std::string origin = "localhost/trace";
  auto verify = [&] { return verify_log(*database, origin).problem; };
  auto change = [&](const std::string& sql) {
    auto status = database->transaction([&](db::Session& session) -> core::Status {
      session.exec(sql);
      return {};
    });
    ASSERT_TRUE(status.ok());
  };
  auto event_at = [&](int leaf) {
    std::string id;
    database->with_session([&](db::Session& session) {
      id = session.query_one("SELECT event_id FROM trace_events WHERE leaf = :l", {int64_t{leaf}})->text(0);
    });
    return id;
  };
  EXPECT_EQ(verify_log(*database, origin).events, static_cast<uint64_t>(kEvents));
  EXPECT_EQ(verify(), "");

  // Two events swapped inside the first stretch (each row keeps its leaf and the root
  // recorded for it): each still hashes to its recorded hash, but the tree departs from
  // the recorded roots at the first of them.
  const std::string id500 = event_at(500), id501 = event_at(501);
  auto swap = [&](int a, int b) {
    auto status = database->transaction([&](db::Session& session) -> core::Status {
      auto rows = session.query("SELECT leaf, event_id, id_key, hash, json FROM trace_events WHERE leaf IN (:a, :b)",
                                {int64_t{a}, int64_t{b}});
      for (size_t i = 0; i < 2; ++i) {
        const auto& other = rows[1 - i];
        session.exec("UPDATE trace_events SET event_id = :e, id_key = :k, hash = :h, json = :j WHERE leaf = :l",
                     {other.text(1), other.integer(2), other.text(3), other.text(4), rows[i].integer(0)});
      }
      return {};
    });
    ASSERT_TRUE(status.ok());
  };
  swap(500, 501);
  EXPECT_NE(verify().find("departs from its history at leaf 500 (event " + id501 + ")"), std::string::npos) << verify();
  swap(500, 501);
  EXPECT_EQ(verify(), "");

  // An event's content altered (its recorded hash left alone), in the third stretch.
  const std::string id2050 = event_at(2050);
  change("UPDATE trace_events SET json = replace(json, 'V2050', 'V9999') WHERE leaf = 2050");
  EXPECT_EQ(verify(), "event " + id2050 + " (leaf 2050) was altered: its content does not hash to its recorded hash");
  change("UPDATE trace_events SET json = replace(json, 'V9999', 'V2050') WHERE leaf = 2050");
  EXPECT_EQ(verify(), "");

  // An event deleted in the second stretch.
  const std::string id1501 = event_at(1501);
  change("DELETE FROM trace_event_epcs WHERE seq = (SELECT seq FROM trace_events WHERE leaf = 1500)");
  change("DELETE FROM trace_events WHERE leaf = 1500");
  EXPECT_EQ(verify(), "leaf 1500 is missing (the next stored is leaf 1501, event " + id1501 + ")");
  database.reset();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace longnan::trace
