// Storage tests, run on both SQLite and PostgreSQL. PostgreSQL comes from
// LONGNAN_TEST_PG_URL, which `make test` sets after starting a throwaway cluster; without
// it the PostgreSQL cases fail rather than skip.
#include "db/db.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <atomic>
#include <filesystem>
#include <thread>

namespace longnan::db {
namespace {

std::string url_for(const std::string& backend) {
  if (backend == "sqlite") {
    auto path = std::filesystem::temp_directory_path() / ("longnan-db-test-" + std::to_string(::getpid()) + ".db");
    return "sqlite:" + path.string();
  }
  const char* url = std::getenv("LONGNAN_TEST_PG_URL");
  return url ? url : "";
}

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url = url_for(GetParam());
    ASSERT_FALSE(url.empty()) << "LONGNAN_TEST_PG_URL is not set: run the tests with `make test`";
    database_ = Database::open(url, 2);
    database_->migrate();
    // ctest runs tests in parallel processes against one PostgreSQL database: each
    // process works on its own table.
    database_->with_session([&](Session& session) {
      session.exec("DROP TABLE IF EXISTS " + probe_);
      session.exec(translate_sql("CREATE TABLE " + probe_ + " (id {{pk}}, name TEXT UNIQUE, at BIGINT, ratio DOUBLE PRECISION)",
                                 session.dialect()));
    });
  }
  void TearDown() override {
    if (database_) database_->with_session([&](Session& session) { session.exec("DROP TABLE IF EXISTS " + probe_); });
  }
  // Statements below name the table "probe"; this maps it to the process's own table.
  std::string sql(std::string text) const { return text.replace(text.find("probe"), 5, probe_); }
  std::unique_ptr<Database> database_;
  std::string probe_ = "probe_" + std::to_string(::getpid());
};

