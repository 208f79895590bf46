// Numbered, forward-only migrations (migrations/NNNN_name.sql, compiled into the binary).
// Most are written once for both databases; where the two need different statements (SQLite
// cannot alter a constraint) a version comes as NNNN_name.sqlite.sql and NNNN_name.postgres.sql
// and each database runs its own.
#include <algorithm>
#include <chrono>
#include <span>
#include <string>

#include "core/embedded.h"
#include "db/db.h"

namespace longnan {
std::span<const core::EmbeddedFile> migration_files();  // generated, see src/db/CMakeLists.txt
}

namespace longnan::db {
namespace {

// Splits a migration into statements at semicolons that end a line. Migrations keep to
// that form (no semicolons at line ends inside strings or bodies).
std::vector<std::string> split_statements(const std::string& sql) {
  std::vector<std::string> statements;
  std::string current;
  size_t at = 0;
  while (at < sql.size()) {
    size_t end = sql.find('\n', at);
    if (end == std::string::npos) end = sql.size();
    std::string line = sql.substr(at, end - at);
    at = end + 1;
    std::string trimmed = line;
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\r')) trimmed.pop_back();
    if (trimmed.starts_with("--")) continue;
    current += trimmed + "\n";
    if (!trimmed.empty() && trimmed.back() == ';') {
      current.erase(current.find_last_of(';'));
      statements.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \n\t") != std::string::npos) statements.push_back(current);
  return statements;
}

int version_of(std::string_view name) { return std::stoi(std::string(name.substr(0, 4))); }

// Whether a migration file is for this database: NNNN_name.sql is for both.
bool for_dialect(std::string_view name, Dialect dialect) {
  if (name.ends_with(".sqlite.sql")) return dialect == Dialect::kSqlite;
  if (name.ends_with(".postgres.sql")) return dialect == Dialect::kPostgres;
  return true;
}

}  // namespace

int Database::schema_version() {
  int version = 0;
  with_session([&](Session& session) {
    try {
      version = static_cast<int>(session.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    } catch (const DbError&) {
      version = 0;  // no schema_migrations table yet
    }
  });
  return version;
}

int Database::migrate(const std::map<int, MigrationStep>& steps) {
  std::vector<core::EmbeddedFile> files;
  for (const auto& file : migration_files())
    if (for_dialect(file.name, dialect())) files.push_back(file);
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  int applied = 0;
  // One connection for the whole run. On PostgreSQL a session advisory lock makes servers
  // that start together take turns (even CREATE TABLE IF NOT EXISTS races there); SQLite
  // serialises writers by itself.
  with_session([&](Session& session) {
    const bool postgres = dialect() == Dialect::kPostgres;
    if (postgres) session.exec("SELECT pg_advisory_lock(20130621)");
    struct Unlock {
      Session& session;
      bool postgres;
      ~Unlock() {
        if (!postgres) return;
        try {
          session.exec("SELECT pg_advisory_unlock(20130621)");
        } catch (...) {
        }
      }
    } unlock{session, postgres};
    session.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at BIGINT NOT NULL)");
    for (const auto& file : files) {
      int version = version_of(file.name);
      begin(session);
      try {
        if (session.scalar("SELECT COUNT(*) FROM schema_migrations WHERE version = :v", {int64_t{version}}) == 0) {
          for (const auto& statement : split_statements(translate_sql(file.data, dialect()))) session.exec(statement);
          if (auto step = steps.find(version); step != steps.end()) step->second(session);
          session.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
                       {int64_t{version}, std::string(file.name),
                        static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::system_clock::now().time_since_epoch())
                                                 .count())});
          ++applied;
        }
        session.exec("COMMIT");
      } catch (...) {
        try {
          session.exec("ROLLBACK");
        } catch (...) {
        }
        throw;
      }
    }
  });
  return applied;
}

}  // namespace longnan::db