TEST(Migrations, ConcurrentStartsOnOneDatabaseDoNotRace) {
  const char* url = std::getenv("LONGNAN_TEST_PG_URL");
  ASSERT_TRUE(url) << "LONGNAN_TEST_PG_URL is not set: run the tests with `make test`";
  std::vector<std::thread> starts;
  std::atomic<int> failures{0};
  for (int server = 0; server < 4; ++server)
    starts.emplace_back([&] {
      try {
        Database::open(url, 1)->migrate();
      } catch (const std::exception&) {
        ++failures;
      }
    });
  for (auto& start : starts) start.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_P(DatabaseTest, MigrationsAreForwardOnlyAndIdempotent) {
  int version = database_->schema_version();
  EXPECT_GE(version, 1);
  EXPECT_EQ(database_->migrate(), 0);
  EXPECT_EQ(database_->schema_version(), version);
}

// Migration 0010 rebuilds SQLite's divisions table (to widen its CHECK) under rows that
// point at it: applied to a database holding such rows, it must keep them and keep the
// foreign keys enforced.
TEST(Migrations, DivisionsRebuildKeepsReferencingRowsAndForeignKeys) {
  auto path = std::filesystem::temp_directory_path() / ("longnan-rebuild-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  auto database = Database::open("sqlite:" + path.string(), 1);
  database->migrate();
  database->with_session([&](Session& session) {
    session.exec("INSERT INTO divisions (code, name, level, parent_code) VALUES ('621200', '陇南市', 'city', NULL)");
    session.exec("INSERT INTO divisions (code, name, level, parent_code) VALUES ('621221', '成县', 'county', '621200')");
    session.exec("INSERT INTO platforms (county_code, name, created_at) VALUES ('621221', '成县', 0)");
    // As the database stood before 0010.
    session.exec("DELETE FROM divisions WHERE level = 'province'");
    session.exec("DELETE FROM schema_migrations WHERE version IN (10, 11)");
  });
  EXPECT_EQ(database->migrate(), 2);
  database->with_session([&](Session& session) {
    EXPECT_EQ(session.scalar("SELECT COUNT(*) FROM platforms WHERE county_code = '621221'"), 1);
    EXPECT_EQ(session.scalar("SELECT COUNT(*) FROM divisions WHERE level = 'province'"), 31);
    EXPECT_EQ(session.query_one("SELECT parent_code FROM divisions WHERE code = '621200'")->text(0), "620000");
    EXPECT_TRUE(session.query("PRAGMA foreign_key_check").empty());
    EXPECT_THROW(session.exec("INSERT INTO platforms (county_code, name, created_at) VALUES ('999999', 'x', 0)"), DbError);
    EXPECT_THROW(session.exec("DELETE FROM divisions WHERE code = '621221'"), DbError);
    EXPECT_THROW(session.exec("INSERT INTO divisions (code, name, level) VALUES ('1', 'x', 'planet')"), DbError);
  });
  database.reset();
  std::filesystem::remove(path);
}

TEST_P(DatabaseTest, ValuesRoundTripIncludingLargeIntegersNullsAndUnicode) {
  database_->with_session([&](Session& session) {
    int64_t id = session.insert(sql("INSERT INTO probe (name, at, ratio) VALUES (:n, :a, :r) RETURNING id"),
                                {std::string("陇南 🌶"), int64_t{1796000000000}, 0.25});
    auto row = session.query_one(sql("SELECT id, name, at, ratio FROM probe WHERE id = :i"), {id});
    ASSERT_TRUE(row);
    EXPECT_EQ(row->integer(0), id);
    EXPECT_EQ(row->text(1), "陇南 🌶");
    EXPECT_EQ(row->integer(2), 1796000000000);
    EXPECT_DOUBLE_EQ(row->real(3), 0.25);
    session.exec(sql("INSERT INTO probe (name, at) VALUES (:n, :a)"), {Value(), Value()});
    auto null_row = session.query_one(sql("SELECT name, at FROM probe WHERE name IS NULL"));
    ASSERT_TRUE(null_row);
    EXPECT_TRUE(null_row->is_null(0));
    EXPECT_FALSE(null_row->optional_integer(1).has_value());
    EXPECT_EQ(session.scalar(sql("SELECT COUNT(*) FROM probe")), 2);
  });
}

TEST_P(DatabaseTest, TransactionRollsBackOnErrorAndOnException) {
  auto status = database_->transaction([&](Session& session) -> core::Status {
    session.exec(sql("INSERT INTO probe (name) VALUES ('kept out')"));
    return core::conflict("changed my mind");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_THROW(database_->transaction([&](Session& session) -> core::Status {
    session.exec(sql("INSERT INTO probe (name) VALUES ('thrown out')"));
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  database_->with_session([&](Session& session) { EXPECT_EQ(session.scalar(sql("SELECT COUNT(*) FROM probe")), 0); });
  EXPECT_TRUE(database_->transaction([&](Session& session) {
    session.exec(sql("INSERT INTO probe (name) VALUES ('committed')"));
    return core::Status();
  }).ok());
  database_->with_session([&](Session& session) { EXPECT_EQ(session.scalar(sql("SELECT COUNT(*) FROM probe")), 1); });
}

// Many callers at once (on SQLite their transactions share group commits): each one's
// failure rolls back only its own changes, a nested transaction is a savepoint, and every
// committed change is there when transaction() returns.
TEST_P(DatabaseTest, ConcurrentTransactionsAreIsolatedFromEachOthersFailures) {
  constexpr int kThreads = 16, kEach = 25;
  std::atomic<int> committed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string name = std::to_string(t) + "-" + std::to_string(i);
        try {
          auto status = database_->transaction([&](Session& session) -> core::Status {
            session.exec(sql("INSERT INTO probe (name) VALUES (:n)"), {name});
            if (i % 5 == 1) return core::conflict("refused");
            if (i % 5 == 2) throw std::runtime_error("thrown");
            if (i % 5 == 3) session.exec(sql("INSERT INTO probe (name) VALUES (:n)"), {name});  // unique violation
            // A nested transaction that fails leaves the outer one's change in place.
            auto inner = database_->transaction([&](Session& nested) -> core::Status {
              nested.exec(sql("INSERT INTO probe (name) VALUES (:n)"), {name + "-inner"});
              return core::conflict("inner refused");
            });
            EXPECT_FALSE(inner.ok());
            return core::Status();
          });
          if (status.ok()) {
            ++committed;
            database_->with_session([&](Session& session) {
              EXPECT_EQ(session.scalar(sql("SELECT COUNT(*) FROM probe WHERE name = :n"), {name}), 1);
            });
          }
        } catch (const std::exception&) {
        }
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(committed.load(), kThreads * kEach / 5 * 2);  // i % 5 == 0 or 4
  database_->with_session([&](Session& session) {
    EXPECT_EQ(session.scalar(sql("SELECT COUNT(*) FROM probe")), committed.load());
  });
}

TEST_P(DatabaseTest, UniqueViolationIsItsOwnError) {
  database_->with_session([&](Session& session) {
    session.exec(sql("INSERT INTO probe (name) VALUES ('once')"));
    EXPECT_THROW(session.exec(sql("INSERT INTO probe (name) VALUES ('once')")), UniqueViolation);
    EXPECT_THROW(session.exec(sql("SELECT no_such_column FROM probe")), DbError);
  });
}

TEST_P(DatabaseTest, PoolReportsConnections) {
  auto stats = database_->pool_stats();
  EXPECT_EQ(stats.size, 2u);
  EXPECT_EQ(stats.in_use, 0u);
  database_->with_session([&](Session&) { EXPECT_EQ(database_->pool_stats().in_use, 1u); });
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(Reconnect, AConnectionKilledByPostgresIsReopenedForTheNextLease) {
  const char* url = std::getenv("LONGNAN_TEST_PG_URL");
  ASSERT_TRUE(url) << "LONGNAN_TEST_PG_URL is not set: run the tests with `make test`";
  auto database = Database::open(url, 1);
  int64_t backend = 0;
  database->with_session([&](Session& session) { backend = session.scalar("SELECT pg_backend_pid()"); });
  Database::open(url, 1)->with_session(
      [&](Session& session) { session.exec("SELECT pg_terminate_backend(:p)", {backend}); });
  EXPECT_THROW(database->with_session([](Session& session) { session.scalar("SELECT 1"); }), DbError);
  int64_t answer = 0;
  database->with_session([&](Session& session) { answer = session.scalar("SELECT 41 + 1"); });
  EXPECT_EQ(answer, 42);
}

TEST(DatabaseOpen, BadUrlsFailWithOneReadableLine) {
  try {
    Database::open("mysql://nope", 1);
    FAIL();
  } catch (const DbError& error) {
    EXPECT_NE(std::string(error.what()).find("sqlite: or postgresql://"), std::string::npos);
  }
  try {
    Database::open("postgresql://127.0.0.1:1/nothing?connect_timeout=2", 1);
    FAIL();
  } catch (const DbError& error) {
    EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos);
  }
}

TEST(TranslateSql, ReplacesPrimaryKeyPlaceholder) {
  EXPECT_EQ(translate_sql("id {{pk}}, x", Dialect::kSqlite), "id INTEGER PRIMARY KEY AUTOINCREMENT, x");
  EXPECT_EQ(translate_sql("id {{pk}}", Dialect::kPostgres), "id BIGSERIAL PRIMARY KEY");
}

}  // namespace
}  // namespace longnan::db
